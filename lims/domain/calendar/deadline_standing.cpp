#include "lims/domain/calendar/deadline_standing.hpp"

#include <algorithm>

namespace lims::domain {

Result<DeadlineStanding> deadline_standing(const WorkingCalendar& calendar, Instant due, Instant now,
                                           const ClockSettings& settings) {
    DeadlineStanding s;
    // A day-counted deadline passes at the close of its last day (24:00 local, the next
    // day's midnight), so the last day allowed is the day of the second before it.
    s.due_date = local_date(due - std::chrono::seconds(1), settings);
    s.today = local_date(now, settings);
    s.overdue = is_overdue(due, now);
    auto between = calendar.working_days_between(s.today, s.due_date);
    if (!between) return between.error();
    if (s.overdue) s.working_days_overdue = std::max(-*between, 0);
    else s.working_days_left = std::max(*between, 0);
    s.provisional = calendar.provisional_between(s.today, s.due_date);
    return s;
}

}  // namespace lims::domain
