// The Idempotency-Key store over the database's idempotency_keys table: keys survive a
// restart and are shared by every node on the same database. `lims serve` and the test
// service plug it into IdempotentReplay; MemoryIdempotencyStore stays for unit tests.
#pragma once

#include "lims/api/idempotency.hpp"
#include "lims/store/database.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lims::app {

class StoreIdempotencyStore : public api::IdempotencyStore {
public:
    // Keys are kept a day, as MemoryIdempotencyStore does (see its note on the period).
    // A claim still in progress after `lease` was left by a request that stopped: no
    // request runs that long (a database wait gives up after its busy timeout, 10 s), and
    // one that did would find its key taken over at its next write and roll it back.
    explicit StoreIdempotencyStore(std::shared_ptr<store::Database> database,
                                   std::chrono::seconds keep = std::chrono::hours(24),
                                   std::chrono::seconds lease = std::chrono::seconds(60));

    // A database failure while claiming answers InProgress-like refusal: the caller gets a
    // problem rather than the work done twice. Completion and release failures are logged.
    ClaimResult claim(std::int64_t userId, const std::string& key, const std::string& requestHash,
                      api::KeyReplay mode) override;
    void complete(std::int64_t userId, const std::string& key, const std::string& claimId,
                  const api::Response& response) override;
    void release(std::int64_t userId, const std::string& key, const std::string& claimId) override;
    // A store::WriteHook: each write transaction of the handler sets work_committed_at on
    // its claim, and rolls back when the claim is no longer its own.
    std::shared_ptr<void> track(std::int64_t userId, const std::string& key, const std::string& claimId) override;

    // Removes keys older than the keep period; returns how many. Claims also replace
    // expired rows, so this only bounds the table's size.
    domain::Result<int> purgeExpired();

    // Claims whose release failed (the database was away), waiting to be let go.
    std::size_t pendingReleases() const {
        std::lock_guard lock(pending_mutex_);
        return pending_.size();
    }

private:
    struct PendingRelease {
        std::int64_t user_id;
        std::string key;
        std::string claim_id;
    };
    static constexpr std::size_t kMaxPendingReleases = 10000;
    bool try_release(const PendingRelease& claim);
    void retry_pending_releases();

    std::shared_ptr<store::Database> database_;
    std::chrono::seconds keep_;
    std::chrono::seconds lease_;
    mutable std::mutex pending_mutex_;
    std::vector<PendingRelease> pending_;
};

}  // namespace lims::app
