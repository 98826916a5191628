// Migration 9 (issue 16 item 3): re-inspection by the rules.
// - reinspection_laboratory_entries: the directory of re-inspection laboratories (复检机构名录)
//   per category (drug, cosmetic, device), kept as its history: each row lists or delists
//   one laboratory (an inspection centre) for one category, with the notice it rests on and
//   who recorded it. The directory is the latest entry of each laboratory and category.
// - reinspection_laboratory_draws: the random draw of a cosmetic's or device's
//   re-inspection laboratory (化妆品监督管理条例 第五十八条, 医疗器械监督管理条例 第七十五条):
//   the candidates in order, the original laboratory left out, the seed and the index
//   drawn, so anyone can recount it and see it was fair.
// Both are facts: inserted, never updated or deleted (append-only guards as migration 7).
// - reinspections: the laboratory that re-inspects and on what basis (the original one,
//   one designated by the higher bureau with its reference, or drawn), and the statutory
//   rule of the window with its citation as applied.
#include "lims/store/schema_parts.hpp"

namespace lims::store {

Migration migration_0009_reinspection_laboratories() {
    Migration m{9, "re-inspection laboratory directory and random draws", {}};
    auto both = [&](std::string sql) { m.steps.push_back({std::move(sql)}); };

    both(R"(CREATE TABLE reinspection_laboratory_entries (
  id {ID},
  organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  category TEXT NOT NULL CHECK (category IN ('drug', 'cosmetic', 'device')),
  action TEXT NOT NULL CHECK (action IN ('listed', 'delisted')),
  basis TEXT NOT NULL,
  recorded_by BIGINT NOT NULL REFERENCES users (id),
  recorded_by_name TEXT NOT NULL,
  recorded_at TEXT NOT NULL))");
    both("CREATE INDEX reinspection_laboratory_entries_lab ON reinspection_laboratory_entries (category, organisation_id, id)");
    both(R"(CREATE TABLE reinspection_laboratory_draws (
  id {ID},
  reinspection_id BIGINT NOT NULL UNIQUE REFERENCES reinspections (id),
  category TEXT NOT NULL CHECK (category IN ('cosmetic', 'device')),
  excluded_org_id BIGINT NOT NULL REFERENCES organisations (id),
  candidates TEXT NOT NULL,
  seed TEXT NOT NULL CHECK (length(seed) = 16),
  chosen_index INTEGER NOT NULL,
  chosen_org_id BIGINT NOT NULL REFERENCES organisations (id),
  drawn_by_name TEXT NOT NULL,
  drawn_at TEXT NOT NULL))");
    for (const char* table : {"reinspection_laboratory_entries", "reinspection_laboratory_draws"}) {
        for (auto& step : append_only_guard_steps(table)) m.steps.push_back(std::move(step));
        m.steps.push_back({std::string("CREATE TRIGGER ") + table + "_no_truncate BEFORE TRUNCATE ON " + table +
                               " FOR EACH STATEMENT EXECUTE FUNCTION lims_refuse_change()",
                           Dialect::postgresql});
    }
    both("ALTER TABLE reinspections ADD COLUMN laboratory_org_id BIGINT REFERENCES organisations (id)");
    both("ALTER TABLE reinspections ADD COLUMN laboratory_basis TEXT CHECK (laboratory_basis IN "
         "('original_laboratory', 'designated_by_higher_bureau', 'drawn_from_directory'))");
    both("ALTER TABLE reinspections ADD COLUMN laboratory_reference TEXT");
    both("ALTER TABLE reinspections ADD COLUMN rule_id TEXT");
    both("ALTER TABLE reinspections ADD COLUMN rule_citation TEXT");
    return m;
}

}  // namespace lims::store
