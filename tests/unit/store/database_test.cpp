#include "support/store_fixture.hpp"

#include "lims/store/audit.hpp"
#include "lims/store/transaction.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

using namespace lims::store;
using namespace lims::store::testing;
using namespace Poco::Data::Keywords;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST(DatabaseUrl, SqliteAndPostgresqlFormsAreParsed) {
    auto lite = parse_database_url("sqlite:/var/lib/lims/lims.db");
    ASSERT_TRUE(lite.ok());
    EXPECT_EQ(lite->dialect, Dialect::sqlite);
    EXPECT_EQ(lite->connection, "/var/lib/lims/lims.db");

    auto pg = parse_database_url("postgresql:host=db port=5432 user=lims password=secret dbname=lims");
    ASSERT_TRUE(pg.ok());
    EXPECT_EQ(pg->dialect, Dialect::postgresql);
    EXPECT_EQ(pg->connection, "host=db port=5432 user=lims password=secret dbname=lims");
    EXPECT_EQ(pg->display_name.find("secret"), std::string::npos) << pg->display_name;

    auto uri = parse_database_url("postgresql://lims:secret@db/lims");
    ASSERT_TRUE(uri.ok());
    EXPECT_EQ(uri->display_name.find("secret"), std::string::npos) << uri->display_name;
}

TEST(DatabaseUrl, MalformedUrlsAreRefusedByName) {
    for (const char* bad : {"", "mysql:host=x", "sqlite:", "postgresql:   ", "sqlite::memory:", "/tmp/x.db"}) {
        auto r = parse_database_url(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(kind_of(r.error()), StoreErrorKind::invalid_url) << bad;
    }
    auto r = parse_database_url("mysql:host=x");
    EXPECT_NE(r.error().message.find("mysql:host=x"), std::string::npos) << r.error().message;
}

TEST(DatabaseOpen, AFileThatIsNotADatabaseIsNamedAndLeftAlone) {
    TempDir dir;
    const std::string path = dir.path + "/notes.db";
    const std::string content = "these are somebody's notes, not a database\n" + std::string(200, 'x');
    std::ofstream(path, std::ios::binary) << content;

    auto db = Database::open("sqlite:" + path);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(kind_of(db.error()), StoreErrorKind::not_a_database);
    EXPECT_NE(db.error().message.find(path), std::string::npos) << db.error().message;
    EXPECT_EQ(read_file(path), content);
}

TEST(DatabaseOpen, AFileInAMissingFolderIsUnavailableByName) {
    auto db = Database::open("sqlite:/nonexistent-folder-for-lims/x/lims.db");
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(kind_of(db.error()), StoreErrorKind::unavailable);
    EXPECT_NE(db.error().message.find("/nonexistent-folder-for-lims/x/lims.db"), std::string::npos)
        << db.error().message;
}

#ifdef LIMS_WITH_POSTGRESQL
TEST(DatabaseOpen, AnUnreachableServerIsUnavailableByName) {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    auto db = Database::open("postgresql:host=127.0.0.1 port=1 user=lims password=hidden dbname=lims");
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(kind_of(db.error()), StoreErrorKind::unavailable);
    EXPECT_NE(db.error().message.find("port=1"), std::string::npos) << db.error().message;
    EXPECT_EQ(db.error().message.find("hidden"), std::string::npos) << db.error().message;
}
#endif

TEST(DatabaseOpen, EveryPooledSqliteSessionHasTheDurabilitySettings) {
    TempDir dir;
    DatabaseOptions options;
    options.busy_timeout = std::chrono::milliseconds(4321);
    auto db = Database::open("sqlite:" + dir.path + "/lims.db", options);
    ASSERT_TRUE(db.ok()) << db.error().message;
    // Hold several sessions at once so the pool must create new ones.
    std::vector<Connection> held;
    for (int i = 0; i < 4; ++i) held.push_back((*db)->connect());
    for (auto& c : held) {
        std::string journal;
        int synchronous = -1, foreign_keys = -1, busy = -1;
        c.session() << "PRAGMA journal_mode", into(journal), now;
        c.session() << "PRAGMA synchronous", into(synchronous), now;
        c.session() << "PRAGMA foreign_keys", into(foreign_keys), now;
        c.session() << "PRAGMA busy_timeout", into(busy), now;
        EXPECT_EQ(journal, "wal");
        EXPECT_EQ(synchronous, 2);  // FULL
        EXPECT_EQ(foreign_keys, 1);
        EXPECT_EQ(busy, 4321);
    }
}

class TransactionTest : public StoreTest {};

TEST_P(TransactionTest, AnErrorResultRollsBackAndAValueCommits) {
    open();
    auto made = db->write([](Transaction& tx) -> StoreResult<Done> {
        tx.session() << "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)", now;
        return Done{};
    });
    ASSERT_TRUE(made.ok()) << made.error().message;

    auto refused = db->write([](Transaction& tx) -> StoreResult<int> {
        tx.session() << "INSERT INTO t (k, v) VALUES (1, 'kept?')", now;
        tx.record({"tester", "t.insert", "t", "1", "", "{}", ""});
        return store_error(StoreErrorKind::invalid_argument, "changed my mind");
    });
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().message, "changed my mind");

    auto thrown = db->write([](Transaction& tx) -> StoreResult<int> {
        tx.session() << "INSERT INTO t (k, v) VALUES (2, 'x')", now;
        tx.session() << "INSERT INTO t (k, v) VALUES (2, 'duplicate')", now;  // throws
        return 0;
    });
    ASSERT_FALSE(thrown.ok());
    EXPECT_EQ(kind_of(thrown.error()), StoreErrorKind::conflict) << thrown.error().message;

    auto kept = db->write([](Transaction& tx) -> StoreResult<Done> {
        tx.session() << "INSERT INTO t (k, v) VALUES (3, 'kept')", now;
        return Done{};
    });
    ASSERT_TRUE(kept.ok()) << kept.error().message;

    auto rows = db->read([](Transaction& tx) -> StoreResult<std::vector<int>> {
        std::vector<int> keys;
        tx.session() << "SELECT k FROM t ORDER BY k", into(keys), now;
        return keys;
    });
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    EXPECT_EQ(*rows, std::vector<int>{3});
}

