#include "lims/domain/decimal.hpp"

#include <cstdlib>
#include <stdexcept>

namespace lims::domain {
namespace {

__extension__ typedef __int128 Wide;  // 10^18 × 10^18 < 2^127: every rescale fits

constexpr std::int64_t kCoefficientLimit = 1'000'000'000'000'000'000;  // 10^kMaxDigits
constexpr int kMaxExponentDigits = 3;

constexpr std::int64_t pow10(int n) {
    std::int64_t p = 1;
    for (int i = 0; i < n; ++i) p *= 10;
    return p;
}

Wide wide_pow10(int n) {
    Wide p = 1;
    for (int i = 0; i < n; ++i) p *= 10;
    return p;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

Error syntax(std::string_view text, std::size_t at, std::string_view expected) {
    return Error{"decimal.syntax", "'" + std::string(text) + "' is not a decimal number: at position " +
                                       std::to_string(at + 1) + " expected " + std::string(expected)};
}

}  // namespace

Result<Decimal> Decimal::from_parts(std::int64_t coefficient, int scale) {
    if (scale < 0 || scale > kMaxScale) {
        return Error{"decimal.out_of_range", "scale " + std::to_string(scale) + " is outside 0.." +
                                                 std::to_string(kMaxScale)};
    }
    if (coefficient <= -kCoefficientLimit || coefficient >= kCoefficientLimit) {
        return Error{"decimal.out_of_range", "coefficient " + std::to_string(coefficient) + " has more than " +
                                                 std::to_string(kMaxDigits) + " digits"};
    }
    return Decimal(coefficient, scale);
}

Result<Decimal> Decimal::parse(std::string_view text) {
    std::size_t begin = 0;
    std::size_t end = text.size();
    while (begin < end && is_space(text[begin])) ++begin;
    while (end > begin && is_space(text[end - 1])) --end;
    const std::string_view s = text.substr(begin, end - begin);
    if (s.empty()) return Error{"decimal.empty", "a number was expected, the text is empty"};

    std::size_t i = 0;
    bool negative = false;
    if (s[i] == '+' || s[i] == '-') {
        negative = s[i] == '-';
        ++i;
    }
    std::int64_t coefficient = 0;
    int significant = 0;
    int scale = 0;
    bool any_digit = false;
    bool in_fraction = false;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '.') {
            if (in_fraction) return syntax(text, begin + i, "a digit or exponent, found a second '.'");
            in_fraction = true;
            continue;
        }
        if (!is_digit(c)) break;
        any_digit = true;
        if (coefficient != 0 || c != '0') ++significant;
        if (significant > kMaxDigits) {
            return Error{"decimal.too_many_digits", "'" + std::string(text) + "' has more than " +
                                                        std::to_string(kMaxDigits) + " significant digits"};
        }
        coefficient = coefficient * 10 + (c - '0');
        if (in_fraction) ++scale;
    }
    if (!any_digit) return syntax(text, begin + i, "a digit");

    int exponent = 0;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        bool exponent_negative = false;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
            exponent_negative = s[i] == '-';
            ++i;
        }
        int exponent_digits = 0;
        for (; i < s.size() && is_digit(s[i]); ++i) {
            if (++exponent_digits > kMaxExponentDigits) {
                return Error{"decimal.out_of_range", "'" + std::string(text) + "' has an exponent out of range"};
            }
            exponent = exponent * 10 + (s[i] - '0');
        }
        if (exponent_digits == 0) return syntax(text, begin + i, "exponent digits");
        if (exponent_negative) exponent = -exponent;
    }
    if (i != s.size()) return syntax(text, begin + i, "end of number, found '" + std::string(1, s[i]) + "'");

    int new_scale = scale - exponent;
    if (new_scale < 0) {
        // "1.5e3" is 1500: move the exponent into the coefficient while it still fits.
        for (; new_scale < 0; ++new_scale) {
            if (coefficient >= kCoefficientLimit / 10) {
                return Error{"decimal.out_of_range", "'" + std::string(text) + "' is too large"};
            }
            coefficient *= 10;
        }
    }
    if (new_scale > kMaxScale) {
        return Error{"decimal.out_of_range", "'" + std::string(text) + "' has more than " +
                                                 std::to_string(kMaxScale) + " decimal places"};
    }
    return Decimal(negative ? -coefficient : coefficient, new_scale);
}

std::string Decimal::to_string() const {
    std::string digits = std::to_string(coefficient_ < 0 ? -coefficient_ : coefficient_);
    if (scale_ > 0) {
        if (static_cast<int>(digits.size()) <= scale_) {
            digits.insert(0, static_cast<std::size_t>(scale_) + 1 - digits.size(), '0');
        }
        digits.insert(digits.size() - static_cast<std::size_t>(scale_), 1, '.');
    }
    return coefficient_ < 0 ? "-" + digits : digits;
}

Decimal Decimal::round_half_even(int places) const {
    if (places < 0 || places > kMaxScale) {
        throw std::invalid_argument("Decimal::round_half_even: places outside 0..18");
    }
    if (places >= scale_) return *this;
    const std::int64_t divisor = pow10(scale_ - places);
    const std::int64_t magnitude = coefficient_ < 0 ? -coefficient_ : coefficient_;
    std::int64_t quotient = magnitude / divisor;
    const std::int64_t remainder = magnitude % divisor;
    const std::int64_t twice = remainder * 2;  // < 2 × 10^18 < 2^63
    if (twice > divisor || (twice == divisor && quotient % 2 != 0)) ++quotient;
    return Decimal(coefficient_ < 0 ? -quotient : quotient, places);
}

std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) noexcept {
    const int scale = a.scale_ > b.scale_ ? a.scale_ : b.scale_;
    const Wide left = static_cast<Wide>(a.coefficient_) * wide_pow10(scale - a.scale_);
    const Wide right = static_cast<Wide>(b.coefficient_) * wide_pow10(scale - b.scale_);
    if (left < right) return std::strong_ordering::less;
    if (left > right) return std::strong_ordering::greater;
    return std::strong_ordering::equal;
}

}  // namespace lims::domain
