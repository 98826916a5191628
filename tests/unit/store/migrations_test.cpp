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
    const int latest = static_cast<int>(broken.size());
    const int next = latest + 1;
    broken.push_back(Migration{next,
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
    EXPECT_NE(msg.find("migration " + std::to_string(next) + " (add calibration tables)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("statement 3"), std::string::npos) << msg;
    EXPECT_NE(msg.find("CREATE TABLE calibration_points"), std::string::npos) << msg;

    EXPECT_EQ(*schema_version(*db), latest);
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
    EXPECT_EQ(fixed->version_after, next);
    EXPECT_TRUE(table_exists("calibration_points"));
}

TEST_P(MigrationTest, AMigrationListWithAGapIsRefused) {
    open();
    auto gap = builtin_migrations();
    const int skipped_to = static_cast<int>(gap.size()) + 2;
    gap.push_back(Migration{skipped_to, "skips one", {{"SELECT 1"}}});
    auto r = migrate(*db, gap);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(kind_of(r.error()), StoreErrorKind::invalid_argument);
    EXPECT_NE(r.error().message.find("version " + std::to_string(skipped_to)), std::string::npos) << r.error().message;
}

// Migration 2 on a database at version 1 holding an alarm and its notification: both are
// kept with their ids and link, the new alarm kind is admitted, unknown kinds still are not.
TEST_P(MigrationTest, MigrationTwoKeepsAlarmsAndTheirNotificationsAndAdmitsCaseLeadFailed) {
    open();
    const std::vector<Migration> first_only{builtin_migrations().front()};
    ASSERT_TRUE(migrate(*db, first_only).ok());
    const std::string at = "2026-03-02T00:00:00Z";
    auto exec = [&](const std::string& sql) {
        auto r = db->write([&](Transaction& tx) -> StoreResult<Done> {
            tx.session() << sql, now;
            return Done{};
        });
        return r.ok() ? std::string() : r.error().message;
    };
    for (const std::string& sql : std::vector<std::string>{
             "INSERT INTO organisations (id, code, name, kind, region_code, path, created_at, updated_at) VALUES "
             "(1, 'SH', 'Shanghai bureau', 'bureau', '310000', '/1/', '" + at + "', '" + at + "')",
             "INSERT INTO storage_units (id, code, org_id, name, kind, min_centi_celsius, max_centi_celsius, created_at, "
             "updated_at) VALUES (1, 'F1', 1, 'fridge', 'refrigerator', 200, 800, '" + at + "', '" + at + "')",
             "INSERT INTO loggers (id, serial, org_id, created_at, updated_at) VALUES (1, 'TL-1', 1, '" + at + "', '" +
                 at + "')",
             std::string("INSERT INTO logger_placements (id, logger_id, storage_unit_id, from_utc) VALUES (1, 1, 1, 100)"),
             "INSERT INTO coldchain_alarms (id, logger_id, placement_id, org_id, storage_unit_id, kind, raised_at_utc, "
             "since_utc, detail, created_at) VALUES (7, 1, 1, 1, 1, 'offline', 200, 150, 'no reading', '" + at + "')",
             "INSERT INTO alarm_notifications (id, alarm_id, channel, subject, body, state, next_attempt_utc, created_at) "
             "VALUES (9, 7, 'in_app', 's', 'b', 'sent', 200, '" + at + "')"})
        ASSERT_EQ(exec(sql), "") << sql;
    EXPECT_NE(exec("INSERT INTO coldchain_alarms (logger_id, placement_id, org_id, kind, raised_at_utc, since_utc, "
                   "created_at) VALUES (1, 1, 1, 'case_lead_failed', 300, 300, '" + at + "')"),
              "");  // not yet

    const std::vector<Migration> through_two{builtin_migrations()[0], builtin_migrations()[1]};
    auto r = migrate(*db, through_two);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->version_before, 1);
    EXPECT_EQ(r->version_after, 2);
    ASSERT_EQ(r->applied, std::vector<std::string>{"2 case_lead_failed alarm kind"});

    auto kept = db->read([](Transaction& tx) -> StoreResult<std::string> {
        std::string kind, detail;
        Poco::Int64 notification = 0;
        tx.session() << "SELECT a.kind, a.detail, n.id FROM coldchain_alarms a JOIN alarm_notifications n ON "
                        "n.alarm_id = a.id WHERE a.id = 7",
            into(kind), into(detail), into(notification), now;
        return kind + " " + detail + " " + std::to_string(notification);
    });
    ASSERT_TRUE(kept.ok()) << kept.error().message;
    EXPECT_EQ(*kept, "offline no reading 9");
    EXPECT_EQ(exec("INSERT INTO coldchain_alarms (logger_id, placement_id, org_id, storage_unit_id, kind, "
                   "raised_at_utc, since_utc, created_at) VALUES (1, 1, 1, 1, 'case_lead_failed', 300, 300, '" + at + "')"),
              "");
    EXPECT_NE(exec("INSERT INTO coldchain_alarms (logger_id, placement_id, org_id, kind, raised_at_utc, since_utc, "
                   "created_at) VALUES (1, 1, 1, 'flood', 300, 300, '" + at + "')"),
              "");
    // Notifications still refer to the alarms table: one for a missing alarm is refused.
    EXPECT_NE(exec("INSERT INTO alarm_notifications (alarm_id, channel, subject, body, state, next_attempt_utc, "
                   "created_at) VALUES (999, 'in_app', 's', 'b', 'sent', 200, '" + at + "')"),
              "");
    EXPECT_EQ(exec("INSERT INTO alarm_notifications (alarm_id, channel, subject, body, state, next_attempt_utc, "
                   "created_at) VALUES (7, 'email', 's', 'b', 'pending', 200, '" + at + "')"),
              "");
}

// Migration 3 on a database at version 2 holding an Idempotency-Key: the key is kept and
// gets the claim columns; on PostgreSQL a TRUNCATE of a fact table is refused afterwards.
TEST_P(MigrationTest, MigrationThreeAddsClaimColumnsAndRefusesTruncate) {
    open();
    const std::vector<Migration> through_two{builtin_migrations()[0], builtin_migrations()[1]};
    ASSERT_TRUE(migrate(*db, through_two).ok());
    exec_raw("INSERT INTO idempotency_keys (user_id, idem_key, request_hash, created_at) VALUES (4, 'k', '" +
             std::string(64, 'a') + "', '2026-12-07T00:00:00Z')");
    const std::vector<Migration> through_three{builtin_migrations()[0], builtin_migrations()[1], builtin_migrations()[2]};
    auto r = migrate(*db, through_three);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->version_before, 2);
    EXPECT_EQ(r->version_after, 3);
    auto kept = db->read([](Transaction& tx) -> StoreResult<std::string> {
        std::string key;
        Poco::Nullable<std::string> claim, committed;
        tx.session() << "SELECT idem_key, claim_id, work_committed_at FROM idempotency_keys WHERE user_id = 4",
            into(key), into(claim), into(committed), now;
        return key + (claim.isNull() ? " no-claim" : " claim") + (committed.isNull() ? " not-committed" : " committed");
    });
    ASSERT_TRUE(kept.ok()) << kept.error().message;
    EXPECT_EQ(*kept, "k no-claim not-committed");
    if (GetParam() == Backend::postgresql) {
        for (const char* table : {"audit_log", "audit_seals", "raw_messages", "readings", "results"})
            EXPECT_THROW(exec_raw(std::string("TRUNCATE ") + table + " CASCADE"), std::exception) << table;
    }
}

// Migration 4 on a database at version 3 holding a specification line edited twice in
// place (version 3) and a test judged against it: the line's current version enters the
// history, the test keeps that version, and from then on a change is a new version (the
// history grows, the test's version stays) while an update in place is refused.
TEST_P(MigrationTest, MigrationFourVersionsSpecificationLinesAndTestsKeepTheirs) {
    open();
    const std::vector<Migration> through_three{builtin_migrations()[0], builtin_migrations()[1], builtin_migrations()[2]};
    ASSERT_TRUE(migrate(*db, through_three).ok());
    const std::string at = "'2026-12-07T00:00:00Z'";
    for (const std::string& sql : std::vector<std::string>{
             "INSERT INTO organisations (id, code, name, kind, region_code, path, created_at, updated_at) VALUES "
             "(1, 'SH', 'Shanghai bureau', 'bureau', '310000', '/1/', " + at + ", " + at + ")",
             "INSERT INTO products (id, name, category, storage_class, created_at, updated_at) VALUES "
             "(1, 'amoxicillin', 'drug', 'ambient', " + at + ", " + at + ")",
             "INSERT INTO specification_lines (id, product_id, standard_ref, test_code, test_name, limit_kind, "
             "lower_limit, upper_limit, unit, decimal_places, version, created_at, updated_at) VALUES (5, 1, 'ChP', "
             "'ASSAY', 'assay', 'range', '90.0', '110.0', '%', 1, 3, " + at + ", " + at + ")",
             "INSERT INTO samples (id, number, org_id, product_name, quantity, unit, storage_condition, sampled_at, "
             "state, created_at, updated_at) VALUES (1, 'S-1', 1, 'amoxicillin', '6', 'box', 'ambient', " + at +
                 ", 'in_testing', " + at + ", " + at + ")",
             "INSERT INTO tests (id, sample_id, spec_line_id, test_code, state, created_at, updated_at) VALUES "
             "(8, 1, 5, 'ASSAY', 'final', " + at + ", " + at + ")"})
        exec_raw(sql);
    auto r = migrate(*db);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->version_before, 3);
    EXPECT_EQ(r->version_after, builtin_migrations().back().version);  // 4 and the migrations after it
    EXPECT_TRUE(require_current_schema(*db).ok());
    auto text = [&](const std::string& sql) {
        auto v = db->read([&](Transaction& tx) -> StoreResult<std::string> {
            std::string out;
            tx.session() << sql, into(out), now;
            return out;
        });
        return v ? *v : "error: " + v.error().message;
    };
    EXPECT_EQ(text("SELECT CAST(spec_line_version AS TEXT) FROM tests WHERE id = 8"), "3");
    EXPECT_EQ(text("SELECT lower_limit || '-' || upper_limit FROM specification_line_versions WHERE line_id = 5 AND version = 3"),
              "90.0-110.0");
    // In place: refused. A new version: kept in the history; the test keeps version 3.
    EXPECT_THROW(exec_raw("UPDATE specification_lines SET upper_limit = '120.0' WHERE id = 5"), std::exception);
    exec_raw("UPDATE specification_lines SET lower_limit = '80.0', upper_limit = '120.0', version = 4 WHERE id = 5");
    EXPECT_EQ(text("SELECT lower_limit || '-' || upper_limit FROM specification_line_versions WHERE line_id = 5 AND version = 4"),
              "80.0-120.0");
    EXPECT_EQ(text("SELECT lower_limit || '-' || upper_limit FROM specification_line_versions WHERE line_id = 5 AND version = 3"),
              "90.0-110.0");
    EXPECT_EQ(text("SELECT CAST(spec_line_version AS TEXT) FROM tests WHERE id = 8"), "3");
    EXPECT_THROW(exec_raw("UPDATE tests SET spec_line_version = 4 WHERE id = 8"), std::exception);
    EXPECT_THROW(exec_raw("UPDATE specification_line_versions SET upper_limit = '1' WHERE line_id = 5"), std::exception);
    EXPECT_THROW(exec_raw("DELETE FROM specification_lines WHERE id = 5"), std::exception);
    // A test created now takes the line's current version.
    exec_raw("INSERT INTO tests (id, sample_id, spec_line_id, test_code, state, round, created_at, updated_at) VALUES "
             "(9, 1, 5, 'ASSAY', 'pending', 2, " + at + ", " + at + ")");
    EXPECT_EQ(text("SELECT CAST(spec_line_version AS TEXT) FROM tests WHERE id = 9"), "4");
}

