// Migration 11 (issue 16 item 6): publication of nonconforming products (信息公开) and the
// national platform's sample numbers.
// - publication_lists: one row per version of a bureau's list of nonconforming products for
//   a period, made when it is produced (its entries are frozen then); a correction of a
//   released list is a new row naming the one it corrects (supersedes_list_id).
// - publication_list_entries: the list's rows as published, in order (DOMAIN.md: product,
//   labelled manufacturer, specification, batch, sampled unit, source, basis, result, the
//   failing items, the laboratory and the date).
// - publication_list_steps: the review (reviewed or returned) and the release of a list,
//   each once, by whom and when (the signature lies in signatures, entity_type
//   'publication_list'). The state of a list is read from its steps.
// - sample_platform_numbers: the sample number the national sampling platform gave a
//   sample (国家药品抽检信息系统 and its cosmetic and device siblings), one number per
//   platform used once ever; a correction is a new row naming the one it replaces.
// All four are facts: inserted, never updated or deleted (the append-only guards of
// migration 1, and BEFORE TRUNCATE on PostgreSQL as migration 3).
#include "lims/store/schema_parts.hpp"

namespace lims::store {

Migration migration_0011_publication_and_platform_numbers() {
    Migration m{11, "publication lists of nonconforming products; national platform sample numbers", {}};
    auto both = [&](std::string sql) { m.steps.push_back({std::move(sql)}); };

    both(R"(CREATE TABLE publication_lists (
  id {ID},
  number TEXT NOT NULL UNIQUE,
  org_id BIGINT NOT NULL REFERENCES organisations (id),
  period_from TEXT NOT NULL CHECK (length(period_from) = 10),
  period_to TEXT NOT NULL CHECK (length(period_to) = 10),
  list_version INTEGER NOT NULL DEFAULT 1 CHECK (list_version >= 1),
  supersedes_list_id BIGINT REFERENCES publication_lists (id),
  correction_reason TEXT NOT NULL DEFAULT '',
  withheld_json TEXT NOT NULL DEFAULT '[]',
  content_sha256 TEXT NOT NULL CHECK (length(content_sha256) = 64),
  created_by BIGINT NOT NULL REFERENCES users (id),
  created_by_name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  CHECK (period_from <= period_to)))");
    both("CREATE INDEX publication_lists_org ON publication_lists (org_id, id)");
    both(R"(CREATE TABLE publication_list_entries (
  list_id BIGINT NOT NULL REFERENCES publication_lists (id),
  seq INTEGER NOT NULL CHECK (seq >= 1),
  report_number TEXT NOT NULL,
  sample_number TEXT NOT NULL,
  product_name TEXT NOT NULL,
  manufacturer TEXT NOT NULL,
  specification TEXT NOT NULL,
  batch_number TEXT NOT NULL,
  sampled_unit TEXT NOT NULL,
  source TEXT NOT NULL,
  basis TEXT NOT NULL,
  result TEXT NOT NULL,
  failing_items TEXT NOT NULL,
  laboratory TEXT NOT NULL,
  report_date TEXT NOT NULL,
  PRIMARY KEY (list_id, seq)))");
    both(R"(CREATE TABLE publication_list_steps (
  id {ID},
  list_id BIGINT NOT NULL REFERENCES publication_lists (id),
  step TEXT NOT NULL CHECK (step IN ('reviewed', 'returned', 'released')),
  reason TEXT NOT NULL DEFAULT '',
  by_user_id BIGINT NOT NULL REFERENCES users (id),
  by_name TEXT NOT NULL,
  at_utc TEXT NOT NULL,
  UNIQUE (list_id, step)))");
    both(R"(CREATE TABLE sample_platform_numbers (
  id {ID},
  sample_id BIGINT NOT NULL REFERENCES samples (id),
  platform TEXT NOT NULL CHECK (platform IN ('nmpa_drug', 'nmpa_cosmetic', 'nmpa_device')),
  platform_number TEXT NOT NULL,
  replaces_id BIGINT UNIQUE REFERENCES sample_platform_numbers (id),
  reason TEXT NOT NULL DEFAULT '',
  recorded_by BIGINT NOT NULL REFERENCES users (id),
  recorded_by_name TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  UNIQUE (platform, platform_number)))");
    both("CREATE INDEX sample_platform_numbers_sample ON sample_platform_numbers (sample_id, platform, id)");
    for (const char* table :
         {"publication_lists", "publication_list_entries", "publication_list_steps", "sample_platform_numbers"}) {
        for (auto& step : append_only_guard_steps(table)) m.steps.push_back(std::move(step));
        m.steps.push_back({std::string("CREATE TRIGGER ") + table + "_no_truncate BEFORE TRUNCATE ON " + table +
                               " FOR EACH STATEMENT EXECUTE FUNCTION lims_refuse_change()",
                           Dialect::postgresql});
    }
    return m;
}

}  // namespace lims::store
