// Calendar checks shared by the sampling use cases (over the domain's time module,
// lims/domain/calendar/): ISO dates and UTC times as the API
// carries them, and "today" as the sampler's calendar shows it (Beijing time, UTC+8).
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace lims::workflow::sampling {

// "YYYY-MM-DD" that names a real day.
std::optional<std::chrono::sys_days> parse_date(const std::string& text);
// "YYYY-MM-DDTHH:MM:SS[.fff]Z" (UTC only: the store's times are UTC).
std::optional<std::chrono::sys_seconds> parse_utc(const std::string& text);
// The calendar day in China Standard Time (UTC+8, no daylight saving) of a UTC instant.
std::chrono::sys_days beijing_day(std::chrono::sys_seconds utc);
// The store's UTC stamp format, from seconds.
std::string format_utc_seconds(std::chrono::sys_seconds t);

}  // namespace lims::workflow::sampling