TEST_P(TransactionTest, ASessionIsReusableAfterARolledBackTransaction) {
    open(DatabaseOptions{.max_sessions = 1});
    for (int i = 0; i < 3; ++i) {
        auto r = db->write([](Transaction& tx) -> StoreResult<int> {
            tx.session() << "SELECT no_such_column FROM no_such_table", now;
            return 0;
        });
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(kind_of(r.error()), StoreErrorKind::database);
    }
    auto ok = db->read([](Transaction& tx) -> StoreResult<int> {
        int one = 0;
        tx.session() << "SELECT 1", into(one), now;
        return one;
    });
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(*ok, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, TransactionTest, ::testing::Values(Backend::sqlite, Backend::postgresql),
                         backend_name);

// Group commit (SQLite): many threads writing at once share commits, yet each call keeps
// exactly its own outcome: a value commits its rows and audit entries, an error result or
// an exception rolls back that call's changes alone, and the audit chain stays intact.
// Runs on PostgreSQL too, where every call is its own transaction: same outcomes.
TEST_P(TransactionTest, ConcurrentWritersKeepTheirOwnOutcomes) {
    open_migrated();
    auto made = db->write([](Transaction& tx) -> StoreResult<Done> {
        tx.session() << "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)", now;
        return Done{};
    });
    ASSERT_TRUE(made.ok()) << made.error().message;

    constexpr int threads = 8;
    constexpr int calls_per_thread = 60;
    std::atomic<int> committed{0}, refused{0}, thrown{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < calls_per_thread; ++i) {
                const int k = t * 1000 + i;
                const int kind = i % 3;  // 0 keeps, 1 returns an error, 2 throws after writing
                auto r = db->write([&](Transaction& tx) -> StoreResult<int> {
                    std::string v = "v" + std::to_string(k);
                    tx.session() << "INSERT INTO t (k, v) VALUES ($1, $2)", bind(k), use(v), now;
                    tx.record({"tester", "t.insert", "t", std::to_string(k), "", "{}", ""});
                    if (kind == 1) return store_error(StoreErrorKind::invalid_argument, "no " + std::to_string(k));
                    if (kind == 2) tx.session() << "INSERT INTO t (k, v) VALUES ($1, 'again')", bind(k), now;
                    return k;
                });
                if (r.ok()) {
                    EXPECT_EQ(*r, k);
                    EXPECT_EQ(kind, 0);
                    ++committed;
                } else if (kind == 1) {
                    EXPECT_EQ(r.error().message, "no " + std::to_string(k));
                    ++refused;
                } else {
                    EXPECT_EQ(kind_of(r.error()), StoreErrorKind::conflict) << r.error().message;
                    ++thrown;
                }
            }
        });
    }
    for (auto& th : pool) th.join();
    EXPECT_EQ(committed.load(), threads * calls_per_thread / 3);
    EXPECT_EQ(refused.load(), threads * calls_per_thread / 3);
    EXPECT_EQ(thrown.load(), threads * calls_per_thread / 3);

    auto counts = db->read([](Transaction& tx) -> StoreResult<std::pair<int, int>> {
        int rows = 0, wrong = 0, audits = 0;
        tx.session() << "SELECT count(*) FROM t", into(rows), now;
        tx.session() << "SELECT count(*) FROM t WHERE (k % 1000) % 3 <> 0", into(wrong), now;
        tx.session() << "SELECT count(*) FROM audit_log WHERE action = 't.insert'", into(audits), now;
        EXPECT_EQ(wrong, 0);
        return std::make_pair(rows, audits);
    });
    ASSERT_TRUE(counts.ok()) << counts.error().message;
    EXPECT_EQ(counts->first, threads * calls_per_thread / 3);
    EXPECT_EQ(counts->second, threads * calls_per_thread / 3);
    auto verified = verify_audit_chain(*db);
    ASSERT_TRUE(verified.ok()) << verified.error().message;
    EXPECT_TRUE(verified->intact) << verified->problem;
}

