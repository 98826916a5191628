#include "drivers/backoff.hpp"

#include <algorithm>

namespace drivers {

Backoff::Backoff(BackoffPolicy policy, std::uint64_t seed)
    : policy_(policy), ceiling_(policy.initial), random_(seed) {
    if (policy_.initial.count() <= 0) policy_.initial = std::chrono::milliseconds{1};
    if (policy_.cap < policy_.initial) policy_.cap = policy_.initial;
    if (policy_.factor < 1.0) policy_.factor = 1.0;
    ceiling_ = policy_.initial;
}

std::chrono::milliseconds Backoff::next() {
    const auto ceiling = ceiling_.count();
    std::uniform_int_distribution<long long> pick(ceiling / 2, ceiling);
    const auto delay = std::chrono::milliseconds{pick(random_)};
    const double grown = static_cast<double>(ceiling) * policy_.factor;
    ceiling_ = std::chrono::milliseconds{
        static_cast<long long>(std::min(grown, static_cast<double>(policy_.cap.count())))};
    return delay;
}

}  // namespace drivers
