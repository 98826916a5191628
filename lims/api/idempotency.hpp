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
    enum class Claim { Fresh, Replay, DifferentRequest, InProgress };
    struct ClaimResult {
        Claim claim = Claim::Fresh;
        std::optional<Response> response;  // for Replay
    };
    virtual ~IdempotencyStore() = default;
    // Records (user, key, requestHash) as in progress unless the key is known.
    virtual ClaimResult claim(std::int64_t userId, const std::string& key, const std::string& requestHash) = 0;
    virtual void complete(std::int64_t userId, const std::string& key, const Response& response) = 0;
    virtual void release(std::int64_t userId, const std::string& key) = 0;
};

// Keys in memory for a day (Stripe and the IETF httpapi idempotency-key draft both keep
// keys at least 24 hours). Lost on restart and not shared between nodes: a store-backed
// implementation over an idempotency_keys table replaces it when that table exists.
class MemoryIdempotencyStore : public IdempotencyStore {
public:
    using Clock = std::chrono::steady_clock;
    explicit MemoryIdempotencyStore(std::chrono::seconds keep = std::chrono::hours(24),
                                    std::size_t maxKeys = 100'000);
    ClaimResult claim(std::int64_t userId, const std::string& key, const std::string& requestHash) override;
    void complete(std::int64_t userId, const std::string& key, const Response& response) override;
    void release(std::int64_t userId, const std::string& key) override;

private:
    struct Entry {
        std::string requestHash;
        std::optional<Response> response;
        Clock::time_point createdAt;
    };
    void expire(Clock::time_point now);
    std::chrono::seconds keep_;
    std::size_t maxKeys_;
    std::mutex mutex_;
    std::map<std::pair<std::int64_t, std::string>, Entry> entries_;
};

// The dispatcher hook. Only 2xx and 4xx answers are kept: a 5xx means nothing was done,
// so the retry should run again.
class IdempotentReplay : public RequestReplay {
public:
    explicit IdempotentReplay(IdempotencyStore& store) : store_(store) {}
    std::optional<Response> begin(const Request& request, const std::string& key) override;
    void commit(const Request& request, const std::string& key, const Response& response) override;
    void abandon(const Request& request, const std::string& key) override;

    // An Idempotency-Key is 1..255 visible ASCII characters (UUIDs in practice).
    static constexpr std::size_t kMaxKeyLength = 255;

private:
    IdempotencyStore& store_;
};

// SHA-256 over method, path and body: what "the same request" means.
std::string requestFingerprint(const Request& request);

}  // namespace lims::api
