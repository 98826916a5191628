// A per-client allowance for the public report check (GET /verify/...), which needs no
// login: a fixed number of checks per client address and minute, so that nobody can try
// hash prefixes at speed. Kept in memory per node; the document routes own one.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace lims::workflow::documents {

class VerificationLimiter {
public:
    using Clock = std::chrono::steady_clock;

    // A person scanning QR codes checks a few reports a minute; 30 leaves room for an
    // office behind one address while keeping prefix guessing (2^48 at the minimum) hopeless.
    static constexpr int kDefaultPerMinute = 30;
    // Addresses remembered at once; beyond this the oldest windows are dropped first.
    static constexpr std::size_t kMaxClients = 100'000;

    explicit VerificationLimiter(int per_minute = kDefaultPerMinute) : per_minute_(per_minute) {}

    // Whether `client` may check now; when not, *retry_after is the wait in whole seconds.
    bool allow(const std::string& client, Clock::time_point now, long* retry_after = nullptr);

private:
    struct Window {
        Clock::time_point started;
        int used = 0;
    };
    int per_minute_;
    std::mutex mutex_;
    std::unordered_map<std::string, Window> windows_;
};

}  // namespace lims::workflow::documents
