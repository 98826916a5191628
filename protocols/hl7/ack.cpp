#include "protocols/hl7/ack.hpp"

#include <vector>

namespace protocols::hl7 {
namespace {

// Fields of an ACK's source that matter, raw (already escaped for `d`).
struct AckSource {
    Delimiters d;
    std::string encoding = "^~\\&";
    std::string sending_application, sending_facility, receiving_application, receiving_facility;
    std::string trigger, control_id, processing_id, version;
};

const char* code_text(AckCode c) {
    switch (c) {
    case AckCode::accept: return "AA";
    case AckCode::error: return "AE";
    case AckCode::reject: return "AR";
    }
    return "AR";
}

const char* condition_text(AckCondition c) {
    switch (c) {
    case AckCondition::segment_sequence_error: return "Segment sequence error";
    case AckCondition::required_field_missing: return "Required field missing";
    case AckCondition::data_type_error: return "Data type error";
    case AckCondition::unsupported_message_type: return "Unsupported message type";
    case AckCondition::unsupported_event_code: return "Unsupported event code";
    case AckCondition::unsupported_processing_id: return "Unsupported processing id";
    case AckCondition::unsupported_version_id: return "Unsupported version id";
    case AckCondition::application_internal_error: return "Application internal error";
    }
    return "Application internal error";
}

// ERR's layout changed in v2.5: before, one ELD field (ERR-1); from 2.5, location in
// ERR-2, code in ERR-3, severity in ERR-4, the user message in ERR-8.
bool err_is_v25_layout(std::string_view version) {
    return !(version.substr(0, 3) == "2.1" || version.substr(0, 3) == "2.2" || version.substr(0, 3) == "2.3" ||
             version.substr(0, 3) == "2.4");
}

std::string render(const AckSource& s, AckCode code, const AckParams& p) {
    const Delimiters& d = s.d;
    const char f = d.field;
    std::string out;
    out.reserve(256);
    out += "MSH";
    out += f;
    out += s.encoding;
    for (const std::string* v : {&s.receiving_application, &s.receiving_facility, &s.sending_application,
                                 &s.sending_facility}) {
        out += f;
        out += *v;
    }
    out += f;
    out += escape(p.timestamp, d);
    out += f;  // MSH-8 security
    out += f;
    out += "ACK";
    out += d.component;
    out += s.trigger;
    if (part_of(s.version, d, 0, 1) != "2.3") {
        out += d.component;
        out += "ACK";
    }
    out += f;
    out += escape(p.control_id, d);
    out += f;
    out += s.processing_id;
    out += f;
    out += s.version;
    out += '\r';

    out += "MSA";
    out += f;
    out += code_text(code);
    out += f;
    out += s.control_id;
    if (code != AckCode::accept) {
        const std::string reason = escape(p.reason.empty() ? condition_text(p.condition) : p.reason, d);
        out += f;
        out += reason;  // MSA-3, kept for receivers that read only MSA
        out += '\r';
        const std::string number = std::to_string(static_cast<int>(p.condition));
        std::string location;  // ERL / ELD: segment ^ sequence ^ field, when known
        if (!p.error_segment.empty()) {
            location = escape(p.error_segment, d);
            location += d.component;
            if (p.error_sequence) location += std::to_string(p.error_sequence);
            location += d.component;
            if (p.error_field) location += std::to_string(p.error_field);
        }
        out += "ERR";
        out += f;
        if (err_is_v25_layout(part_of(s.version, d, 0, 1))) {
            out += f;
            out += location;
            out += f;
            out += number;
            out += d.component;
            out += condition_text(p.condition);
            out += d.component;
            out += "HL70357";
            out += f;
            out += "E";  // ERR-4 severity, table 0516: error (the message was not processed)
            out += f;    // ERR-5 application error code
            out += f;    // ERR-6 application error parameter
            out += f;    // ERR-7 diagnostic information
            out += f;
            out += reason;  // ERR-8 user message
        } else {
            out += location.empty() ? std::string(2, d.component) : location;
            out += d.component;
            out += number;
            out += d.subcomponent;
            out += condition_text(p.condition);
            out += d.subcomponent;
            out += "HL70357";
        }
    }
    out += '\r';
    return out;
}

}  // namespace

std::string build_ack(const Message& m, const AckParams& params) {
    AckSource s;
    s.d = m.delimiters();
    s.encoding = std::string(m.field(0, 2));
    s.sending_application = std::string(m.field(0, 3));
    s.sending_facility = std::string(m.field(0, 4));
    s.receiving_application = std::string(m.field(0, 5));
    s.receiving_facility = std::string(m.field(0, 6));
    s.trigger = std::string(m.trigger_event());
    s.control_id = std::string(m.control_id());
    s.processing_id = std::string(m.field(0, 11));
    if (s.processing_id.empty()) s.processing_id = "P";
    s.version = std::string(m.field(0, 12));
    return render(s, params.code, params);
}

std::string build_reject_ack(std::string_view raw, const DecodeError& why, const AckParams& params,
                             const LocalIdentity& local) {
    AckSource s;
    s.receiving_application = escape(local.application, s.d);
    s.receiving_facility = escape(local.facility, s.d);
    s.processing_id = "P";
    s.version = escape(local.version, s.d);

    // Read what we can of an MSH with the standard delimiters only when it declares them:
    // with unknown delimiters, echoing fields could corrupt the answer.
    const std::string_view standard = "MSH|^~\\&|";
    if (raw.substr(0, standard.size()) == standard) {
        std::string_view line = raw.substr(0, raw.find_first_of("\r\n"));
        std::vector<std::string_view> fields;
        std::size_t start = 0;
        while (start <= line.size()) {
            const std::size_t bar = line.find('|', start);
            fields.push_back(line.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
            if (bar == std::string_view::npos) break;
            start = bar + 1;
        }
        auto msh = [&](std::size_t n) -> std::string {
            // fields[0] is "MSH" and fields[1] MSH-2: MSH-n is fields[n - 1] (MSH-1 is the bar).
            return n >= 2 && n - 1 < fields.size() ? std::string(fields[n - 1]) : std::string();
        };
        // The answer goes back to MSH-3/4 and comes from MSH-5/6 when the sender named us.
        s.sending_application = msh(3);
        s.sending_facility = msh(4);
        if (!msh(5).empty() || !msh(6).empty()) {
            s.receiving_application = msh(5);
            s.receiving_facility = msh(6);
        }
        s.trigger = std::string(part_of(msh(9), s.d, 0, 2));
        s.control_id = msh(10);
        if (!msh(11).empty()) s.processing_id = msh(11);
        if (!part_of(msh(12), s.d, 0, 1).empty()) s.version = std::string(part_of(msh(12), s.d, 0, 1));
    }
    AckParams p = params;
    if (p.reason.empty()) p.reason = why.code + " at byte " + std::to_string(why.offset) + ": " + why.detail;
    if (p.condition == AckCondition::application_internal_error) p.condition = AckCondition::data_type_error;
    return render(s, AckCode::reject, p);
}

}  // namespace protocols::hl7
