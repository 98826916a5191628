// Small text helpers shared by the domain parsers: trimming, ASCII case, and folding the
// full-width forms (Ｈ２００４…, common in Chinese input methods) to ASCII. Internal to
// lims/domain; the rest of the service has its own text handling.
#pragma once

#include <string>
#include <string_view>

namespace lims::domain::text {

// Removes ASCII whitespace and U+3000 (ideographic space) at both ends.
std::string_view trim(std::string_view s);

// U+FF01..U+FF5E become their ASCII counterparts and U+3000 a space; other bytes pass
// through unchanged (the result is valid UTF-8 if the input was).
std::string fold_fullwidth(std::string_view s);

std::string to_upper_ascii(std::string_view s);
bool equals_ignoring_ascii_case(std::string_view a, std::string_view b);

// The text quoted for an error message: at most 40 bytes, never splitting a UTF-8
// sequence, so a pasted megabyte does not end up in a log line.
std::string quoted(std::string_view s);

}  // namespace lims::domain::text
