// In-process drivers with several nodes (issue 17): three "nodes" (each its own
// store::Database pool, store::JobLocks and app::DriverLease, as three `lims serve`
// processes with lims.drivers.enabled have) on one PostgreSQL database. The drivers run
// on exactly one node, the lease holder; when it stops, or the server ends its lock
// session, another node starts its drivers within the retry period, and the old holder
// stops its own. Never two nodes' drivers at once when a holder stops cleanly. On SQLite
// the one node always holds the lease.
#include "lims/app/driver_lease.hpp"
#include "lims/store/database.hpp"
#include "lims/store/job_locks.hpp"
#include "test_database.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>
#include <Poco/NullChannel.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace lims;
using namespace std::chrono_literals;
using lims::test::Backend;

namespace {

Poco::Logger& quiet_logger() {
    Poco::Logger& logger = Poco::Logger::get("driver_lease_test");
    logger.setChannel(Poco::AutoPtr<Poco::NullChannel>(new Poco::NullChannel));
    return logger;
}

// Stands for a node's drivers: counts how many nodes' drivers run at once.
struct Running {
    std::atomic<int> now{0};
    std::atomic<int> most{0};
};

class CountingDrivers final : public app::LeasedDrivers {
public:
    CountingDrivers(Running& running, int node) : running_(running), node_(node) {}
    std::vector<std::string> start() override {
        const int n = ++running_.now;
        int most = running_.most.load();
        while (n > most && !running_.most.compare_exchange_weak(most, n)) {
        }
        started_ = true;
        return {};
    }
    void stop() override {
        if (started_) --running_.now;
        started_ = false;
    }
    std::optional<api::InstrumentLink> link(const std::string& code) const override {
        if (code != "LOGGER-1") return std::nullopt;
        api::InstrumentLink l;
        l.state = "connected";
        l.last_error = "node " + std::to_string(node_);
        return l;
    }

private:
    Running& running_;
    int node_;
    bool started_ = false;
};

class DriverLeaseTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        lims::test::requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        scratch_ = std::make_unique<lims::test::ScratchDatabase>(GetParam());
        const int nodes = GetParam() == Backend::postgresql ? 3 : 1;
        for (int n = 0; n < nodes; ++n) {
            auto db = store::Database::open(scratch_->url());
            ASSERT_TRUE(db) << db.error().message;
            dbs_.push_back(*db);
            locks_.push_back(std::make_shared<store::JobLocks>(*db));
            leases_.push_back(std::make_unique<app::DriverLease>(
                locks_.back(),
                [this, n]() -> domain::Result<std::shared_ptr<app::LeasedDrivers>> {
                    return std::shared_ptr<app::LeasedDrivers>(std::make_shared<CountingDrivers>(running_, n));
                },
                quiet_logger(), 200ms));
        }
    }
    void TearDown() override {
        for (auto& l : leases_) l->stop();
        for (auto& l : locks_) l->release_all();
        leases_.clear();
        locks_.clear();
        dbs_.clear();
        scratch_.reset();
    }

    std::vector<int> holders() const {
        std::vector<int> out;
        for (std::size_t n = 0; n < leases_.size(); ++n)
            if (leases_[n]->holding()) out.push_back(static_cast<int>(n));
        return out;
    }

    // Waits until exactly one node holds the lease; returns it (-1 on timeout).
    int wait_for_one_holder(std::chrono::milliseconds limit) {
        const auto until = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < until) {
            auto h = holders();
            if (h.size() == 1 && running_.now.load() == 1) return h.front();
            std::this_thread::sleep_for(20ms);
        }
        return -1;
    }

    Running running_;
    std::unique_ptr<lims::test::ScratchDatabase> scratch_;
    std::vector<std::shared_ptr<store::Database>> dbs_;
    std::vector<std::shared_ptr<store::JobLocks>> locks_;
    std::vector<std::unique_ptr<app::DriverLease>> leases_;
};

TEST_P(DriverLeaseTest, TheDriversRunOnOneNodeAndMoveWhenItStops) {
    for (auto& l : leases_) EXPECT_TRUE(l->start().empty());
    std::this_thread::sleep_for(600ms);  // three rounds of asking
    const int first = wait_for_one_holder(2s);
    ASSERT_GE(first, 0) << "holders: " << holders().size();
    EXPECT_EQ(running_.most.load(), 1) << "never two nodes' drivers at once";
    // The status the instrument routes show comes from the holder's drivers; the others have none.
    for (std::size_t n = 0; n < leases_.size(); ++n) {
        auto link = leases_[n]->link("LOGGER-1");
        EXPECT_EQ(link.has_value(), static_cast<int>(n) == first);
        if (link) {
            EXPECT_EQ(link->last_error, "node " + std::to_string(first));
        }
    }
    if (GetParam() != Backend::postgresql) return;

    // The holder stops (a node shut down): its lease goes with its lock session, and
    // another node starts its drivers within the retry period.
    leases_[static_cast<std::size_t>(first)]->stop();
    locks_[static_cast<std::size_t>(first)]->release_all();
    const int second = wait_for_one_holder(3s);
    ASSERT_GE(second, 0);
    EXPECT_NE(second, first);
    EXPECT_EQ(running_.most.load(), 1) << "never two nodes' drivers at once";

    // The server ends the holder's lock session (its network, or the database, went
    // away): the holder stops its drivers and one of the nodes runs them again.
    auto raw = scratch_->rawSession();
    int ended = 0;
    raw << "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND granted",
        Poco::Data::Keywords::into(ended), Poco::Data::Keywords::now;
    EXPECT_EQ(ended, 1);
    const auto until = std::chrono::steady_clock::now() + 3s;
    while (leases_[static_cast<std::size_t>(second)]->stops() == 0 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(20ms);
    EXPECT_EQ(leases_[static_cast<std::size_t>(second)]->stops(), 1u) << "the holder whose session ended stopped its drivers";
    EXPECT_GE(wait_for_one_holder(3s), 0) << "and one node runs them again";
}

INSTANTIATE_TEST_SUITE_P(Backends, DriverLeaseTest, lims::test::kBothBackends, lims::test::backendName);

}  // namespace
