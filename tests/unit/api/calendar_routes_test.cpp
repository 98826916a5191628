// GET /api/v1/calendar (the years loaded and their warnings) and /api/v1/calendar/clocks
// (where deadlines stand today) over the real service with the shipped calendar folder.
#include "test_service.hpp"

#include "lims/domain/calendar/deadline_standing.hpp"
#include "lims/workflow/admin/calendar_files.hpp"

#include <gtest/gtest.h>

#include <chrono>

using lims::test::TestService;

namespace {

class CalendarRoutesTest : public ::testing::Test {
protected:
    TestService service;
};

}  // namespace

TEST_F(CalendarRoutesTest, TheYearsLoadedAreListedWithTheirStatus) {
    auto reply = service.as("planner_a").get("/api/v1/calendar");
    ASSERT_EQ(reply.status, 200) << reply.describe();
    auto years = reply.json()->getArray("years");
    ASSERT_TRUE(years);
    std::map<int, std::string> status;
    for (std::size_t i = 0; i < years->size(); ++i) {
        auto y = years->getObject(static_cast<unsigned>(i));
        status[y->getValue<int>("year")] = y->getValue<std::string>("status");
    }
    EXPECT_EQ(status[2025], "official");
    EXPECT_EQ(status[2026], "official");
    EXPECT_EQ(status[2027], "provisional");
    EXPECT_EQ(reply.json()->getValue<std::string>("today").size(), 10U);
    ASSERT_TRUE(reply.json()->getArray("warnings"));
}

TEST_F(CalendarRoutesTest, EachDeadlineIsGivenItsLocalDueDateAndWorkingDays) {
    // One long past (due by the end of Saturday 14 February 2026, a make-up working day),
    // one as the service counts it for today: the answer agrees with the calendar module.
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto later = lims::domain::format_instant(now + std::chrono::hours(24 * 10));
    auto reply = service.as("bureau_viewer_a").get("/api/v1/calendar/clocks?due_at=2026-02-14T16:00:00Z," + later);
    ASSERT_EQ(reply.status, 200) << reply.describe();
    auto items = reply.json()->getArray("items");
    ASSERT_TRUE(items);
    ASSERT_EQ(items->size(), 2U);
    auto past = items->getObject(0);
    EXPECT_EQ(past->getValue<std::string>("due_at"), "2026-02-14T16:00:00Z");
    EXPECT_EQ(past->getValue<std::string>("due_date"), "2026-02-14");
    EXPECT_TRUE(past->getValue<bool>("overdue"));
    EXPECT_EQ(past->getValue<int>("working_days_left"), 0);
    EXPECT_GT(past->getValue<int>("working_days_overdue"), 0);

    const auto calendar = lims::workflow::load_working_calendar(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars").value();
    const auto expected = lims::domain::deadline_standing(calendar, lims::domain::parse_instant(later).value(), now).value();
    auto soon = items->getObject(1);
    EXPECT_FALSE(soon->getValue<bool>("overdue"));
    EXPECT_EQ(soon->getValue<std::string>("due_date"), lims::domain::format_date(expected.due_date));
    EXPECT_EQ(soon->getValue<int>("working_days_left"), expected.working_days_left);
    EXPECT_GT(soon->getValue<int>("working_days_left"), 0);
}

TEST_F(CalendarRoutesTest, AMalformedOrMissingInstantIsNamed) {
    auto client = service.as("enforcement_officer_a");
    auto missing = client.get("/api/v1/calendar/clocks");
    EXPECT_EQ(missing.status, 422) << missing.describe();
    EXPECT_NE(missing.body.find("due_at"), std::string::npos);

    auto bad = client.get("/api/v1/calendar/clocks?due_at=2026-02-14T16:00:00Z,tomorrow");
    ASSERT_EQ(bad.status, 422) << bad.describe();
    EXPECT_NE(bad.body.find("due_at[1]"), std::string::npos) << bad.body;
    EXPECT_NE(bad.body.find("tomorrow"), std::string::npos) << bad.body;

    auto unknown = client.get("/api/v1/calendar/clocks?due=2026-02-14T16:00:00Z");
    EXPECT_EQ(unknown.status, 400) << unknown.describe();

    std::string many = "2026-02-14T16:00:00Z";
    for (int i = 0; i < 200; ++i) many += ",2026-02-14T16:00:00Z";
    auto tooMany = client.get("/api/v1/calendar/clocks?due_at=" + many);
    EXPECT_EQ(tooMany.status, 422) << tooMany.describe();
}

TEST_F(CalendarRoutesTest, AnIngestTokenIsRefused) {
    const std::string token = service.serviceToken(TestService::username(lims::domain::Role::ingest_service, lims::test::Jurisdiction::A));
    auto reply = service.withToken(token).get("/api/v1/calendar");
    EXPECT_EQ(reply.status, 403) << reply.describe();
}
