// Strict UTF-8 checks for text arriving over HTTP (RFC 3629: no overlongs, no surrogates,
// nothing above U+10FFFF). The body schema counts string lengths in code points, so a
// limit of 64 characters means 64 Chinese characters, not 64 bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace lims::api::utf8 {

// Number of code points, or nullopt when `text` is not well-formed UTF-8.
std::optional<std::size_t> codePointCount(std::string_view text);

inline bool isValid(std::string_view text) { return codePointCount(text).has_value(); }

}  // namespace lims::api::utf8
