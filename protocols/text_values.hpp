// Small checks on the text of a field, shared by the codecs (ASTM results, HL7 OBX values,
// MT-SICS weights): whether a value is a plain decimal number, and trimming the padding
// spaces instruments put around it. Pure functions, no allocation.
#pragma once

#include <cstddef>
#include <cstring>
#include <string_view>

namespace protocols {

// "12", "-0.5", "+.5", "3." — an optional sign, digits with at most one decimal point, at
// least one digit. No exponent, no thousands separator: the codecs hand such text on as
// text, and the judgement decides what it means.
inline bool is_decimal(std::string_view s) {
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
    std::size_t digits = 0;
    bool point = false;
    for (const char c : s) {
        if (c >= '0' && c <= '9')
            ++digits;
        else if (c == '.' && !point)
            point = true;
        else
            return false;
    }
    return digits > 0;
}

// The first `c` in `s` at or after `from`, or npos: what std::string_view::find does, for
// the short fields and components the codecs split. A plain loop over the first 32 bytes
// (memchr's call and set-up cost more than that on a field of a dozen bytes, and it ran
// once per field: a third of the decode time, issue 18), then memchr for a long run.
inline std::size_t find_char(std::string_view s, char c, std::size_t from = 0) noexcept {
    const std::size_t n = s.size();
    if (from >= n) return std::string_view::npos;
    const std::size_t inline_end = n - from > 32 ? from + 32 : n;
    for (std::size_t i = from; i < inline_end; ++i)
        if (s[i] == c) return i;
    if (inline_end == n) return std::string_view::npos;
    const void* p = std::memchr(s.data() + inline_end, static_cast<unsigned char>(c), n - inline_end);
    return p ? static_cast<std::size_t>(static_cast<const char*>(p) - s.data()) : std::string_view::npos;
}

// The value without the spaces an instrument pads it with on either side.
inline std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

}  // namespace protocols
