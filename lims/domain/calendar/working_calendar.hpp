// The working-day calendar (工作日): Monday to Friday, less statutory holidays, plus the
// make-up working days (调休) of the State Council's yearly notice. Loaded from the text
// files under fixtures/calendars/ (format in its README) by the caller; legal deadlines
// (deadline.hpp) are counted on it. A date in a year that is not loaded is an error,
// never a guess; a year loaded from a provisional file (statutory days only, before the
// notice is out) is counted on but known as provisional, and so are deadlines through it.
#pragma once

#include "lims/domain/calendar/civil_date.hpp"
#include "lims/domain/result.hpp"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace lims::domain {

// One year's entries, as parsed from one file.
struct CalendarYear {
    int year = 0;
    std::map<Date, std::string> holidays;  // day off -> holiday name
    std::map<Date, std::string> workdays;  // make-up working day -> what it makes up for
    // Not from the yearly notice: only the statutory holidays fixed by law (全国年节及纪念日
    // 放假办法 art. 2), no make-up days. Deadlines through such a year are provisional.
    bool provisional = false;
    std::string provisional_reason;  // the text of the file's 'provisional' line
};

// Parses one calendar file; `source` names it in errors ("cn-mainland-2026.txt:7: ...").
// Errors: calendar.syntax, calendar.date, calendar.range_order, calendar.year (missing,
// repeated or a date outside it), calendar.conflict (a day listed twice, or both off and
// on), calendar.workday_not_weekend (a make-up day must be a Saturday or Sunday),
// calendar.provisional_workday (a provisional year lists no make-up day: 调休 is what the
// notice decides).
Result<CalendarYear> parse_calendar_year(std::string_view source, std::string_view text);

class WorkingCalendar {
public:
    // Errors: calendar.duplicate_year.
    static Result<WorkingCalendar> from_years(std::vector<CalendarYear> years);

    const std::set<int>& years() const noexcept { return years_; }
    // Years loaded from a provisional file (a subset of years()).
    const std::set<int>& provisional_years() const noexcept { return provisional_years_; }
    bool is_provisional(int year) const { return provisional_years_.contains(year); }
    // Whether a count between the two days (either order, both included) runs through a
    // provisional year: a deadline counted over them may move when the notice comes.
    bool provisional_between(Date a, Date b) const;

    // Errors (all functions): calendar.year_not_loaded naming the date.
    Result<bool> is_working_day(Date date) const;

    // The `count`-th working day after `from` (before it when negative); `from` itself
    // is never counted, so add_working_days(Friday, 1) is the next Monday, or the
    // make-up Saturday. Zero returns `from`.
    Result<Date> add_working_days(Date from, int count) const;

    // Working days in (from, to]: the inverse of add_working_days; negative when to < from.
    Result<int> working_days_between(Date from, Date to) const;

    // `date` if it is a working day, else the first working day after it.
    Result<Date> next_working_day_on_or_after(Date date) const;

    // The holiday's or make-up day's name, empty for an ordinary day.
    std::string name_of(Date date) const;

private:
    Status require_loaded(Date date) const;

    std::set<int> years_;
    std::set<int> provisional_years_;
    std::map<Date, std::string> holidays_;
    std::map<Date, std::string> workdays_;
};

}  // namespace lims::domain