TEST(GroupCommit, AWriteInsideAWriteIsRefusedNotDeadlocked) {
    TempDir dir;
    auto db = Database::open("sqlite:" + dir.path + "/lims.db");
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto outer = (*db)->write([&](Transaction&) -> StoreResult<int> {
        auto inner = (*db)->write([](Transaction&) -> StoreResult<int> { return 1; });
        EXPECT_FALSE(inner.ok());
        if (!inner.ok()) {
            EXPECT_NE(inner.error().message.find("inside a write"), std::string::npos);
        }
        return 2;
    });
    ASSERT_TRUE(outer.ok()) << outer.error().message;
    EXPECT_EQ(*outer, 2);
}

TEST(GroupCommit, WorkThatThrowsANonExceptionFailsItsCallAloneAndLaterWritesGoOn) {
    TempDir dir;
    for (bool grouped : {true, false}) {
        DatabaseOptions options;
        options.group_commit = grouped;
        auto opened = Database::open("sqlite:" + dir.path + "/lims-" + std::to_string(grouped) + ".db", options);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        auto db = *opened;
        ASSERT_TRUE(db->write([](Transaction& tx) -> StoreResult<Done> {
            tx.session() << "CREATE TABLE t (k INTEGER PRIMARY KEY)", now;
            return Done{};
        }));
        // Before: the int escaped run_group with the leader flag set, and the next write hung.
        auto thrown = db->write([](Transaction& tx) -> StoreResult<Done> {
            tx.session() << "INSERT INTO t (k) VALUES (1)", now;
            throw 42;
        });
        ASSERT_FALSE(thrown.ok());
        EXPECT_NE(thrown.error().message.find("not an exception"), std::string::npos) << thrown.error().message;
        std::thread later([&] {
            auto ok = db->write([](Transaction& tx) -> StoreResult<Done> {
                tx.session() << "INSERT INTO t (k) VALUES (2)", now;
                return Done{};
            });
            EXPECT_TRUE(ok.ok());
        });
        later.join();
        auto rows = db->read([](Transaction& tx) -> StoreResult<int> {
            int n = 0, one = 0;
            tx.session() << "SELECT count(*) FROM t", into(n), now;
            tx.session() << "SELECT count(*) FROM t WHERE k = 1", into(one), now;
            return one ? -1 : n;
        });
        ASSERT_TRUE(rows.ok());
        EXPECT_EQ(*rows, 1);  // the throwing call's row rolled back, the later one kept
    }
}

