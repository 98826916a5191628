#include "lims/domain/calendar/deadline.hpp"
#include "lims/domain/calendar/deadline_clock.hpp"
#include "lims/domain/calendar/statutory_deadlines.hpp"

#include <gtest/gtest.h>

using namespace lims::domain;
using namespace std::chrono_literals;

WorkingCalendar mainland_calendar();  // calendar_working_calendar_test.cpp

namespace {

// Beijing time, written as the people who keep the deadline read it.
Instant beijing(const char* date, int hour = 0, int minute = 0) {
    return Instant{parse_date(date).value()} + std::chrono::hours{hour} + std::chrono::minutes{minute} - 8h;
}

}  // namespace

TEST(Deadline, WorkingDaysEndAtCloseOfDayBeijingTime) {
    const auto cal = mainland_calendar();
    // Report issued Thu 12 Feb 2026 at 10:00: 2 working days -> Fri 13, Sat 14 (make-up).
    auto due = deadline_for(cal, statutory::kNonconformityNotice, beijing("2026-02-12", 10));
    ASSERT_TRUE(due.ok()) << due.error().message;
    EXPECT_EQ(due.value(), beijing("2026-02-15"));  // the end of Sat 14 Feb, 24:00
    EXPECT_EQ(format_instant(due.value()), "2026-02-14T16:00:00Z");
    EXPECT_FALSE(is_overdue(due.value(), beijing("2026-02-14", 23, 59)));
    EXPECT_TRUE(is_overdue(due.value(), beijing("2026-02-15")));

    // A laboratory that closes at 17:30.
    ClockSettings office{8h, 17h + 30min};
    EXPECT_EQ(deadline_for(cal, statutory::kNonconformityNotice, beijing("2026-02-12", 10), office).value(),
              beijing("2026-02-14", 17, 30));
    // 23:30 UTC on 11 Feb is already 12 Feb in Beijing: the local date counts.
    EXPECT_EQ(deadline_for(cal, statutory::kNonconformityNotice, beijing("2026-02-12", 7, 30)).value(),
              beijing("2026-02-15"));
}

TEST(Deadline, DrugReportOverSpringFestival) {
    const auto cal = mainland_calendar();
    // Received Mon 2 Feb 2026; 25 working days: Feb 3-13 (9), Sat 14 (10), Feb 24-27 (14),
    // Sat 28 (15), Mar 2-6 (20), Mar 9-13 (25).
    EXPECT_EQ(deadline_for(cal, statutory::kDrugReport, beijing("2026-02-02", 9)).value(), beijing("2026-03-14"));
}

TEST(Deadline, CalendarDaysEndingOnADayOffMoveToTheNextWorkingDay) {
    const auto cal = mainland_calendar();
    // 7 calendar days (药品管理法's reading of re-inspection) from Sun 25 Jan 2026 is Sun 1 Feb -> Mon 2 Feb.
    const DeadlineRule seven_days{7, DeadlineUnit::calendar_days};
    EXPECT_EQ(deadline_for(cal, seven_days, beijing("2026-01-25", 15)).value(), beijing("2026-02-03"));
    // 7 days from Wed 28 Jan is Wed 4 Feb, a working day: unchanged.
    EXPECT_EQ(deadline_for(cal, seven_days, beijing("2026-01-28", 15)).value(), beijing("2026-02-05"));
    // 3 days from 29 Sep 2026 is 2 Oct (National Day) -> Thu 8 Oct.
    EXPECT_EQ(deadline_for(cal, statutory::kTransferDecision, beijing("2026-09-29", 11)).value(), beijing("2026-10-09"));
    // Cosmetics, devices and (the shipped working-day reading) drugs: 7 working days across
    // New Year 2026 from Mon 29 Dec 2025.
    for (auto rule : {statutory::kCosmeticReinspectionApplication, statutory::kDeviceReinspectionApplication,
                      statutory::kDrugReinspectionApplication})
        EXPECT_EQ(deadline_for(cal, rule, beijing("2025-12-29", 11)).value(),
                  beijing("2026-01-09"));  // 30, 31 Dec, 4 Jan (Sun), 5, 6, 7, 8 Jan
}

TEST(Deadline, HoursRunOnTheClock) {
    const auto cal = mainland_calendar();
    // The 24-hour notice for a serious risk ignores holidays.
    EXPECT_EQ(deadline_for(cal, statutory::kNonconformityNoticeSeriousRisk, beijing("2026-02-15", 9, 15)).value(),
              beijing("2026-02-16", 9, 15));
    EXPECT_EQ(deadline_for(cal, statutory::kTransferHandover, beijing("2027-06-01", 9)).value(), beijing("2027-06-02", 9));
}

