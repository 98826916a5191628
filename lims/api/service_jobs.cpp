#include "lims/api/service_jobs.hpp"

#include <algorithm>
#include <exception>

namespace lims::api {

ServiceJobs::ServiceJobs(std::vector<PeriodicJob> jobs, Poco::Logger& logger) : logger_(logger) {
    for (auto& job : jobs) slots_.push_back(Slot{std::move(job), {}, 0});
}

ServiceJobs::~ServiceJobs() { stop(); }

void ServiceJobs::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable() || slots_.empty()) return;
    const auto now = std::chrono::steady_clock::now();
    for (auto& slot : slots_) slot.due = now;
    stopping_ = false;
    thread_ = std::thread([this] { loop(); });
}

void ServiceJobs::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::size_t ServiceJobs::runs(const std::string& name) const {
    std::lock_guard lock(mutex_);
    for (const auto& slot : slots_)
        if (slot.job.name == name) return slot.runs;
    return 0;
}

void ServiceJobs::loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        auto next = std::min_element(slots_.begin(), slots_.end(),
                                     [](const Slot& a, const Slot& b) { return a.due < b.due; });
        if (std::chrono::steady_clock::now() < next->due) {
            wake_.wait_until(lock, next->due);
            continue;  // re-check stopping_ and which job is due
        }
        Slot& slot = *next;
        lock.unlock();
        std::string outcome;
        bool ok = false;
        try {
            auto result = slot.job.run();
            ok = result.ok();
            outcome = ok ? *result : result.error().message;
        } catch (const std::exception& e) {
            outcome = std::string("threw: ") + e.what();
        }
        if (ok) {
            if (!outcome.empty()) logger_.information("%s: %s", slot.job.name, outcome);
        } else {
            logger_.error("%s failed (next try in %?d s): %s", slot.job.name,
                          static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(slot.job.period).count()),
                          outcome);
        }
        lock.lock();
        ++slot.runs;
        slot.due = std::chrono::steady_clock::now() + slot.job.period;
    }
}

}  // namespace lims::api
