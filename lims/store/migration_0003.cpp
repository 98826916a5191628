// Migration 3 (issue 15):
// - Idempotency-Key claims survive a killed service: claim_id names the request holding
//   the key (random, per claim); work_committed_at is set inside each of that request's own
//   write transactions (store::WriteHook), so a claim left in progress tells whether its
//   work was committed: if not, a retry takes the key over once the claim is older than
//   the lease, and a later write of the original request finds the key taken and rolls
//   back (lims/app/store_idempotency.cpp).
// - PostgreSQL refuses TRUNCATE of the fact tables. Their row triggers refuse UPDATE and
//   DELETE (migration 1), but TRUNCATE fires no row trigger, so one statement could empty
//   the audit trail, the raw instrument messages or the readings. A statement trigger
//   BEFORE TRUNCATE closes that. SQLite has no TRUNCATE (DELETE without WHERE fires the row
//   triggers), so nothing changes there.
#include "lims/store/schema_parts.hpp"

namespace lims::store {

Migration migration_0003_idempotency_claims_and_truncate_guards() {
    Migration m{3, "idempotency claims; no TRUNCATE of fact tables (PostgreSQL)", {}};
    m.steps.push_back({"ALTER TABLE idempotency_keys ADD COLUMN claim_id TEXT"});
    m.steps.push_back({"ALTER TABLE idempotency_keys ADD COLUMN work_committed_at TEXT"});
    for (const char* table : {"audit_log", "audit_head", "raw_messages", "results", "result_reviews", "signatures",
                              "revisions", "readings"})
        m.steps.push_back({std::string("CREATE TRIGGER ") + table + "_no_truncate BEFORE TRUNCATE ON " + table +
                               " FOR EACH STATEMENT EXECUTE FUNCTION lims_refuse_change()",
                           Dialect::postgresql});
    return m;
}

}  // namespace lims::store
