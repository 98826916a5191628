#include "lims/domain/judgement/reported_value.hpp"

#include "lims/domain/text/ascii.hpp"

namespace lims::domain {

Result<ReportedValue> ReportedValue::qualitative(std::string_view outcome) {
    const std::string_view trimmed = text::trim(outcome);
    if (trimmed.empty()) return Error{"reported_value.empty", "a result was expected, the text is empty"};
    return ReportedValue(ValueKind::qualitative, Decimal{}, std::string(trimmed));
}

Result<ReportedValue> ReportedValue::parse(std::string_view raw) {
    const std::string folded = text::fold_fullwidth(raw);
    const std::string_view s = text::trim(folded);
    if (s.empty()) return Error{"reported_value.empty", "a result was expected, the text is empty"};
    const char first = s.front();
    if (first == '<' || first == '>') {
        auto bound = Decimal::parse(s.substr(1));
        if (!bound) {
            return Error{"reported_value.number", text::quoted(raw) + " is a censored result whose bound is not a number: " +
                                                      bound.error().message};
        }
        return first == '<' ? below(bound.value()) : above(bound.value());
    }
    if ((first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.') {
        auto number = Decimal::parse(s);
        if (!number) {
            return Error{"reported_value.number", text::quoted(raw) + " starts like a number but is not one: " +
                                                      number.error().message};
        }
        return numeric(number.value());
    }
    return qualitative(s);
}

std::string ReportedValue::to_string() const {
    switch (kind_) {
        case ValueKind::numeric: return number_.to_string();
        case ValueKind::below: return "<" + number_.to_string();
        case ValueKind::above: return ">" + number_.to_string();
        case ValueKind::qualitative: return outcome_;
    }
    return {};
}

}  // namespace lims::domain
