// How a person reads a date or a time: in Beijing time (China Standard Time, UTC+8; no
// daylight saving since 1991, so a fixed offset is exact) and written the way Chinese
// official documents write dates. Every printed document (sampling record, test report)
// and every message meant for people formats its dates here; the API and the store keep
// UTC ISO 8601 text (format_instant), which machines read.
#pragma once

#include "lims/domain/calendar/civil_date.hpp"
#include "lims/domain/result.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace lims::domain {

// China Standard Time. The deadline clock's default (ClockSettings::utc_offset) is this one.
inline constexpr std::chrono::hours kBeijingUtcOffset{8};

// The calendar day in Beijing of a UTC instant (2026-03-01T18:30:00Z is 2026-03-02).
Date beijing_date(Instant instant);

// GB/T 9704-2012 (党政机关公文格式) 7.3.5.4: dates in Arabic numerals with the year in full,
// month and day without a leading zero: "2026年3月2日".
std::string chinese_date(Date date);
// The Beijing date and time to the minute: "2026年3月2日 02:30" (hour and minute two digits,
// 24-hour clock, as the sampling record's 抽样时间 is filled in).
std::string chinese_date_time(Instant instant);

// A UTC instant as the store and the API write it: "YYYY-MM-DDTHH:MM:SSZ" with optional
// fractional seconds (dropped). Errors: instant.format.
Result<Instant> parse_instant(std::string_view text);

// For printing stored text whatever it holds: a UTC instant becomes chinese_date_time, a
// date "YYYY-MM-DD" chinese_date; anything else (empty included) comes back unchanged.
std::string chinese_date_time_of(std::string_view stored);
// As above, but an instant prints as its Beijing date only.
std::string chinese_date_of(std::string_view stored);

}  // namespace lims::domain
