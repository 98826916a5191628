// Periodic jobs exactly once across nodes (issue 17): three "nodes" (each its own
// store::Database pool, store::JobLocks and app::ServiceJobs, as three `lims serve`
// processes have) on one PostgreSQL database run a job whose work leaves a row per run in
// the database. Only the node holding the job's advisory lock runs it, the others count
// skips; when the holder stops, another node takes the job over. On SQLite every claim is
// granted (one node per database file, nothing changes).
#include "lims/app/service_jobs.hpp"
#include "lims/store/database.hpp"
#include "lims/store/job_locks.hpp"
#include "lims/store/migrations.hpp"
#include "lims/store/transaction.hpp"
#include "test_database.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>
#include <Poco/NullChannel.h>

#include <gtest/gtest.h>

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
    Poco::Logger& logger = Poco::Logger::get("job_locks_test");
    logger.setChannel(Poco::AutoPtr<Poco::NullChannel>(new Poco::NullChannel));
    return logger;
}

std::shared_ptr<store::Database> open(const std::string& url) {
    auto db = store::Database::open(url);
    if (!db) throw std::runtime_error(db.error().message);
    return *db;
}

app::JobClaim claimer(std::shared_ptr<store::JobLocks> locks) {
    return [locks](const std::string& job) -> app::JobClaimOutcome {
        auto outcome = locks->claim(job);
        switch (outcome.claim) {
        case store::JobLocks::Claim::held: return {app::JobTurn::run, {}};
        case store::JobLocks::Claim::held_elsewhere: return {app::JobTurn::held_elsewhere, {}};
        case store::JobLocks::Claim::unavailable: break;
        }
        return {app::JobTurn::unavailable, outcome.problem};
    };
}

class JobLocksTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        lims::test::requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        scratch_ = std::make_unique<lims::test::ScratchDatabase>(GetParam());
        auto first = open(scratch_->url());
        auto migrated = store::migrate(*first);
        ASSERT_TRUE(migrated) << migrated.error().message;
        auto session = scratch_->rawSession();
        // One row per run of the job: which node, and when the run began and ended (ms).
        session << "CREATE TABLE job_runs (node INTEGER NOT NULL, began_ms BIGINT NOT NULL, ended_ms BIGINT NOT NULL)",
            Poco::Data::Keywords::now;
        nodes_.push_back(first);
        for (int i = 1; i < 3; ++i) nodes_.push_back(open(scratch_->url()));
    }
    void TearDown() override {
        nodes_.clear();
        scratch_.reset();
    }

    static std::int64_t now_ms() {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    }

    // The job's work: a transaction that takes a while and leaves a row saying who ran it.
    app::PeriodicJob job(int node) {
        auto db = nodes_[static_cast<std::size_t>(node)];
        return {"test.count", 20ms, [db, node]() -> domain::Result<std::string> {
                    const auto began = now_ms();
                    std::this_thread::sleep_for(15ms);
                    auto done = db->write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
                        tx.session() << "INSERT INTO job_runs (node, began_ms, ended_ms) VALUES (" + std::to_string(node) +
                                            ", " + std::to_string(began) + ", " + std::to_string(now_ms()) + ")",
                            Poco::Data::Keywords::now;
                        return store::Done{};
                    });
                    if (!done) return domain::Error{"test.count", done.error().message};
                    return std::string();
                }};
    }

    int count(const std::string& sql) {
        int n = 0;
        auto session = scratch_->rawSession();
        session << sql, Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
        return n;
    }

    std::unique_ptr<lims::test::ScratchDatabase> scratch_;
    std::vector<std::shared_ptr<store::Database>> nodes_;
};

