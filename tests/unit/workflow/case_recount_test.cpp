// A case filed in November 2026 has its 90-day deadline counted into the provisional 2027
// calendar; once the official 2027 file is loaded, `lims calendar recompute`'s recount gives
// the case a new, audited version with the official date, and leaves it alone afterwards.
#include "documents_seed.hpp"

#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/store/case_repository.hpp"
#include "lims/store/revisions.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/workflow/admin/deadline_recount.hpp"
#include "lims/workflow/cases/cases.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

using namespace lims;
namespace seed = lims::test::documents_seed;

namespace {

domain::CalendarYear fixture_year(const std::string& name) {
    std::ifstream in(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars/" + name);
    std::stringstream text;
    text << in.rdbuf();
    return domain::parse_calendar_year(name, text.str()).value();
}

domain::WorkingCalendar with_2027(domain::CalendarYear y2027) {
    return domain::WorkingCalendar::from_years(
               {fixture_year("cn-mainland-2025.txt"), fixture_year("cn-mainland-2026.txt"), std::move(y2027)})
        .value();
}

TEST(CaseRecount, TheOfficial2027CalendarGivesTheFiledCaseItsOfficialDeadlineOnce) {
    std::random_device rd;
    const auto dir = std::filesystem::temp_directory_path() / ("lims-case-recount-" + std::to_string(rd()));
    std::filesystem::create_directories(dir);
    {
        auto db = store::Database::open("sqlite:" + (dir / "lims.db").string()).value();
        ASSERT_TRUE(store::migrate(*db, store::builtin_migrations()).ok());
        const auto orgs = seed::seed_organisations(*db);
        seed::seed_documents(*db, orgs);
        workflow::Actor officer{std::nullopt, "officer", {domain::Role::enforcement_officer}, orgs.enforcement, ""};
        (void)db->read([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
            officer.org_path = store::organisation_path(tx, orgs.enforcement).value_or("");
            return store::Done{};
        });
        const auto provisional = with_2027(fixture_year("cn-mainland-2027.provisional.txt"));
        // Filed Mon 2 Nov 2026: day 90 is Sun 31 Jan 2027 -> Mon 1 Feb on the provisional year.
        auto filed = workflow::cases::file_case(*db, provisional,
                                                {"XS-DOC-2", 1, "局长批准", domain::parse_instant("2026-11-02T02:00:00Z").value()},
                                                officer);
        ASSERT_TRUE(filed.ok()) << filed.error().message;
        EXPECT_EQ(filed->deadline_at.value_or("").substr(0, 19), "2027-02-01T16:00:00");
        EXPECT_TRUE(filed->deadline_provisional);

        // The State Council's notice makes Mon 1 Feb 2027 a day off: the deadline moves to Tue 2 Feb.
        auto official = domain::parse_calendar_year(
            "cn-mainland-2027.txt", "year 2027\nholiday 2027-01-01 元旦\nholiday 2027-02-01 test: a day off\n"
                                    "holiday 2027-02-05..2027-02-11 春节\n");
        ASSERT_TRUE(official.ok()) << official.error().message;
        const auto calendar = with_2027(*official);
        auto recount = db->write([&](store::Transaction& tx) {
            return workflow::recount_provisional_deadlines(tx, calendar, "system:calendar-recompute");
        });
        ASSERT_TRUE(recount.ok()) << recount.error().message;
        EXPECT_EQ(recount->cases.examined, 1U);
        EXPECT_EQ(recount->cases.changed, 1U);
        EXPECT_EQ(recount->cases.still_provisional, 0U);
        ASSERT_EQ(recount->cases.changes.size(), 1U);
        EXPECT_NE(recount->cases.changes[0].find("(official)"), std::string::npos) << recount->cases.changes[0];

        auto after = db->read([&](store::Transaction& tx) { return store::CaseRepository(tx).get(filed->id); });
        ASSERT_TRUE(after.ok());
        EXPECT_EQ(after->deadline_at.value_or("").substr(0, 19), "2027-02-02T16:00:00");
        EXPECT_FALSE(after->deadline_provisional);
        EXPECT_EQ(after->version, 2);
        auto revisions = db->read([&](store::Transaction& tx) -> store::StoreResult<std::size_t> {
            return store::revisions_of(tx, "case", filed->id).size();
        });
        EXPECT_EQ(*revisions, 2U);

        // Nothing provisional is left: a second recount examines nothing.
        auto again = db->write([&](store::Transaction& tx) {
            return workflow::recount_provisional_deadlines(tx, calendar, "system:calendar-recompute");
        });
        ASSERT_TRUE(again.ok());
        EXPECT_EQ(again->cases.examined, 0U);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

}  // namespace
