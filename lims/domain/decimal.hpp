// An exact decimal number (coefficient × 10^-scale) for measured results and the limits
// they are judged against, so "94.95" is exactly 94.95 and never a binary float. Parsed
// from text as written by instruments and analysts; rounded half to even per GB/T 8170.
#pragma once

#include "lims/domain/result.hpp"

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace lims::domain {

class Decimal {
public:
    // 18 significant digits fit an int64 with room for the sign; 18 decimal places is far
    // beyond any balance or chromatograph and keeps every comparison inside 128 bits.
    static constexpr int kMaxDigits = 18;
    static constexpr int kMaxScale = 18;

    Decimal() = default;  // 0

    // Accepts optional surrounding spaces, a sign, digits with one optional '.', and an
    // optional exponent ("1.5e-3", "2E+02"): instruments send exponents. The scale is the
    // number of decimal places the text implies ("94.950" keeps 3; "1e3" is 1000, scale 0).
    // Errors: decimal.empty, decimal.syntax, decimal.too_many_digits, decimal.out_of_range.
    static Result<Decimal> parse(std::string_view text);

    // From an integer coefficient and a scale; decimal.out_of_range if either is too big.
    static Result<Decimal> from_parts(std::int64_t coefficient, int scale);
    static Decimal from_integer(std::int32_t value) { return Decimal(value, 0); }

    std::int64_t coefficient() const noexcept { return coefficient_; }
    int scale() const noexcept { return scale_; }  // decimal places as written
    bool is_negative() const noexcept { return coefficient_ < 0; }
    bool is_zero() const noexcept { return coefficient_ == 0; }

    // Keeps the written scale: Decimal::parse("95.0")->to_string() == "95.0".
    std::string to_string() const;

    // GB/T 8170-2008 clause 3.3 (四舍六入五成双): to `places` decimal places (0..kMaxScale),
    // a remainder above half goes up, below half goes down, exactly half goes to the even
    // neighbour; negative values round by magnitude. Never adds places: a value with
    // fewer places than asked is returned as it is (its value is already exact there).
    Decimal round_half_even(int places) const;

    // Compares values, not spellings: 1.0 == 1.00.
    friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) noexcept;
    friend bool operator==(const Decimal& a, const Decimal& b) noexcept { return (a <=> b) == 0; }

    // Same value and same written scale.
    bool identical(const Decimal& other) const noexcept {
        return coefficient_ == other.coefficient_ && scale_ == other.scale_;
    }

private:
    Decimal(std::int64_t coefficient, int scale) : coefficient_(coefficient), scale_(scale) {}

    std::int64_t coefficient_ = 0;
    int scale_ = 0;
};

}  // namespace lims::domain
