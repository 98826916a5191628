#include "lims/store/schema_parts.hpp"

namespace lims::store {

void add_review_tables(Migration& m) {
    // 复验: one application per sample (药品管理法实施条例 art. 54: the retained portion
    // is tested once). A late application is refused before anything is written, so every
    // row here was applied for in time; the deadline is kept to show it.
    m.steps.push_back({R"(CREATE TABLE reinspections (
  id {ID},
  sample_id BIGINT NOT NULL UNIQUE REFERENCES samples (id),
  original_report_id BIGINT NOT NULL REFERENCES reports (id),
  applicant_kind TEXT NOT NULL CHECK (applicant_kind IN ('sampled_unit', 'manufacturer')),
  applicant_entity_id BIGINT REFERENCES regulated_entities (id),
  applicant_name TEXT NOT NULL,
  report_received_at TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  deadline_at TEXT NOT NULL,
  deadline_provisional INTEGER,
  state TEXT NOT NULL CHECK (state IN ('in_testing', 'completed')),
  result_report_id BIGINT REFERENCES reports (id),
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL))"});
    m.steps.push_back({"CREATE INDEX case_leads_state ON case_leads (state, deadline_at)"});
    m.steps.push_back({"CREATE INDEX notices_due ON notices (state, due_at)"});
}

}  // namespace lims::store
