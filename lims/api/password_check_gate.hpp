// A bound on how many password checks (Argon2id, ~19 MiB and tens of milliseconds each)
// run at once, so a flood of logins cannot occupy every HTTP thread and all the memory:
// a few run, a few more wait briefly, and the rest are told to come back (503 with
// Retry-After) at once. The auth service takes a ticket around each check.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>

namespace lims::api {

struct PasswordCheckLimits {
    // Argon2id with p = 1 keeps one core busy; a few more than the cores of a small
    // server keep them busy without queueing every HTTP thread (16 by default) behind it.
    std::size_t concurrent = 4;
    std::size_t waiting = 8;                  // beyond running + waiting: refused at once
    std::chrono::milliseconds maxWait{2000};  // a waiter not admitted by then is refused
};

class PasswordCheckGate {
public:
    // Held while one check runs; releasing it admits a waiter.
    class Ticket {
    public:
        explicit Ticket(PasswordCheckGate* gate) : gate_(gate) {}
        Ticket(Ticket&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
        Ticket(const Ticket&) = delete;
        Ticket& operator=(const Ticket&) = delete;
        Ticket& operator=(Ticket&&) = delete;
        ~Ticket();

    private:
        PasswordCheckGate* gate_;
    };

    explicit PasswordCheckGate(PasswordCheckLimits limits = {});

    // A ticket, or nullopt when the gate is full (the caller answers 503, Retry-After).
    std::optional<Ticket> enter();

    std::size_t running() const;
    const PasswordCheckLimits& limits() const { return limits_; }

private:
    void leave();

    PasswordCheckLimits limits_;
    mutable std::mutex mutex_;
    std::condition_variable admitted_;
    std::size_t running_ = 0;
    std::size_t waiting_ = 0;
};

}  // namespace lims::api
