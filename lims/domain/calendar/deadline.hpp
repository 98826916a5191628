// Deadline rules as configuration data ({amount, unit}) and the instant a rule gives
// from a starting instant: working and calendar days end at the close of a day in local
// time (China Standard Time, UTC+8 fixed), hours run on the clock. Workflow uses it for
// report, notice, re-inspection and case-lead deadlines; the overdue scan compares.
#pragma once

#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/domain/calendar/civil_date.hpp"
#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"

#include <chrono>
#include <string>

namespace lims::domain {

enum class DeadlineUnit { working_days, calendar_days, hours };

struct DeadlineRule {
    int amount = 0;  // > 0
    DeadlineUnit unit = DeadlineUnit::working_days;

    friend bool operator==(const DeadlineRule&, const DeadlineRule&) = default;
};

struct ClockSettings {
    // China Standard Time has no daylight saving: a fixed offset needs no time-zone data.
    std::chrono::seconds utc_offset = kBeijingUtcOffset;
    // When a day-counted deadline ends, from local midnight: default the end of the day
    // (24:00); a laboratory that closes at 17:30 sets 17h30min.
    std::chrono::seconds close_of_day = std::chrono::hours{24};
};

// Errors: deadline.amount (not positive), deadline.settings (close outside (0, 24h],
// offset beyond ±14h).
Status validate(const DeadlineRule& rule);
Status validate(const ClockSettings& settings);

// The first instant at which the deadline has passed ("due"): on time means strictly
// before it. From `start`:
//  - working_days n: the close of the n-th working day after the local date of `start`
//    (the start day itself is not counted);
//  - calendar_days n: the close of the local date n days later, moved to the next working
//    day when that one is a day off (民法典 第二百零三条: a period whose last day is a
//    statutory day off ends on the day after it);
//  - hours n: exactly n hours later.
// Errors: those of validate(), calendar.year_not_loaded.
Result<Instant> deadline_for(const WorkingCalendar& calendar, const DeadlineRule& rule, Instant start,
                             const ClockSettings& settings = {});

// A deadline together with what it rests on: `provisional` when the count ran through a
// year loaded from a provisional calendar file (WorkingCalendar::is_provisional), so the
// date may move once the State Council's notice fixes that year's make-up days. Workflow
// shows it (`deadline_provisional`) and keeps it with the stored deadline for recomputing.
struct CountedDeadline {
    Instant due;
    bool provisional = false;

    friend bool operator==(const CountedDeadline&, const CountedDeadline&) = default;
};

// deadline_for, telling whether the count ran through a provisional year. Hours never do:
// they do not look at the calendar. Errors: as deadline_for.
Result<CountedDeadline> counted_deadline_for(const WorkingCalendar& calendar, const DeadlineRule& rule, Instant start,
                                             const ClockSettings& settings = {});

inline bool is_overdue(Instant due, Instant now) { return now >= due; }

Date local_date(Instant instant, const ClockSettings& settings = {});
Instant close_of(Date local_day, const ClockSettings& settings = {});

std::string to_string(DeadlineUnit unit);
std::string describe(const DeadlineRule& rule);  // "15 working days"

}  // namespace lims::domain
