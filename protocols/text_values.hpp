// Small checks on the text of a field, shared by the codecs (ASTM results, HL7 OBX values,
// MT-SICS weights): whether a value is a plain decimal number, and trimming the padding
// spaces instruments put around it. Pure functions, no allocation.
#pragma once

#include <cstddef>
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

// The value without the spaces an instrument pads it with on either side.
inline std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

}  // namespace protocols
