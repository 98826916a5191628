// Where a deadline stands today, as people read it: the last day allowed (the local date,
// 2026-02-14 for a deadline that passes at the close of Sat 14 February), the working days
// left until then, or the working days overdue after it, on the working-day calendar. The
// API gives it beside every stored instant (GET /api/v1/calendar/clocks) so that no screen
// counts days itself.
#pragma once

#include "lims/domain/calendar/deadline.hpp"
#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"

namespace lims::domain {

struct DeadlineStanding {
    Date due_date;                 // the last day allowed (local date of the instant just before `due`)
    Date today;                    // the local date of `now`
    bool overdue = false;          // now >= due
    int working_days_left = 0;     // working days in (today, due_date]; 0 on the last day and once overdue
    int working_days_overdue = 0;  // working days in (due_date, today] once overdue (as the overdue scan counts)
    // Either count ran through a year loaded provisionally (statutory holidays only): the
    // figures may move when the State Council's notice for that year is loaded.
    bool provisional = false;
};

// Errors: calendar.year_not_loaded (naming the date) when today or the due date lies
// outside the loaded calendar.
Result<DeadlineStanding> deadline_standing(const WorkingCalendar& calendar, Instant due, Instant now,
                                           const ClockSettings& settings = {});

}  // namespace lims::domain
