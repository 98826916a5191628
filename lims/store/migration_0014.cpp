// Migration 14 (issue 16 item 3): the accepting department's decision not to accept a
// re-inspection application (不予受理) after it was recorded, with its reason.
// - reinspection_refusals: one row per refused application (reinspection_id UNIQUE: an
//   application is refused once), who decided (user and name as shown), when, and why.
//   A fact: inserted, never updated or deleted (append-only guards as migration 7), so the
//   application's row in reinspections is left as it was recorded; a refused application
//   is one with a refusal row (workflow/review/reinspection_refusal.hpp).
#include "lims/store/schema_parts.hpp"

namespace lims::store {

Migration migration_0014_reinspection_refusals() {
    Migration m{14, "re-inspection applications not accepted (不予受理) with their reasons", {}};
    m.steps.push_back({R"(CREATE TABLE reinspection_refusals (
  id {ID},
  reinspection_id BIGINT NOT NULL UNIQUE REFERENCES reinspections (id),
  sample_id BIGINT NOT NULL REFERENCES samples (id),
  reason TEXT NOT NULL CHECK (length(reason) > 0),
  refused_by BIGINT NOT NULL REFERENCES users (id),
  refused_by_name TEXT NOT NULL,
  refused_at TEXT NOT NULL))"});
    for (auto& step : append_only_guard_steps("reinspection_refusals")) m.steps.push_back(std::move(step));
    m.steps.push_back({"CREATE TRIGGER reinspection_refusals_no_truncate BEFORE TRUNCATE ON reinspection_refusals "
                       "FOR EACH STATEMENT EXECUTE FUNCTION lims_refuse_change()",
                       Dialect::postgresql});
    return m;
}

}  // namespace lims::store
