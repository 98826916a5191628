#include "lims/domain/identifiers/credit_code.hpp"

#include "lims/domain/text/ascii.hpp"

#include <array>

namespace lims::domain {
namespace {

constexpr int kModulus = 31;  // GB 32100-2015 clause 5: MOD 31
// GB 32100-2015 clause 5: weight of position i (1-based) is 3^(i-1) mod 31.
constexpr std::array<int, 17> kWeights = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

int value_of(char c) {
    const auto at = CreditCode::kAlphabet.find(c);
    return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

}  // namespace

std::optional<char> CreditCode::check_character_for(std::string_view first17) {
    if (first17.size() != kWeights.size()) return std::nullopt;
    int sum = 0;
    for (std::size_t i = 0; i < first17.size(); ++i) {
        const int v = value_of(first17[i]);
        if (v < 0) return std::nullopt;
        sum += v * kWeights[i];
    }
    const int check = (kModulus - sum % kModulus) % kModulus;
    return kAlphabet[static_cast<std::size_t>(check)];
}

Result<CreditCode> CreditCode::parse(std::string_view raw) {
    const std::string code = text::to_upper_ascii(text::trim(text::fold_fullwidth(raw)));
    if (code.size() != kLength) {
        return Error{"credit_code.length", text::quoted(raw) + " is not a unified social credit code: expected 18 characters, got " +
                                               std::to_string(code.size()) + " bytes"};
    }
    for (std::size_t i = 0; i < code.size(); ++i) {
        if (value_of(code[i]) < 0) {
            return Error{"credit_code.character",
                         text::quoted(raw) + ": character " + std::to_string(i + 1) + " ('" + std::string(1, code[i]) +
                             "') is not allowed (digits and capital letters except I, O, S, V, Z)"};
        }
    }
    for (std::size_t i = 2; i < 8; ++i) {
        if (code[i] < '0' || code[i] > '9') {
            return Error{"credit_code.region", text::quoted(raw) + ": characters 3-8 are the region code and must be digits"};
        }
    }
    const char expected = *check_character_for(std::string_view(code).substr(0, 17));
    if (code[17] != expected) {
        return Error{"credit_code.check_character",
                     text::quoted(raw) + " fails its check character: a character was mistyped"};
    }
    return CreditCode(code);
}

}  // namespace lims::domain
