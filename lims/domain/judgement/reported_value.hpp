// A test result as reported (检验结果): a number ("94.95"), a censored number — below a
// detection or quantitation limit ("<0.01") or above a counting range (">500") — or a
// qualitative outcome ("符合规定", "sterile"). Made from instrument or analyst text and
// judged against a Limit by judgement.hpp.
#pragma once

#include "lims/domain/decimal.hpp"
#include "lims/domain/result.hpp"

#include <string>
#include <string_view>

namespace lims::domain {

enum class ValueKind { numeric, below, above, qualitative };

class ReportedValue {
public:
    static ReportedValue numeric(Decimal value) { return ReportedValue(ValueKind::numeric, value, {}); }
    static ReportedValue below(Decimal bound) { return ReportedValue(ValueKind::below, bound, {}); }
    static ReportedValue above(Decimal bound) { return ReportedValue(ValueKind::above, bound, {}); }
    // Errors: reported_value.empty.
    static Result<ReportedValue> qualitative(std::string_view outcome);

    // "<0.01" / "< 0.01" is below, ">500" is above (full-width ＜ ＞ folded); text that
    // starts like a number (digit, sign or '.') must be a whole number; anything else
    // is a qualitative outcome. Errors: reported_value.empty, reported_value.number.
    static Result<ReportedValue> parse(std::string_view text);

    ValueKind kind() const noexcept { return kind_; }
    const Decimal& number() const noexcept { return number_; }   // numeric, below, above
    const std::string& outcome() const noexcept { return outcome_; }  // qualitative

    std::string to_string() const;  // "94.95", "<0.01", ">500", "符合规定"

private:
    ReportedValue(ValueKind kind, Decimal number, std::string outcome)
        : kind_(kind), number_(number), outcome_(std::move(outcome)) {}

    ValueKind kind_;
    Decimal number_;
    std::string outcome_;
};

}  // namespace lims::domain
