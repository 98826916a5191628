// The periodic work `lims serve` runs beside the HTTP server: cold-chain offline checks,
// alarm delivery and escalation, readings retention, and the overdue scan. One thread,
// each job on its own period; a failing job is logged and tried again next period, and
// stop() returns promptly (a job in progress finishes first). With several nodes on one
// database, a claim (store::JobLocks in `lims serve`) says before each round whether this
// node runs the job or skips it because another node holds it.
#pragma once

#include "lims/api/metrics.hpp"
#include "lims/domain/result.hpp"

#include <Poco/Logger.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lims::app {

struct PeriodicJob {
    std::string name;                   // for the log: "coldchain.tick"
    std::chrono::milliseconds period;   // time between the end of one run and the next
    std::function<domain::Result<std::string>()> run;  // a summary for the log, or why it failed
};

// Whether this node runs a job this round.
enum class JobTurn {
    run,
    held_elsewhere,  // another node holds the job (skipped; counted reason="held_elsewhere")
    unavailable,     // the claim could not be made, e.g. the database is down (reason="unavailable")
};
struct JobClaimOutcome {
    JobTurn turn = JobTurn::run;
    std::string problem;  // for the log, when unavailable
};
using JobClaim = std::function<JobClaimOutcome(const std::string& job)>;

class ServiceJobs {
public:
    // A skipped job is asked again after min(period, kSkipRetry): a node that dies gives
    // its jobs to the others within about a minute, whatever their period.
    static constexpr std::chrono::milliseconds kSkipRetry{60'000};

    // Without `claim` every job runs on this node. `skipRetry`: see kSkipRetry.
    ServiceJobs(std::vector<PeriodicJob> jobs, Poco::Logger& logger, JobClaim claim = {},
                std::chrono::milliseconds skipRetry = kSkipRetry);
    ~ServiceJobs();  // stops
    ServiceJobs(const ServiceJobs&) = delete;
    ServiceJobs& operator=(const ServiceJobs&) = delete;

    // Each job runs once at start, then every period.
    void start();
    void stop();

    // Runs so far of the job named `name` (successful or not), for tests and metrics.
    std::size_t runs(const std::string& name) const;
    // Rounds of `name` skipped because another node held it, or the claim failed.
    std::size_t skips(const std::string& name, JobTurn reason) const;

    // lims_job_runs_total{job}, lims_job_failures_total{job} and
    // lims_job_skipped_total{job,reason} of this node, for /metrics.
    std::vector<api::Gauge> figures() const;

private:
    void loop();

    struct Slot {
        PeriodicJob job;
        std::chrono::steady_clock::time_point due;
        std::size_t runs = 0;
        std::size_t failures = 0;
        std::size_t held_elsewhere = 0;
        std::size_t unavailable = 0;
    };
    JobClaim claim_;
    std::chrono::milliseconds skipRetry_;
    std::vector<Slot> slots_;
    Poco::Logger& logger_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace lims::app
