// The periodic work `lims serve` runs beside the HTTP server: cold-chain offline checks,
// alarm delivery and escalation, readings retention, and the overdue scan. One thread,
// each job on its own period; a failing job is logged and tried again next period, and
// stop() returns promptly (a job in progress finishes first).
#pragma once

#include "lims/domain/result.hpp"

#include <Poco/Logger.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lims::api {

struct PeriodicJob {
    std::string name;                   // for the log: "coldchain.tick"
    std::chrono::milliseconds period;   // time between the end of one run and the next
    std::function<domain::Result<std::string>()> run;  // a summary for the log, or why it failed
};

class ServiceJobs {
public:
    ServiceJobs(std::vector<PeriodicJob> jobs, Poco::Logger& logger);
    ~ServiceJobs();  // stops
    ServiceJobs(const ServiceJobs&) = delete;
    ServiceJobs& operator=(const ServiceJobs&) = delete;

    // Each job runs once at start, then every period.
    void start();
    void stop();

    // Runs so far of the job named `name` (successful or not), for tests and metrics.
    std::size_t runs(const std::string& name) const;

private:
    void loop();

    struct Slot {
        PeriodicJob job;
        std::chrono::steady_clock::time_point due;
        std::size_t runs = 0;
    };
    std::vector<Slot> slots_;
    Poco::Logger& logger_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace lims::api
