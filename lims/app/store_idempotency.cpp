#include "lims/app/store_idempotency.hpp"

#include "lims/store/sql.hpp"
#include "lims/store/transaction.hpp"
#include "lims/store/utc_time.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include <cstdio>
#include <random>
#include <sstream>
#include <stdexcept>

using namespace Poco::Data::Keywords;

namespace lims::app {

using api::IdempotencyStore;
using api::KeyReplay;
using api::Response;

namespace {

Poco::Logger& logger() { return Poco::Logger::get("lims.api.idempotency"); }

std::string headersJson(const std::vector<std::pair<std::string, std::string>>& headers) {
    Poco::JSON::Array a;
    for (const auto& [name, value] : headers) {
        Poco::JSON::Array pair;
        pair.add(name);
        pair.add(value);
        a.add(pair);
    }
    std::ostringstream s;
    a.stringify(s);
    return s.str();
}

std::vector<std::pair<std::string, std::string>> headersFrom(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;
    try {
        auto parsed = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < parsed->size(); ++i) {
            auto pair = parsed->getArray(static_cast<unsigned>(i));
            if (pair && pair->size() == 2) out.emplace_back(pair->getElement<std::string>(0), pair->getElement<std::string>(1));
        }
    } catch (const Poco::Exception& e) {
        logger().warning("stored response headers unreadable: %s", e.displayText());
    }
    return out;
}

// 128 random bits in hex: names one claim of a key, unique across nodes and restarts.
std::string newClaimId() {
    static thread_local std::mt19937_64 engine{[] {
        std::random_device device;
        std::seed_seq seed{device(), device(), device(), device()};
        return std::mt19937_64(seed);
    }()};
    char text[33];
    std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(engine()),
                  static_cast<unsigned long long>(engine()));
    return text;
}

}  // namespace

StoreIdempotencyStore::StoreIdempotencyStore(std::shared_ptr<store::Database> database, std::chrono::seconds keep,
                                             std::chrono::seconds lease)
    : database_(std::move(database)), keep_(keep), lease_(lease) {}

IdempotencyStore::ClaimResult StoreIdempotencyStore::claim(std::int64_t userId, const std::string& key,
                                                          const std::string& requestHash, KeyReplay mode) {
    retry_pending_releases();
    const auto wall = std::chrono::system_clock::now();
    const std::string expiredBefore = store::format_utc(wall - keep_);
    const std::string leaseBefore = store::format_utc(wall - lease_);
    const std::string claimId = newClaimId();
    auto result = database_->write([&](store::Transaction& tx) -> domain::Result<ClaimResult> {
        auto rows = store::sql(tx,
                               "SELECT request_hash, created_at, response_status, response_content_type, "
                               "response_headers, response_body, work_committed_at FROM idempotency_keys "
                               "WHERE user_id = $1 AND idem_key = $2",
                               {userId, key});
        const std::string at = tx.now_utc();
        if (rows.rows.empty()) {
            store::sql(tx,
                       "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, created_at, claim_id) "
                       "VALUES ($1, $2, $3, $4, $5)",
                       {userId, key, requestHash, at, claimId});
            return ClaimResult{Claim::Fresh, std::nullopt, claimId, {}};
        }
        const store::SqlRow& r = rows.rows.front();
        auto take_over = [&] {
            store::sql(tx,
                       "UPDATE idempotency_keys SET request_hash = $1, created_at = $2, claim_id = $3, "
                       "work_committed_at = NULL, response_status = NULL, response_content_type = NULL, "
                       "response_headers = NULL, response_body = NULL WHERE user_id = $4 AND idem_key = $5",
                       {requestHash, at, claimId, userId, key});
            return ClaimResult{Claim::Fresh, std::nullopt, claimId, {}};
        };
        const std::string createdAt = r.text(1);
        if (createdAt < expiredBefore) return take_over();
        if (r.text(0) != requestHash) return ClaimResult{Claim::DifferentRequest, std::nullopt, {}, {}};
        if (r.is_null(2)) {
            if (createdAt >= leaseBefore) return ClaimResult{Claim::InProgress, std::nullopt, {}, {}};
            // Left in progress by a request that stopped (the service was killed mid-request).
            const auto committed = r.optional_text(6);
            if (!committed || mode == KeyReplay::rerun) {
                logger().warning("idempotency key " + key + " of user " + std::to_string(userId) +
                                 ": taking over a claim left in progress since " + createdAt +
                                 (committed ? " (its work is idempotent: run again)" : " (its work never committed)"));
                return take_over();
            }
            return ClaimResult{Claim::OutcomeLost, std::nullopt, {}, *committed};
        }
        Response stored;
        stored.status = static_cast<int>(r.integer(2));
        stored.contentType = r.optional_text(3).value_or("");
        stored.headers = headersFrom(r.optional_text(4).value_or("[]"));
        stored.body = r.optional_text(5).value_or("");
        return ClaimResult{Claim::Replay, std::move(stored), {}, {}};
    });
    if (!result) {
        logger().error("idempotency claim failed: %s", result.error().message);
        // Doing the work without a claim could do it twice; refusing is the safe answer.
        return ClaimResult{Claim::InProgress, std::nullopt, {}, {}};
    }
    return *result;
}

