// The periods figures are reported by: ISO weeks across the year's end, months, a plan's
// phases (seed 004, Yeji 2023), all on Beijing dates.
#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/domain/calendar/report_period.hpp"

#include <gtest/gtest.h>

using namespace lims::domain;

namespace {

Date d(std::string_view text) {
    auto parsed = parse_date(text);
    EXPECT_TRUE(parsed.ok()) << text;
    return parsed.ok() ? *parsed : Date{};
}

Instant at(std::string_view text) {
    auto parsed = parse_instant(text);
    EXPECT_TRUE(parsed.ok()) << text;
    return parsed.ok() ? *parsed : Instant{};
}

}  // namespace

TEST(ReportPeriod, AnOrdinaryWeekRunsMondayToSunday) {
    const auto w = iso_week_of(d("2026-03-04"));  // a Wednesday
    EXPECT_EQ(w.key, "2026-W10");
    EXPECT_EQ(format_date(w.first), "2026-03-02");
    EXPECT_EQ(format_date(w.last), "2026-03-08");
    EXPECT_EQ(iso_week_of(d("2026-03-08")).key, "2026-W10");  // Sunday: same week
    EXPECT_EQ(iso_week_of(d("2026-03-09")).key, "2026-W11");  // Monday: the next
}

TEST(ReportPeriod, TheFirstDaysOfJanuaryCanBelongToTheLastWeekOfTheYearBefore) {
    // 2026 has 53 ISO weeks (it starts on a Thursday); 2027-01-01 is a Friday in 2026-W53.
    const auto w = iso_week_of(d("2027-01-01"));
    EXPECT_EQ(w.key, "2026-W53");
    EXPECT_EQ(format_date(w.first), "2026-12-28");
    EXPECT_EQ(format_date(w.last), "2027-01-03");
    EXPECT_EQ(iso_week_of(d("2027-01-04")).key, "2027-W01");
    // 2023-01-01 (a Sunday) is in 2022-W52.
    EXPECT_EQ(iso_week_of(d("2023-01-01")).key, "2022-W52");
}

TEST(ReportPeriod, TheLastDaysOfDecemberCanBelongToWeekOneOfTheNextYear) {
    // 2024-12-30 is a Monday: the week holds 2025-01-02 (Thursday), so it is 2025-W01.
    const auto w = iso_week_of(d("2024-12-31"));
    EXPECT_EQ(w.key, "2025-W01");
    EXPECT_EQ(format_date(w.first), "2024-12-30");
    EXPECT_EQ(format_date(w.last), "2025-01-05");
    EXPECT_EQ(iso_week_of(d("2024-12-29")).key, "2024-W52");
}

TEST(ReportPeriod, AnInstantIsBucketedByItsBeijingDate) {
    // 16:30 UTC on New Year's Eve is 00:30 on 1 January in Beijing: January, and 2026-W53.
    const Date local = beijing_date(at("2026-12-31T16:30:00Z"));
    EXPECT_EQ(month_of(local).key, "2027-01");
    EXPECT_EQ(iso_week_of(local).key, "2026-W53");
    // 15:59 UTC is still 31 December in Beijing.
    EXPECT_EQ(month_of(beijing_date(at("2026-12-31T15:59:00Z"))).key, "2026-12");
    // Sunday 23:30 Beijing (15:30 UTC) is still that week; 16:00 UTC is Monday's week.
    EXPECT_EQ(iso_week_of(beijing_date(at("2026-03-08T15:30:00Z"))).key, "2026-W10");
    EXPECT_EQ(iso_week_of(beijing_date(at("2026-03-08T16:00:00Z"))).key, "2026-W11");
}

TEST(ReportPeriod, MonthsHaveTheirOwnLength) {
    const auto feb = month_of(d("2028-02-10"));
    EXPECT_EQ(feb.key, "2028-02");
    EXPECT_EQ(format_date(feb.last), "2028-02-29");
    EXPECT_EQ(format_date(month_of(d("2026-02-01")).last), "2026-02-28");
}

TEST(ReportPeriod, PeriodsBetweenCoverEveryWeekOrMonthTouched) {
    auto weeks = periods_between(PeriodUnit::week, d("2026-12-24"), d("2027-01-05"));
    ASSERT_EQ(weeks.size(), 3U);
    EXPECT_EQ(weeks[0].key, "2026-W52");
    EXPECT_EQ(weeks[1].key, "2026-W53");
    EXPECT_EQ(weeks[2].key, "2027-W01");
    auto months = periods_between(PeriodUnit::month, d("2023-08-08"), d("2024-01-15"));
    ASSERT_EQ(months.size(), 6U);
    EXPECT_EQ(months.front().key, "2023-08");
    EXPECT_EQ(months.back().key, "2024-01");
    EXPECT_TRUE(periods_between(PeriodUnit::week, d("2026-02-01"), d("2026-01-01")).empty());
}

// Seed 004 (Yeji 2023): 动员部署 early August, 巩固提升 mid-August 2023 to September 2024,
// 总结评估 October to November 2024, the final summary due 2024-11-15.
TEST(ReportPeriod, PhasesOfThePlanFromSeed004) {
    std::vector<PlanPhase> phases{{"动员部署", d("2023-08-01"), d("2023-08-10"), std::nullopt},
                                  {"巩固提升", d("2023-08-11"), d("2024-09-30"), d("2024-09-15")},
                                  {"总结评估", d("2024-10-01"), d("2024-11-30"), d("2024-11-15")}};
    ASSERT_TRUE(check_phases(phases, d("2023-08-01"), d("2024-11-30")).ok());
    EXPECT_EQ(phase_of(phases, d("2023-08-10"))->key, "动员部署");
    EXPECT_EQ(phase_of(phases, d("2023-08-11"))->key, "巩固提升");
    EXPECT_EQ(phase_of(phases, d("2024-01-01"))->key, "巩固提升");
    EXPECT_EQ(phase_of(phases, d("2024-11-30"))->key, "总结评估");
    EXPECT_FALSE(phase_of(phases, d("2024-12-01")).has_value());
    EXPECT_FALSE(phase_of(phases, d("2023-07-31")).has_value());
}

TEST(ReportPeriod, BadPhasesAreNamed) {
    const Date a = d("2026-01-01"), z = d("2026-12-31");
    auto overlap = check_phases({{"一", d("2026-01-01"), d("2026-06-30"), {}}, {"二", d("2026-06-30"), z, {}}}, a, z);
    ASSERT_FALSE(overlap.ok());
    EXPECT_NE(overlap.error().message.find("phases[1]"), std::string::npos) << overlap.error().message;
    EXPECT_FALSE(check_phases({{"一", d("2026-03-01"), d("2026-02-01"), {}}}, a, z).ok());
    EXPECT_FALSE(check_phases({{"一", d("2025-12-01"), d("2026-02-01"), {}}}, a, z).ok());
    EXPECT_FALSE(check_phases({{"一", d("2026-03-01"), d("2026-04-01"), d("2026-02-01")}}, a, z).ok());
    EXPECT_FALSE(check_phases({{"", d("2026-03-01"), d("2026-04-01"), {}}}, a, z).ok());
    EXPECT_FALSE(check_phases({{"一", d("2026-01-01"), d("2026-02-01"), {}}, {"一", d("2026-03-01"), z, {}}}, a, z).ok());
    EXPECT_FALSE(parse_period_unit("quarter").ok());
    EXPECT_EQ(*parse_period_unit("phase"), PeriodUnit::phase);
}
