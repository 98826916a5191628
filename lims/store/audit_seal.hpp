// Sealing the audit chain without serialising writers (issue 17, migration 13).
//
// A write transaction inserts its audit entries into audit_log itself (so an entity's
// history shows them as soon as the write commits); their place in the hash chain is given
// separately, in audit_seals (chain seq -> entry number, prev_hash, hash), by a seal:
//  - SQLite: writers are serialised by BEGIN IMMEDIATE, so append_audit_entries seals the
//    entries inline, in the writer's own transaction: no window at all.
//  - PostgreSQL: writers insert the entry (numbered from a sequence) and its row in the
//    queue audit_pending, and take no shared lock; a seal pass (seal_pending_audit) locks
//    the chain head, gives the committed queued entries the next chain positions in entry
//    order, and deletes them from the queue. Who runs the pass: in `lims serve`, the
//    AuditSealer of the one node holding the "audit.seal" job lock (JobLocks), woken by
//    this node's commits and every `tick`; in a process without a started sealer (CLI
//    commands, the gateway, tests), each committing transaction runs a pass on its own
//    session right after its COMMIT (Transaction::commit). Two passes at once are safe: the
//    second waits for the first's head lock and then finds the queue drained; audit_seals
//    has seq as primary key and entry_seq UNIQUE, so no entry is sealed twice and no
//    position given twice.
//
// Guarantee: an entry, once sealed, is covered by `lims audit verify` exactly as before
// (a changed, deleted or reordered sealed entry is named at its chain seq). Between its
// COMMIT and its seal (on PostgreSQL: normally under one tick, 200 ms) an entry is in the
// trail but not yet in the chain; verify lists such entries and counts them as a problem
// once they are older than audit_seal_overdue_after.
#pragma once

#include "lims/store/database.hpp"
#include "lims/store/job_locks.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace lims::store {

// An entry still unsealed this long after its time (the time of its transaction) is
// reported by verify as a problem: the sealer is not running, or the entry was added
// outside the application.
inline constexpr std::chrono::seconds audit_seal_overdue_after{60};

// The job lock name under which one node seals.
inline constexpr const char* audit_seal_job = "audit.seal";

// Seals committed, queued entries (at most `limit`) inside `tx`, a write transaction:
// locks audit_head (FOR UPDATE on PostgreSQL), gives each the next chain position in entry
// order, inserts its seal, deletes it from the queue, moves the head. Returns how many.
std::int64_t seal_pending_audit(Transaction& tx, std::int64_t limit = 1000);

// Seals everything queued now, in passes of `limit` (its own transactions). For
// `lims audit seal` and tests.
StoreResult<std::int64_t> seal_all_pending_audit(Database& db);

// Entries in audit_log that have no seal (committed but not yet sealed), as seen by `tx`.
struct AuditBacklog {
    std::int64_t unsealed = 0;
    std::int64_t first_entry = 0;  // lowest entry number among them (0 when none)
    std::string oldest_at;         // earliest entry time among them ("" when none)
    std::int64_t overdue = 0;      // how many are older than audit_seal_overdue_after
    std::int64_t first_overdue_entry = 0;
};
AuditBacklog audit_backlog(Transaction& tx, std::chrono::seconds overdue_after = audit_seal_overdue_after);
StoreResult<AuditBacklog> audit_backlog(Database& db);

// Called by Transaction::commit after a COMMIT that appended entries on PostgreSQL: wakes
// the started sealer of `db` and returns true, or returns false when there is none (the
// transaction then seals after itself).
bool poke_audit_sealer(const Database& db);

// The sealer of one `lims serve` node (see the top of this file).
class AuditSealer {
public:
    AuditSealer(std::shared_ptr<Database> database, std::shared_ptr<JobLocks> locks,
                std::chrono::milliseconds tick = std::chrono::milliseconds(200));
    ~AuditSealer();  // stops
    AuditSealer(const AuditSealer&) = delete;
    AuditSealer& operator=(const AuditSealer&) = delete;

    // Becomes the sealer of the database's commits in this process and starts the thread,
    // whose first pass seals what a crash left queued.
    void start();
    // Stops the thread; commits seal after themselves again.
    void stop();
    // Wakes the thread for a pass now (a commit queued entries).
    void poke();

    struct Pass {
        JobLocks::Claim claim = JobLocks::Claim::held;
        std::int64_t sealed = 0;
        std::string problem;  // the claim or the pass failed
    };
    // One pass on the calling thread: claims the job; when held, seals everything queued.
    Pass run_once();

    // For /metrics and tests.
    std::uint64_t passes() const { return passes_.load(); }
    std::uint64_t sealed() const { return sealed_.load(); }
    bool holding() const { return holding_.load(); }

private:
    void loop();

    std::shared_ptr<Database> database_;
    std::shared_ptr<JobLocks> locks_;
    std::chrono::milliseconds tick_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool poked_ = false;
    bool stopping_ = false;
    bool registered_ = false;
    std::thread thread_;
    std::atomic<std::uint64_t> passes_{0};
    std::atomic<std::uint64_t> sealed_{0};
    std::atomic<bool> holding_{false};
};

}  // namespace lims::store
