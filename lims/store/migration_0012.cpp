// Migration 12 (issue 16 items 8 and 9): online sampling and on-site evidence.
// - sample_field_details: what the sampling record shows beside the label, recorded at
//   registration: the sampling stage (生产/经营/使用环节), the supplier, the stock on hand,
//   the sampled unit's contact, the purchase price of the sample and how it was paid
//   (药品管理法: samples are bought). One row per sample, at most.
// - sample_sampler_certificates: each sampler's enforcement certificate number (执法证号)
//   as shown on site, printed on the sampling record.
// - sample_online_purchases: a sample bought from an online shop (网络抽样): the platform
//   and its operator's credit code and region, the shop, its address (URL) and registered
//   region, the order number and the receiving address.
// - sample_deliveries: the parcel of an online purchase (carrier, tracking number, date
//   received); a correction is a new row, the newest one counts.
// - attachment_contents: the bytes of evidence files kept once by their SHA-256 (content
//   addressed; in the database so that one backup holds them, docs/operations.md);
//   attachments: who attached which content to which sample or case lead, and why.
// - notice_parties: for a notice of an online sample, which party's bureau it went to
//   (the shop's registered address, the platform's).
// All are facts: inserted, never updated or deleted (append-only guards as migration 1,
// BEFORE TRUNCATE on PostgreSQL as migration 3).
#include "lims/store/schema_parts.hpp"

namespace lims::store {

Migration migration_0012_online_sampling_and_evidence() {
    Migration m{12, "online sampling, purchase, field details and evidence attachments", {}};
    auto both = [&](std::string sql) { m.steps.push_back({std::move(sql)}); };

    both(R"(CREATE TABLE sample_field_details (
  sample_id BIGINT PRIMARY KEY REFERENCES samples (id),
  sampling_stage TEXT CHECK (sampling_stage IS NULL OR sampling_stage IN ('production', 'distribution', 'use')),
  supplier_name TEXT NOT NULL DEFAULT '',
  supplier_credit_code TEXT CHECK (supplier_credit_code IS NULL OR length(supplier_credit_code) = 18),
  stock_quantity TEXT,
  unit_contact_name TEXT NOT NULL DEFAULT '',
  unit_contact_phone TEXT NOT NULL DEFAULT '',
  purchase_price TEXT,
  payment_method TEXT CHECK (payment_method IS NULL OR payment_method IN
    ('cash', 'bank_card', 'wechat_pay', 'alipay', 'bank_transfer', 'platform_order')),
  payment_reference TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL))");
    both(R"(CREATE TABLE sample_sampler_certificates (
  sample_id BIGINT NOT NULL REFERENCES samples (id),
  user_id BIGINT NOT NULL REFERENCES users (id),
  certificate_number TEXT NOT NULL,
  PRIMARY KEY (sample_id, user_id)))");
    both(R"(CREATE TABLE sample_online_purchases (
  sample_id BIGINT PRIMARY KEY REFERENCES samples (id),
  platform_name TEXT NOT NULL,
  platform_operator_credit_code TEXT NOT NULL CHECK (length(platform_operator_credit_code) = 18),
  platform_region_code TEXT NOT NULL CHECK (length(platform_region_code) = 6),
  shop_name TEXT NOT NULL,
  shop_url TEXT NOT NULL,
  shop_region_code TEXT NOT NULL CHECK (length(shop_region_code) = 6),
  shop_address TEXT NOT NULL DEFAULT '',
  order_number TEXT NOT NULL,
  receiving_address TEXT NOT NULL,
  created_at TEXT NOT NULL))");
    both(R"(CREATE TABLE sample_deliveries (
  id {ID},
  sample_id BIGINT NOT NULL REFERENCES samples (id),
  carrier TEXT NOT NULL,
  tracking_number TEXT NOT NULL,
  received_on TEXT CHECK (received_on IS NULL OR length(received_on) = 10),
  note TEXT NOT NULL DEFAULT '',
  recorded_by BIGINT REFERENCES users (id),
  recorded_by_name TEXT NOT NULL,
  recorded_at TEXT NOT NULL))");
    both("CREATE INDEX sample_deliveries_sample ON sample_deliveries (sample_id, id)");
    both(R"(CREATE TABLE attachment_contents (
  sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
  media_type TEXT NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'application/pdf')),
  size BIGINT NOT NULL,
  bytes {BLOB} NOT NULL,
  created_at TEXT NOT NULL))");
    both(R"(CREATE TABLE attachments (
  id {ID},
  sample_id BIGINT REFERENCES samples (id),
  case_lead_id BIGINT REFERENCES case_leads (id),
  purpose TEXT NOT NULL CHECK (purpose IN ('on_site_photo', 'document', 'purchase_screenshot', 'payment_record',
                                           'receipt_photo', 'lead_evidence')),
  sha256 TEXT NOT NULL REFERENCES attachment_contents (sha256),
  file_name TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  uploaded_by BIGINT REFERENCES users (id),
  uploaded_by_name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  CHECK ((sample_id IS NULL) <> (case_lead_id IS NULL))))");
    both("CREATE INDEX attachments_sample ON attachments (sample_id, id)");
    both("CREATE INDEX attachments_case_lead ON attachments (case_lead_id, id)");
    both(R"(CREATE TABLE notice_parties (
  notice_id BIGINT NOT NULL REFERENCES notices (id),
  party TEXT NOT NULL CHECK (party IN ('online_shop', 'platform_operator')),
  region_code TEXT NOT NULL CHECK (length(region_code) = 6),
  PRIMARY KEY (notice_id, party)))");
    for (const char* table : {"sample_field_details", "sample_sampler_certificates", "sample_online_purchases",
                              "sample_deliveries", "attachment_contents", "attachments", "notice_parties"}) {
        for (auto& step : append_only_guard_steps(table)) m.steps.push_back(std::move(step));
        m.steps.push_back({std::string("CREATE TRIGGER ") + table + "_no_truncate BEFORE TRUNCATE ON " + table +
                               " FOR EACH STATEMENT EXECUTE FUNCTION lims_refuse_change()",
                           Dialect::postgresql});
    }
    return m;
}

}  // namespace lims::store
