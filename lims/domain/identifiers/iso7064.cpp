#include "lims/domain/identifiers/iso7064.hpp"

namespace lims::domain::iso7064 {
namespace {

// ISO/IEC 7064:2003, pure system MOD 37-2: modulus 37, radix 2.
constexpr int kModulus = 37;
constexpr int kRadix = 2;

}  // namespace

std::optional<char> mod37_2_check_character(std::string_view payload) {
    int p = 0;
    for (char c : payload) {
        const auto v = kAlphanumeric.find(c);
        if (v == std::string_view::npos) return std::nullopt;
        p = ((p + static_cast<int>(v)) * kRadix) % kModulus;
    }
    // The check value a makes (P + a) mod 37 == 1.
    const int check = (kModulus + 1 - p) % kModulus;
    return kCheckAlphabet[static_cast<std::size_t>(check)];
}

bool mod37_2_is_valid(std::string_view code) {
    if (code.size() < 2) return false;
    const auto expected = mod37_2_check_character(code.substr(0, code.size() - 1));
    return expected && *expected == code.back();
}

}  // namespace lims::domain::iso7064
