// Transaction::nested (a consequence that may fail alone, undone with its audit entries,
// while the transaction goes on) and WriteHook (work added to every write transaction a
// thread starts), on SQLite with and without group commit and on PostgreSQL.
#include "support/store_fixture.hpp"

#include "lims/store/audit.hpp"
#include "lims/store/sql.hpp"
#include "lims/store/transaction.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

using namespace lims::store;
using namespace lims::store::testing;

namespace {

class TransactionScopeTest : public StoreTest {
protected:
    void create_notes(Database& database) {
        auto made = database.write([](Transaction& tx) -> StoreResult<Done> {
            sql(tx, "CREATE TABLE scope_notes (id BIGINT PRIMARY KEY, text TEXT NOT NULL)");
            sql(tx, "CREATE TABLE scope_marks (id BIGINT PRIMARY KEY, marked INTEGER NOT NULL)");
            sql(tx, "INSERT INTO scope_marks (id, marked) VALUES (1, 0)");
            return Done{};
        });
        ASSERT_TRUE(made.ok()) << made.error().message;
    }
    std::int64_t count(const std::string& query) {
        auto n = db->read([&](Transaction& tx) -> StoreResult<std::int64_t> { return sql(tx, query).rows.at(0).integer(0); });
        if (!n) throw std::runtime_error(n.error().message);
        return *n;
    }
    std::int64_t audit_entries(const std::string& action) {
        return count("SELECT count(*) FROM audit_log WHERE action = '" + action + "'");
    }
};

TEST_P(TransactionScopeTest, ANestedFailureUndoesOnlyItsOwnChangesAndAuditEntries) {
    open_migrated();
    create_notes(*db);
    auto outcome = db->write([](Transaction& tx) -> StoreResult<Done> {
        sql(tx, "INSERT INTO scope_notes (id, text) VALUES (1, 'evidence')");
        tx.record({"tester", "scope.evidence", "note", "1", "", "", ""});
        auto failed = tx.nested([](Transaction& inner) -> StoreResult<Done> {
            sql(inner, "INSERT INTO scope_notes (id, text) VALUES (2, 'consequence')");
            inner.record({"tester", "scope.consequence", "note", "2", "", "", ""});
            return store_error(StoreErrorKind::invalid_argument, "no enforcement unit");
        });
        EXPECT_FALSE(failed.ok());
        EXPECT_EQ(failed.error().message, "no enforcement unit");
        // A statement that fails inside (a duplicate key) is undone the same way; on
        // PostgreSQL the transaction would otherwise be aborted.
        auto thrown = tx.nested([](Transaction& inner) -> StoreResult<Done> {
            sql(inner, "INSERT INTO scope_notes (id, text) VALUES (1, 'again')");
            return Done{};
        });
        EXPECT_FALSE(thrown.ok());
        auto kept = tx.nested([](Transaction& inner) -> StoreResult<Done> {
            sql(inner, "INSERT INTO scope_notes (id, text) VALUES (3, 'alarm')");
            inner.record({"tester", "scope.alarm", "note", "3", "", "", ""});
            return Done{};
        });
        EXPECT_TRUE(kept.ok());
        return Done{};
    });
    ASSERT_TRUE(outcome.ok()) << outcome.error().message;
    EXPECT_EQ(count("SELECT count(*) FROM scope_notes WHERE id = 1"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM scope_notes WHERE id = 2"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM scope_notes WHERE id = 3"), 1);
    EXPECT_EQ(audit_entries("scope.evidence"), 1);
    EXPECT_EQ(audit_entries("scope.consequence"), 0);
    EXPECT_EQ(audit_entries("scope.alarm"), 1);
    auto verified = verify_audit_chain(*db);
    ASSERT_TRUE(verified.ok()) << verified.error().message;
    EXPECT_TRUE(verified->intact) << verified->problem;
}

TEST_P(TransactionScopeTest, AWriteHookJoinsEveryWriteOfItsThreadAndCanRefuseIt) {
    open_migrated();
    create_notes(*db);
    {
        WriteHook hook([](Transaction& tx) { sql(tx, "UPDATE scope_marks SET marked = marked + 1 WHERE id = 1"); });
        auto first = db->write([](Transaction& tx) -> StoreResult<Done> {
            sql(tx, "INSERT INTO scope_notes (id, text) VALUES (10, 'a')");
            return Done{};
        });
        ASSERT_TRUE(first.ok()) << first.error().message;
        // A failed write gets no mark: the hook runs only after the caller's work succeeded.
        auto failed = db->write([](Transaction&) -> StoreResult<Done> {
            return store_error(StoreErrorKind::invalid_argument, "refused");
        });
        EXPECT_FALSE(failed.ok());
        // Another thread's writes are not this hook's.
        std::thread other([&] {
            auto w = db->write([](Transaction& tx) -> StoreResult<Done> {
                sql(tx, "INSERT INTO scope_notes (id, text) VALUES (11, 'b')");
                return Done{};
            });
            EXPECT_TRUE(w.ok());
        });
        other.join();
    }
    EXPECT_EQ(count("SELECT marked FROM scope_marks WHERE id = 1"), 1);
    {
        WriteHook refusing([](Transaction&) { throw std::runtime_error("the key was taken over"); });
        auto refused = db->write([](Transaction& tx) -> StoreResult<Done> {
            sql(tx, "INSERT INTO scope_notes (id, text) VALUES (12, 'c')");
            return Done{};
        });
        ASSERT_FALSE(refused.ok());
        EXPECT_NE(refused.error().message.find("the key was taken over"), std::string::npos) << refused.error().message;
    }
    EXPECT_EQ(count("SELECT count(*) FROM scope_notes WHERE id = 12"), 0);
    // Out of scope, writes are plain again.
    auto plain = db->write([](Transaction& tx) -> StoreResult<Done> {
        sql(tx, "INSERT INTO scope_notes (id, text) VALUES (13, 'd')");
        return Done{};
    });
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(count("SELECT marked FROM scope_marks WHERE id = 1"), 1);
}

TEST_P(TransactionScopeTest, AWriteHookAlsoJoinsWritesWithoutGroupCommit) {
    DatabaseOptions options;
    options.group_commit = false;
    open_migrated(options);
    create_notes(*db);
    WriteHook hook([](Transaction& tx) { sql(tx, "UPDATE scope_marks SET marked = marked + 1 WHERE id = 1"); });
    ASSERT_TRUE(db->write([](Transaction& tx) -> StoreResult<Done> {
        sql(tx, "INSERT INTO scope_notes (id, text) VALUES (20, 'x')");
        return Done{};
    }));
    EXPECT_EQ(count("SELECT marked FROM scope_marks WHERE id = 1"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, TransactionScopeTest, ::testing::Values(Backend::sqlite, Backend::postgresql),
                         backend_name);

}  // namespace
