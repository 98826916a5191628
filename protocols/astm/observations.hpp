// Turns a parsed E1394 message into Observations for ingest: one per R record, with the
// specimen of its O record, the instrument from R.14 (or the header's sender, H.5) and the
// C records that follow it as comments. Called by the ASTM driver after parse_message().
#pragma once

#include <optional>
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

// The same observations straight from a message's text (MessageReceived::records), checked
// as parse_message checks it, without building Records: fields are read as views into
// `records` and written into `out`, whose elements are reused (next_observation) and which
// ends with exactly this message's observations. The hot path of the ASTM driver: after
// the first messages of a connection it allocates nothing per field. On an error `out` is
// left empty and the error is the one parse_message gives.
std::optional<DecodeError> decode_observations(std::string_view records, std::vector<Observation>& out);

}  // namespace protocols::astm
