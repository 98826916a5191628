#include "support/store_fixture.hpp"

#include "lims/store/migrations.hpp"
#include "lims/store/transaction.hpp"

#include <gtest/gtest.h>

using namespace lims::store;
using namespace lims::store::testing;
using namespace Poco::Data::Keywords;

class MigrationTest : public StoreTest {
protected:
    bool table_exists(const std::string& name) {
        auto r = db->read([&](Transaction& tx) -> StoreResult<int> {
            int n = 0;
            if (tx.dialect() == Dialect::sqlite)
                tx.session() << "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1", bind(name),
                    into(n), now;
            else
                tx.session() << "SELECT count(*) FROM information_schema.tables WHERE table_name = $1", bind(name),
                    into(n), now;
            return n;
        });
        return r.ok() && *r == 1;
    }
};

TEST_P(MigrationTest, AFreshDatabaseGetsTheWholeSchemaOnceAndOnlyOnce) {
    open();
    auto v0 = schema_version(*db);
    ASSERT_TRUE(v0.ok()) << v0.error().message;
    EXPECT_EQ(*v0, 0);
    EXPECT_EQ(kind_of(require_current_schema(*db).error()), StoreErrorKind::schema_outdated);

    auto first = migrate(*db);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->version_before, 0);
    EXPECT_EQ(first->version_after, static_cast<int>(builtin_migrations().size()));
    EXPECT_EQ(first->applied.front(), "1 core schema");
    for (const char* table :
         {"organisations", "users", "user_roles", "auth_tokens", "regulated_entities", "products",
          "specification_lines", "sampling_plans", "plan_quotas", "tasks", "samples", "sample_seals",
          "sample_samplers", "sample_portions", "sample_trace_codes", "shipments", "shipment_items", "tests",
          "results", "result_reviews", "signatures", "reports", "notices", "case_leads", "storage_units", "loggers",
          "logger_placements", "readings", "instruments", "raw_messages", "number_counters", "revisions",
          "audit_log", "audit_head"})
        EXPECT_TRUE(table_exists(table)) << table;
    EXPECT_TRUE(require_current_schema(*db).ok());

    auto second = migrate(*db);
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_TRUE(second->applied.empty());
    EXPECT_EQ(second->version_after, first->version_after);
}

TEST_P(MigrationTest, AMigrationFailingHalfWayLeavesTheDatabaseAsItWas) {
    open_migrated();
    auto broken = builtin_migrations();
    broken.push_back(Migration{2,
                               "add calibration tables",
                               {
                                   {"CREATE TABLE calibrations (id {ID}, instrument_id BIGINT NOT NULL)"},
                                   {"INSERT INTO number_counters (name, next_value) VALUES ('calibration', 1)"},
                                   {"CREATE TABLE calibration_points (id {ID}, calibration_id BIGINT REFERENCES"},
                               }});
    auto r = migrate(*db, broken);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(kind_of(r.error()), StoreErrorKind::migration_failed);
    const auto& msg = r.error().message;
    EXPECT_NE(msg.find("migration 2 (add calibration tables)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("statement 3"), std::string::npos) << msg;
    EXPECT_NE(msg.find("CREATE TABLE calibration_points"), std::string::npos) << msg;

    EXPECT_EQ(*schema_version(*db), 1);
    EXPECT_FALSE(table_exists("calibrations"));
    auto counters = db->read([](Transaction& tx) -> StoreResult<int> {
        int n = 0;
        tx.session() << "SELECT count(*) FROM number_counters", into(n), now;
        return n;
    });
    ASSERT_TRUE(counters.ok());
    EXPECT_EQ(*counters, 0);

    // Fixed, the same migration then applies.
    broken.back().steps.back().sql = "CREATE TABLE calibration_points (id {ID}, calibration_id BIGINT)";
    auto fixed = migrate(*db, broken);
    ASSERT_TRUE(fixed.ok()) << fixed.error().message;
    EXPECT_EQ(fixed->version_after, 2);
    EXPECT_TRUE(table_exists("calibration_points"));
}

TEST_P(MigrationTest, AMigrationListWithAGapIsRefused) {
    open();
    auto gap = builtin_migrations();
    gap.push_back(Migration{3, "skips two", {{"SELECT 1"}}});
    auto r = migrate(*db, gap);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(kind_of(r.error()), StoreErrorKind::invalid_argument);
    EXPECT_NE(r.error().message.find("version 3"), std::string::npos) << r.error().message;
}

TEST_P(MigrationTest, ADatabaseNewerThanTheBuildIsRefused) {
    open_migrated();
    exec_raw("INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'from the future', 'x')");
    auto r = migrate(*db);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(kind_of(r.error()), StoreErrorKind::schema_outdated);
    EXPECT_NE(r.error().message.find("99"), std::string::npos) << r.error().message;
}

TEST_P(MigrationTest, RecordedFactsRefuseUpdateAndDelete) {
    open_migrated();
    auto appended = db->write([](Transaction& tx) -> StoreResult<Done> {
        tx.record({"tester", "test.append", "thing", "1", "", "{}", ""});
        return Done{};
    });
    ASSERT_TRUE(appended.ok()) << appended.error().message;
    // Row triggers fire only for rows that exist, so the table must hold one.
    for (const char* sql : {"UPDATE audit_log SET reason = 'rewritten' WHERE seq = 1", "DELETE FROM audit_log"}) {
        auto r = db->write([&](Transaction& tx) -> StoreResult<Done> {
            tx.session() << sql, now;
            return Done{};
        });
        ASSERT_FALSE(r.ok()) << sql;
        EXPECT_NE(r.error().message.find("append-only"), std::string::npos) << r.error().message;
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, MigrationTest, ::testing::Values(Backend::sqlite, Backend::postgresql),
                         backend_name);
