// Migration 7 (issue 16 item 4): service of documents (送达).
// - document_services: one row per document set sent to one recipient (the sampled unit,
//   the labelled manufacturer or MAH, or the manufacturer's bureau) by one method (in
//   person with a signed 送达回证, by post, electronically), made when the 送达回证 is
//   prepared. Its number is the one printed on the 送达回证.
// - document_service_proofs: the evidence that the documents reached the recipient (the
//   signed receipt, the postal tracking record, the electronic receipt) and the date of
//   service, recorded by the user who saw it. At most one per service.
// Both are facts: inserted, never updated or deleted (the append-only guards of migration
// 1, and BEFORE TRUNCATE on PostgreSQL as migration 3).
// - reinspections.window_service_id: the proven service the application window counted
//   from (NULL: counted from the receipt date the applicant stated).
#include "lims/store/schema_parts.hpp"

namespace lims::store {

Migration migration_0007_document_services() {
    Migration m{7, "service of documents (送达) with its evidence", {}};
    auto both = [&](std::string sql) { m.steps.push_back({std::move(sql)}); };

    both(R"(CREATE TABLE document_services (
  id {ID},
  number TEXT NOT NULL UNIQUE,
  report_id BIGINT NOT NULL REFERENCES reports (id),
  documents TEXT NOT NULL,
  recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('sampled_unit', 'manufacturer', 'manufacturer_bureau')),
  recipient_entity_id BIGINT REFERENCES regulated_entities (id),
  recipient_org_id BIGINT REFERENCES organisations (id),
  recipient_name TEXT NOT NULL,
  recipient_address TEXT NOT NULL DEFAULT '',
  method TEXT NOT NULL CHECK (method IN ('in_person', 'post', 'electronic')),
  serving_org_id BIGINT REFERENCES organisations (id),
  created_by BIGINT NOT NULL REFERENCES users (id),
  created_by_name TEXT NOT NULL,
  created_at TEXT NOT NULL))");
    both("CREATE INDEX document_services_report ON document_services (report_id, id)");
    both(R"(CREATE TABLE document_service_proofs (
  id {ID},
  service_id BIGINT NOT NULL UNIQUE REFERENCES document_services (id),
  served_on TEXT NOT NULL CHECK (length(served_on) = 10),
  evidence_kind TEXT NOT NULL CHECK (evidence_kind IN ('signed_receipt', 'postal_record', 'electronic_receipt')),
  evidence_reference TEXT NOT NULL,
  evidence_party TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  recorded_by BIGINT NOT NULL REFERENCES users (id),
  recorded_by_name TEXT NOT NULL,
  recorded_at TEXT NOT NULL))");
    for (const char* table : {"document_services", "document_service_proofs"}) {
        for (auto& step : append_only_guard_steps(table)) m.steps.push_back(std::move(step));
        m.steps.push_back({std::string("CREATE TRIGGER ") + table + "_no_truncate BEFORE TRUNCATE ON " + table +
                               " FOR EACH STATEMENT EXECUTE FUNCTION lims_refuse_change()",
                           Dialect::postgresql});
    }
    both("ALTER TABLE reinspections ADD COLUMN window_service_id BIGINT REFERENCES document_services (id)");
    return m;
}

}  // namespace lims::store
