// HL7 v2 acknowledgements (original mode): the HL7 driver answers every message it
// received with one, after the data is committed (AA) or when it cannot take it (AE/AR).
// Clock and control-id counter belong to the caller: both are passed in as values.
#pragma once

#include "protocols/decode_error.hpp"
#include "protocols/hl7/message.hpp"

#include <string>
#include <string_view>

namespace protocols::hl7 {

// MSA-1, HL7 table 0008.
enum class AckCode { accept /*AA*/, error /*AE*/, reject /*AR*/ };

// ERR-3 / ERR-1.4 condition codes, HL7 table 0357.
enum class AckCondition {
    segment_sequence_error = 100,
    required_field_missing = 101,
    data_type_error = 102,
    unsupported_message_type = 200,
    unsupported_event_code = 201,
    unsupported_processing_id = 202,
    unsupported_version_id = 203,
    application_internal_error = 207,
};

struct AckParams {
    AckCode code = AckCode::accept;
    std::string control_id{};  // MSH-10 of the ACK: new, unique per sender
    std::string timestamp{};   // MSH-7, e.g. "20240611093016+0800"
    // For AE/AR: why, written to MSA-3 and an ERR segment.
    AckCondition condition = AckCondition::application_internal_error;
    std::string reason{};
    std::string error_segment{};  // where the fault is, e.g. "OBX" (optional)
    std::size_t error_sequence = 0;  // 1-based occurrence of that segment (0: not known)
    std::size_t error_field = 0;     // field number (0: not known)
};

// The ACK for a parsed message: MSH-1/2 as the original's, MSH-3/4 its MSH-5/6 and back,
// MSH-9 ACK^<trigger>^ACK (ACK^<trigger> for v2.3, which has no message structure),
// MSH-11/12 echoed, MSA-2 its MSH-10. Segments end with CR; no MLLP framing.
std::string build_ack(const Message& original, const AckParams& params);

// Who we are, for an ACK to a message whose MSH could not be read.
struct LocalIdentity {
    std::string application = "LIS";
    std::string facility;
    std::string version = "2.5.1";  // used when the message carries none
};

// Best effort answer to bytes that did not parse: AR (whatever params.code says) with the
// parse error as the reason; sender, trigger, control id, processing id and version are
// picked out of a readable MSH prefix when there is one.
std::string build_reject_ack(std::string_view raw, const DecodeError& why, const AckParams& params,
                             const LocalIdentity& local = {});

}  // namespace protocols::hl7
