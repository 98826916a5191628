// Where a deadline stands on a given day: the last day allowed in Beijing time, working days
// left (the make-up Saturday counts, the Spring Festival does not), working days overdue as
// the overdue scan counts them, and "provisional" when the count crosses a provisional year.
#include "lims/domain/calendar/deadline_standing.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace lims::domain;

namespace {

CalendarYear fixture_year(const char* name) {
    std::ifstream in(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars/" + name);
    EXPECT_TRUE(in.good()) << name;
    std::stringstream s;
    s << in.rdbuf();
    return parse_calendar_year(name, s.str()).value();
}

WorkingCalendar shipped() {
    return WorkingCalendar::from_years({fixture_year("cn-mainland-2025.txt"), fixture_year("cn-mainland-2026.txt"),
                                        fixture_year("cn-mainland-2027.provisional.txt")})
        .value();
}

Instant at(const char* text) { return parse_instant(text).value(); }

}  // namespace

TEST(DeadlineStanding, TheDueDateIsTheLastDayAllowedInBeijingAndTheDaysLeftAreWorkingDays) {
    const auto calendar = shipped();
    // Due by the end of Friday 6 March 2026 (16:00 UTC is midnight in Beijing); it is
    // Monday 2 March, 09:00 in Beijing: Tuesday to Friday are left.
    auto s = deadline_standing(calendar, at("2026-03-06T16:00:00Z"), at("2026-03-02T01:00:00Z"));
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(format_date(s->due_date), "2026-03-06");
    EXPECT_EQ(format_date(s->today), "2026-03-02");
    EXPECT_FALSE(s->overdue);
    EXPECT_EQ(s->working_days_left, 4);
    EXPECT_EQ(s->working_days_overdue, 0);
    EXPECT_FALSE(s->provisional);
}

TEST(DeadlineStanding, HolidaysAreNotCountedAndMakeUpDaysAre) {
    const auto calendar = shipped();
    // Friday 13 February 2026 in Beijing; due by the end of Wednesday 25 February: the
    // make-up Saturday the 14th, then the Spring Festival (15th–23rd) off, then 24th, 25th.
    auto s = deadline_standing(calendar, at("2026-02-25T16:00:00Z"), at("2026-02-13T02:00:00Z"));
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(format_date(s->due_date), "2026-02-25");
    EXPECT_EQ(s->working_days_left, 3);
}

TEST(DeadlineStanding, TheLastDayLeavesNoneAndAfterItTheWorkingDaysOverdueCount) {
    const auto calendar = shipped();
    auto last = deadline_standing(calendar, at("2026-03-06T16:00:00Z"), at("2026-03-06T15:59:59Z"));
    ASSERT_TRUE(last.ok());
    EXPECT_FALSE(last->overdue);
    EXPECT_EQ(last->working_days_left, 0);

    // Past midnight it is overdue; on Saturday no working day has passed yet.
    auto saturday = deadline_standing(calendar, at("2026-03-06T16:00:00Z"), at("2026-03-06T16:00:00Z"));
    ASSERT_TRUE(saturday.ok());
    EXPECT_TRUE(saturday->overdue);
    EXPECT_EQ(saturday->working_days_left, 0);
    EXPECT_EQ(saturday->working_days_overdue, 0);

    // Tuesday 10 March: Monday and Tuesday overdue.
    auto tuesday = deadline_standing(calendar, at("2026-03-06T16:00:00Z"), at("2026-03-10T01:00:00Z"));
    ASSERT_TRUE(tuesday.ok());
    EXPECT_TRUE(tuesday->overdue);
    EXPECT_EQ(tuesday->working_days_overdue, 2);
    EXPECT_EQ(tuesday->working_days_left, 0);
}

TEST(DeadlineStanding, ADeadlineInAProvisionalYearIsMarkedProvisional) {
    const auto calendar = shipped();
    auto s = deadline_standing(calendar, at("2027-01-08T16:00:00Z"), at("2026-12-28T01:00:00Z"));
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_TRUE(s->provisional);
    EXPECT_EQ(format_date(s->due_date), "2027-01-08");
    // 29, 30, 31 December; 1 January off; 4 to 8 January.
    EXPECT_EQ(s->working_days_left, 8);
}

TEST(DeadlineStanding, ADayOutsideTheLoadedYearsIsAnErrorNamingIt) {
    const auto calendar = shipped();
    auto s = deadline_standing(calendar, at("2030-01-08T16:00:00Z"), at("2026-12-28T01:00:00Z"));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, "calendar.year_not_loaded");
    EXPECT_NE(s.error().message.find("2030-01-08"), std::string::npos) << s.error().message;
}
