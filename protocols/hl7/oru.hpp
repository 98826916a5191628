// ORU^R01 (unsolicited observation result) to Observations: the HL7 driver calls this on
// every parsed result message and hands the observations to the ingest sink.
// Versions 2.3 to 2.5.1 share the fields used here; later 2.x versions are read the same.
#pragma once

#include "protocols/decode_error.hpp"
#include "protocols/hl7/message.hpp"
#include "protocols/observation.hpp"

#include <optional>
#include <variant>
#include <vector>

namespace protocols::hl7 {

// Field mapping (HL7 v2.5.1 chapter 7):
//   specimen_id   OBR-3.1 (filler order number), else OBR-2.1 (placer), else SPM-2
//                 (placer, then filler specimen id) of the same order group
//   value_type    OBX-2; test_code / test_name OBX-3.1 / OBX-3.2; universal_test_id OBX-3
//   value         OBX-5: NM and ST as sent (a censored "<0.01" gets comparator and number);
//                 SN `>^500` becomes ">500" with comparator ">" and number "500";
//                 CWE/CE the text (component 2), else the code; TX/FT repetitions joined by LF
//   units OBX-6.1; reference_range OBX-7; abnormal_flags OBX-8 (each repetition)
//   status OBX-11; observed_at OBX-19 (analysis time), else OBX-14; operator_id OBX-16.1
//   instrument_id OBX-18.1 (equipment instance), else MSH-3.1 (sending application)
//   comments      NTE-3 of NTE segments following the OBX
// Error codes: hl7.not_oru_r01 (MSH-9 is another message).
std::variant<std::vector<Observation>, DecodeError> observations_from_oru(const Message& message);

// The same into `out`, a reused observation arena (next_observation in observation.hpp):
// its elements' strings keep their capacity from one message to the next, and it ends
// holding exactly this message's observations (empty on an error). The HL7 driver's hot
// path: after the first messages of a connection it allocates nothing per field.
std::optional<DecodeError> observations_from_oru(const Message& message, std::vector<Observation>& out);

// Splits a censored decimal such as "<0.01", ">=5" or "7.8" into comparator and number;
// returns false (leaving both empty) when `text` is not a decimal, possibly censored.
bool split_censored(std::string_view text, std::string& comparator, std::string& number);

}  // namespace protocols::hl7
