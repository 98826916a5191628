// What an instrument's specimen id can be: the sample number (printed or compact, its
// check character verified, so a misread barcode finds no sample rather than another
// one) or a test portion's barcode, "<sample number>/<n>" for the sample's n-th test
// portion. The ingest use case and quarantine resolution parse it.
#pragma once

#include "lims/domain/result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace lims::workflow::ingest {

// The portion suffix is one or two digits: a sample is split into a handful of portions.
inline constexpr int kMaxPortionOrdinal = 99;

struct SpecimenReference {
    std::string sample_number;     // printed form
    std::optional<int> test_portion;  // 1-based ordinal of the sample's test portions
};

// Errors: ingest.specimen_empty, ingest.specimen_portion (bad suffix), and the sample
// number's own (sample_number.check_character, .length, ...) with the text quoted.
domain::Result<SpecimenReference> parse_specimen_id(std::string_view text);

}  // namespace lims::workflow::ingest
