#include "lims/app/driver_lease.hpp"

#include <algorithm>
#include <utility>

namespace lims::app {

namespace {

class LeasedServeDrivers final : public LeasedDrivers {
public:
    explicit LeasedServeDrivers(std::shared_ptr<ServeDrivers> drivers) : drivers_(std::move(drivers)) {}
    std::vector<std::string> start() override { return drivers_->start(); }
    void stop() override { drivers_->stop(); }
    std::optional<api::InstrumentLink> link(const std::string& code) const override { return drivers_->link(code); }

private:
    std::shared_ptr<ServeDrivers> drivers_;
};

}  // namespace

DriverLease::Factory serve_drivers_under_lease(std::shared_ptr<ServeDrivers> first,
                                               std::shared_ptr<store::Database> database, ServeDriversOptions options,
                                               Poco::Logger& logger) {
    auto unused = std::make_shared<std::shared_ptr<ServeDrivers>>(std::move(first));
    return [unused, database, options, &logger]() -> domain::Result<std::shared_ptr<LeasedDrivers>> {
        std::shared_ptr<ServeDrivers> drivers = std::exchange(*unused, nullptr);
        if (!drivers) {
            auto made = ServeDrivers::create(database, options, logger);
            if (!made) return made.error();
            drivers = *made;
        }
        return std::shared_ptr<LeasedDrivers>(std::make_shared<LeasedServeDrivers>(std::move(drivers)));
    };
}

DriverLease::DriverLease(std::shared_ptr<store::JobLocks> locks, Factory make, Poco::Logger& logger,
                         std::chrono::milliseconds retry)
    : locks_(std::move(locks)), make_(std::move(make)), logger_(logger), retry_(retry) {}

DriverLease::~DriverLease() { stop(); }

std::vector<std::string> DriverLease::check() {
    const auto outcome = locks_->claim(kLeaseName);
    std::shared_ptr<LeasedDrivers> to_stop;
    std::vector<std::string> problems;
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return {};
        if (outcome.claim == store::JobLocks::Claim::held) {
            if (running_) return {};
            auto made = make_();
            if (!made) {
                problems.push_back("in-process drivers not started: " + made.error().message);
                logger_.error(problems.back());
                return problems;
            }
            running_ = *made;
            ++starts_;
            logger_.information("drivers: this node holds the in-process drivers' lease; starting them");
            problems = running_->start();
            return problems;
        }
        if (!running_) return {};
        to_stop = std::move(running_);
        ++stops_;
    }
    logger_.warning(std::string("drivers: lease lost (") +
                    (outcome.claim == store::JobLocks::Claim::held_elsewhere ? "another node holds it"
                                                                              : "database unavailable: " + outcome.problem) +
                    "); stopping this node's in-process drivers");
    to_stop->stop();
    return {};
}

std::vector<std::string> DriverLease::start() {
    auto problems = check();
    if (!holding())
        logger_.information("drivers: another node holds the in-process drivers' lease; this node runs none and "
                            "asks again every " + std::to_string(retry_.count()) + " ms");
    thread_ = std::thread([this] {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            // The holder looks four times as often as the others ask: a holder whose session
            // broke stops its drivers before another node can have taken the lease.
            wake_.wait_for(lock, running_ ? std::max(retry_ / 4, std::chrono::milliseconds(1)) : retry_,
                           [this] { return stopping_; });
            if (stopping_) break;
            lock.unlock();
            for (const auto& problem : check()) logger_.warning("drivers: " + problem);
            lock.lock();
        }
    });
    return problems;
}

void DriverLease::stop() {
    std::shared_ptr<LeasedDrivers> to_stop;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        to_stop = std::move(running_);
        if (to_stop) ++stops_;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (to_stop) to_stop->stop();
}

bool DriverLease::holding() const {
    std::lock_guard lock(mutex_);
    return running_ != nullptr;
}

std::uint64_t DriverLease::starts() const {
    std::lock_guard lock(mutex_);
    return starts_;
}

std::uint64_t DriverLease::stops() const {
    std::lock_guard lock(mutex_);
    return stops_;
}

std::optional<api::InstrumentLink> DriverLease::link(const std::string& code) const {
    std::shared_ptr<LeasedDrivers> current;
    {
        std::lock_guard lock(mutex_);
        current = running_;
    }
    if (!current) return std::nullopt;
    return current->link(code);
}

}  // namespace lims::app
