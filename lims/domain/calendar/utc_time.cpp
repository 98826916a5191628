#include "lims/domain/calendar/utc_time.hpp"

#include "lims/domain/calendar/civil_date.hpp"

#include <cstdio>

namespace lims::domain {
namespace {

// The number written by the `n` digits at `at`; -1 when any is not a digit.
int number(std::string_view s, std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

}  // namespace

std::string format_utc(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    const auto ms = floor<milliseconds>(t);
    const auto day = floor<days>(ms);
    const year_month_day ymd{day};
    const hh_mm_ss hms{ms - day};
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
    return buffer;
}

std::optional<std::chrono::system_clock::time_point> parse_utc_millis(std::string_view text) {
    using namespace std::chrono;
    if (text.size() != 24 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != '.' ||
        text[23] != 'Z')
        return std::nullopt;
    auto date = parse_date(text.substr(0, 10));
    if (!date) return std::nullopt;
    const int h = number(text, 11, 2), mi = number(text, 14, 2), s = number(text, 17, 2), ms = number(text, 20, 3);
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60 || ms < 0) return std::nullopt;
    return system_clock::time_point(sys_days(*date).time_since_epoch() + hours(h) + minutes(mi) + seconds(s) +
                                    milliseconds(ms));
}

}  // namespace lims::domain
