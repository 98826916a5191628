// Capped exponential backoff with full jitter for reconnecting to a device or a terminal
// server: every driver that dials out or reopens a port asks one of these how long to wait.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace drivers {

struct BackoffPolicy {
    std::chrono::milliseconds initial{500};
    std::chrono::milliseconds cap{30'000};  // a terminal server rebooting takes tens of seconds
    double factor = 2.0;
};

class Backoff {
public:
    explicit Backoff(BackoffPolicy policy = {}, std::uint64_t seed = std::random_device{}());
    // The next delay: uniformly random in [ceiling/2, ceiling], the ceiling growing by
    // `factor` per failure up to `cap`. Half the ceiling as a floor keeps a crowd of
    // loggers that lost the same switch from all retrying at once, yet still waiting.
    std::chrono::milliseconds next();
    void reset() noexcept { ceiling_ = policy_.initial; }
    std::chrono::milliseconds ceiling() const noexcept { return ceiling_; }

private:
    BackoffPolicy policy_;
    std::chrono::milliseconds ceiling_;
    std::mt19937_64 random_;
};

}  // namespace drivers
