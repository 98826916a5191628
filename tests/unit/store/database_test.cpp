#include "support/store_fixture.hpp"

#include "lims/store/transaction.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

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
