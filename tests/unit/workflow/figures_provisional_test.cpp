// Overdue scan, statistics and the deadline recount when a calendar year is provisional
// (statutory holidays only): figures counted through it are marked, and once the official
// year is loaded the recount gives the marked notices and leads a new, audited version.
#include "documents_seed.hpp"

#include "lims/store/audit.hpp"
#include "lims/workflow/admin/deadline_recount.hpp"
#include "lims/workflow/documents/sql_rows.hpp"
#include "lims/workflow/figures/overdue.hpp"
#include "lims/workflow/figures/statistics.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

using namespace lims;
using namespace lims::workflow::figures;
namespace seed = lims::test::documents_seed;

namespace {

domain::Instant at(const char* utc) {
    auto day = domain::parse_date(std::string_view(utc).substr(0, 10));
    const int h = std::stoi(std::string(utc).substr(11, 2));
    return std::chrono::sys_seconds(*day) + std::chrono::hours(h);
}

domain::CalendarYear fixture_year(const std::string& name) {
    std::ifstream in(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars/" + name);
    std::stringstream text;
    text << in.rdbuf();
    return domain::parse_calendar_year(name, text.str()).value();
}

// 2026 as if its notice were not out: the statutory days only (清明 5 April, a Sunday).
domain::WorkingCalendar provisional_2026() {
    auto y2026 = domain::parse_calendar_year("cn-mainland-2026.provisional.txt",
                                             "year 2026\nprovisional test: the notice is not out\n"
                                             "holiday 2026-04-05 清明节 (statutory)\n")
                     .value();
    return domain::WorkingCalendar::from_years({fixture_year("cn-mainland-2025.txt"), y2026}).value();
}

domain::WorkingCalendar official_2026() {
    return domain::WorkingCalendar::from_years({fixture_year("cn-mainland-2025.txt"), fixture_year("cn-mainland-2026.txt")})
        .value();
}

class FiguresProvisionalTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() / ("lims-figures-p-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(dir_);
        auto opened = store::Database::open("sqlite:" + (dir_ / "lims.db").string());
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        db = *opened;
        ASSERT_TRUE(store::migrate(*db, store::builtin_migrations()).ok());
        orgs = seed::seed_organisations(*db);
        seeded = seed::seed_documents(*db, orgs);
    }
    void TearDown() override {
        db.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    domain::Result<OverdueScan> scan(const domain::WorkingCalendar& calendar, domain::Instant now) {
        OverdueQuery q;
        q.now = now;
        return db->read([&](store::Transaction& tx) { return scan_overdue(tx, calendar, q); });
    }
    std::string cell(const std::string& sql) {
        auto rows = db->read([&](store::Transaction& tx) -> store::StoreResult<std::string> {
            return workflow::documents::text_or_empty(workflow::documents::select_rows(tx, sql)[0][0]);
        });
        return *rows;
    }

    std::shared_ptr<store::Database> db;
    seed::Orgs orgs;
    seed::Seeded seeded;

private:
    std::filesystem::path dir_;
};

}  // namespace

TEST_F(FiguresProvisionalTest, OverdueItemsCountedThroughAProvisionalYearAreMarked) {
    const auto calendar = provisional_2026();
    auto s = scan(calendar, at("2026-05-06T02"));
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_EQ(s->tests.size(), 1U);
    ASSERT_EQ(s->notices.size(), 1U);
    ASSERT_EQ(s->case_leads.size(), 1U);
    EXPECT_TRUE(s->tests[0].deadline_provisional);
    EXPECT_TRUE(s->notices[0].deadline_provisional);  // its working days overdue run through 2026
    EXPECT_TRUE(s->case_leads[0].deadline_provisional);
    const auto table = overdue_table(*s);
    ASSERT_EQ(table.columns.size(), 8U);
    EXPECT_EQ(table.columns.back(), "deadline_provisional");
    for (const auto& row : table.rows) EXPECT_EQ(row.back(), "true");
}

TEST_F(FiguresProvisionalTest, OnOfficialYearsTheTableKeepsItsShape) {
    auto s = scan(official_2026(), at("2026-05-06T02"));
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_EQ(s->tests.size(), 1U);
    EXPECT_FALSE(s->tests[0].deadline_provisional);
    EXPECT_FALSE(s->notices[0].deadline_provisional);
    EXPECT_FALSE(s->case_leads[0].deadline_provisional);
    const auto table = overdue_table(*s);
    EXPECT_EQ(table.columns.size(), 7U);
    EXPECT_EQ(table.rows[0].size(), 7U);
}

TEST_F(FiguresProvisionalTest, AStoredProvisionalFlagMarksTheItemEvenOnOfficialYears) {
    auto marked_rows = db->write([&](store::Transaction& tx) -> store::StoreResult<int> {
        tx.session() << "UPDATE case_leads SET deadline_provisional = 1 WHERE number = 'XS-DOC-1'", Poco::Data::Keywords::now;
        return 0;
    });
    ASSERT_TRUE(marked_rows.ok());
    auto s = scan(official_2026(), at("2026-05-06T02"));
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(s->case_leads.size(), 1U);
    EXPECT_TRUE(s->case_leads[0].deadline_provisional);
    EXPECT_FALSE(s->notices[0].deadline_provisional);
}

TEST_F(FiguresProvisionalTest, StatisticsSayWhenTheyRestOnAProvisionalYear) {
    auto filter = parse_statistics_filter({});
    ASSERT_TRUE(filter.ok());
    const auto provisional = provisional_2026();
    auto marked = db->read([&](store::Transaction& tx) {
        return compute_statistics(tx, provisional, *filter, at("2026-05-06T02"));
    });
    ASSERT_TRUE(marked.ok()) << marked.error().message;
    EXPECT_TRUE(marked->deadline_provisional);
    const auto official = official_2026();
    auto plain = db->read([&](store::Transaction& tx) {
        return compute_statistics(tx, official, *filter, at("2026-05-06T02"));
    });
    ASSERT_TRUE(plain.ok());
    EXPECT_FALSE(plain->deadline_provisional);
    // The same figures either way here: only the mark differs.
    EXPECT_EQ(marked->samples.on_time_reports.numerator, plain->samples.on_time_reports.numerator);
}

TEST_F(FiguresProvisionalTest, TheRecountGivesMarkedNoticesAndLeadsAnAuditedVersion) {
    // As if sent and opened while 2026 was provisional, with the provisional count's dates.
    auto marked_rows = db->write([&](store::Transaction& tx) -> store::StoreResult<int> {
        using namespace Poco::Data::Keywords;
        tx.session() << "UPDATE notices SET deadline_provisional = 1, due_at = '2026-03-18T16:00:00Z' "
                        "WHERE number = 'TZ-DOC-2'", now;
        tx.session() << "UPDATE case_leads SET deadline_provisional = 1 WHERE number IN ('XS-DOC-1', 'XS-DOC-2')", now;
        return 0;
    });
    ASSERT_TRUE(marked_rows.ok());
    const auto official = official_2026();
    auto recount = db->write([&](store::Transaction& tx) {
        return workflow::recount_provisional_deadlines(tx, official, "system:calendar-recompute");
    });
    ASSERT_TRUE(recount.ok()) << recount.error().message;
    EXPECT_EQ(recount->notices.examined, 1U);  // TZ-DOC-1 is acknowledged and not marked
    EXPECT_EQ(recount->notices.changed, 1U);
    EXPECT_EQ(recount->notices.still_provisional, 0U);
    ASSERT_EQ(recount->notices.changes.size(), 1U);
    EXPECT_NE(recount->notices.changes[0].find("TZ-DOC-2: 2026-03-18T16:00:00Z -> 2026-03-17T16:00:00"), std::string::npos)
        << recount->notices.changes[0];
    EXPECT_EQ(recount->case_leads.examined, 1U);  // XS-DOC-2 is decided (filed): its clock stopped
    EXPECT_EQ(recount->case_leads.changed, 1U);
    EXPECT_EQ(cell("SELECT due_at FROM notices WHERE number = 'TZ-DOC-2'").substr(0, 19), "2026-03-17T16:00:00");
    EXPECT_EQ(cell("SELECT COALESCE(CAST(deadline_provisional AS TEXT), 'null') FROM notices WHERE number = 'TZ-DOC-2'"),
              "null");
    EXPECT_EQ(cell("SELECT COALESCE(CAST(deadline_provisional AS TEXT), 'null') FROM case_leads WHERE number = 'XS-DOC-1'"),
              "null");
    EXPECT_EQ(cell("SELECT CAST(deadline_provisional AS TEXT) FROM case_leads WHERE number = 'XS-DOC-2'"), "1");
    EXPECT_EQ(cell("SELECT CAST(count(*) AS TEXT) FROM audit_log WHERE action = 'notice.deadline_recount'"), "1");
    EXPECT_EQ(cell("SELECT CAST(count(*) AS TEXT) FROM audit_log WHERE action = 'case_lead.deadline_recount'"), "1");
    EXPECT_EQ(cell("SELECT CAST(count(*) AS TEXT) FROM revisions WHERE entity_type = 'case_lead' AND reason LIKE "
                   "'%recounted%'"),
              "1");
    auto chain = store::verify_audit_chain(*db);
    ASSERT_TRUE(chain.ok());
    EXPECT_TRUE(chain->intact) << chain->problem;

    // Nothing left to do the second time.
    auto again = db->write([&](store::Transaction& tx) {
        return workflow::recount_provisional_deadlines(tx, official, "system:calendar-recompute");
    });
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->notices.examined + again->case_leads.examined, 0U);
}

TEST_F(FiguresProvisionalTest, TheRecountRefusesACalendarThatDoesNotReachTheDeadline) {
    auto marked_rows = db->write([&](store::Transaction& tx) -> store::StoreResult<int> {
        tx.session() << "UPDATE case_leads SET deadline_provisional = 1 WHERE number = 'XS-DOC-1'", Poco::Data::Keywords::now;
        return 0;
    });
    ASSERT_TRUE(marked_rows.ok());
    const auto only_2025 = domain::WorkingCalendar::from_years({fixture_year("cn-mainland-2025.txt")}).value();
    auto recount = db->write([&](store::Transaction& tx) {
        return workflow::recount_provisional_deadlines(tx, only_2025, "system:calendar-recompute");
    });
    ASSERT_FALSE(recount.ok());
    EXPECT_EQ(recount.error().code, "calendar.year_not_loaded");
    // Nothing was written: the lead keeps its mark.
    EXPECT_EQ(cell("SELECT CAST(deadline_provisional AS TEXT) FROM case_leads WHERE number = 'XS-DOC-1'"), "1");
}
