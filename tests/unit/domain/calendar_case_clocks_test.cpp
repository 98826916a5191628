// The clocks of a filed case: 90 calendar days from filing, one extension of 30, pauses for
// testing or expert opinion leaving out every local day they touch, the seizure term
// (30 + 30) and the transfer to the police (3 days, then 24 hours) — across holidays and
// from late December 2026 into the provisional 2027 calendar.
#include "lims/domain/calendar/case_clocks.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace lims::domain;
using namespace std::chrono_literals;

namespace {

CalendarYear fixture_year(const char* name) {
    std::ifstream in(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars/" + name);
    EXPECT_TRUE(in.good()) << name;
    std::stringstream s;
    s << in.rdbuf();
    auto y = parse_calendar_year(name, s.str());
    EXPECT_TRUE(y.ok()) << (y ? "" : y.error().message);
    return y.value();
}

// 2025 and 2026 official, 2027 provisional (statutory holidays only), as shipped.
WorkingCalendar calendar_with_provisional_2027() {
    return WorkingCalendar::from_years({fixture_year("cn-mainland-2025.txt"), fixture_year("cn-mainland-2026.txt"),
                                        fixture_year("cn-mainland-2027.provisional.txt")})
        .value();
}

Instant beijing(const char* date, int hour = 0, int minute = 0) {
    return Instant{parse_date(date).value()} + std::chrono::hours{hour} + std::chrono::minutes{minute} - 8h;
}

}  // namespace

TEST(CaseClocks, NinetyDaysFromLateNovemberEndInAProvisional2027) {
    const auto cal = calendar_with_provisional_2027();
    // Filed Mon 2 Nov 2026: day 90 is Sun 31 Jan 2027, a day off -> Mon 1 Feb, provisional.
    auto clock = filed_case_clock(beijing("2026-11-02", 10), {}, std::nullopt).value();
    auto due = clock.counted_due(cal).value();
    EXPECT_EQ(due.due, beijing("2027-02-02"));
    EXPECT_TRUE(due.provisional);
    // Extended once by 30: day 120 is Tue 2 Mar 2027.
    auto extended = filed_case_clock(beijing("2026-11-02", 10), {}, beijing("2027-01-20", 9)).value();
    EXPECT_EQ(extended.due(cal).value(), beijing("2027-03-03"));
}

TEST(CaseClocks, APauseOverNewYearLeavesOutEveryDayItTouches) {
    const auto cal = calendar_with_provisional_2027();
    // Evidence out for testing from Wed 30 Dec 2026 15:00 to Mon 4 Jan 2027 09:00: six local
    // days (30, 31 Dec, 1-4 Jan) do not count. Day 90 is Sat 6 Feb 2027, in the Spring
    // Festival (5-8 Feb, statutory) -> Tue 9 Feb.
    const std::vector<ClockPause> pauses{{beijing("2026-12-30", 15), beijing("2027-01-04", 9)}};
    auto clock = filed_case_clock(beijing("2026-11-02", 10), pauses, std::nullopt).value();
    auto due = clock.counted_due(cal).value();
    EXPECT_EQ(due.due, beijing("2027-02-10"));
    EXPECT_TRUE(due.provisional);
    // With the extension as well: day 126 is Mon 8 Mar 2027.
    auto extended = filed_case_clock(beijing("2026-11-02", 10), pauses, beijing("2027-02-01")).value();
    EXPECT_EQ(extended.due(cal).value(), beijing("2027-03-09"));
}

TEST(CaseClocks, AStandingPauseGivesNoDateAndPausesMustBeInOrder) {
    const auto cal = calendar_with_provisional_2027();
    const std::vector<ClockPause> open{{beijing("2026-08-03", 9), std::nullopt}};
    auto standing = filed_case_clock(beijing("2026-07-02", 10), open, std::nullopt).value();
    EXPECT_TRUE(standing.paused());
    EXPECT_EQ(standing.due(cal).error().code, "deadline_clock.paused");
    // A pause before the filing, or one that starts before the last one ended, is refused.
    EXPECT_EQ(filed_case_clock(beijing("2026-07-02", 10), {{beijing("2026-07-01"), beijing("2026-07-03")}}, std::nullopt)
                  .error()
                  .code,
              "deadline_clock.time_order");
    EXPECT_EQ(filed_case_clock(beijing("2026-07-02", 10),
                               {{beijing("2026-07-06"), beijing("2026-07-10")}, {beijing("2026-07-08"), std::nullopt}},
                               std::nullopt)
                  .error()
                  .code,
              "deadline_clock.time_order");
    // Two expert opinions, Mon 6 Jul and Mon 13-Tue 14 Jul 2026: three days left out. Filed
    // Thu 2 Jul: day 90 is Wed 30 Sep, +3 -> Sat 3 Oct (National Day, 1-7 Oct) -> Thu 8 Oct.
    const std::vector<ClockPause> two{{beijing("2026-07-06", 9), beijing("2026-07-06", 17)},
                                      {beijing("2026-07-13", 9), beijing("2026-07-14", 17)}};
    auto due = filed_case_clock(beijing("2026-07-02", 10), two, std::nullopt).value().counted_due(cal).value();
    EXPECT_EQ(due.due, beijing("2026-10-09"));
    EXPECT_FALSE(due.provisional);
}

TEST(CaseClocks, TheSeizureTermIsThirtyDaysExtendedOnce) {
    const auto cal = calendar_with_provisional_2027();
    // Seized Thu 10 Dec 2026: day 30 is Sat 9 Jan 2027 -> Mon 11 Jan.
    auto clock = seizure_clock(beijing("2026-12-10", 14), {}, std::nullopt).value();
    EXPECT_EQ(clock.due(cal).value(), beijing("2027-01-12"));
    // Extended by 30: day 60 is Mon 8 Feb 2027 (Spring Festival) -> Tue 9 Feb.
    auto extended = seizure_clock(beijing("2026-12-10", 14), {}, beijing("2027-01-05")).value();
    EXPECT_EQ(extended.due(cal).value(), beijing("2027-02-10"));
    EXPECT_TRUE(extended.counted_due(cal).value().provisional);
    EXPECT_EQ(seizure_clock(beijing("2026-12-10", 14), {}, beijing("2026-12-01")).error().code, "deadline_clock.time_order");
}

// 行政强制法 第二十五条: 查封、扣押的期间不包括检测、检验、检疫或者技术鉴定的期间.
TEST(CaseClocks, TheSeizureTermLeavesOutTheTimeTheGoodsAreTested) {
    const auto cal = calendar_with_provisional_2027();
    // Seized Thu 10 Dec 2026; out for testing Mon 14 Dec 09:00 to Fri 18 Dec 17:00: five
    // local days left out, so day 30 is Thu 14 Jan 2027 instead of Sat 9 Jan (-> Mon 11).
    const std::vector<ClockPause> tested{{beijing("2026-12-14", 9), beijing("2026-12-18", 17)}};
    auto clock = seizure_clock(beijing("2026-12-10", 14), tested, std::nullopt).value();
    EXPECT_EQ(clock.due(cal).value(), beijing("2027-01-15"));
    // While the goods are out the term stands: no date.
    const std::vector<ClockPause> standing{{beijing("2026-12-14", 9), std::nullopt}};
    auto stands = seizure_clock(beijing("2026-12-10", 14), standing, std::nullopt).value();
    EXPECT_TRUE(stands.paused());
    EXPECT_EQ(stands.due(cal).error().code, "deadline_clock.paused");
    // Extended once too: day 60 without the pause is Mon 8 Feb 2027 (Spring Festival) ->
    // Tue 9 Feb; with the five days left out it is Sat 13 Feb, a day off -> Mon 15 Feb.
    auto extended = seizure_clock(beijing("2026-12-10", 14), tested, beijing("2027-01-05")).value();
    EXPECT_EQ(extended.due(cal).value(), beijing("2027-02-16"));
    // A pause before the seizure, or two standing at once, is refused.
    const std::vector<ClockPause> before{{beijing("2026-12-01", 9), beijing("2026-12-02", 9)}};
    EXPECT_EQ(seizure_clock(beijing("2026-12-10", 14), before, std::nullopt).error().code, "deadline_clock.time_order");
    const std::vector<ClockPause> two_open{{beijing("2026-12-14", 9), std::nullopt}, {beijing("2026-12-15", 9), std::nullopt}};
    EXPECT_EQ(seizure_clock(beijing("2026-12-10", 14), two_open, std::nullopt).error().code,
              "deadline_clock.already_paused");
}

TEST(CaseClocks, TransferToThePoliceThreeDaysThenTwentyFourHours) {
    const auto cal = calendar_with_provisional_2027();
    // Proposed Thu 24 Sep 2026: day 3 is Sun 27 Sep (Mid-Autumn, 25-27 Sep) -> Mon 28 Sep.
    auto decision = transfer_decision_due(cal, beijing("2026-09-24", 10)).value();
    EXPECT_EQ(decision.due, beijing("2026-09-29"));
    EXPECT_FALSE(decision.provisional);
    // Approved Mon 28 Sep 16:30: handed over by Tue 29 Sep 16:30, holidays or not.
    EXPECT_EQ(transfer_handover_due(cal, beijing("2026-09-28", 16, 30)).value().due, beijing("2026-09-29", 16, 30));
    EXPECT_EQ(transfer_handover_due(cal, beijing("2026-12-31", 20)).value().due, beijing("2027-01-01", 20));
}

TEST(CaseClocks, PauseReasonsRoundTrip) {
    for (auto r : {ClockPauseReason::testing, ClockPauseReason::inspection, ClockPauseReason::quarantine,
                   ClockPauseReason::expert_opinion})
        EXPECT_EQ(clock_pause_reason_from(to_string(r)), r);
    EXPECT_FALSE(clock_pause_reason_from("holiday").has_value());
}
