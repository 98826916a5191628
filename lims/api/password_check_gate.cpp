#include "lims/api/password_check_gate.hpp"

#include <algorithm>

namespace lims::api {

PasswordCheckGate::PasswordCheckGate(PasswordCheckLimits limits) : limits_(limits) {
    limits_.concurrent = std::max<std::size_t>(limits_.concurrent, 1);
}

PasswordCheckGate::Ticket::~Ticket() {
    if (gate_) gate_->leave();
}

std::optional<PasswordCheckGate::Ticket> PasswordCheckGate::enter() {
    std::unique_lock lock(mutex_);
    if (running_ < limits_.concurrent) {
        ++running_;
        return Ticket(this);
    }
    if (waiting_ >= limits_.waiting) return std::nullopt;
    ++waiting_;
    const bool admitted =
        admitted_.wait_for(lock, limits_.maxWait, [this] { return running_ < limits_.concurrent; });
    --waiting_;
    if (!admitted) return std::nullopt;
    ++running_;
    return Ticket(this);
}

void PasswordCheckGate::leave() {
    {
        std::lock_guard lock(mutex_);
        --running_;
    }
    admitted_.notify_one();
}

std::size_t PasswordCheckGate::running() const {
    std::lock_guard lock(mutex_);
    return running_;
}

}  // namespace lims::api
