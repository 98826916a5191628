// UTC instants as text, with milliseconds: the fixed-width form the store writes and the API
// returns for its timestamps, "YYYY-MM-DDTHH:MM:SS.mmmZ" (24 characters, so text order is
// time order on both backends). Part of the one time module of the domain:
//   civil_date.hpp   dates "YYYY-MM-DD", whole-second instants "YYYY-MM-DDTHH:MM:SSZ";
//   beijing_time.hpp Beijing local dates (UTC+8), the documents' Chinese dates, parse_instant
//                    (any stored or API UTC time, fraction dropped);
//   utc_time.hpp     this file: the millisecond form both ways.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace lims::domain {

// "2026-11-23T11:08:04.123Z" (milliseconds truncated toward the past).
std::string format_utc(std::chrono::system_clock::time_point t);
// Exactly that form back to a time point (seconds 00-60, a leap second read as the next
// minute); nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> parse_utc_millis(std::string_view text);

}  // namespace lims::domain
