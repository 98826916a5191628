// Turns an instrument's value and unit into the value recorded on a test, through the
// instrument's test-code mapping: exact decimal arithmetic (value * factor + offset), the
// comparator of a censored value kept ("<0.05"), qualitative text passed as sent. Called
// by the ingest use case for every matched observation; a failure sends it to quarantine.
#pragma once

#include "lims/domain/decimal.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/instrument_repository.hpp"
#include "protocols/observation.hpp"

#include <optional>
#include <string>

namespace lims::workflow::ingest {

struct RecordedValue {
    std::optional<std::string> value_text;   // numeric, as exact decimal text, comparator first (">500")
    std::optional<std::string> qualitative;  // "Positive", "Not detected"
    std::string unit;                        // the unit it is recorded in
};

// value * factor + offset, exactly. The scale is the exact product's, with trailing zeros
// beyond the measured value's own places dropped (7.8 g * 1000 = 7800.0 mg, not 7800.0000).
// Errors: ingest.conversion_overflow when the exact result needs more than
// Decimal::kMaxDigits digits.
domain::Result<domain::Decimal> multiply_add(const domain::Decimal& value, const domain::Decimal& factor,
                                             const domain::Decimal& offset);

// Errors (each names the observation's value or unit and the mapping):
//   ingest.empty_value, ingest.value_unreadable (a numeric type that is not a decimal),
//   ingest.unit_unconvertible, ingest.conversion_overflow, ingest.mapping_invalid.
domain::Result<RecordedValue> convert(const protocols::Observation& observation, const store::TestMapping& mapping);

}  // namespace lims::workflow::ingest
