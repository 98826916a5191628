#include "lims/app/service_jobs.hpp"

#include <algorithm>
#include <exception>

namespace lims::app {

using api::Gauge;

ServiceJobs::ServiceJobs(std::vector<PeriodicJob> jobs, Poco::Logger& logger, JobClaim claim,
                         std::chrono::milliseconds skipRetry)
    : claim_(std::move(claim)), skipRetry_(skipRetry), logger_(logger) {
    for (auto& job : jobs) slots_.push_back(Slot{std::move(job), {}});
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

std::size_t ServiceJobs::skips(const std::string& name, JobTurn reason) const {
    std::lock_guard lock(mutex_);
    for (const auto& slot : slots_)
        if (slot.job.name == name)
            return reason == JobTurn::held_elsewhere ? slot.held_elsewhere
                   : reason == JobTurn::unavailable  ? slot.unavailable
                                                     : 0;
    return 0;
}

std::vector<Gauge> ServiceJobs::figures() const {
    std::lock_guard lock(mutex_);
    std::vector<Gauge> out;
    for (const auto& slot : slots_) {
        const std::string job = "job=\"" + slot.job.name + "\"";
        out.push_back({"lims_job_runs_total", "Rounds of a periodic job run on this node (successful or not).", job,
                       static_cast<double>(slot.runs), "counter"});
        out.push_back({"lims_job_failures_total", "Rounds of a periodic job on this node that failed.", job,
                       static_cast<double>(slot.failures), "counter"});
        out.push_back({"lims_job_skipped_total",
                       "Rounds of a periodic job this node skipped: another node holds it, or the claim failed.",
                       job + ",reason=\"held_elsewhere\"", static_cast<double>(slot.held_elsewhere), "counter"});
        out.push_back({"lims_job_skipped_total",
                       "Rounds of a periodic job this node skipped: another node holds it, or the claim failed.",
                       job + ",reason=\"unavailable\"", static_cast<double>(slot.unavailable), "counter"});
    }
    return out;
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
        if (claim_) {
            JobClaimOutcome claimed;
            try {
                claimed = claim_(slot.job.name);
            } catch (const std::exception& e) {
                claimed = {JobTurn::unavailable, std::string("threw: ") + e.what()};
            }
            if (claimed.turn != JobTurn::run) {
                if (claimed.turn == JobTurn::unavailable)
                    logger_.warning("%s skipped: cannot tell whether another node runs it: %s", slot.job.name,
                                    claimed.problem);
                lock.lock();
                ++(claimed.turn == JobTurn::held_elsewhere ? slot.held_elsewhere : slot.unavailable);
                slot.due = std::chrono::steady_clock::now() + std::min(slot.job.period, skipRetry_);
                continue;
            }
        }
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
        if (!ok) ++slot.failures;
        slot.due = std::chrono::steady_clock::now() + slot.job.period;
    }
}

}  // namespace lims::app
