// Migration 8 (issue 16 item 5): the case after the lead.
// - cases: a case filed (立案) from a case lead decided for filing, one per lead, held by the
//   lead's enforcement unit. Its decision clock (filed_at, the pauses, the one extension) is
//   stored as facts with the deadline they give (deadline_at, NULL while a pause stands);
//   risk-control measures, transfers to the police and the outcome are kept in the row as
//   JSON written by lims/store/case_repository.cpp. Every change is a new version: the
//   complete record goes to `revisions` (entity_type 'case') and the audit trail.
#include "lims/store/schema_parts.hpp"

namespace lims::store {

Migration migration_0008_cases() {
    Migration m{8, "cases filed from case leads: clocks, measures, transfer to the police, outcome", {}};
    auto both = [&](std::string sql) { m.steps.push_back({std::move(sql)}); };
    both(R"(CREATE TABLE cases (
  id {ID},
  number TEXT NOT NULL UNIQUE,
  lead_id BIGINT NOT NULL UNIQUE REFERENCES case_leads (id),
  assigned_org_id BIGINT NOT NULL REFERENCES organisations (id),
  state TEXT NOT NULL CHECK (state IN ('filed', 'transfer_proposed', 'transfer_approved', 'transferred', 'decided')),
  filed_at TEXT NOT NULL,
  filing_approval TEXT NOT NULL,
  deadline_at TEXT,
  deadline_provisional INTEGER NOT NULL DEFAULT 0 CHECK (deadline_provisional IN (0, 1)),
  extended_at TEXT,
  extension_reason TEXT,
  extension_approver TEXT,
  pauses_json TEXT NOT NULL DEFAULT '[]',
  measures_json TEXT NOT NULL DEFAULT '[]',
  transfers_json TEXT NOT NULL DEFAULT '[]',
  outcome_json TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL))");
    both("CREATE INDEX cases_org ON cases (assigned_org_id, id)");
    return m;
}

}  // namespace lims::store