// The first call holds its group open until seven more calls are queued behind it; the seven
// join its group before its COMMIT (issue 18: a long queue shares one fsync): one commit for
// eight calls. Each of the seven sees the rows of the calls before it in the group, none
// committed yet, and the first returns only after the COMMIT (its row is seen elsewhere).
void calls_queued_while_a_group_runs() {
    TempDir dir;
    auto opened = Database::open("sqlite:" + dir.path + "/lims.db");
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    auto db = *opened;
    auto made = db->write([](Transaction& tx) -> StoreResult<Done> {
        tx.session() << "CREATE TABLE t (k INTEGER PRIMARY KEY)", now;
        return Done{};
    });
    ASSERT_TRUE(made.ok());
    const auto before = db->write_stats();
    constexpr int followers = 7;
    std::atomic<bool> first_started{false};
    std::atomic<int> committed_when_returned{-1};
    std::vector<std::thread> pool;
    std::vector<int> seen(followers + 1, -1);
    pool.emplace_back([&] {
        auto r = db->write([&](Transaction& tx) -> StoreResult<int> {
            first_started = true;
            while (db->write_stats().queued < followers) std::this_thread::yield();
            tx.session() << "INSERT INTO t (k) VALUES (0)", now;
            return 0;
        });
        ASSERT_TRUE(r.ok()) << r.error().message;
        // Returned: its row is committed, seen from another connection.
        auto n = db->read([](Transaction& tx) -> StoreResult<int> {
            int c = 0;
            tx.session() << "SELECT count(*) FROM t WHERE k = 0", into(c), now;
            return c;
        });
        ASSERT_TRUE(n.ok());
        committed_when_returned = *n;
    });
    while (!first_started) std::this_thread::yield();
    for (int t = 1; t <= followers; ++t)
        pool.emplace_back([&, t] {
            auto r = db->write([&](Transaction& tx) -> StoreResult<int> {
                int n = 0;
                tx.session() << "INSERT INTO t (k) VALUES ($1)", bind(t), now;
                tx.session() << "SELECT count(*) FROM t", into(n), now;
                return n;
            });
            ASSERT_TRUE(r.ok()) << r.error().message;
            seen[t] = *r;
        });
    for (auto& th : pool) th.join();
    const auto after = db->write_stats();
    EXPECT_EQ(after.calls - before.calls, 8u);
    EXPECT_EQ(after.groups - before.groups, 1u);
    EXPECT_EQ(committed_when_returned.load(), 1);
    std::vector<int> counts(seen.begin() + 1, seen.end());
    std::sort(counts.begin(), counts.end());
    for (int i = 0; i < followers; ++i) EXPECT_EQ(counts[i], i + 2);  // the group's earlier calls, committed or not
}

TEST(GroupCommit, CallsQueuedWhileAGroupRunsJoinItBeforeItsCommit) { calls_queued_while_a_group_runs(); }

