#include "lims/api/login_throttle.hpp"

#include <Poco/String.h>

#include <algorithm>

namespace lims::api {

namespace {
std::chrono::seconds ceilSeconds(LoginThrottle::Clock::duration d) {
    auto s = std::chrono::ceil<std::chrono::seconds>(d);
    return std::max(s, std::chrono::seconds(1));
}
}  // namespace

LoginThrottle::LoginThrottle(LoginThrottlePolicy policy) : policy_(policy) {}

std::string LoginThrottle::keyFor(const std::string& key) { return Poco::toLower(key); }

LoginThrottle::Decision LoginThrottle::check(const std::string& key, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = states_.find(keyFor(key));
    if (it == states_.end()) return {};
    const State& s = it->second;
    if (now < s.lockedUntil) return {Verdict::Locked, ceilSeconds(s.lockedUntil - now)};
    if (now < s.nextAttemptAt) return {Verdict::TooSoon, ceilSeconds(s.nextAttemptAt - now)};
    return {};
}

LoginThrottle::Decision LoginThrottle::recordFailure(const std::string& key, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (states_.size() >= policy_.maxTracked) forgetStale(now);
    State& s = states_[keyFor(key)];
    if (s.lockedUntil != Clock::time_point{} && now >= s.lockedUntil) s = State{};  // a served lock starts afresh
    ++s.failures;
    s.lastFailureAt = now;
    if (policy_.lockAfterFailures > 0 && s.failures >= policy_.lockAfterFailures) {
        s.lockedUntil = now + policy_.lockDuration;
        return {Verdict::Locked, ceilSeconds(policy_.lockDuration)};
    }
    if (s.failures >= policy_.freeFailures) {
        const int doublings = std::min(s.failures - policy_.freeFailures, 16);
        auto delay = std::min<std::chrono::seconds>(policy_.firstDelay * (1 << doublings), policy_.maxDelay);
        s.nextAttemptAt = now + delay;
        return {Verdict::TooSoon, delay};
    }
    return {};
}

void LoginThrottle::recordSuccess(const std::string& key) {
    std::lock_guard lock(mutex_);
    states_.erase(keyFor(key));
}

std::size_t LoginThrottle::tracked() const {
    std::lock_guard lock(mutex_);
    return states_.size();
}

void LoginThrottle::forgetStale(Clock::time_point now) {
    // A key whose lock and delay have run out and that failed long ago carries no
    // information worth the memory.
    const auto horizon = policy_.lockDuration;
    for (auto it = states_.begin(); it != states_.end();) {
        const State& s = it->second;
        const bool stale = now >= s.lockedUntil && now >= s.nextAttemptAt && now - s.lastFailureAt > horizon;
        it = stale ? states_.erase(it) : std::next(it);
    }
    if (states_.size() < policy_.maxTracked) return;
    // Under a flood, forget the keys that are not locked rather than grow; a lock stays
    // until it runs out (clearing it would hand a locked-out guesser a fresh allowance).
    for (auto it = states_.begin(); it != states_.end();)
        it = now >= it->second.lockedUntil ? states_.erase(it) : std::next(it);
}

}  // namespace lims::api
