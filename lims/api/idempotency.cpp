#include "lims/api/idempotency.hpp"

#include "lims/api/bearer_token.hpp"

namespace lims::api {

MemoryIdempotencyStore::MemoryIdempotencyStore(std::chrono::seconds keep, std::size_t maxKeys)
    : keep_(keep), maxKeys_(maxKeys) {}

IdempotencyStore::ClaimResult MemoryIdempotencyStore::claim(std::int64_t userId, const std::string& key,
                                                           const std::string& requestHash, KeyReplay) {
    // Nothing outlives the process here, so no claim is ever left by a stopped request.
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    if (entries_.size() >= maxKeys_) expire(now);
    const std::string claimId = std::to_string(++claims_);
    auto [it, inserted] = entries_.try_emplace({userId, key}, Entry{requestHash, claimId, std::nullopt, now});
    if (inserted) return {Claim::Fresh, std::nullopt, claimId, {}};
    if (now - it->second.createdAt > keep_) {
        it->second = Entry{requestHash, claimId, std::nullopt, now};
        return {Claim::Fresh, std::nullopt, claimId, {}};
    }
    if (it->second.requestHash != requestHash) return {Claim::DifferentRequest, std::nullopt, {}, {}};
    if (!it->second.response) return {Claim::InProgress, std::nullopt, {}, {}};
    return {Claim::Replay, it->second.response, {}, {}};
}

void MemoryIdempotencyStore::complete(std::int64_t userId, const std::string& key, const std::string& claimId,
                                      const Response& response) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find({userId, key});
    if (it != entries_.end() && it->second.claimId == claimId) it->second.response = response;
}

void MemoryIdempotencyStore::release(std::int64_t userId, const std::string& key, const std::string& claimId) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find({userId, key});
    if (it != entries_.end() && it->second.claimId == claimId) entries_.erase(it);
}

void MemoryIdempotencyStore::expire(Clock::time_point now) {
    for (auto it = entries_.begin(); it != entries_.end();) {
        it = now - it->second.createdAt > keep_ ? entries_.erase(it) : std::next(it);
    }
    // Still full of live keys: drop completed ones rather than grow without bound.
    for (auto it = entries_.begin(); entries_.size() >= maxKeys_ && it != entries_.end();) {
        it = it->second.response ? entries_.erase(it) : std::next(it);
    }
}

std::string requestFingerprint(const Request& request) {
    std::string text = request.method;
    text += '\n';
    text += request.path;
    text += '\n';
    text += request.body;
    return hashBearerToken(text);  // SHA-256 hex
}

namespace {
bool validKey(const std::string& key) {
    if (key.empty() || key.size() > IdempotentReplay::kMaxKeyLength) return false;
    for (char c : key) {
        if (c < 0x21 || c > 0x7E) return false;
    }
    return true;
}
std::int64_t userOf(const Request& r) { return r.principal ? r.principal->userId : 0; }
}  // namespace

RequestReplay::Start IdempotentReplay::begin(const Request& request, const std::string& key, KeyReplay mode) {
    Start start;
    if (!validKey(key)) {
        start.answer =
            Response::problem(problems::validation({{"Idempotency-Key", "must be 1 to 255 visible ASCII characters"}}));
        return start;
    }
    auto result = store_.claim(userOf(request), key, requestFingerprint(request), mode);
    switch (result.claim) {
        case IdempotencyStore::Claim::Fresh:
            start.claim = result.claim_id;
            start.scope = store_.track(userOf(request), key, result.claim_id);
            break;
        case IdempotencyStore::Claim::Replay:
            start.answer = std::move(*result.response).withHeader("Idempotent-Replayed", "true");
            break;
        case IdempotencyStore::Claim::DifferentRequest:
            start.answer = Response::problem(problems::idempotencyKeyReused());
            break;
        case IdempotencyStore::Claim::InProgress:
            start.answer = Response::problem(problems::idempotencyInProgress());
            break;
        case IdempotencyStore::Claim::OutcomeLost:
            start.answer = Response::problem(problems::idempotencyOutcomeLost(result.committed_at));
            break;
    }
    return start;
}

void IdempotentReplay::commit(const Request& request, const std::string& key, const std::string& claim,
                              const Response& response) {
    if (response.status >= 500) {
        store_.release(userOf(request), key, claim);
    } else {
        store_.complete(userOf(request), key, claim, response);
    }
}

void IdempotentReplay::abandon(const Request& request, const std::string& key, const std::string& claim) {
    store_.release(userOf(request), key, claim);
}

}  // namespace lims::api