void StoreIdempotencyStore::complete(std::int64_t userId, const std::string& key, const std::string& claimId,
                                     const Response& response) {
    auto done = database_->write([&](store::Transaction& tx) -> domain::Result<bool> {
        const std::string headers = headersJson(response.headers);
        store::sql(tx,
                   "UPDATE idempotency_keys SET response_status = $1, response_content_type = $2, "
                   "response_headers = $3, response_body = $4 WHERE user_id = $5 AND idem_key = $6 AND claim_id = $7",
                   {response.status, response.contentType, headers, response.body, userId, key, claimId});
        return true;
    });
    if (!done) logger().error("idempotency completion not stored: %s", done.error().message);
}

bool StoreIdempotencyStore::try_release(const PendingRelease& claim) {
    // Only a claim whose work never committed is let go: one whose COMMIT went through (the
    // answer was lost after it) stays, and is answered as its outcome lost past the lease.
    auto done = database_->write([&](store::Transaction& tx) -> domain::Result<bool> {
        store::sql(tx,
                   "DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2 AND claim_id = $3 "
                   "AND work_committed_at IS NULL",
                   {claim.user_id, claim.key, claim.claim_id});
        return true;
    });
    if (!done) logger().error("idempotency release failed: %s", done.error().message);
    return static_cast<bool>(done);
}

void StoreIdempotencyStore::release(std::int64_t userId, const std::string& key, const std::string& claimId) {
    PendingRelease claim{userId, key, claimId};
    if (try_release(claim)) return;
    // The database is away (the very reason a request fails with 503): the claim is let go
    // as soon as it is back, at this node's next claim, so the client's retry with the same
    // key is not answered "in progress" until the lease ends.
    std::lock_guard lock(pending_mutex_);
    if (pending_.size() < kMaxPendingReleases) pending_.push_back(std::move(claim));
}

void StoreIdempotencyStore::retry_pending_releases() {
    std::vector<PendingRelease> pending;
    {
        std::lock_guard lock(pending_mutex_);
        if (pending_.empty()) return;
        pending.swap(pending_);
    }
    std::vector<PendingRelease> still;
    for (auto& claim : pending) {
        if (!still.empty() || !try_release(claim)) still.push_back(std::move(claim));
    }
    if (still.empty()) return;
    std::lock_guard lock(pending_mutex_);
    for (auto& claim : still) {
        if (pending_.size() < kMaxPendingReleases) pending_.push_back(std::move(claim));
    }
}

std::shared_ptr<void> StoreIdempotencyStore::track(std::int64_t userId, const std::string& key,
                                                   const std::string& claimId) {
    return std::make_shared<store::WriteHook>([userId, key, claimId](store::Transaction& tx) {
        auto marked = store::sql(tx,
                                 "UPDATE idempotency_keys SET work_committed_at = $1 WHERE user_id = $2 AND "
                                 "idem_key = $3 AND claim_id = $4",
                                 {tx.now_utc(), userId, key, claimId});
        if (marked.changed == 0)
            throw std::runtime_error("the Idempotency-Key " + key +
                                     " was taken over by a retry of this request; this request's change is rolled back");
    });
}

domain::Result<int> StoreIdempotencyStore::purgeExpired() {
    const std::string expiredBefore = store::format_utc(std::chrono::system_clock::now() - keep_);
    return database_->write([&](store::Transaction& tx) -> domain::Result<int> {
        Poco::Data::Statement del(tx.session());
        del << "DELETE FROM idempotency_keys WHERE created_at < $1", bind(expiredBefore);
        return static_cast<int>(del.execute());
    });
}

}  // namespace lims::app
