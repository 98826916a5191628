#include "lims/domain/calendar/civil_date.hpp"

#include "lims/domain/text/ascii.hpp"

#include <cstdio>

namespace lims::domain {
namespace {

bool digits(std::string_view s) {
    for (char c : s) if (c < '0' || c > '9') return false;
    return !s.empty();
}

int to_int(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

}  // namespace

Result<Date> parse_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(s.substr(0, 4)) || !digits(s.substr(5, 2)) ||
        !digits(s.substr(8, 2))) {
        return Error{"date.format", text::quoted(s) + " is not a date: expected YYYY-MM-DD"};
    }
    const std::chrono::year_month_day ymd{std::chrono::year{to_int(s.substr(0, 4))},
                                          std::chrono::month{static_cast<unsigned>(to_int(s.substr(5, 2)))},
                                          std::chrono::day{static_cast<unsigned>(to_int(s.substr(8, 2)))}};
    if (!ymd.ok()) return Error{"date.invalid", text::quoted(s) + " is not a day of the calendar"};
    return Date{ymd};
}

std::string format_date(Date date) {
    const std::chrono::year_month_day ymd{date};
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buffer;
}

std::string format_instant(Instant instant) {
    const Date day = std::chrono::floor<std::chrono::days>(instant);
    const std::chrono::hh_mm_ss hms{instant - day};
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "T%02d:%02d:%02dZ", static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
    return format_date(day) + buffer;
}

int year_of(Date date) { return static_cast<int>(std::chrono::year_month_day{date}.year()); }

bool is_weekend(Date date) {
    const std::chrono::weekday wd{date};
    return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

}  // namespace lims::domain