// A call that joins a running group fails with it when its COMMIT fails: it is never told
// its work is done. The first call holds its group open until the second is queued; the
// second joins and inserts a row whose deferred foreign key fails only at the COMMIT.
TEST(GroupCommit, ACallThatJoinedAGroupFailsWithItsCommit) {
    TempDir dir;
    auto opened = Database::open("sqlite:" + dir.path + "/lims.db");
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    auto db = *opened;
    auto made = db->write([](Transaction& tx) -> StoreResult<Done> {
        tx.session() << "CREATE TABLE p (id INTEGER PRIMARY KEY)", now;
        tx.session() << "CREATE TABLE c (p INTEGER REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED)", now;
        tx.session() << "CREATE TABLE t (k INTEGER PRIMARY KEY)", now;
        return Done{};
    });
    ASSERT_TRUE(made.ok());
    const auto before = db->write_stats();
    std::atomic<bool> first_started{false};
    std::optional<StoreResult<Done>> first, second;
    std::thread a([&] {
        first = db->write([&](Transaction& tx) -> StoreResult<Done> {
            first_started = true;
            while (db->write_stats().queued < 1) std::this_thread::yield();
            tx.session() << "INSERT INTO t (k) VALUES (1)", now;
            return Done{};
        });
    });
    while (!first_started) std::this_thread::yield();
    std::thread b([&] {
        second = db->write([&](Transaction& tx) -> StoreResult<Done> {
            tx.session() << "INSERT INTO c (p) VALUES (42)", now;  // no p 42: refused at COMMIT
            return Done{};
        });
    });
    a.join();
    b.join();
    EXPECT_EQ(db->write_stats().groups - before.groups, 1u);  // joined, one COMMIT tried
    ASSERT_TRUE(first.has_value() && second.has_value());
    EXPECT_FALSE(first->ok());
    EXPECT_FALSE(second->ok());
    auto rows = db->read([](Transaction& tx) -> StoreResult<int> {
        int n = 0;
        tx.session() << "SELECT (SELECT count(*) FROM t) + (SELECT count(*) FROM c)", into(n), now;
        return n;
    });
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ(*rows, 0);
}

// sql(): statements with $n parameters, compiled once per connection on SQLite.
class SqlTest : public StoreTest {};

TEST_P(SqlTest, ParametersBindByNumberWhateverTheirOrderOrRepetition) {
    open();
    auto made = db->write([](Transaction& tx) -> StoreResult<Done> {
        sql(tx, "CREATE TABLE t (k BIGINT PRIMARY KEY, a TEXT NOT NULL, b TEXT, c BIGINT)");
        // $2 before $1, $3 twice, a NULL of each type.
        sql(tx, "INSERT INTO t (a, k, b, c) VALUES ($2, $1, $3, $4)",
            {std::int64_t{7}, "seven", std::optional<std::string>(), std::optional<std::int64_t>()});
        sql(tx, "INSERT INTO t (k, a, b, c) VALUES ($1, $3, $3, $2)", {std::int64_t{8}, std::int64_t{80}, "eight"});
        return Done{};
    });
    ASSERT_TRUE(made.ok()) << made.error().message;
    auto rows = db->read([](Transaction& tx) -> StoreResult<SqlResult> {
        return sql(tx, "SELECT k, a, b, c FROM t WHERE k >= $1 ORDER BY k", {std::int64_t{0}});
    });
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    ASSERT_EQ(rows->rows.size(), 2u);
    const auto& seven = rows->rows[0];
    EXPECT_EQ(seven.integer(0), 7);
    EXPECT_EQ(seven.text(1), "seven");
    EXPECT_TRUE(seven.is_null(2));
    EXPECT_EQ(seven.optional_integer(3), std::nullopt);
    EXPECT_THROW(seven.text(2), Poco::Exception);  // a NULL where a value was expected
    const auto& eight = rows->rows[1];
    EXPECT_EQ(eight.text(1), "eight");
    EXPECT_EQ(eight.optional_text(2), std::optional<std::string>("eight"));
    EXPECT_EQ(eight.integer(3), 80);
}

