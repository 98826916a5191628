// Whether the working-day calendar covers the time ahead: this year and, from November on,
// next year, each loaded from the State Council's notice, loaded provisionally (statutory
// days only) or missing. /healthz, /metrics and `lims serve`'s start-up log report it, so
// that the yearly calendar file is loaded before deadlines need it.
#pragma once

#include "lims/domain/calendar/working_calendar.hpp"

#include <string>
#include <vector>

namespace lims::domain {

// The State Council publishes next year's holiday notice late in the year (the 2025 and
// 2026 notices came in November); from 1 November on, a calendar that does not
// officially cover next year is worth a warning, because 25-working-day report deadlines
// counted from late November already reach into January.
inline constexpr unsigned kNextYearCalendarWarningMonth = 11;

enum class CalendarYearStatus { official, provisional, missing };

struct CalendarYearState {
    int year = 0;
    CalendarYearStatus status = CalendarYearStatus::missing;
};

struct CalendarWarning {
    int year = 0;
    CalendarYearStatus status = CalendarYearStatus::missing;  // never official
    std::string message;  // for people: what is wrong and what to load
};

CalendarYearStatus status_of(const WorkingCalendar& calendar, int year);
std::string to_string(CalendarYearStatus status);  // "official", "provisional", "missing"

// This year and next year, in that order, whatever the date (for metrics).
std::vector<CalendarYearState> calendar_outlook(const WorkingCalendar& calendar, Date today);

// The years among them that are not officially loaded and matter on `today`: this year
// always, next year from 1 November (kNextYearCalendarWarningMonth). Empty when all is well.
std::vector<CalendarWarning> calendar_warnings(const WorkingCalendar& calendar, Date today);

}  // namespace lims::domain
