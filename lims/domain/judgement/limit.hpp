// The limit of one specification line (标准规定): a range (95.0–105.0), an upper limit
// (≤ 0.5), a lower limit (≥ 80) or a qualitative requirement (conforms / not detected /
// sterile). The catalogue builds them, judgement.hpp judges results against them.
#pragma once

#include "lims/domain/decimal.hpp"
#include "lims/domain/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lims::domain {

enum class LimitKind { range, upper, lower, qualitative };

// An upper or lower limit is inclusive (≤, ≥) unless written strict (<, >). A range's
// ends are always inclusive, as the pharmacopoeia writes them.
enum class Bound { inclusive, exclusive };

// An optional warning band (the "shoulder"): a conforming result whose rounded value lies
// above `above` or below `below` is flagged for attention. It never changes the verdict;
// only the legal limit decides conformity (LESSONS.md).
struct WarningBand {
    std::optional<Decimal> below;
    std::optional<Decimal> above;
};

class Limit {
public:
    // `precision` is the number of decimal places a result is rounded to before it is
    // compared; when absent it is the decimal places of the limit as written ("95.0–105.0"
    // → 1, "≤ 0.5" → 1, "≥ 80" → 0; for a range the larger of its two ends).
    // Errors: limit.range_order, limit.precision.
    static Result<Limit> range(Decimal low, Decimal high, std::optional<int> precision = std::nullopt);
    static Result<Limit> upper(Decimal max, Bound bound = Bound::inclusive, std::optional<int> precision = std::nullopt);
    static Result<Limit> lower(Decimal min, Bound bound = Bound::inclusive, std::optional<int> precision = std::nullopt);
    // The accepted outcomes, e.g. {"conforms", "符合规定"} or {"sterile", "无菌"}; a result
    // matches one ignoring surrounding spaces, full-width forms and ASCII case.
    // Errors: limit.no_accepted_outcome.
    static Result<Limit> qualitative(std::vector<std::string> accepted);

    // The written forms: "95.0–105.0" (also '-', '—', '~'), "≤ 0.5", "<= 0.5", "< 0.5",
    // "≥ 80", ">= 80", "> 80"; full-width characters are folded. Errors: limit.syntax
    // and those of the factories above.
    static Result<Limit> parse(std::string_view text, std::optional<int> precision = std::nullopt);

    // Errors: limit.warning_band (the band is empty, or set on a qualitative limit).
    Result<Limit> with_warning(WarningBand band) const;

    LimitKind kind() const noexcept { return kind_; }
    const Decimal& low() const noexcept { return low_; }    // range and lower
    const Decimal& high() const noexcept { return high_; }  // range and upper
    Bound bound() const noexcept { return bound_; }
    int precision() const noexcept { return precision_; }
    const std::vector<std::string>& accepted() const noexcept { return accepted_; }
    const WarningBand& warning() const noexcept { return warning_; }

    // As printed in the report's 标准规定 column: "95.0–105.0", "≤ 0.5", "符合规定".
    std::string describe() const;

private:
    Limit() = default;

    LimitKind kind_ = LimitKind::qualitative;
    Decimal low_;
    Decimal high_;
    Bound bound_ = Bound::inclusive;
    int precision_ = 0;
    std::vector<std::string> accepted_;
    WarningBand warning_;
};

}  // namespace lims::domain
