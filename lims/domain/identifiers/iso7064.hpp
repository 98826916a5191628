// ISO/IEC 7064 pure system MOD 37-2: one check character over data in 0-9 A-Z that
// detects every single substitution and every adjacent transposition (the modulus 37 is
// prime and 2 is a primitive root of it). Used by the sample number (sample_number.hpp).
// The hybrid MOD 37,36 system was tried first and misses some transpositions (a test
// found "IJ…" ↔ "JI…"), so it is not used.
#pragma once

#include <optional>
#include <string_view>

namespace lims::domain::iso7064 {

// Data characters.
inline constexpr std::string_view kAlphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
// Check characters: the data alphabet plus '*' for the value 36 (ISO/IEC 7064 clause 6.4).
inline constexpr std::string_view kCheckAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*";

// The check character for `payload` (upper-case characters of kAlphanumeric), or nullopt
// if a character is outside the alphabet.
std::optional<char> mod37_2_check_character(std::string_view payload);

// True if the last character of `code` is the right check character for the rest.
bool mod37_2_is_valid(std::string_view code);

}  // namespace lims::domain::iso7064
