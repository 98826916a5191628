#include "lims/domain/calendar/calendar_outlook.hpp"

namespace lims::domain {

CalendarYearStatus status_of(const WorkingCalendar& calendar, int year) {
    if (!calendar.years().contains(year)) return CalendarYearStatus::missing;
    return calendar.is_provisional(year) ? CalendarYearStatus::provisional : CalendarYearStatus::official;
}

std::string to_string(CalendarYearStatus status) {
    switch (status) {
        case CalendarYearStatus::official: return "official";
        case CalendarYearStatus::provisional: return "provisional";
        case CalendarYearStatus::missing: return "missing";
    }
    return "unknown";
}

std::vector<CalendarYearState> calendar_outlook(const WorkingCalendar& calendar, Date today) {
    const int year = year_of(today);
    return {{year, status_of(calendar, year)}, {year + 1, status_of(calendar, year + 1)}};
}

std::vector<CalendarWarning> calendar_warnings(const WorkingCalendar& calendar, Date today) {
    const std::chrono::year_month_day ymd{today};
    const bool next_year_due = static_cast<unsigned>(ymd.month()) >= kNextYearCalendarWarningMonth;
    std::vector<CalendarWarning> out;
    for (const auto& state : calendar_outlook(calendar, today)) {
        if (state.status == CalendarYearStatus::official) continue;
        if (state.year != year_of(today) && !next_year_due) continue;
        const std::string y = std::to_string(state.year);
        std::string message =
            state.status == CalendarYearStatus::missing
                ? "no working-day calendar for " + y + " is loaded: deadlines reaching into " + y +
                      " cannot be counted (calendar.year_not_loaded); load cn-mainland-" + y +
                      ".txt from the State Council's notice, or a provisional file until it is published"
                : "the working-day calendar for " + y +
                      " is provisional (statutory holidays only, no make-up days): deadlines reaching into " + y +
                      " are marked provisional; load cn-mainland-" + y +
                      ".txt when the State Council's notice is published and recompute them (lims calendar recompute)";
        out.push_back({state.year, state.status, std::move(message)});
    }
    return out;
}

}  // namespace lims::domain
