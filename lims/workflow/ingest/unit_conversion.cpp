#include "lims/workflow/ingest/unit_conversion.hpp"

#include <algorithm>

namespace lims::workflow::ingest {

namespace {

using domain::Decimal;
using domain::make_error;
__extension__ typedef __int128 Wide;  // GCC/Clang: exact products of two 18-digit coefficients

std::string trimmed(const std::string& s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos) return "";
    const auto last = s.find_last_not_of(" \t");
    return s.substr(first, last - first + 1);
}

// 10^n for n <= 36, which stays inside a signed 128-bit integer (about 1.7e38).
Wide pow10(int n) {
    Wide p = 1;
    for (int i = 0; i < n; ++i) p *= 10;
    return p;
}

constexpr int kMaxWideDigits = 36;

Wide magnitude(Wide v) { return v < 0 ? -v : v; }

// v * 10^n when the result keeps within kMaxWideDigits digits; false otherwise.
bool scale_up(Wide& v, int n) {
    if (n == 0) return true;
    if (n > kMaxWideDigits || magnitude(v) >= pow10(kMaxWideDigits - n)) return false;
    v *= pow10(n);
    return true;
}

bool numeric_type(const std::string& value_type) { return value_type == "NM" || value_type == "SN"; }

}  // namespace

domain::Result<Decimal> multiply_add(const Decimal& value, const Decimal& factor, const Decimal& offset) {
    auto overflow = [&] {
        return make_error("ingest.conversion_overflow",
                          value.to_string() + " * " + factor.to_string() + " + " + offset.to_string() +
                              " needs more than " + std::to_string(Decimal::kMaxDigits) + " digits");
    };
    // Every coefficient has at most 18 digits, so the product has at most 36: exact in 128 bits.
    Wide coefficient = Wide(value.coefficient()) * Wide(factor.coefficient());
    int scale = value.scale() + factor.scale();
    if (!offset.is_zero()) {
        const int target = std::max(scale, offset.scale());
        Wide addend = offset.coefficient();
        if (!scale_up(coefficient, target - scale) || !scale_up(addend, target - offset.scale())) return overflow();
        coefficient += addend;
        scale = target;
    }
    // Drop trailing zeros the factor added, but never below the places the value was measured to.
    const int keep = std::max(value.scale(), offset.is_zero() ? 0 : offset.scale());
    while (scale > keep && coefficient % 10 == 0) {
        coefficient /= 10;
        --scale;
    }
    // Still too many places for a Decimal: drop zeros below the measured places too.
    while (scale > Decimal::kMaxScale && coefficient % 10 == 0) {
        coefficient /= 10;
        --scale;
    }
    if (scale > Decimal::kMaxScale || magnitude(coefficient) >= pow10(Decimal::kMaxDigits)) return overflow();
    auto out = Decimal::from_parts(static_cast<std::int64_t>(coefficient), scale);
    if (!out) return overflow();
    return *out;
}

domain::Result<RecordedValue> convert(const protocols::Observation& o, const store::TestMapping& m) {
    const std::string unit = trimmed(o.units);
    const std::string value = trimmed(o.value);
    const std::string where = "code " + o.test_code + " value \"" + o.value + "\" unit \"" + o.units + "\"";
    if (value.empty()) return make_error("ingest.empty_value", where + ": the instrument sent no value");

    // Numeric when the codec found a number (censored or not), or the text is a decimal.
    std::string number_text = o.number;
    std::string comparator = o.comparator;
    if (number_text.empty() && Decimal::parse(value)) number_text = value;
    if (number_text.empty()) {
        if (numeric_type(o.value_type))
            return make_error("ingest.value_unreadable", where + ": value type " + o.value_type + " but not a decimal");
        if (!unit.empty() && unit != m.result_unit && unit != m.instrument_unit)
            return make_error("ingest.unit_unconvertible",
                              where + ": a text result in a unit the mapping does not know (expects \"" + m.result_unit + "\")");
        return RecordedValue{std::nullopt, value, m.result_unit.empty() ? unit : m.result_unit};
    }
    auto number = Decimal::parse(number_text);
    if (!number) return make_error("ingest.value_unreadable", where + ": " + number.error().message);

    const bool as_recorded = unit == m.result_unit || (m.result_unit.empty() && m.instrument_unit.empty());
    if (as_recorded)
        return RecordedValue{comparator + number->to_string(), std::nullopt, m.result_unit.empty() ? unit : m.result_unit};
    if (m.instrument_unit.empty() || unit != m.instrument_unit)
        return make_error("ingest.unit_unconvertible",
                          where + ": cannot convert to \"" + m.result_unit + "\"" +
                              (m.instrument_unit.empty() ? std::string(" (the mapping converts no other unit)")
                                                         : " (the mapping converts from \"" + m.instrument_unit + "\")"));
    auto factor = Decimal::parse(m.factor);
    auto offset = Decimal::parse(m.offset);
    if (!factor || !offset)
        return make_error("ingest.mapping_invalid", "mapping of code " + m.instrument_test_code + " has factor \"" +
                                                        m.factor + "\" and offset \"" + m.offset + "\"");
    // A censored bound converts like the number; a negative factor would flip < and >.
    if (factor->is_negative() && !comparator.empty())
        return make_error("ingest.unit_unconvertible", where + ": a censored value with a negative factor");
    auto converted = multiply_add(*number, *factor, *offset);
    if (!converted) return converted.error();
    return RecordedValue{comparator + converted->to_string(), std::nullopt, m.result_unit};
}

}  // namespace lims::workflow::ingest
