#include "lims/domain/calendar/working_calendar.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace lims::domain;

namespace {

std::string read_fixture(const std::string& name) {
    std::ifstream in(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars/" + name);
    EXPECT_TRUE(in.good()) << name;
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

Date day(const char* text) { return parse_date(text).value(); }

}  // namespace

// Shared by the calendar tests: 2025 and 2026 from the fixture files.
WorkingCalendar mainland_calendar() {
    std::vector<CalendarYear> years;
    for (const char* name : {"cn-mainland-2025.txt", "cn-mainland-2026.txt"}) {
        auto y = parse_calendar_year(name, read_fixture(name));
        EXPECT_TRUE(y.ok()) << (y ? "" : y.error().message);
        years.push_back(y.value());
    }
    return WorkingCalendar::from_years(std::move(years)).value();
}

TEST(CivilDate, ParsesStrictly) {
    EXPECT_EQ(format_date(day("2026-02-14")), "2026-02-14");
    EXPECT_EQ(parse_date("2026-02-29").error().code, "date.invalid");
    EXPECT_EQ(parse_date("2026-13-01").error().code, "date.invalid");
    EXPECT_EQ(parse_date("2026-00-10").error().code, "date.invalid");
    EXPECT_EQ(parse_date("2026-2-14").error().code, "date.format");
    EXPECT_EQ(parse_date("2026/02/14").error().code, "date.format");
    EXPECT_EQ(parse_date("").error().code, "date.format");
    EXPECT_TRUE(parse_date("2028-02-29").ok());
    EXPECT_TRUE(is_weekend(day("2026-02-14")));
    EXPECT_FALSE(is_weekend(day("2026-02-13")));
    EXPECT_EQ(format_instant(Instant{day("2026-01-01")} + std::chrono::seconds{3661}), "2026-01-01T01:01:01Z");
}

TEST(WorkingCalendar, FixturesLoad) {
    const auto cal = mainland_calendar();
    EXPECT_EQ(cal.years(), (std::set<int>{2025, 2026}));
    EXPECT_EQ(cal.name_of(day("2026-02-14")), "春节调休 Spring Festival make-up (Saturday)");
    EXPECT_EQ(cal.name_of(day("2026-02-16")), "春节 Spring Festival");
    EXPECT_EQ(cal.name_of(day("2026-03-02")), "");
}

TEST(WorkingCalendar, SpringFestival2026WithSaturdayMakeUpDays) {
    const auto cal = mainland_calendar();
    EXPECT_TRUE(cal.is_working_day(day("2026-02-13")).value());   // Friday
    EXPECT_TRUE(cal.is_working_day(day("2026-02-14")).value());   // Saturday, make-up
    for (const char* off : {"2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
                            "2026-02-21", "2026-02-22", "2026-02-23"}) {
        EXPECT_FALSE(cal.is_working_day(day(off)).value()) << off;
    }
    EXPECT_TRUE(cal.is_working_day(day("2026-02-24")).value());   // Tuesday, back to work
    EXPECT_TRUE(cal.is_working_day(day("2026-02-28")).value());   // Saturday, make-up
    EXPECT_FALSE(cal.is_working_day(day("2026-03-01")).value());  // an ordinary Sunday

    // From Friday 13 Feb: Sat 14 (make-up) is the 1st, Tue 24 the 2nd, ... Sat 28 the 6th.
    EXPECT_EQ(cal.add_working_days(day("2026-02-13"), 1).value(), day("2026-02-14"));
    EXPECT_EQ(cal.add_working_days(day("2026-02-13"), 2).value(), day("2026-02-24"));
    EXPECT_EQ(cal.add_working_days(day("2026-02-13"), 6).value(), day("2026-02-28"));
    EXPECT_EQ(cal.add_working_days(day("2026-02-13"), 7).value(), day("2026-03-02"));
    EXPECT_EQ(cal.working_days_between(day("2026-02-13"), day("2026-02-28")).value(), 6);
    EXPECT_EQ(cal.working_days_between(day("2026-02-28"), day("2026-02-13")).value(), -6);
    EXPECT_EQ(cal.add_working_days(day("2026-02-24"), -1).value(), day("2026-02-14"));
}

TEST(WorkingCalendar, SpansNewYear2026) {
    const auto cal = mainland_calendar();
    // Tue 30 Dec 2025 + 2 working days: Wed 31 Dec, then 1-3 Jan off, Sun 4 Jan worked.
    EXPECT_EQ(cal.add_working_days(day("2025-12-30"), 2).value(), day("2026-01-04"));
    EXPECT_EQ(cal.add_working_days(day("2025-12-30"), 3).value(), day("2026-01-05"));
    EXPECT_EQ(cal.working_days_between(day("2025-12-30"), day("2026-01-05")).value(), 3);
    EXPECT_FALSE(cal.is_working_day(day("2026-01-02")).value());  // a Friday off
    EXPECT_TRUE(cal.is_working_day(day("2026-01-04")).value());   // a Sunday on
}

TEST(WorkingCalendar, NationalDay2025And2026) {
    const auto cal = mainland_calendar();
    EXPECT_TRUE(cal.is_working_day(day("2025-09-28")).value());   // Sunday make-up
    EXPECT_FALSE(cal.is_working_day(day("2025-10-08")).value());
    EXPECT_TRUE(cal.is_working_day(day("2025-10-11")).value());   // Saturday make-up
    // Tue 30 Sep 2025 + 1: everything to 8 Oct is off; Thu 9 Oct.
    EXPECT_EQ(cal.add_working_days(day("2025-09-30"), 1).value(), day("2025-10-09"));
    EXPECT_EQ(cal.add_working_days(day("2025-09-30"), 3).value(), day("2025-10-11"));

    EXPECT_TRUE(cal.is_working_day(day("2026-09-20")).value());   // Sunday make-up
    EXPECT_FALSE(cal.is_working_day(day("2026-09-25")).value());  // Mid-Autumn (Friday)
    EXPECT_FALSE(cal.is_working_day(day("2026-10-07")).value());
    EXPECT_TRUE(cal.is_working_day(day("2026-10-10")).value());   // Saturday make-up
    EXPECT_EQ(cal.add_working_days(day("2026-09-30"), 1).value(), day("2026-10-08"));
    EXPECT_EQ(cal.working_days_between(day("2026-09-30"), day("2026-10-12")).value(), 4);  // 8, 9, 10, 12
}

TEST(WorkingCalendar, OutsideLoadedYearsIsAnError) {
    const auto cal = mainland_calendar();
    auto r = cal.is_working_day(day("2027-01-04"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "calendar.year_not_loaded");
    EXPECT_NE(r.error().message.find("2027-01-04"), std::string::npos);
    EXPECT_NE(r.error().message.find("2025, 2026"), std::string::npos);
    EXPECT_EQ(cal.add_working_days(day("2026-12-30"), 5).error().code, "calendar.year_not_loaded");
    EXPECT_EQ(cal.add_working_days(day("2024-12-31"), 1).error().code, "calendar.year_not_loaded");
    EXPECT_EQ(cal.working_days_between(day("2026-12-01"), day("2027-01-10")).error().code, "calendar.year_not_loaded");
    EXPECT_EQ(cal.next_working_day_on_or_after(day("2026-12-31")).value(), day("2026-12-31"));  // a Thursday
    EXPECT_EQ(cal.add_working_days(day("2026-05-06"), 0).value(), day("2026-05-06"));
}

TEST(WorkingCalendar, AGapYearIsNotGuessed) {
    auto y2025 = parse_calendar_year("a", "year 2025\n").value();
    auto y2027 = parse_calendar_year("b", "year 2027\n").value();
    auto cal = WorkingCalendar::from_years({y2025, y2027}).value();
    EXPECT_EQ(cal.working_days_between(day("2025-12-01"), day("2027-01-10")).error().code, "calendar.year_not_loaded");
}

TEST(CalendarFile, BadEntriesNameTheirLine) {
    struct Case { const char* text; const char* code; const char* where; };
    const Case cases[] = {
        {"year 2026\nholiday 2026-02-30 Bad\n", "calendar.date", "f.txt:2:"},
        {"year 2026\n\n# comment\nholiday 2026-2-3 Bad\n", "calendar.date", "f.txt:4:"},
        {"year 2026\nholiday 2026-02-23..2026-02-15 Backwards\n", "calendar.range_order", "f.txt:2:"},
        {"year 2026\nholiday 2026-01-01..2026-03-01 Too long\n", "calendar.range_order", "f.txt:2:"},
        {"year 2026\nholiday 2026-02-15\n", "calendar.syntax", "f.txt:2:"},
        {"year 2026\nvacation 2026-02-15 x\n", "calendar.syntax", "f.txt:2:"},
        {"year 26\n", "calendar.syntax", "f.txt:1:"},
        {"year 2026 2027\n", "calendar.syntax", "f.txt:1:"},
        {"holiday 2026-02-15 x\n", "calendar.year", "f.txt:1:"},
        {"year 2026\nyear 2026\n", "calendar.year", "f.txt:2:"},
        {"# nothing\n", "calendar.year", "f.txt"},
        {"year 2026\nholiday 2025-10-01 Wrong year\n", "calendar.year", "f.txt:2:"},
        {"year 2026\nworkday 2025-12-28 Wrong year\n", "calendar.year", "f.txt:2:"},
        {"year 2026\nworkday 2026-02-13 A Friday\n", "calendar.workday_not_weekend", "f.txt:2:"},
        {"year 2026\nworkday 2026-02-14..2026-02-15 Range\n", "calendar.syntax", "f.txt:2:"},
        {"year 2026\nholiday 2026-02-15..2026-02-23 A\nholiday 2026-02-20 B\n", "calendar.conflict", "f.txt:3:"},
        {"year 2026\nholiday 2026-02-14 A\nworkday 2026-02-14 B\n", "calendar.conflict", "f.txt:3:"},
    };
    for (const auto& c : cases) {
        auto r = parse_calendar_year("f.txt", c.text);
        ASSERT_FALSE(r.ok()) << c.text;
        EXPECT_EQ(r.error().code, c.code) << c.text << " -> " << r.error().message;
        EXPECT_EQ(r.error().message.rfind(c.where, 0), 0u) << r.error().message;
    }
}

TEST(CalendarFile, CrossYearHolidayAndDuplicateYears) {
    auto y = parse_calendar_year("2023.txt", "year 2023\nholiday 2022-12-31..2023-01-02 元旦\r\n");
    ASSERT_TRUE(y.ok()) << y.error().message;
    EXPECT_EQ(y->holidays.size(), 3u);
    EXPECT_EQ(WorkingCalendar::from_years({y.value(), y.value()}).error().code, "calendar.duplicate_year");
    auto other = parse_calendar_year("2022.txt", "year 2022\nworkday 2022-12-31 odd\n").value();
    EXPECT_EQ(WorkingCalendar::from_years({other, y.value()}).error().code, "calendar.conflict");
}