TEST_P(JobLocksTest, OneNodeHoldsAJobUntilItLetsGo) {
    store::JobLocks a(nodes_[0]), b(nodes_[1]), c(nodes_[2]);
    const bool pg = GetParam() == Backend::postgresql;
    using Claim = store::JobLocks::Claim;
    EXPECT_EQ(a.claim("coldchain.alarms").claim, Claim::held);
    EXPECT_EQ(a.claim("coldchain.alarms").claim, Claim::held);  // still held, asked again
    EXPECT_EQ(b.claim("coldchain.alarms").claim, pg ? Claim::held_elsewhere : Claim::held);
    EXPECT_EQ(c.claim("coldchain.alarms").claim, pg ? Claim::held_elsewhere : Claim::held);
    EXPECT_EQ(b.claim("overdue.scan").claim, Claim::held);  // jobs are claimed one by one
    EXPECT_EQ(a.claim("overdue.scan").claim, pg ? Claim::held_elsewhere : Claim::held);
    if (pg) {
        EXPECT_EQ(a.held(), (std::set<std::string>{"coldchain.alarms"}));
        // Asking again did not stack the lock: one release frees it for the others.
        a.release_all();
        EXPECT_EQ(c.claim("coldchain.alarms").claim, Claim::held);
        EXPECT_EQ(b.claim("coldchain.alarms").claim, Claim::held_elsewhere);
        EXPECT_NE(store::JobLocks::key("coldchain.alarms"), store::JobLocks::key("overdue.scan"));
    }
}

TEST_P(JobLocksTest, ThreeNodesRunEachRoundOnceAndAnotherTakesOverWhenTheHolderStops) {
    Poco::Logger& logger = quiet_logger();
    std::vector<std::shared_ptr<store::JobLocks>> locks;
    std::vector<std::unique_ptr<app::ServiceJobs>> jobs;
    for (int n = 0; n < 3; ++n) {
        locks.push_back(std::make_shared<store::JobLocks>(nodes_[static_cast<std::size_t>(n)]));
        jobs.push_back(std::make_unique<app::ServiceJobs>(std::vector<app::PeriodicJob>{job(n)}, logger,
                                                          claimer(locks.back())));
    }
    for (auto& j : jobs) j->start();
    std::this_thread::sleep_for(1500ms);

    std::size_t runs = 0;
    int runners = 0;
    std::size_t holder = 0;
    for (std::size_t n = 0; n < 3; ++n) {
        runs += jobs[n]->runs("test.count");
        if (jobs[n]->runs("test.count") > 0) {
            ++runners;
            holder = n;
        }
    }
    if (GetParam() == Backend::sqlite) {
        // Nothing changes on SQLite: every node runs its jobs.
        EXPECT_EQ(runners, 3);
        for (auto& j : jobs) j->stop();
        return;
    }
    EXPECT_EQ(runners, 1) << "one node holds the job";
    for (std::size_t n = 0; n < 3; ++n) {
        if (n == holder) continue;
        EXPECT_GT(jobs[n]->skips("test.count", app::JobTurn::held_elsewhere), 0u) << "node " << n;
        bool shown = false;
        for (const auto& g : jobs[n]->figures())
            if (g.name == "lims_job_skipped_total" && g.labels == "job=\"test.count\",reason=\"held_elsewhere\"")
                shown = g.value > 0;
        EXPECT_TRUE(shown) << "node " << n << "'s /metrics figures show its skips";
    }

    // The holder stops and lets go: one of the others runs the job from its next try on.
    jobs[holder]->stop();
    locks[holder]->release_all();
    const auto heldRuns = jobs[holder]->runs("test.count");
    bool takenOver = false;
    for (int i = 0; i < 400 && !takenOver; ++i) {  // a skipped job is asked again after its period (20 ms)
        std::this_thread::sleep_for(10ms);
        for (std::size_t n = 0; n < 3; ++n)
            if (n != holder && jobs[n]->runs("test.count") > 0) takenOver = true;
    }
    EXPECT_TRUE(takenOver);
    std::this_thread::sleep_for(300ms);
    for (auto& j : jobs) j->stop();

    runs = 0;
    runners = 0;
    for (std::size_t n = 0; n < 3; ++n) {
        runs += jobs[n]->runs("test.count");
        if (n != holder && jobs[n]->runs("test.count") > 0) ++runners;
    }
    EXPECT_EQ(jobs[holder]->runs("test.count"), heldRuns);
    EXPECT_EQ(runners, 1) << "exactly one of the remaining nodes took the job";
    // Each run left its row, and no two runs overlapped in time: never twice at once.
    EXPECT_EQ(count("SELECT count(*) FROM job_runs"), static_cast<int>(runs));
    EXPECT_EQ(count("SELECT count(*) FROM job_runs a JOIN job_runs b ON a.ctid < b.ctid "
                    "AND a.began_ms < b.ended_ms AND b.began_ms < a.ended_ms"),
              0);
}

INSTANTIATE_TEST_SUITE_P(Backends, JobLocksTest, lims::test::kBothBackends, lims::test::backendName);

}  // namespace
