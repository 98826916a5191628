// Migration 13 (issue 17): an audit chain that does not serialise writers.
// Until now each write transaction appended its audit entries with their chain position
// and hashes, after locking the chain head (audit_head ... FOR UPDATE on PostgreSQL) until
// its COMMIT: every write of every node queued on one row. From now on:
// - audit_log keeps the entries (what was done, by whom, when); audit_log.seq becomes the
//   entry's number (PostgreSQL: from the sequence audit_log_entry_numbers; SQLite: the
//   next number, writers being serialised there). Its prev_hash and hash columns are kept
//   for the entries written before this migration and are '' for later ones.
// - audit_seals holds the chain: position seq (primary key), the entry it seals
//   (entry_seq, UNIQUE), prev_hash and hash, computed as before over the entry's canonical
//   text with seq = the chain position. Append-only like audit_log (row triggers, and
//   BEFORE TRUNCATE on PostgreSQL).
// - audit_pending is the PostgreSQL writers' queue of entries to seal (one row per
//   entry, deleted by the sealer once sealed); not a record of anything, so not guarded:
//   an entry taken off the queue unsealed is still found by `lims audit verify`.
// The entries already chained get their seals from their own columns (seq = entry number,
// the same prev_hash and hash), so they verify as before and the chain goes on from them.
#include "lims/store/schema_parts.hpp"

namespace lims::store {

Migration migration_0013_audit_seals() {
    Migration m{13, "audit chain sealed apart from the writers (audit_seals, audit_pending)", {}};
    auto both = [&](std::string sql) { m.steps.push_back({std::move(sql)}); };
    auto pg = [&](std::string sql) { m.steps.push_back({std::move(sql), Dialect::postgresql}); };

    both(R"(CREATE TABLE audit_seals (
  seq BIGINT PRIMARY KEY,
  entry_seq BIGINT NOT NULL UNIQUE,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL))");
    both("INSERT INTO audit_seals (seq, entry_seq, prev_hash, hash) SELECT seq, seq, prev_hash, hash FROM audit_log");
    both("CREATE TABLE audit_pending (entry_seq BIGINT PRIMARY KEY)");
    pg("CREATE SEQUENCE audit_log_entry_numbers");
    pg("DO $$ BEGIN PERFORM setval('audit_log_entry_numbers', (SELECT coalesce(max(seq), 0) + 1 FROM audit_log), "
       "false); END $$");
    for (auto& step : append_only_guard_steps("audit_seals")) m.steps.push_back(std::move(step));
    pg("CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals FOR EACH STATEMENT EXECUTE FUNCTION "
       "lims_refuse_change()");
    return m;
}

}  // namespace lims::store