TEST(Deadline, BadRulesAndSettingsAreNamed) {
    const auto cal = mainland_calendar();
    EXPECT_EQ(deadline_for(cal, {0, DeadlineUnit::working_days}, beijing("2026-03-02")).error().code, "deadline.amount");
    EXPECT_EQ(deadline_for(cal, {-3, DeadlineUnit::hours}, beijing("2026-03-02")).error().code, "deadline.amount");
    EXPECT_EQ(deadline_for(cal, statutory::kDrugReport, beijing("2026-03-02"), {8h, 0h}).error().code, "deadline.settings");
    EXPECT_EQ(deadline_for(cal, statutory::kDrugReport, beijing("2026-03-02"), {8h, 25h}).error().code, "deadline.settings");
    EXPECT_EQ(deadline_for(cal, statutory::kDrugReport, beijing("2026-03-02"), {15h, 24h}).error().code, "deadline.settings");
    EXPECT_EQ(deadline_for(cal, statutory::kDrugReport, beijing("2026-12-10")).error().code, "calendar.year_not_loaded");
    EXPECT_EQ(describe(statutory::kCaseLeadDecision), "15 working days");
    EXPECT_EQ(describe({1, DeadlineUnit::hours}), "1 hour");
    EXPECT_EQ(to_string(DeadlineUnit::calendar_days), "calendar_days");
}

TEST(DeadlineClock, CaseLeadPausesForTestingAndExtendsOnce) {
    const auto cal = mainland_calendar();
    // Lead received Mon 2 Mar 2026: 15 working days -> the end of Mon 23 Mar.
    auto clock = DeadlineClock::start(beijing("2026-03-02", 10), statutory::kCaseLeadDecision,
                                      statutory::kCaseLeadExtension).value();
    EXPECT_EQ(clock.due(cal).value(), beijing("2026-03-24"));

    // Evidence sent for testing Wed 4 Mar 15:00, results back Tue 10 Mar 09:00: 4, 5, 6,
    // 9, 10 Mar (5 working days) do not count -> the end of Mon 30 Mar.
    ASSERT_TRUE(clock.pause(beijing("2026-03-04", 15)).ok());
    EXPECT_TRUE(clock.paused());
    EXPECT_EQ(clock.due(cal).error().code, "deadline_clock.paused");
    EXPECT_EQ(clock.pause(beijing("2026-03-05")).error().code, "deadline_clock.already_paused");
    EXPECT_EQ(clock.resume(beijing("2026-03-04", 14)).error().code, "deadline_clock.time_order");
    ASSERT_TRUE(clock.resume(beijing("2026-03-10", 9)).ok());
    EXPECT_EQ(clock.resume(beijing("2026-03-11")).error().code, "deadline_clock.not_paused");
    EXPECT_EQ(clock.due(cal).value(), beijing("2026-03-31"));
    EXPECT_EQ(clock.pause(beijing("2026-03-09")).error().code, "deadline_clock.time_order");

    // One extension of 15 working days with the head's approval: Tue 31 Mar + 15 working
    // days over Qingming (4-6 Apr off) -> the end of Tue 21 Apr.
    ASSERT_TRUE(clock.extend(beijing("2026-03-20")).ok());
    EXPECT_EQ(clock.effective_rule().amount, 30);
    EXPECT_EQ(clock.due(cal).value(), beijing("2026-04-22"));
    EXPECT_EQ(clock.extend(beijing("2026-04-01")).error().code, "deadline_clock.extension_used");
}

TEST(DeadlineClock, HoursAddThePausedTime) {
    const auto cal = mainland_calendar();
    auto clock = DeadlineClock::start(beijing("2026-03-02", 10), {24, DeadlineUnit::hours}).value();
    ASSERT_TRUE(clock.pause(beijing("2026-03-02", 12)).ok());
    ASSERT_TRUE(clock.resume(beijing("2026-03-02", 15)).ok());
    EXPECT_EQ(clock.due(cal).value(), beijing("2026-03-03", 13));
    EXPECT_EQ(clock.extend(beijing("2026-03-02", 16)).error().code, "deadline_clock.no_extension");
}

TEST(DeadlineClock, FiledCaseInCalendarDays) {
    const auto cal = mainland_calendar();
    // Filed Thu 2 Jul 2026; 90 days -> Wed 30 Sep 2026 (a working day).
    auto clock = DeadlineClock::start(beijing("2026-07-02", 10), statutory::kFiledCaseDecision,
                                      statutory::kFiledCaseExtension).value();
    EXPECT_EQ(clock.due(cal).value(), beijing("2026-10-01"));
    // Paused for an expert opinion for one local day (Mon 6 Jul): one day later, Thu 1 Oct,
    // which is National Day -> Thu 8 Oct.
    ASSERT_TRUE(clock.pause(beijing("2026-07-06", 9)).ok());
    ASSERT_TRUE(clock.resume(beijing("2026-07-06", 17)).ok());
    EXPECT_EQ(clock.due(cal).value(), beijing("2026-10-09"));
}

TEST(DeadlineClock, RefusesBadConstruction) {
    EXPECT_EQ(DeadlineClock::start(beijing("2026-03-02"), {15, DeadlineUnit::working_days}, DeadlineRule{30, DeadlineUnit::calendar_days})
                  .error().code,
              "deadline_clock.extension_unit");
    EXPECT_EQ(DeadlineClock::start(beijing("2026-03-02"), {0, DeadlineUnit::working_days}).error().code, "deadline.amount");
    auto clock = DeadlineClock::start(beijing("2026-03-02"), statutory::kCaseLeadDecision).value();
    EXPECT_EQ(clock.pause(beijing("2026-03-01")).error().code, "deadline_clock.time_order");
}
