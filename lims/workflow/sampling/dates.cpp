#include "lims/workflow/sampling/dates.hpp"

#include "lims/domain/calendar/beijing_time.hpp"

#include <cstdio>

namespace lims::workflow::sampling {

namespace {

bool digits(const std::string& s, std::size_t from, std::size_t n) {
    for (std::size_t i = from; i < from + n; ++i)
        if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    return true;
}

int number(const std::string& s, std::size_t from, std::size_t n) { return std::stoi(s.substr(from, n)); }

}  // namespace

std::optional<std::chrono::sys_days> parse_date(const std::string& t) {
    using namespace std::chrono;
    if (t.size() != 10 || t[4] != '-' || t[7] != '-' || !digits(t, 0, 4) || !digits(t, 5, 2) || !digits(t, 8, 2))
        return std::nullopt;
    const year_month_day ymd{year{number(t, 0, 4)}, month{static_cast<unsigned>(number(t, 5, 2))},
                             day{static_cast<unsigned>(number(t, 8, 2))}};
    if (!ymd.ok()) return std::nullopt;
    return sys_days{ymd};
}

std::optional<std::chrono::sys_seconds> parse_utc(const std::string& t) {
    using namespace std::chrono;
    if (t.size() < 20 || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t.back() != 'Z') return std::nullopt;
    auto day = parse_date(t.substr(0, 10));
    if (!day || !digits(t, 11, 2) || !digits(t, 14, 2) || !digits(t, 17, 2)) return std::nullopt;
    const int h = number(t, 11, 2), m = number(t, 14, 2), s = number(t, 17, 2);
    if (h > 23 || m > 59 || s > 59) return std::nullopt;
    if (t.size() > 20) {  // fraction: ".d{1,9}Z"
        if (t[19] != '.' || t.size() < 22 || t.size() > 30 || !digits(t, 20, t.size() - 21)) return std::nullopt;
    }
    return sys_seconds{*day} + hours{h} + minutes{m} + seconds{s};
}

std::chrono::sys_days beijing_day(std::chrono::sys_seconds utc) { return domain::beijing_date(utc); }

std::string format_utc_seconds(std::chrono::sys_seconds t) {
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{t - day};
    char out[32];
    std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02ld:%02ld:%02lld.000Z", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                  static_cast<long long>(hms.seconds().count()));
    return out;
}

}  // namespace lims::workflow::sampling
