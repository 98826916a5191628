#include "lims/store/schema_parts.hpp"

namespace lims::store {

// The sampling workflow's own tables, beside the core samples/shipments/tasks tables:
// what the pack's label says (product and labelled manufacturer), the laboratory's receipt
// checklist and decision, the chain of custody, and messages sent back to an office.
void add_sampling_tables(Migration& m) {
    auto add = [&](std::string sql) { m.steps.push_back({std::move(sql)}); };

    // One row per sample, written at registration: the label as read on site.
    add(R"(CREATE TABLE sample_labels (
  sample_id BIGINT PRIMARY KEY REFERENCES samples (id),
  category TEXT NOT NULL,
  dosage_form TEXT NOT NULL DEFAULT '',
  specification TEXT NOT NULL DEFAULT '',
  approval_number TEXT NOT NULL DEFAULT '',
  manufacturer_name TEXT NOT NULL,
  manufacturer_credit_code TEXT NOT NULL CHECK (length(manufacturer_credit_code) = 18)))");

    // The receipt checklist and decision (one per receipt; a fact, never edited).
    // cold_chain_verdict is filled by the cold-chain hook (lims/workflow/sampling/receipt.hpp)
    // for refrigerated and frozen samples; NULL when the sample needs no cold chain.
    add(R"(CREATE TABLE sample_receipts (
  id {ID},
  sample_id BIGINT NOT NULL REFERENCES samples (id),
  shipment_id BIGINT REFERENCES shipments (id),
  lab_org_id BIGINT NOT NULL REFERENCES organisations (id),
  receiver_user_id BIGINT NOT NULL REFERENCES users (id),
  seals_intact INTEGER NOT NULL,
  seal_numbers_match INTEGER NOT NULL,
  labels_match INTEGER NOT NULL,
  quantity_matches INTEGER NOT NULL,
  package_condition TEXT NOT NULL CHECK (package_condition IN ('good', 'damaged', 'leaked', 'missing')),
  temperature_record_ok INTEGER,
  cold_chain_verdict TEXT,
  decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject')),
  reason TEXT NOT NULL DEFAULT '',
  received_at TEXT NOT NULL))");
    add("CREATE INDEX sample_receipts_sample ON sample_receipts (sample_id, id)");

    // The chain of custody: one row per transition of a sample, naming who did it, which
    // organisation held the sample afterwards, where, and the shipment it travelled in.
    add(R"(CREATE TABLE custody_events (
  id {ID},
  sample_id BIGINT NOT NULL REFERENCES samples (id),
  action TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  actor_user_id BIGINT REFERENCES users (id),
  actor TEXT NOT NULL,
  holder_org_id BIGINT NOT NULL REFERENCES organisations (id),
  place TEXT NOT NULL DEFAULT '',
  shipment_id BIGINT REFERENCES shipments (id),
  note TEXT NOT NULL DEFAULT '',
  at_utc TEXT NOT NULL))");
    add("CREATE INDEX custody_events_sample ON custody_events (sample_id, id)");

    // Messages to an office (a rejected sample and why): the office reads them by keyset.
    add(R"(CREATE TABLE office_notifications (
  id {ID},
  to_org_id BIGINT NOT NULL REFERENCES organisations (id),
  kind TEXT NOT NULL,
  sample_id BIGINT REFERENCES samples (id),
  message TEXT NOT NULL,
  created_at TEXT NOT NULL))");
    add("CREATE INDEX office_notifications_org ON office_notifications (to_org_id, id)");

    // Shipments: departure and arrival as recorded by people (sent_at/received_at exist in
    // the core table); a shipment's samples by sample for the laboratory's listing.
    add("CREATE INDEX shipments_to_org ON shipments (to_org_id, id)");
    add("CREATE INDEX plan_quotas_plan ON plan_quotas (plan_id, id)");
    add("CREATE INDEX tasks_plan ON tasks (plan_id, id)");
}

}  // namespace lims::store
