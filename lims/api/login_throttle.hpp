// Slows down and then locks an account after repeated failed logins, so online password
// guessing gets a handful of tries per hour instead of thousands per second. The auth
// service asks it before checking a password and tells it the result.
//
// State is per username and kept in memory on this node: a multi-node deployment gives an
// attacker one allowance per node (documented in README, API section). Unknown usernames
// are throttled exactly like real ones, so the answers do not reveal which accounts exist.
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
    int lockAfterFailures = 10;
    std::chrono::seconds lockDuration{15 * 60};
};

class LoginThrottle {
public:
    using Clock = std::chrono::system_clock;
    enum class Verdict { Allow, TooSoon, Locked };
    struct Decision {
        Verdict verdict = Verdict::Allow;
        std::chrono::seconds retryAfter{0};
    };

    explicit LoginThrottle(LoginThrottlePolicy policy = {});

    // Before a password is checked: may this username try now?
    Decision check(const std::string& username, Clock::time_point now);
    // After a wrong password (or unknown user): what the caller should now be told.
    Decision recordFailure(const std::string& username, Clock::time_point now);
    void recordSuccess(const std::string& username);

    const LoginThrottlePolicy& policy() const { return policy_; }

private:
    struct State {
        int failures = 0;
        Clock::time_point nextAttemptAt{};
        Clock::time_point lockedUntil{};
        Clock::time_point lastFailureAt{};
    };
    static std::string keyFor(const std::string& username);
    void forgetStale(Clock::time_point now);

    // Bound on remembered usernames, so a flood of made-up names cannot exhaust memory.
    static constexpr std::size_t kMaxTracked = 100'000;

    LoginThrottlePolicy policy_;
    std::mutex mutex_;
    std::map<std::string, State> states_;
};

}  // namespace lims::api
