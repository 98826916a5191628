// Code 128 (ISO/IEC 15417) for the sample number printed on the sampling record: the
// symbol values (start, data in code sets B and C, mod-103 check, stop) and the bar/space
// module widths a renderer draws. Called by the sampling-record renderer; no I/O.
#pragma once

#include "lims/domain/result.hpp"

#include <cstddef>
#include <string_view>
#include <vector>

namespace lims::workflow::documents::code128 {

inline constexpr int kStartB = 104;
inline constexpr int kStartC = 105;
inline constexpr int kCodeB = 100;  // switch to code set B (from C)
inline constexpr int kCodeC = 99;   // switch to code set C (from B)
inline constexpr int kStop = 106;
inline constexpr int kCheckModulus = 103;  // ISO/IEC 15417 §4.3.4.2
// Quiet zone on each side: at least 10 modules (ISO/IEC 15417 §4.3.3).
inline constexpr std::size_t kQuietZoneModules = 10;
// Longest text accepted: labels are 21 characters; far more would not fit any label.
inline constexpr std::size_t kMaxTextLength = 80;

// The symbol values for `text`, start to stop inclusive (check symbol before the stop).
// Runs of digits that pay for the switch use code set C (two digits a symbol): 4 or more
// at the start or end, 6 or more in between; the rest is code set B (ASCII 32-126).
// Errors: code128.empty, code128.too_long, code128.character (outside ASCII 32-126,
// naming its position).
domain::Result<std::vector<int>> encode(std::string_view text);

// The check symbol: (start + Σ position × value) mod 103 over `values` = start and data.
int check_value(const std::vector<int>& start_and_data);

// Widths in modules, alternating bar, space, bar, ... beginning with a bar, of the symbol
// values (as encode() returns them; the stop includes its 2-module termination bar).
std::vector<int> module_widths(const std::vector<int>& values);

// The same as a run of modules, true = bar, with the quiet zones on both sides.
std::vector<bool> modules(const std::vector<int>& values);

}  // namespace lims::workflow::documents::code128
