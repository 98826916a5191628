// Turns a parsed E1394 message into Observations for ingest: one per R record, with the
// specimen of its O record, the instrument from R.14 (or the header's sender, H.5) and the
// C records that follow it as comments. Called by the ASTM driver after parse_message().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "protocols/astm/records.hpp"
#include "protocols/observation.hpp"

namespace protocols::astm {

// A result value split into comparator and number: ">500" -> {">", "500"}, "7.8" ->
// {"", "7.8"}, "Positive" -> {"", ""}. The number stays decimal text (no binary float).
struct CensoredValue {
    std::string comparator;
    std::string number;
    friend bool operator==(const CensoredValue&, const CensoredValue&) = default;
};
CensoredValue split_censored(std::string_view value);

std::vector<Observation> to_observations(const Message& message);

}  // namespace protocols::astm
