// An HL7 v2.x message split into segments and fields, honouring the encoding characters
// its MSH declares. The HL7 driver parses each MLLP payload with parse(); ORU extraction
// and the ACK builder read fields through it. Field numbers are HL7's own: for MSH,
// field(…, 1) is the field separator and field(…, 2) the encoding characters.
#pragma once

#include "protocols/decode_error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace protocols::hl7 {

// MSH-1 and MSH-2 (HL7 v2.5.1 chapter 2.5.4; the fifth, truncation, from v2.7).
struct Delimiters {
    char field = '|';
    char component = '^';
    char repetition = '~';
    char escape = '\\';
    char subcomponent = '&';
    char truncation = '\0';  // '\0' when MSH-2 declares only four characters

    friend bool operator==(const Delimiters&, const Delimiters&) = default;
};

struct ParseOptions {
    // CR is HL7's only segment terminator. Some senders end segments with LF or CR LF;
    // accept that only where the interface is known to do so, because other feeds carry
    // LF as data inside fields.
    bool tolerate_lf = false;
};

class Message;

// Error codes (offsets are byte offsets within the message):
//   hl7.empty, hl7.too_large, hl7.missing_msh, hl7.bad_encoding_characters,
//   hl7.lf_terminated (only LF line ends and tolerate_lf is off), hl7.bad_segment_name,
//   hl7.missing_message_type (MSH-9), hl7.missing_control_id (MSH-10),
//   hl7.missing_version (MSH-12)
std::variant<Message, DecodeError> parse(std::string text, const ParseOptions& options = {});

class Message {
public:
    std::string_view text() const { return text_; }
    const Delimiters& delimiters() const { return delimiters_; }

    std::size_t segment_count() const { return segments_.size(); }
    std::string_view segment_name(std::size_t segment) const { return field(segment, 0); }
    std::size_t segment_offset(std::size_t segment) const { return segments_[segment].offset; }
    // Number of fields including field 0 (the segment name).
    std::size_t field_count(std::size_t segment) const { return segments_[segment].field_count; }
    // The field as sent (escapes intact); empty when the segment has fewer fields.
    std::string_view field(std::size_t segment, std::size_t number) const;

    // One part of a field, raw: repetition is 0-based, component and subcomponent 1-based
    // as HL7 numbers them (OBX-3.2 is component 2); component 0 is the whole repetition,
    // subcomponent 0 the whole component.
    std::string_view part(std::size_t segment, std::size_t number, std::size_t repetition = 0,
                          std::size_t component = 1, std::size_t subcomponent = 0) const;
    // The same, with escape sequences decoded.
    std::string text_of(std::size_t segment, std::size_t number, std::size_t repetition = 0,
                        std::size_t component = 1, std::size_t subcomponent = 0) const;
    std::size_t repetition_count(std::size_t segment, std::size_t number) const;

    // MSH fields used by every consumer.
    std::string_view message_type() const { return part(0, 9, 0, 1); }    // MSH-9.1
    std::string_view trigger_event() const { return part(0, 9, 0, 2); }   // MSH-9.2
    std::string_view control_id() const { return field(0, 10); }          // MSH-10
    std::string_view version() const { return part(0, 12, 0, 1); }        // MSH-12.1

private:
    friend std::variant<Message, DecodeError> parse(std::string, const ParseOptions&);

    struct Span {
        std::uint32_t begin = 0;
        std::uint32_t size = 0;
    };
    struct Segment {
        std::uint32_t first_field = 0;
        std::uint32_t field_count = 0;
        std::uint32_t offset = 0;
    };

    std::string text_;
    Delimiters delimiters_;
    std::vector<Span> fields_;
    std::vector<Segment> segments_;
};

// Splitting a raw field, numbered as Message::part.
std::string_view part_of(std::string_view field, const Delimiters& d, std::size_t repetition,
                         std::size_t component = 1, std::size_t subcomponent = 0);

// \F\ \S\ \T\ \R\ \E\ \P\ \Xhh..\ and \.br\ (newline) decoded; \H\ and \N\ (highlighting)
// dropped; anything else kept as sent, since a receiver may ignore unknown escapes.
std::string unescape(std::string_view raw, const Delimiters& d);
void unescape_append(std::string_view raw, const Delimiters& d, std::string& out);
// The inverse, for text we write into a message: delimiters, CR and LF escaped.
std::string escape(std::string_view text, const Delimiters& d);

}  // namespace protocols::hl7
