// A whole transaction run again on PostgreSQL when it fails with a serialization failure
// (40001), a deadlock (40P01) or a connection the server ended before the COMMIT was sent
// (issue 17): never a half-done one (what the failed run wrote is rolled back, its audit
// entries with it), at most DatabaseOptions::max_attempts runs, then "busy" (503). And the
// bounded pool (lims.db.pool): a caller that finds every session in use for pool_wait is
// answered "busy" instead of waiting without end. On SQLite nothing is retried (no such
// failures: writers queue on the write lock).
#include "support/store_fixture.hpp"

#include "lims/store/sql.hpp"
#include "lims/store/transaction.hpp"

#include <Poco/Data/DataException.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <stdexcept>
#include <thread>

using namespace lims::store;
using namespace lims::store::testing;
using namespace std::chrono_literals;

namespace {

class WriteRetryTest : public StoreTest {
protected:
    void create_tables() {
        auto made = db->write([](Transaction& tx) -> StoreResult<Done> {
            sql(tx, "CREATE TABLE retry_counters (id BIGINT PRIMARY KEY, v BIGINT NOT NULL)");
            sql(tx, "INSERT INTO retry_counters (id, v) VALUES (1, 0)");
            sql(tx, "INSERT INTO retry_counters (id, v) VALUES (2, 0)");
            // One row per run that got this far; a run that failed must leave none.
            sql(tx, "CREATE TABLE retry_log (who TEXT NOT NULL, run BIGINT NOT NULL)");
            return Done{};
        });
        ASSERT_TRUE(made.ok()) << made.error().message;
    }
    std::int64_t count(const std::string& query) {
        auto n = db->read([&](Transaction& tx) -> StoreResult<std::int64_t> { return sql(tx, query).rows.at(0).integer(0); });
        if (!n) throw std::runtime_error(n.error().message);
        return *n;
    }
};

// What only PostgreSQL has (SQLite has one writer at a time: no serialization failures,
// deadlocks or server sessions to end), instantiated on PostgreSQL alone.
class WriteRetryPgTest : public WriteRetryTest {};

DatabaseOptions quick_retries(int attempts = 5) {
    DatabaseOptions options;
    options.max_attempts = attempts;
    options.retry_base = 1ms;
    options.retry_cap = 5ms;
    return options;
}

// Two transactions at SERIALIZABLE read the same counter, then both write it: PostgreSQL
// lets the first commit and fails the second with 40001 ("could not serialize access due
// to concurrent update"). The second is run again from its start, reads the new value and
// commits: the counter is 2 (no lost update), each caller succeeded once, and the failed
// run's log row is gone.
TEST_P(WriteRetryPgTest, ASerializationFailureRunsTheWholeTransactionAgainAndBothSucceed) {
    open_migrated(quick_retries());
    create_tables();
    std::latch both_read(2);
    std::atomic<int> runs{0};
    auto increment = [&](const std::string& who) {
        int mine = 0;
        return db->write([&](Transaction& tx) -> StoreResult<Done> {
            ++runs;
            ++mine;
            sql(tx, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
            sql(tx, "INSERT INTO retry_log (who, run) VALUES ($1, $2)", {who, mine});
            const auto v = sql(tx, "SELECT v FROM retry_counters WHERE id = 1").rows.at(0).integer(0);
            if (mine == 1) both_read.arrive_and_wait();  // both hold a snapshot with v = 0
            sql(tx, "UPDATE retry_counters SET v = $1 WHERE id = 1", {v + 1});
            tx.record({who, "retry.increment", "counter", "1", "", "", ""});
            return Done{};
        });
    };
    StoreResult<Done> a = store_error(StoreErrorKind::database, "not run"), b = a;
    std::thread first([&] { a = increment("a"); });
    std::thread second([&] { b = increment("b"); });
    first.join();
    second.join();
    ASSERT_TRUE(a.ok()) << a.error().message;
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(runs.load(), 3);
    EXPECT_EQ(db->retry_stats().serialization, 1u);
    EXPECT_EQ(db->retry_stats().gave_up, 0u);
    EXPECT_EQ(count("SELECT v FROM retry_counters WHERE id = 1"), 2);
    // One row per caller: the failed run's row was rolled back with it, and so was its audit entry.
    EXPECT_EQ(count("SELECT count(*) FROM retry_log"), 2);
    EXPECT_EQ(count("SELECT count(*) FROM retry_log WHERE run = 2"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'retry.increment'"), 2);
}

// A deliberate deadlock: each transaction locks one row, then (once both hold theirs) the
// other's. PostgreSQL ends one with 40P01 after deadlock_timeout; it is run again and both
// commit, each change once.
TEST_P(WriteRetryPgTest, ADeadlockVictimIsRunAgainAndBothCommitOnce) {
    open_migrated(quick_retries());
    create_tables();
    std::latch both_locked(2);
    std::atomic<int> runs{0};
    auto cross = [&](std::int64_t first_row, std::int64_t second_row, const std::string& who) {
        int mine = 0;
        return db->write([&](Transaction& tx) -> StoreResult<Done> {
            ++runs;
            ++mine;
            sql(tx, "INSERT INTO retry_log (who, run) VALUES ($1, $2)", {who, mine});
            sql(tx, "UPDATE retry_counters SET v = v + 1 WHERE id = $1", {first_row});
            if (mine == 1) both_locked.arrive_and_wait();
            sql(tx, "UPDATE retry_counters SET v = v + 1 WHERE id = $1", {second_row});
            return Done{};
        });
    };
    StoreResult<Done> a = store_error(StoreErrorKind::database, "not run"), b = a;
    std::thread one([&] { a = cross(1, 2, "a"); });
    std::thread two([&] { b = cross(2, 1, "b"); });
    one.join();
    two.join();
    ASSERT_TRUE(a.ok()) << a.error().message;
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(runs.load(), 3);
    EXPECT_EQ(db->retry_stats().deadlock, 1u);
    EXPECT_EQ(count("SELECT v FROM retry_counters WHERE id = 1"), 2);
    EXPECT_EQ(count("SELECT v FROM retry_counters WHERE id = 2"), 2);
    EXPECT_EQ(count("SELECT count(*) FROM retry_log"), 2);
}

// A transaction that fails with 40001 on every run (raised by the server itself) is run
// max_attempts times and then answered "busy", naming the count; nothing of it remains.
TEST_P(WriteRetryPgTest, RetriesAreBoundedAndTheLastFailureIsAnsweredBusy) {
    open_migrated(quick_retries(3));
    create_tables();
    int runs = 0;
    auto outcome = db->write([&](Transaction& tx) -> StoreResult<Done> {
        ++runs;
        sql(tx, "INSERT INTO retry_log (who, run) VALUES ('always', $1)", {runs});
        sql(tx, "DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = 'serialization_failure'; END $$");
        return Done{};
    });
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(kind_of(outcome.error()), StoreErrorKind::busy) << outcome.error().message;
    EXPECT_NE(outcome.error().message.find("3 times in a row"), std::string::npos) << outcome.error().message;
    EXPECT_EQ(runs, 3);
    EXPECT_EQ(db->retry_stats().serialization, 2u);
    EXPECT_EQ(db->retry_stats().gave_up, 1u);
    EXPECT_EQ(count("SELECT count(*) FROM retry_log"), 0);
}

// Other failures are the answer at once, on both backends: a duplicate key is not retried.
TEST_P(WriteRetryTest, OtherFailuresAreNotRetried) {
    open_migrated(quick_retries());
    create_tables();
    int runs = 0;
    auto outcome = db->write([&](Transaction& tx) -> StoreResult<Done> {
        ++runs;
        sql(tx, "INSERT INTO retry_counters (id, v) VALUES (1, 5)");
        return Done{};
    });
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(kind_of(outcome.error()), StoreErrorKind::conflict) << outcome.error().message;
    EXPECT_EQ(runs, 1);
    const auto stats = db->retry_stats();
    EXPECT_EQ(stats.serialization + stats.deadlock + stats.lost_connection + stats.gave_up, 0u);
}

// The server ends the transaction's own session in the middle of its work (as a restart
// does): the run is rolled back by the server, and the work runs again on a new session.
TEST_P(WriteRetryPgTest, ASessionEndedBeforeTheCommitIsReplacedAndTheWorkRunsAgain) {
    open_migrated(quick_retries());
    create_tables();
    int runs = 0;
    auto outcome = db->write([&](Transaction& tx) -> StoreResult<Done> {
        ++runs;
        sql(tx, "INSERT INTO retry_log (who, run) VALUES ('lost', $1)", {runs});
        if (runs == 1) sql(tx, "SELECT pg_terminate_backend(pg_backend_pid())");
        return Done{};
    });
    ASSERT_TRUE(outcome.ok()) << outcome.error().message;
    EXPECT_EQ(runs, 2);
    EXPECT_EQ(db->retry_stats().lost_connection, 1u);
    EXPECT_EQ(count("SELECT count(*) FROM retry_log"), 1);
    EXPECT_EQ(count("SELECT run FROM retry_log"), 2);
}

// Idle pooled sessions the server ended (a restart ends them all) are found broken at
// BEGIN and replaced: the next calls succeed without an error reaching the caller.
TEST_P(WriteRetryPgTest, IdleSessionsEndedByTheServerAreReplacedWithoutAnError) {
    open_migrated(quick_retries());
    create_tables();
    // Four sessions idle in the pool.
    {
        std::vector<Connection> held;
        for (int i = 0; i < 4; ++i) held.push_back(db->connect());
    }
    const auto before = db->pool_stats();
    EXPECT_GE(before.idle, 4u);
    exec_raw("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
             "AND pid <> pg_backend_pid()");
    for (int i = 0; i < 3; ++i) {
        auto wrote = db->write([&](Transaction& tx) -> StoreResult<Done> {
            sql(tx, "INSERT INTO retry_log (who, run) VALUES ('after', $1)", {i});
            return Done{};
        });
        ASSERT_TRUE(wrote.ok()) << wrote.error().message;
    }
    EXPECT_EQ(count("SELECT count(*) FROM retry_log WHERE who = 'after'"), 3);
    const auto after = db->pool_stats();
    EXPECT_GE(after.discarded, before.discarded + 4) << "the broken sessions were closed, not handed out again";
    EXPECT_GT(after.opened, before.opened);
}

// The bounded pool: with every session borrowed, a call waits pool_wait and is then
// answered "busy", naming the setting, rather than queueing for ever.
// A Poco::Data statement on a session whose connection libpq found dead throws
// NotConnectedException before anything is sent (cluster.pg_restart answered one POST 500
// with it): before the COMMIT the work runs again; after it the outcome is unknown (503).
TEST(WriteRetryCause, NotConnectedIsALostConnection) {
    const Poco::Data::NotConnectedException e("host=127.0.0.1 port=5432 dbname=lims");
    EXPECT_EQ(retry_cause(e, false), RetryCause::lost_connection) << e.displayText();
    EXPECT_EQ(retry_cause(e, true), RetryCause::none);
}

TEST_P(WriteRetryTest, AnExhaustedPoolAnswersBusyAfterItsWaitNamingTheSetting) {
    DatabaseOptions options = quick_retries();
    options.max_sessions = 1;
    options.pool_wait = 200ms;
    open_migrated(options);
    std::optional<Connection> held(db->connect());
    const auto started = std::chrono::steady_clock::now();
    auto outcome = db->read([](Transaction& tx) -> StoreResult<Done> {
        sql(tx, "SELECT 1");
        return Done{};
    });
    const auto waited = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(kind_of(outcome.error()), StoreErrorKind::busy) << outcome.error().message;
    EXPECT_NE(outcome.error().message.find("lims.db.pool"), std::string::npos) << outcome.error().message;
    EXPECT_GE(waited, 200ms);
    EXPECT_LT(waited, 5s);
    EXPECT_EQ(db->pool_stats().in_use, 1u);
    held.reset();
    auto again = db->read([](Transaction& tx) -> StoreResult<Done> {
        sql(tx, "SELECT 1");
        return Done{};
    });
    EXPECT_TRUE(again.ok()) << again.error().message;
}

INSTANTIATE_TEST_SUITE_P(Backends, WriteRetryTest, ::testing::Values(Backend::sqlite, Backend::postgresql),
                         backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, WriteRetryPgTest, ::testing::Values(Backend::postgresql), backend_name);

}  // namespace
