#include "lims/workflow/documents/verification_limiter.hpp"

namespace lims::workflow::documents {

bool VerificationLimiter::allow(const std::string& client, Clock::time_point now, long* retry_after) {
    constexpr auto kWindow = std::chrono::minutes(1);
    std::lock_guard lock(mutex_);
    if (windows_.size() >= kMaxClients) {
        // Drop finished windows; if every window is live, start afresh rather than grow.
        for (auto it = windows_.begin(); it != windows_.end();)
            it = now - it->second.started >= kWindow ? windows_.erase(it) : std::next(it);
        if (windows_.size() >= kMaxClients) windows_.clear();
    }
    auto& w = windows_[client];
    if (w.used == 0 || now - w.started >= kWindow) {
        w.started = now;
        w.used = 0;
    }
    if (w.used >= per_minute_) {
        if (retry_after) {
            const auto left = std::chrono::duration_cast<std::chrono::seconds>(w.started + kWindow - now).count();
            *retry_after = left > 0 ? left : 1;
        }
        return false;
    }
    ++w.used;
    return true;
}

}  // namespace lims::workflow::documents