// Migration 6 on a database at the version before it holding an alarm with its delivered
// in-app notification and a pending e-mail: both kept (ids, state, alarm), and from then on a
// row of the queue is about exactly one alarm or one notice; the marks and pushes are facts.
TEST_P(MigrationTest, MigrationSixKeepsTheQueueAndAdmitsNoticeDeliveries) {
    open();
    std::vector<Migration> before, through_six;
    for (const auto& m : builtin_migrations()) {
        if (m.version < 6) before.push_back(m);
        if (m.version <= 6) through_six.push_back(m);
    }
    ASSERT_TRUE(migrate(*db, before).ok());
    const std::string at = "2026-03-02T00:00:00Z";
    for (const std::string& sql : std::vector<std::string>{
             "INSERT INTO organisations (id, code, name, kind, region_code, path, created_at, updated_at) VALUES "
             "(1, 'SH', 'Shanghai bureau', 'bureau', '310000', '/1/', '" + at + "', '" + at + "')",
             "INSERT INTO users (id, org_id, username, display_name, password_hash, created_at, updated_at) VALUES "
             "(3, 1, 'li', 'Li', 'x', '" + at + "', '" + at + "')",
             "INSERT INTO storage_units (id, code, org_id, name, kind, min_centi_celsius, max_centi_celsius, created_at, "
             "updated_at) VALUES (1, 'F1', 1, 'fridge', 'refrigerator', 200, 800, '" + at + "', '" + at + "')",
             "INSERT INTO loggers (id, serial, org_id, created_at, updated_at) VALUES (1, 'TL-1', 1, '" + at + "', '" +
                 at + "')",
             std::string("INSERT INTO logger_placements (id, logger_id, storage_unit_id, from_utc) VALUES (1, 1, 1, 100)"),
             "INSERT INTO coldchain_alarms (id, logger_id, placement_id, org_id, storage_unit_id, kind, raised_at_utc, "
             "since_utc, detail, created_at) VALUES (7, 1, 1, 1, 1, 'offline', 200, 150, 'no reading', '" + at + "')",
             "INSERT INTO alarm_notifications (id, alarm_id, user_id, channel, subject, body, state, next_attempt_utc, "
             "sent_at_utc, created_at) VALUES (9, 7, 3, 'in_app', 's', 'b', 'sent', 200, 200, '" + at + "')",
             "INSERT INTO alarm_notifications (id, alarm_id, channel, address, subject, body, state, attempts, "
             "next_attempt_utc, last_error, created_at) VALUES (10, 7, 'email', 'li@sh.example', 's', 'b', 'pending', 2, "
             "400, 'SMTP down', '" + at + "')",
             "INSERT INTO notices (id, number, recipient, to_org_id, state, due_at, created_at, updated_at) VALUES "
             "(5, 'TZ-1', 'organising_bureau', 1, 'sent', '2026-03-03T00:00:00Z', '" + at + "', '" + at + "')"})
        exec_raw(sql);

    auto r = migrate(*db, through_six);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->version_after, 6);
    auto kept = db->read([](Transaction& tx) -> StoreResult<std::string> {
        std::vector<std::string> rows;
        tx.session() << "SELECT CAST(id AS TEXT) || ' ' || CAST(alarm_id AS TEXT) || ' ' || channel || ' ' || state || ' ' "
                        "|| CAST(attempts AS TEXT) || ' ' || last_error || ' ' || COALESCE(CAST(notice_id AS TEXT), '-') "
                        "FROM alarm_notifications ORDER BY id",
            into(rows), now;
        std::string out;
        for (const auto& row : rows) out += row + ";";
        return out;
    });
    ASSERT_TRUE(kept.ok()) << kept.error().message;
    EXPECT_EQ(*kept, "9 7 in_app sent 0  -;10 7 email pending 2 SMTP down -;");

    // A notice's delivery, without an alarm; a row about nothing or about both is refused.
    exec_raw("INSERT INTO alarm_notifications (notice_id, channel, address, subject, body, state, next_attempt_utc, "
             "created_at) VALUES (5, 'webhook', '+86 10 1', 's', 'b', 'pending', 500, '" + at + "')");
    EXPECT_THROW(exec_raw("INSERT INTO alarm_notifications (channel, subject, body, state, next_attempt_utc, created_at) "
                          "VALUES ('email', 's', 'b', 'pending', 500, '" + at + "')"),
                 std::exception);
    EXPECT_THROW(exec_raw("INSERT INTO alarm_notifications (alarm_id, notice_id, channel, subject, body, state, "
                          "next_attempt_utc, created_at) VALUES (7, 5, 'email', 's', 'b', 'pending', 500, '" + at + "')"),
                 std::exception);
    // Marks and pushes are facts, each once.
    exec_raw("INSERT INTO notification_marks (user_id, source, item_id, mark, created_at) VALUES (3, 'alarm', 9, 'read', '" +
             at + "')");
    EXPECT_THROW(exec_raw("INSERT INTO notification_marks (user_id, source, item_id, mark, created_at) VALUES "
                          "(3, 'alarm', 9, 'read', '" + at + "')"),
                 std::exception);
    EXPECT_THROW(exec_raw("UPDATE notification_marks SET note = 'x'"), std::exception);
    EXPECT_THROW(exec_raw("DELETE FROM notification_marks"), std::exception);
    exec_raw("INSERT INTO notice_pushes (notice_id, step, recipients, created_at) VALUES (5, 'push', 1, '" + at + "')");
    EXPECT_THROW(exec_raw("INSERT INTO notice_pushes (notice_id, step, recipients, created_at) VALUES (5, 'push', 1, '" +
                          at + "')"),
                 std::exception);
    exec_raw("INSERT INTO organisation_contacts (id, org_id, role, name, email, created_by, created_at) VALUES "
             "(1, 1, 'head', 'Zhao', 'z@sh.example', 't', '" + at + "')");
    EXPECT_THROW(exec_raw("UPDATE organisation_contacts SET name = 'x'"), std::exception);
    if (GetParam() == Backend::postgresql)
        for (const char* table : {"notification_marks", "notice_pushes", "organisation_contacts"})
            EXPECT_THROW(exec_raw(std::string("TRUNCATE ") + table + " CASCADE"), std::exception) << table;
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
    for (const char* sql : {"UPDATE audit_log SET reason = 'rewritten' WHERE seq = 1", "DELETE FROM audit_log",
                            "UPDATE audit_seals SET hash = 'rewritten' WHERE seq = 1", "DELETE FROM audit_seals"}) {
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
