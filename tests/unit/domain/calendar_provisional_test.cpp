// The provisional year: a calendar file with the statutory holidays only, used before the
// State Council's notice is out; deadlines through it are counted and marked provisional.
#include "lims/domain/calendar/calendar_outlook.hpp"
#include "lims/domain/calendar/deadline.hpp"
#include "lims/domain/calendar/deadline_clock.hpp"
#include "lims/domain/calendar/statutory_deadlines.hpp"
#include "lims/domain/calendar/working_calendar.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace lims::domain;
using namespace std::chrono_literals;

namespace {

std::string read_fixture(const std::string& name) {
    std::ifstream in(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars/" + name);
    EXPECT_TRUE(in.good()) << name;
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

CalendarYear fixture_year(const char* name) {
    auto y = parse_calendar_year(name, read_fixture(name));
    EXPECT_TRUE(y.ok()) << (y ? "" : y.error().message);
    return y.value();
}

// 2025 and 2026 official, 2027 provisional: the folder as it is shipped in November 2026.
WorkingCalendar calendar_with_provisional_2027() {
    return WorkingCalendar::from_years({fixture_year("cn-mainland-2025.txt"), fixture_year("cn-mainland-2026.txt"),
                                        fixture_year("cn-mainland-2027.provisional.txt")})
        .value();
}

Date day(const char* text) { return parse_date(text).value(); }

Instant beijing(const char* date, int hour = 0) {
    return Instant{parse_date(date).value()} + std::chrono::hours{hour} - 8h;
}

}  // namespace

TEST(ProvisionalCalendarFile, ListsTheStatutoryDaysOf2027AndNoMakeUpDay) {
    const auto y = fixture_year("cn-mainland-2027.provisional.txt");
    EXPECT_EQ(y.year, 2027);
    EXPECT_TRUE(y.provisional);
    EXPECT_FALSE(y.provisional_reason.empty());
    EXPECT_TRUE(y.workdays.empty());
    // 全国年节及纪念日放假办法 art. 2 (国务院令第795号): 1 + 4 + 1 + 2 + 1 + 1 + 3 days.
    EXPECT_EQ(y.holidays.size(), 13U);
    for (const char* d : {"2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-04-05",
                          "2027-05-01", "2027-05-02", "2027-06-09", "2027-09-15", "2027-10-01", "2027-10-02",
                          "2027-10-03"}) {
        EXPECT_TRUE(y.holidays.contains(day(d))) << d;
    }
    EXPECT_FALSE(y.holidays.contains(day("2027-02-04")));  // no guessed bridge day before 除夕
    EXPECT_FALSE(y.holidays.contains(day("2027-10-04")));  // no guessed 补休 for 2–3 Oct
}

TEST(ProvisionalCalendarFile, OfficialFilesAreNotProvisional) {
    EXPECT_FALSE(fixture_year("cn-mainland-2026.txt").provisional);
    EXPECT_FALSE(fixture_year("cn-mainland-2025.txt").provisional);
}

TEST(ProvisionalCalendarFile, BadProvisionalLinesAreNamed) {
    struct Case {
        const char* text;
        const char* code;
        const char* where;
    };
    for (const auto& c : std::vector<Case>{
             {"year 2027\nprovisional waiting\nprovisional again\n", "calendar.syntax", "p.txt:3:"},
             {"year 2027\nprovisional\n", "calendar.syntax", "p.txt:2:"},
             {"year 2027\nprovisional   # only a comment\n", "calendar.syntax", "p.txt:2:"},
             {"year 2027\nprovisional waiting\nworkday 2027-02-20 guessed make-up\n", "calendar.provisional_workday",
              "p.txt:3:"},
             {"year 2027\nworkday 2027-02-20 guessed make-up\nprovisional waiting\n", "calendar.provisional_workday",
              "p.txt:3:"},
         }) {
        auto r = parse_calendar_year("p.txt", c.text);
        ASSERT_FALSE(r.ok()) << c.text;
        EXPECT_EQ(r.error().code, c.code) << c.text;
        EXPECT_EQ(r.error().message.rfind(c.where, 0), 0U) << r.error().message;
    }
}

TEST(ProvisionalCalendarFile, ProvisionalMayComeBeforeTheYear) {
    auto r = parse_calendar_year("p.txt", "provisional waiting for the notice\nyear 2027\nholiday 2027-01-01 元旦\n");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->provisional);
    EXPECT_EQ(r->provisional_reason, "waiting for the notice");
}

TEST(ProvisionalCalendar, KnowsWhichYearsAreProvisional) {
    const auto cal = calendar_with_provisional_2027();
    EXPECT_EQ(cal.years(), (std::set<int>{2025, 2026, 2027}));
    EXPECT_EQ(cal.provisional_years(), (std::set<int>{2027}));
    EXPECT_TRUE(cal.is_provisional(2027));
    EXPECT_FALSE(cal.is_provisional(2026));
    EXPECT_FALSE(cal.is_provisional(2031));  // not loaded at all is not provisional
    EXPECT_TRUE(cal.provisional_between(day("2026-12-20"), day("2027-01-04")));
    EXPECT_TRUE(cal.provisional_between(day("2027-01-04"), day("2026-12-20")));  // either order
    EXPECT_TRUE(cal.provisional_between(day("2027-03-01"), day("2027-03-01")));
    EXPECT_FALSE(cal.provisional_between(day("2025-03-01"), day("2026-12-31")));
    EXPECT_TRUE(cal.provisional_between(day("2026-06-01"), day("2028-06-01")));  // passes through 2027
}

TEST(ProvisionalCalendar, CountsWorkingDaysOnTheStatutoryDays) {
    const auto cal = calendar_with_provisional_2027();
    EXPECT_FALSE(cal.is_working_day(day("2027-01-01")).value());  // 元旦, Friday
    EXPECT_TRUE(cal.is_working_day(day("2027-01-04")).value());
    EXPECT_FALSE(cal.is_working_day(day("2027-02-08")).value());  // 正月初三, Monday
    EXPECT_TRUE(cal.is_working_day(day("2027-02-09")).value());
    EXPECT_FALSE(cal.is_working_day(day("2027-10-02")).value());
    EXPECT_TRUE(cal.is_working_day(day("2027-10-04")).value());  // no 补休 guessed
    EXPECT_EQ(cal.name_of(day("2027-06-09")), "端午节 Dragon Boat Festival (statutory)");
    // Dec 2026: 22 working days after 1 Dec; Jan 2027: 20 (1 Jan off).
    EXPECT_EQ(cal.working_days_between(day("2026-12-01"), day("2027-01-31")).value(), 22 + 20);
}

TEST(ProvisionalDeadline, ReportDeadlineIntoTheProvisionalYearIsCountedAndMarked) {
    const auto cal = calendar_with_provisional_2027();
    // Received Thursday 10 Dec 2026: 15 working days to 31 Dec, 1 Jan off, 10 more to 15 Jan.
    auto due = counted_deadline_for(cal, statutory::kDrugReport, beijing("2026-12-10", 10));
    ASSERT_TRUE(due.ok()) << due.error().message;
    EXPECT_EQ(due->due, beijing("2027-01-16"));
    EXPECT_TRUE(due->provisional);
    EXPECT_EQ(deadline_for(cal, statutory::kDrugReport, beijing("2026-12-10", 10)).value(), due->due);
}

TEST(ProvisionalDeadline, DeadlinesInsideOfficialYearsAreNotMarked) {
    const auto cal = calendar_with_provisional_2027();
    auto due = counted_deadline_for(cal, statutory::kDrugReport, beijing("2026-02-02", 9));
    ASSERT_TRUE(due.ok());
    EXPECT_EQ(due->due, beijing("2026-03-14"));
    EXPECT_FALSE(due->provisional);
    // Hours never look at the calendar, even into 2027.
    auto notice = counted_deadline_for(cal, statutory::kNonconformityNoticeSeriousRisk, beijing("2026-12-31", 12));
    ASSERT_TRUE(notice.ok());
    EXPECT_EQ(notice->due, beijing("2027-01-01", 12));
    EXPECT_FALSE(notice->provisional);
}

TEST(ProvisionalDeadline, CaseLeadNoticeAndReinspectionThroughTheStatutoryDays) {
    const auto cal = calendar_with_provisional_2027();
    // Case lead received Monday 21 Dec 2026: 22–31 Dec are 8, 1 Jan off, 4–8 Jan 13, 11–12 Jan.
    auto lead = counted_deadline_for(cal, statutory::kCaseLeadDecision, beijing("2026-12-21", 15));
    ASSERT_TRUE(lead.ok());
    EXPECT_EQ(lead->due, beijing("2027-01-13"));
    EXPECT_TRUE(lead->provisional);
    // Notice from Thursday 4 Feb 2027: 5–8 Feb are 春节 and a weekend, so 9 and 10 Feb.
    auto notice = counted_deadline_for(cal, statutory::kNonconformityNotice, beijing("2027-02-04", 10));
    ASSERT_TRUE(notice.ok());
    EXPECT_EQ(notice->due, beijing("2027-02-11"));
    EXPECT_TRUE(notice->provisional);
    // 7 calendar days from Sunday 26 Sep 2027 end on Sunday 3 Oct (国庆节), so Monday 4 Oct.
    auto reinspection = counted_deadline_for(cal, DeadlineRule{7, DeadlineUnit::calendar_days}, beijing("2027-09-26", 15));
    ASSERT_TRUE(reinspection.ok());
    EXPECT_EQ(reinspection->due, beijing("2027-10-05"));
    EXPECT_TRUE(reinspection->provisional);
    // Beyond the provisional year it is still an error, never a guess.
    EXPECT_EQ(counted_deadline_for(cal, statutory::kDrugReport, beijing("2027-12-10")).error().code,
              "calendar.year_not_loaded");
}

TEST(ProvisionalDeadline, TheClockMarksItsDueDateToo) {
    const auto cal = calendar_with_provisional_2027();
    auto clock = DeadlineClock::start(beijing("2026-12-01", 9), statutory::kCaseLeadDecision,
                                      statutory::kCaseLeadExtension).value();
    auto before = clock.counted_due(cal);
    ASSERT_TRUE(before.ok());
    EXPECT_EQ(before->due, beijing("2026-12-23"));  // 15 working days, all in 2026
    EXPECT_FALSE(before->provisional);
    ASSERT_TRUE(clock.extend(beijing("2026-12-10", 9)).ok());
    auto after = clock.counted_due(cal);
    ASSERT_TRUE(after.ok());
    // 30 working days: 22 in December after the 1st, 1 Jan off, then 4–8 Jan (27) and 11–13 Jan.
    EXPECT_EQ(after->due, beijing("2027-01-14"));
    EXPECT_TRUE(after->provisional);
    EXPECT_EQ(clock.due(cal).value(), after->due);
}

TEST(CalendarOutlook, WarnsFromNovemberAboutNextYear) {
    const auto official_only = WorkingCalendar::from_years({fixture_year("cn-mainland-2025.txt"),
                                                            fixture_year("cn-mainland-2026.txt")})
                                   .value();
    EXPECT_TRUE(calendar_warnings(official_only, day("2026-10-31")).empty());
    auto missing = calendar_warnings(official_only, day("2026-11-01"));
    ASSERT_EQ(missing.size(), 1U);
    EXPECT_EQ(missing[0].year, 2027);
    EXPECT_EQ(missing[0].status, CalendarYearStatus::missing);
    EXPECT_NE(missing[0].message.find("cn-mainland-2027.txt"), std::string::npos);

    const auto with_2027 = calendar_with_provisional_2027();
    auto provisional = calendar_warnings(with_2027, day("2026-11-23"));
    ASSERT_EQ(provisional.size(), 1U);
    EXPECT_EQ(provisional[0].year, 2027);
    EXPECT_EQ(provisional[0].status, CalendarYearStatus::provisional);
    // In January the provisional year is this year: still a warning, whatever the month.
    auto january = calendar_warnings(with_2027, day("2027-01-05"));
    ASSERT_EQ(january.size(), 1U);
    EXPECT_EQ(january[0].status, CalendarYearStatus::provisional);
    // A year not loaded at all is missing, this year from 1 January.
    auto later = calendar_warnings(official_only, day("2028-03-01"));
    ASSERT_EQ(later.size(), 1U);
    EXPECT_EQ(later[0].year, 2028);
    EXPECT_EQ(later[0].status, CalendarYearStatus::missing);
}

TEST(CalendarOutlook, NothingToSayWhenNextYearIsOfficial) {
    auto official_2027 = parse_calendar_year("cn-mainland-2027.txt", "year 2027\nholiday 2027-01-01 元旦\n").value();
    const auto cal = WorkingCalendar::from_years({fixture_year("cn-mainland-2026.txt"), official_2027}).value();
    EXPECT_TRUE(calendar_warnings(cal, day("2026-12-15")).empty());
    const auto outlook = calendar_outlook(cal, day("2026-12-15"));
    ASSERT_EQ(outlook.size(), 2U);
    EXPECT_EQ(outlook[0].year, 2026);
    EXPECT_EQ(outlook[0].status, CalendarYearStatus::official);
    EXPECT_EQ(outlook[1].year, 2027);
    EXPECT_EQ(outlook[1].status, CalendarYearStatus::official);
    EXPECT_EQ(to_string(CalendarYearStatus::provisional), "provisional");
    EXPECT_EQ(status_of(cal, 2029), CalendarYearStatus::missing);
}
