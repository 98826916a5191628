// Civil dates ("2026-02-14") and instants for the working-day calendar and deadlines.
// Dates are std::chrono::sys_days, instants sys_seconds (UTC); the calendar and deadline
// code converts between them at a fixed offset (China Standard Time, UTC+8, no DST).
#pragma once

#include "lims/domain/result.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace lims::domain {

using Date = std::chrono::sys_days;
using Instant = std::chrono::sys_seconds;

// Exactly "YYYY-MM-DD" with a real day of a real month (no 2026-02-29).
// Errors: date.format, date.invalid.
Result<Date> parse_date(std::string_view text);
std::string format_date(Date date);                // "2026-02-14"
std::string format_instant(Instant instant);        // "2026-02-14T16:00:00Z"
int year_of(Date date);
bool is_weekend(Date date);

}  // namespace lims::domain
