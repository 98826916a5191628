// Migration 5 (issue 19 item 3): cold-chain excursion rules are data.
// - excursion_rules holds every version of every rule an administrator set, append-only
//   (the guards of migration 1, no TRUNCATE on PostgreSQL): a rule for one storage unit
//   (scope storage_unit) or for a product class kept in a storage class (scope
//   product_class, e.g. vaccines kept refrigerated). A change is a new row with the next
//   version of its scope_key; the newest version is the one in force. Nothing is edited or
//   deleted; a rule withdrawn is a version with withdrawn = 1 (the next rule down applies).
// - storage_units.product_class: what the unit holds (products.category), so a product
//   class rule can reach it; empty: only the unit's own rule or the defaults.
// - excursions.rule_source / rule_version_id / rule_detail: which rule fired and why —
//   the WHO/GSP default of the storage class, the product class rule, or the unit's rule
//   (with its version), and the rule in words ("above 8.00 °C for 10 h in a row").
#include "lims/store/schema_parts.hpp"

namespace lims::store {

Migration migration_0005_excursion_rules() {
    Migration m{5, "excursion rules per storage unit and product class, versioned; excursions name their rule", {}};
    auto both = [&](std::string sql) { m.steps.push_back({std::move(sql)}); };

    both(R"(CREATE TABLE excursion_rules (
  id {ID},
  scope TEXT NOT NULL CHECK (scope IN ('storage_unit', 'product_class')),
  scope_key TEXT NOT NULL,
  storage_unit_id BIGINT REFERENCES storage_units (id),
  product_class TEXT CHECK (product_class IS NULL OR product_class IN ('drug', 'vaccine', 'biological', 'tcm_decoction_piece', 'cosmetic', 'device')),
  storage_class TEXT CHECK (storage_class IS NULL OR storage_class IN ('refrigerated', 'frozen', 'cool', 'ambient')),
  version BIGINT NOT NULL CHECK (version >= 1),
  withdrawn INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1)),
  min_centi_celsius INTEGER,
  max_centi_celsius INTEGER,
  alarm_confirmation_s BIGINT,
  recording_interval_s BIGINT,
  offline_alarm_after_s BIGINT,
  excursions TEXT NOT NULL DEFAULT '[]',
  reason TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  CHECK ((scope = 'storage_unit') = (storage_unit_id IS NOT NULL)),
  CHECK ((scope = 'product_class') = (product_class IS NOT NULL AND storage_class IS NOT NULL)),
  UNIQUE (scope_key, version)))");
    for (auto& step : append_only_guard_steps("excursion_rules")) m.steps.push_back(std::move(step));
    m.steps.push_back({"CREATE TRIGGER excursion_rules_no_truncate BEFORE TRUNCATE ON excursion_rules "
                       "FOR EACH STATEMENT EXECUTE FUNCTION lims_refuse_change()",
                       Dialect::postgresql});

    both("ALTER TABLE storage_units ADD COLUMN product_class TEXT CHECK (product_class IS NULL OR product_class IN "
         "('drug', 'vaccine', 'biological', 'tcm_decoction_piece', 'cosmetic', 'device'))");
    both("ALTER TABLE excursions ADD COLUMN rule_source TEXT NOT NULL DEFAULT 'default'");
    both("ALTER TABLE excursions ADD COLUMN rule_version_id BIGINT REFERENCES excursion_rules (id)");
    both("ALTER TABLE excursions ADD COLUMN rule_detail TEXT NOT NULL DEFAULT ''");
    return m;
}

}  // namespace lims::store