TEST_P(SqlTest, ChangedCountsRowsAndMultiRowInsertsWork) {
    open();
    auto counted = db->write([](Transaction& tx) -> StoreResult<std::vector<std::int64_t>> {
        sql(tx, "CREATE TABLE t (k BIGINT PRIMARY KEY, v TEXT NOT NULL)");
        std::vector<SqlParam> params{std::int64_t{1}, "a", std::int64_t{2}, "b", std::int64_t{3}, "c"};
        const auto inserted = sql(tx, "INSERT INTO t (k, v) VALUES " + sql_value_rows(3, 2), params);
        const auto again = sql(tx, "INSERT INTO t (k, v) VALUES " + sql_value_rows(2, 2) + " ON CONFLICT (k) DO NOTHING",
                               std::span<const SqlParam>(params.data(), 4));
        const auto updated = sql(tx, "UPDATE t SET v = $1 WHERE k IN (" + sql_param_list(2, 2) + ")",
                                 {"z", std::int64_t{1}, std::int64_t{3}});
        return std::vector<std::int64_t>{inserted.changed, again.changed, updated.changed};
    });
    ASSERT_TRUE(counted.ok()) << counted.error().message;
    EXPECT_EQ(*counted, (std::vector<std::int64_t>{3, 0, 2}));
    EXPECT_EQ(sql_value_rows(2, 2, 3), "($3, $4), ($5, $6)");
    EXPECT_EQ(sql_param_list(3, 2), "$2, $3, $4");
}

TEST_P(SqlTest, ErrorsAreStoreErrorsAndTheConnectionStaysUsable) {
    open(DatabaseOptions{.max_sessions = 1});
    ASSERT_TRUE(db->write([](Transaction& tx) -> StoreResult<Done> {
        sql(tx, "CREATE TABLE t (k BIGINT PRIMARY KEY)");
        sql(tx, "INSERT INTO t (k) VALUES ($1)", {std::int64_t{1}});
        return Done{};
    }));
    auto duplicate = db->write([](Transaction& tx) -> StoreResult<Done> {
        sql(tx, "INSERT INTO t (k) VALUES ($1)", {std::int64_t{1}});
        return Done{};
    });
    ASSERT_FALSE(duplicate.ok());
    EXPECT_EQ(kind_of(duplicate.error()), StoreErrorKind::conflict) << duplicate.error().message;
    auto bad = db->read([](Transaction& tx) -> StoreResult<Done> {
        sql(tx, "SELECT no_such_column FROM t");
        return Done{};
    });
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(kind_of(bad.error()), StoreErrorKind::database);
    auto miscounted = db->read([](Transaction& tx) -> StoreResult<Done> {
        sql(tx, "SELECT k FROM t WHERE k = $1", {std::int64_t{1}, std::int64_t{2}});
        return Done{};
    });
    ASSERT_FALSE(miscounted.ok());
    // A read stopped half-way (an exception while rows are pending) leaves nothing open.
    auto stopped = db->read([](Transaction& tx) -> StoreResult<Done> {
        for (const auto& row : sql(tx, "SELECT k FROM t").rows)
            if (row.integer(0) == 1) throw std::runtime_error("stop");
        return Done{};
    });
    ASSERT_FALSE(stopped.ok());
    for (int i = 0; i < 3; ++i) {
        auto written = db->write([&](Transaction& tx) -> StoreResult<std::int64_t> {
            return sql(tx, "INSERT INTO t (k) VALUES ($1) RETURNING k", {std::int64_t{10 + i}}).rows.at(0).integer(0);
        });
        ASSERT_TRUE(written.ok()) << written.error().message;
        EXPECT_EQ(*written, 10 + i);
    }
}

// SQLite compiles each statement text once per connection; PostgreSQL prepares it once
// per connection (PQprepare), then runs it with PQexecPrepared.
TEST_P(SqlTest, EachStatementIsCompiledOrPreparedOncePerConnection) {
    open(DatabaseOptions{.max_sessions = 1});
    ASSERT_TRUE(db->write([](Transaction& tx) -> StoreResult<Done> {
        sql(tx, "CREATE TABLE t (k BIGINT PRIMARY KEY)");
        return Done{};
    }));
    auto insert = [&](std::int64_t k) {
        return db->write([&](Transaction& tx) -> StoreResult<Done> {
            sql(tx, "INSERT INTO t (k) VALUES ($1)", {k});
            return Done{};
        });
    };
    ASSERT_TRUE(insert(1));
    const auto after_first = db->cached_statements();
    for (std::int64_t k = 2; k < 20; ++k) ASSERT_TRUE(insert(k));
    EXPECT_GT(after_first, 0u);
    EXPECT_EQ(db->cached_statements(), after_first);  // reused, not compiled or prepared again
    auto count = db->read([](Transaction& tx) -> StoreResult<std::int64_t> {
        return sql(tx, "SELECT count(*) FROM t").rows.at(0).integer(0);
    });
    ASSERT_TRUE(count.ok());
    EXPECT_EQ(*count, 19);
}

