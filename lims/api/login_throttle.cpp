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

std::string LoginThrottle::keyFor(const std::string& username) { return Poco::toLower(username); }

LoginThrottle::Decision LoginThrottle::check(const std::string& username, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = states_.find(keyFor(username));
    if (it == states_.end()) return {};
    const State& s = it->second;
    if (now < s.lockedUntil) return {Verdict::Locked, ceilSeconds(s.lockedUntil - now)};
    if (now < s.nextAttemptAt) return {Verdict::TooSoon, ceilSeconds(s.nextAttemptAt - now)};
    return {};
}

LoginThrottle::Decision LoginThrottle::recordFailure(const std::string& username, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (states_.size() >= kMaxTracked) forgetStale(now);
    State& s = states_[keyFor(username)];
    if (s.lockedUntil != Clock::time_point{} && now >= s.lockedUntil) s = State{};  // a served lock starts afresh
    ++s.failures;
    s.lastFailureAt = now;
    if (s.failures >= policy_.lockAfterFailures) {
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

void LoginThrottle::recordSuccess(const std::string& username) {
    std::lock_guard lock(mutex_);
    states_.erase(keyFor(username));
}

void LoginThrottle::forgetStale(Clock::time_point now) {
    // A username whose lock and delay have run out and that failed long ago carries no
    // information worth the memory.
    const auto horizon = policy_.lockDuration;
    for (auto it = states_.begin(); it != states_.end();) {
        const State& s = it->second;
        const bool stale = now >= s.lockedUntil && now >= s.nextAttemptAt && now - s.lastFailureAt > horizon;
        it = stale ? states_.erase(it) : std::next(it);
    }
    if (states_.size() >= kMaxTracked) states_.clear();  // under a flood, forget rather than grow
}

}  // namespace lims::api
