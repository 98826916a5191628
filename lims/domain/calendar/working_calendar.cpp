#include "lims/domain/calendar/working_calendar.hpp"

#include "lims/domain/text/ascii.hpp"

#include <algorithm>
#include <cstdlib>

namespace lims::domain {
namespace {

// A holiday range is a handful of days; a longer one is a typo in the file.
constexpr int kMaxHolidayDays = 31;

struct LineError {
    std::string_view source;
    std::size_t line;
    Error make(std::string code, const std::string& what) const {
        return Error{std::move(code), std::string(source) + ":" + std::to_string(line) + ": " + what};
    }
};

// Splits off the first whitespace-separated word.
std::string_view next_word(std::string_view& rest) {
    rest = text::trim(rest);
    std::size_t end = 0;
    while (end < rest.size() && rest[end] != ' ' && rest[end] != '\t') ++end;
    const std::string_view word = rest.substr(0, end);
    rest = text::trim(rest.substr(end));
    return word;
}

Result<Date> date_at(const LineError& at, std::string_view word) {
    auto d = parse_date(word);
    if (!d) return at.make("calendar.date", d.error().message);
    return d;
}

}  // namespace

Result<CalendarYear> parse_calendar_year(std::string_view source, std::string_view text) {
    CalendarYear out;
    std::map<Date, std::size_t> seen;  // day -> line that listed it
    std::size_t line_no = 0;
    while (!text.empty()) {
        ++line_no;
        const std::size_t eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
        if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
        line = text::trim(line);
        if (line.empty()) continue;

        const LineError at{source, line_no};
        std::string_view rest = line;
        const std::string_view keyword = next_word(rest);
        if (keyword == "year") {
            if (out.year != 0) return at.make("calendar.year", "the year is declared twice");
            const std::string_view word = next_word(rest);
            if (word.size() != 4 || word.find_first_not_of("0123456789") != std::string_view::npos || !rest.empty()) {
                return at.make("calendar.syntax", "expected 'year YYYY'");
            }
            out.year = std::atoi(std::string(word).c_str());
            continue;
        }
        if (keyword == "provisional") {
            if (out.provisional) return at.make("calendar.syntax", "the file is declared provisional twice");
            if (rest.empty()) {
                return at.make("calendar.syntax", "expected 'provisional <why>' (say what the file is waiting for)");
            }
            if (!out.workdays.empty()) {
                return at.make("calendar.provisional_workday",
                               "a provisional year lists no make-up working day (调休 is what the notice decides)");
            }
            out.provisional = true;
            out.provisional_reason = std::string(rest);
            continue;
        }
        if (keyword != "holiday" && keyword != "workday") {
            return at.make("calendar.syntax", "unknown entry " + text::quoted(keyword) +
                                                  "; expected 'year', 'provisional', 'holiday' or 'workday'");
        }
        if (keyword == "workday" && out.provisional) {
            return at.make("calendar.provisional_workday",
                           "a provisional year lists no make-up working day (调休 is what the notice decides)");
        }
        if (out.year == 0) return at.make("calendar.year", "'year YYYY' must come before the first entry");
        const std::string_view when = next_word(rest);
        const std::string name(rest);
        if (when.empty() || name.empty()) {
            return at.make("calendar.syntax", "expected '" + std::string(keyword) + " YYYY-MM-DD" +
                                                  (keyword == "holiday" ? "[..YYYY-MM-DD]" : "") + " name'");
        }
        Date first;
        Date last;
        if (const auto dots = when.find(".."); dots != std::string_view::npos) {
            if (keyword == "workday") return at.make("calendar.syntax", "a make-up working day is a single date");
            auto a = date_at(at, when.substr(0, dots));
            if (!a) return a.error();
            auto b = date_at(at, when.substr(dots + 2));
            if (!b) return b.error();
            first = a.value();
            last = b.value();
            if (last < first) return at.make("calendar.range_order", std::string(when) + " ends before it begins");
            if ((last - first).count() >= kMaxHolidayDays) {
                return at.make("calendar.range_order", std::string(when) + " is longer than " +
                                                           std::to_string(kMaxHolidayDays) + " days");
            }
        } else {
            auto a = date_at(at, when);
            if (!a) return a.error();
            first = last = a.value();
        }
        // A holiday may run over New Year from the neighbouring year (31 Dec – 2 Jan), but
        // it must touch the declared year; a make-up day lies inside it.
        const bool touches = year_of(first) == out.year || year_of(last) == out.year;
        if (!touches || (keyword == "workday" && year_of(first) != out.year)) {
            return at.make("calendar.year", std::string(when) + " is outside the declared year " + std::to_string(out.year));
        }
        for (Date d = first; d <= last; d += std::chrono::days{1}) {
            if (auto [it, fresh] = seen.emplace(d, line_no); !fresh) {
                return at.make("calendar.conflict", format_date(d) + " is already listed on line " + std::to_string(it->second));
            }
            if (keyword == "workday") {
                if (!is_weekend(d)) {
                    return at.make("calendar.workday_not_weekend",
                                   format_date(d) + " is a weekday; a make-up working day is a Saturday or Sunday");
                }
                out.workdays.emplace(d, name);
            } else {
                out.holidays.emplace(d, name);
            }
        }
    }
    if (out.year == 0) {
        return Error{"calendar.year", std::string(source) + ": no 'year YYYY' line; the file declares no year"};
    }
    return out;
}

Result<WorkingCalendar> WorkingCalendar::from_years(std::vector<CalendarYear> years) {
    WorkingCalendar c;
    for (auto& y : years) {
        if (!c.years_.insert(y.year).second) {
            return Error{"calendar.duplicate_year", "the calendar for " + std::to_string(y.year) + " is loaded twice"};
        }
        if (y.provisional) c.provisional_years_.insert(y.year);
        for (auto& [d, name] : y.holidays) {
            if (c.workdays_.contains(d)) {
                return Error{"calendar.conflict", format_date(d) + " is a holiday in one year's file and a working day in another"};
            }
            c.holidays_.emplace(d, std::move(name));
        }
        for (auto& [d, name] : y.workdays) {
            if (c.holidays_.contains(d)) {
                return Error{"calendar.conflict", format_date(d) + " is a holiday in one year's file and a working day in another"};
            }
            c.workdays_.emplace(d, std::move(name));
        }
    }
    return c;
}

Status WorkingCalendar::require_loaded(Date date) const {
    if (years_.contains(year_of(date))) return {};
    std::string loaded;
    for (int y : years_) loaded += (loaded.empty() ? "" : ", ") + std::to_string(y);
    return Error{"calendar.year_not_loaded", format_date(date) + " is outside the loaded calendar years (" +
                                                 (loaded.empty() ? "none" : loaded) + ")"};
}

Result<bool> WorkingCalendar::is_working_day(Date date) const {
    if (auto loaded = require_loaded(date); !loaded) return loaded.error();
    if (workdays_.contains(date)) return true;
    if (holidays_.contains(date)) return false;
    return !is_weekend(date);
}

Result<Date> WorkingCalendar::add_working_days(Date from, int count) const {
    if (auto loaded = require_loaded(from); !loaded) return loaded.error();
    const std::chrono::days step{count < 0 ? -1 : 1};
    Date d = from;
    for (int remaining = count < 0 ? -count : count; remaining > 0;) {
        d += step;
        auto working = is_working_day(d);
        if (!working) return working.error();
        if (working.value()) --remaining;
    }
    return d;
}

Result<int> WorkingCalendar::working_days_between(Date from, Date to) const {
    if (auto loaded = require_loaded(from); !loaded) return loaded.error();
    if (auto loaded = require_loaded(to); !loaded) return loaded.error();
    const bool backwards = to < from;
    const Date low = backwards ? to : from;
    const Date high = backwards ? from : to;
    int count = 0;
    for (Date d = low + std::chrono::days{1}; d <= high; d += std::chrono::days{1}) {
        auto working = is_working_day(d);
        if (!working) return working.error();  // a gap year between two loaded ones
        if (working.value()) ++count;
    }
    return backwards ? -count : count;
}

Result<Date> WorkingCalendar::next_working_day_on_or_after(Date date) const {
    for (Date d = date;; d += std::chrono::days{1}) {
        auto working = is_working_day(d);
        if (!working) return working.error();
        if (working.value()) return d;
    }
}

bool WorkingCalendar::provisional_between(Date a, Date b) const {
    if (provisional_years_.empty()) return false;
    const int low = year_of(std::min(a, b));
    const int high = year_of(std::max(a, b));
    const auto first = provisional_years_.lower_bound(low);
    return first != provisional_years_.end() && *first <= high;
}

std::string WorkingCalendar::name_of(Date date) const {
    if (auto it = workdays_.find(date); it != workdays_.end()) return it->second;
    if (auto it = holidays_.find(date); it != holidays_.end()) return it->second;
    return {};
}

}  // namespace lims::domain
