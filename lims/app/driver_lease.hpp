// In-process drivers with several `lims serve` nodes on one PostgreSQL database (issue 17):
// they run on the one node holding the "drivers" lease, never on every node (an instrument
// connects to one address, and a logger polled by three nodes would be read three times).
// The lease is a job lock (store::JobLocks, a session-level advisory lock): the node that
// holds it starts its drivers; the others check again every `retry` and start theirs when
// the holder's session ends (it died, or lost the database), so the drivers move within
// about `retry`. A node that loses the lease (its session broke, the database restarted)
// stops its drivers at once; devices keep what they sent until a driver acknowledges it
// again (every driver acknowledges only after the commit). On SQLite the lease is always
// held: one node per database file, nothing changes.
#pragma once

#include "lims/api/instrument_status.hpp"
#include "lims/app/serve_drivers.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/job_locks.hpp"

#include <Poco/Logger.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lims::app {

// What runs under the lease: ServeDrivers in `lims serve`, a counting stand-in in tests.
class LeasedDrivers : public api::InstrumentStatusSource {
public:
    // Returns one line per device that could not start.
    virtual std::vector<std::string> start() = 0;
    virtual void stop() = 0;
};

class DriverLease final : public api::InstrumentStatusSource {
public:
    // The lock's name in store::JobLocks (its key is JobLocks::key of it).
    static constexpr const char* kLeaseName = "drivers.in-process";
    using Factory = std::function<domain::Result<std::shared_ptr<LeasedDrivers>>()>;

    DriverLease(std::shared_ptr<store::JobLocks> locks, Factory make, Poco::Logger& logger,
                std::chrono::milliseconds retry);
    ~DriverLease() override;
    DriverLease(const DriverLease&) = delete;
    DriverLease& operator=(const DriverLease&) = delete;

    // Asks for the lease once (starting the drivers when it is got: the returned lines are
    // their problems), then keeps asking every `retry` on a thread of its own.
    std::vector<std::string> start();
    // Stops the thread and the drivers; the lease goes with JobLocks::release_all.
    void stop();

    // One round: claim; start the drivers when newly held, stop them when no longer held.
    std::vector<std::string> check();

    bool holding() const;
    // Times this node started and stopped its drivers under the lease (for /metrics, tests).
    std::uint64_t starts() const;
    std::uint64_t stops() const;

    std::optional<api::InstrumentLink> link(const std::string& code) const override;

private:
    std::shared_ptr<store::JobLocks> locks_;
    Factory make_;
    Poco::Logger& logger_;
    std::chrono::milliseconds retry_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::shared_ptr<LeasedDrivers> running_;
    std::uint64_t starts_ = 0, stops_ = 0;
    bool stopping_ = false;
    std::thread thread_;
};

// `lims serve`'s factory: `first` (made at start-up, where a bad registry file stops the
// service) the first time, a new ServeDrivers from the database each later time.
DriverLease::Factory serve_drivers_under_lease(std::shared_ptr<ServeDrivers> first,
                                               std::shared_ptr<store::Database> database, ServeDriversOptions options,
                                               Poco::Logger& logger);

}  // namespace lims::app