// Values come back typed by their column on both backends: integers of every width, a
// boolean as 0/1, a double, texts with any UTF-8, and blobs holding any byte (NUL included,
// sent binary and read back unescaped on PostgreSQL).
TEST_P(SqlTest, ValuesOfEveryColumnTypeRoundTrip) {
    open();
    const std::string bytes("a\0b\xff\x01\\x", 7);
    auto typed = db->write([&](Transaction& tx) -> StoreResult<SqlResult> {
        sql(tx, GetParam() == Backend::sqlite
                    ? "CREATE TABLE v (k BIGINT PRIMARY KEY, small SMALLINT, i INTEGER, t TEXT, b BLOB, f REAL)"
                    : "CREATE TABLE v (k BIGINT PRIMARY KEY, small SMALLINT, i INTEGER, t TEXT, b BYTEA, "
                      "f DOUBLE PRECISION)");
        sql(tx, "INSERT INTO v (k, small, i, t, b, f) VALUES ($1, $2, $3, $4, $5, 2.5)",
            {std::int64_t{9'000'000'000}, 7, -12, "样品 \"quoted\" ' text", SqlParam::blob(bytes)});
        return sql(tx, "SELECT k, small, i, t, b, f, k > $1 FROM v", {std::int64_t{1}});
    });
    ASSERT_TRUE(typed.ok()) << typed.error().message;
    ASSERT_EQ(typed->rows.size(), 1u);
    const auto& row = typed->rows[0];
    EXPECT_EQ(row.integer(0), 9'000'000'000);
    EXPECT_EQ(row.integer(1), 7);
    EXPECT_EQ(row.integer(2), -12);
    EXPECT_EQ(row.text(3), "样品 \"quoted\" ' text");
    EXPECT_EQ(row.text(4), bytes);
    EXPECT_EQ(row.text(5).substr(0, 3), "2.5");
    EXPECT_EQ(row.integer(6), 1);  // a boolean (PostgreSQL) or integer (SQLite) comparison
}

// A pooled PostgreSQL connection that the server ends (a restart, an administrator's
// pg_terminate_backend) loses its prepared statements with it: the call on it fails as
// "unavailable" (retryable), and the next transaction gets a new connection on which the
// statements are prepared again.
class PgConnectionTest : public StoreTest {};

TEST_P(PgConnectionTest, AConnectionTheServerEndsIsUnavailableOnceAndThenReplaced) {
    open(DatabaseOptions{.max_sessions = 1});
    auto pid = db->read([](Transaction& tx) -> StoreResult<std::int64_t> {
        return sql(tx, "SELECT pg_backend_pid()").rows.at(0).integer(0);
    });
    ASSERT_TRUE(pid.ok()) << pid.error().message;
    // From a connection of its own, while the pool's waits idle.
    exec_raw("SELECT pg_terminate_backend(" + std::to_string(*pid) + ")");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto again = [&] {
        return db->read([](Transaction& tx) -> StoreResult<std::int64_t> {
            return sql(tx, "SELECT pg_backend_pid()").rows.at(0).integer(0);
        });
    };
    StoreResult<std::int64_t> first = again();
    if (!first.ok()) {
        EXPECT_EQ(kind_of(first.error()), StoreErrorKind::unavailable) << first.error().message;
        first = again();
    }
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_NE(*first, *pid);  // a new connection, its statement prepared anew
}

INSTANTIATE_TEST_SUITE_P(Backends, SqlTest, ::testing::Values(Backend::sqlite, Backend::postgresql), backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, PgConnectionTest, ::testing::Values(Backend::postgresql), backend_name);
