// The Idempotency-Key convention for POSTs: the first request with a key runs and its
// response is kept; a retry with the same key and the same body gets that response again
// instead of doing the work twice; the same key with a different body is 422. Plugged
// into the dispatcher as its RequestReplay; keys are scoped per user.
#pragma once

#include "lims/api/dispatcher.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace lims::api {

// Where keys and first responses are kept.
class IdempotencyStore {
public:
    enum class Claim {
        Fresh,             // run the handler under `claim_id`
        Replay,            // `response` is the first request's answer
        DifferentRequest,  // the key was used for another request
        InProgress,        // another request holds the key now
        OutcomeLost,       // the holder's work was committed, its answer lost in a stop
    };
    struct ClaimResult {
        Claim claim = Claim::Fresh;
        std::optional<Response> response;  // for Replay
        std::string claim_id;              // for Fresh
        std::string committed_at;          // for OutcomeLost: when the work was committed
    };
    virtual ~IdempotencyStore() = default;
    // Records (user, key, requestHash) as in progress under a new claim id unless the key
    // is known. A claim still in progress past the lease was left by a request that
    // stopped (the service was killed): its key is taken over (Fresh) when its work was
    // never committed, or when `mode` is rerun; otherwise OutcomeLost.
    virtual ClaimResult claim(std::int64_t userId, const std::string& key, const std::string& requestHash,
                              KeyReplay mode) = 0;
    // Keeps the response of the request holding `claimId`; nothing when the key was taken over.
    virtual void complete(std::int64_t userId, const std::string& key, const std::string& claimId,
                          const Response& response) = 0;
    // Frees the key for a retry (a 5xx: nothing was done); nothing when it was taken over.
    virtual void release(std::int64_t userId, const std::string& key, const std::string& claimId) = 0;
    // Held while the handler runs: marks each of its write transactions as work done under
    // the claim, in that transaction (null when the store keeps nothing durable).
    virtual std::shared_ptr<void> track(std::int64_t userId, const std::string& key, const std::string& claimId) {
        (void)userId, (void)key, (void)claimId;
        return nullptr;
    }
};

// Keys in memory for a day (Stripe and the IETF httpapi idempotency-key draft both keep
// keys at least 24 hours). Lost on restart and not shared between nodes: for unit tests;
// the service uses StoreIdempotencyStore (store_idempotency.hpp).
class MemoryIdempotencyStore : public IdempotencyStore {
public:
    using Clock = std::chrono::steady_clock;
    explicit MemoryIdempotencyStore(std::chrono::seconds keep = std::chrono::hours(24),
                                    std::size_t maxKeys = 100'000);
    ClaimResult claim(std::int64_t userId, const std::string& key, const std::string& requestHash,
                      KeyReplay mode) override;
    void complete(std::int64_t userId, const std::string& key, const std::string& claimId,
                  const Response& response) override;
    void release(std::int64_t userId, const std::string& key, const std::string& claimId) override;

private:
    struct Entry {
        std::string requestHash;
        std::string claimId;
        std::optional<Response> response;
        Clock::time_point createdAt;
    };
    void expire(Clock::time_point now);
    std::chrono::seconds keep_;
    std::size_t maxKeys_;
    std::mutex mutex_;
    std::uint64_t claims_ = 0;
    std::map<std::pair<std::int64_t, std::string>, Entry> entries_;
};

// The dispatcher hook. Only 2xx and 4xx answers are kept: a 5xx means nothing was done,
// so the retry should run again.
class IdempotentReplay : public RequestReplay {
public:
    explicit IdempotentReplay(IdempotencyStore& store) : store_(store) {}
    Start begin(const Request& request, const std::string& key, KeyReplay mode) override;
    void commit(const Request& request, const std::string& key, const std::string& claim,
                const Response& response) override;
    void abandon(const Request& request, const std::string& key, const std::string& claim) override;

    // An Idempotency-Key is 1..255 visible ASCII characters (UUIDs in practice).
    static constexpr std::size_t kMaxKeyLength = 255;

private:
    IdempotencyStore& store_;
};

// SHA-256 over method, path and body: what "the same request" means.
std::string requestFingerprint(const Request& request);

}  // namespace lims::api
