#include "lims/domain/calendar/beijing_time.hpp"

#include "lims/domain/text/ascii.hpp"

#include <cstdio>

namespace lims::domain {
namespace {

// hh:mm:ss at `at`, each part within its range; -1 when not two digits.
int two_digits(std::string_view s, std::size_t at) {
    const char a = s[at], b = s[at + 1];
    if (a < '0' || a > '9' || b < '0' || b > '9') return -1;
    return (a - '0') * 10 + (b - '0');
}

}  // namespace

Date beijing_date(Instant instant) { return std::chrono::floor<std::chrono::days>(instant + kBeijingUtcOffset); }

std::string chinese_date(Date date) {
    const std::chrono::year_month_day ymd{date};
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%d年%u月%u日", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buffer;
}

std::string chinese_date_time(Instant instant) {
    const auto local = instant + kBeijingUtcOffset;
    const Date day = std::chrono::floor<std::chrono::days>(local);
    const std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::minutes>(local - day)};
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, " %02d:%02d", static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()));
    return chinese_date(day) + buffer;
}

Result<Instant> parse_instant(std::string_view text) {
    auto bad = [&] {
        return Error{"instant.format", text::quoted(text) + " is not a UTC time YYYY-MM-DDTHH:MM:SSZ"};
    };
    if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text.back() != 'Z') return bad();
    auto date = parse_date(text.substr(0, 10));
    if (!date) return bad();
    const int h = two_digits(text, 11), m = two_digits(text, 14), s = two_digits(text, 17);
    if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59) return bad();
    const auto fraction = text.substr(19, text.size() - 20);  // "" or ".mmm"
    if (!fraction.empty() &&
        (fraction.size() < 2 || fraction[0] != '.' || fraction.find_first_not_of("0123456789", 1) != std::string_view::npos))
        return bad();
    return Instant{*date} + std::chrono::hours{h} + std::chrono::minutes{m} + std::chrono::seconds{s};
}

std::string chinese_date_time_of(std::string_view stored) {
    if (auto instant = parse_instant(stored)) return chinese_date_time(*instant);
    if (auto date = parse_date(stored)) return chinese_date(*date);
    return std::string(stored);
}

std::string chinese_date_of(std::string_view stored) {
    if (auto instant = parse_instant(stored)) return chinese_date(beijing_date(*instant));
    if (auto date = parse_date(stored)) return chinese_date(*date);
    return std::string(stored);
}

}  // namespace lims::domain
