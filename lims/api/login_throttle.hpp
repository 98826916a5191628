// Slows down and then locks a key (a username at an address, an address, a username)
// after repeated failed password checks, so online password guessing gets a handful of
// tries per hour instead of thousands per second. The auth service keeps one per kind of
// key (auth_service.hpp), asks them before checking a password (a login's, or a
// signature's) and tells them the result.
//
// State is kept in memory on this node: a multi-node deployment gives an attacker one
// allowance per node (docs/operations.md). Unknown usernames are throttled exactly like
// real ones, so the answers do not reveal which accounts exist. A lock is never forgotten
// before it runs out, however many keys a flood brings.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace lims::api {

struct LoginThrottlePolicy {
    // OWASP Authentication Cheat Sheet ("login throttling", "account lockout"): a few free
    // attempts for typos, then exponential delay, then a temporary lock.
    int freeFailures = 5;
    std::chrono::seconds firstDelay{2};  // doubles with each further failure
    std::chrono::seconds maxDelay{60};
    int lockAfterFailures = 10;  // 0: never locks, only slows down
    std::chrono::seconds lockDuration{15 * 60};
    // Bound on remembered keys, so a flood of made-up names cannot exhaust memory: past it,
    // keys that are not locked are forgotten (locked ones stay until their lock runs out;
    // how many can be locked is bounded by the rate of password checks).
    std::size_t maxTracked = 100'000;
};

// One client address over every username: one password tried against many accounts is
// slowed after 20 failures and stopped for 15 minutes after 100. Generous, because the
// people of an office behind one NAT address share it.
inline LoginThrottlePolicy addressThrottlePolicy() {
    LoginThrottlePolicy p;
    p.freeFailures = 20;
    p.firstDelay = std::chrono::seconds(1);
    p.lockAfterFailures = 100;
    return p;
}

// One username over every address: guessing one account from many addresses is slowed,
// never locked (a lock anyone could set from anywhere would lock its holder out).
inline LoginThrottlePolicy usernameThrottlePolicy() {
    LoginThrottlePolicy p;
    p.freeFailures = 20;
    p.lockAfterFailures = 0;
    return p;
}

class LoginThrottle {
public:
    using Clock = std::chrono::system_clock;
    enum class Verdict { Allow, TooSoon, Locked };
    struct Decision {
        Verdict verdict = Verdict::Allow;
        std::chrono::seconds retryAfter{0};
    };

    explicit LoginThrottle(LoginThrottlePolicy policy = {});

    // Before a password is checked: may this key try now? (Keys are case-insensitive.)
    Decision check(const std::string& key, Clock::time_point now);
    // After a wrong password (or unknown user): what the caller should now be told.
    Decision recordFailure(const std::string& key, Clock::time_point now);
    void recordSuccess(const std::string& key);
    std::size_t tracked() const;

    const LoginThrottlePolicy& policy() const { return policy_; }

private:
    struct State {
        int failures = 0;
        Clock::time_point nextAttemptAt{};
        Clock::time_point lockedUntil{};
        Clock::time_point lastFailureAt{};
    };
    static std::string keyFor(const std::string& key);
    void forgetStale(Clock::time_point now);

    LoginThrottlePolicy policy_;
    mutable std::mutex mutex_;
    std::map<std::string, State> states_;
};

}  // namespace lims::api
