#include "protocols/hl7/oru.hpp"
#include "protocols/text_values.hpp"

namespace protocols::hl7 {
namespace {

// HL7 v2.5.1 segment field numbers used below (chapter 7.4).
constexpr std::size_t kMshSendingApplication = 3;
constexpr std::size_t kObrPlacerOrderNumber = 2;
constexpr std::size_t kObrFillerOrderNumber = 3;
constexpr std::size_t kSpmSpecimenId = 2;
constexpr std::size_t kObxValueType = 2;
constexpr std::size_t kObxIdentifier = 3;
constexpr std::size_t kObxValue = 5;
constexpr std::size_t kObxUnits = 6;
constexpr std::size_t kObxReferenceRange = 7;
constexpr std::size_t kObxAbnormalFlags = 8;
constexpr std::size_t kObxStatus = 11;
constexpr std::size_t kObxObservationTime = 14;
constexpr std::size_t kObxResponsibleObserver = 16;
constexpr std::size_t kObxEquipmentInstance = 18;
constexpr std::size_t kObxAnalysisTime = 19;  // v2.5+
constexpr std::size_t kNteComment = 3;

bool is_comparator(std::string_view s) {
    return s == "<" || s == ">" || s == "<=" || s == ">=" || s == "=" || s == "<>";
}

// Whether the message holds its escape character anywhere after MSH-2 (which declares it):
// when not, parts are copied as they are, without a scan per part.
bool has_escapes(const Message& m) {
    const Delimiters& d = m.delimiters();
    if (d.escape == '\0') return false;
    const std::string_view text = m.text();
    const std::string_view encoding = m.field(0, 2);
    const std::size_t after = static_cast<std::size_t>(encoding.data() - text.data()) + encoding.size();
    return text.find(d.escape, after) != std::string_view::npos;
}

// Message::text_of into a reused string: the part unescaped, no allocation once `out` has grown.
void text_into(const Message& m, bool escapes, std::size_t seg, std::size_t number, std::string& out,
               std::size_t repetition = 0, std::size_t component = 1, std::size_t subcomponent = 0) {
    const std::string_view part = m.part(seg, number, repetition, component, subcomponent);
    if (!escapes || (seg == 0 && number <= 2)) {
        out.assign(part);
        return;
    }
    out.clear();
    unescape_append(part, m.delimiters(), out);
}

// Splits a censored decimal into views into `text`; false when it is not one.
bool censored_parts(std::string_view text, std::string_view& comparator, std::string_view& number) {
    std::string_view s = trim_spaces(text);
    std::size_t op = 0;
    if (s.size() >= 2 && (s.substr(0, 2) == "<=" || s.substr(0, 2) == ">=")) op = 2;
    else if (!s.empty() && (s[0] == '<' || s[0] == '>' || s[0] == '=')) op = 1;
    const std::string_view rest = trim_spaces(s.substr(op));
    if (!is_decimal(rest)) return false;
    comparator = s.substr(0, op);
    number = rest;
    return true;
}

// SN: comparator ^ num1 ^ separator/suffix ^ num2 (HL7 v2.5.1 2A.2.71). `scratch` holds
// the four components one after the other.
void read_structured_numeric(const Message& m, std::size_t seg, Observation& o, std::string& scratch) {
    const Delimiters& d = m.delimiters();
    const std::string_view raw = m.field(seg, kObxValue);
    std::size_t ends[4];
    scratch.clear();
    for (std::size_t c = 0; c < 4; ++c) {
        unescape_append(part_of(raw, d, 0, c + 1), d, scratch);
        ends[c] = scratch.size();
    }
    const std::string_view all = scratch;
    const std::string_view comparator = all.substr(0, ends[0]);
    const std::string_view num1 = all.substr(ends[0], ends[1] - ends[0]);
    const std::string_view separator = all.substr(ends[1], ends[2] - ends[1]);
    const std::string_view num2 = all.substr(ends[2], ends[3] - ends[2]);
    o.value.assign(all);
    if (separator.empty() && num2.empty() && is_decimal(trim_spaces(num1)) &&
        (comparator.empty() || is_comparator(comparator))) {
        o.comparator.assign(comparator);
        o.number.assign(trim_spaces(num1));
    }
}

}  // namespace

bool split_censored(std::string_view text, std::string& comparator, std::string& number) {
    comparator.clear();
    number.clear();
    std::string_view c;
    std::string_view n;
    if (!censored_parts(text, c, n)) return false;
    comparator.assign(c);
    number.assign(n);
    return true;
}

std::variant<std::vector<Observation>, DecodeError> observations_from_oru(const Message& m) {
    std::vector<Observation> out;
    if (auto error = observations_from_oru(m, out)) return std::move(*error);
    return out;
}

std::optional<DecodeError> observations_from_oru(const Message& m, std::vector<Observation>& out) {
    if (m.message_type() != "ORU" || m.trigger_event() != "R01") {
        out.clear();
        return DecodeError{"hl7.not_oru_r01", m.segment_offset(0),
                           "MSH-9 is " + std::string(m.field(0, 9)) + ", expected ORU^R01"};
    }
    const Delimiters& d = m.delimiters();
    const std::string_view sending_application = m.part(0, kMshSendingApplication);
    const bool escapes = has_escapes(m);
    std::size_t used = 0;
    std::string specimen;
    std::string id;
    std::string scratch;
    std::size_t group_start = 0;       // first observation of the current OBR group
    bool comments_go_to_last = false;  // an NTE follows an OBX (not an OBR)

    for (std::size_t seg = 1; seg < m.segment_count(); ++seg) {
        const std::string_view name = m.segment_name(seg);
        if (name == "OBR") {
            text_into(m, escapes, seg, kObrFillerOrderNumber, specimen);
            if (specimen.empty()) text_into(m, escapes, seg, kObrPlacerOrderNumber, specimen);
            group_start = used;
            comments_go_to_last = false;
        } else if (name == "SPM") {
            text_into(m, escapes, seg, kSpmSpecimenId, id, 0, 1, 1);
            if (id.empty()) text_into(m, escapes, seg, kSpmSpecimenId, id, 0, 2, 1);
            if (specimen.empty() && !id.empty()) {
                specimen = id;
                for (std::size_t k = group_start; k < used; ++k)
                    if (out[k].specimen_id.empty()) out[k].specimen_id = id;
            }
            comments_go_to_last = false;
        } else if (name == "OBX") {
            Observation& o = next_observation(out, used++);
            o.specimen_id.assign(specimen);
            o.value_type.assign(m.field(seg, kObxValueType));
            unescape_append(m.field(seg, kObxIdentifier), d, o.universal_test_id);
            text_into(m, escapes, seg, kObxIdentifier, o.test_code, 0, 1);
            text_into(m, escapes, seg, kObxIdentifier, o.test_name, 0, 2);
            const std::string_view type = o.value_type;
            if (type == "SN") {
                read_structured_numeric(m, seg, o, scratch);
            } else if (type == "CWE" || type == "CE" || type == "CNE" || type == "CF") {
                text_into(m, escapes, seg, kObxValue, o.value, 0, 2);
                if (o.value.empty()) text_into(m, escapes, seg, kObxValue, o.value, 0, 1);
            } else if (type == "TX" || type == "FT") {
                const std::size_t reps = m.repetition_count(seg, kObxValue);
                for (std::size_t r = 0; r < reps; ++r) {
                    if (r) o.value += '\n';
                    unescape_append(part_of(m.field(seg, kObxValue), d, r, 0), d, o.value);
                }
            } else {
                text_into(m, escapes, seg, kObxValue, o.value);
                std::string_view comparator;
                std::string_view number;
                if ((type == "NM" || type == "ST") && censored_parts(o.value, comparator, number)) {
                    o.comparator.assign(comparator);
                    o.number.assign(number);
                }
            }
            text_into(m, escapes, seg, kObxUnits, o.units);
            text_into(m, escapes, seg, kObxReferenceRange, o.reference_range);
            const std::size_t flags = m.repetition_count(seg, kObxAbnormalFlags);
            for (std::size_t r = 0; r < flags; ++r) {
                std::string& flag = o.abnormal_flags.emplace_back();
                text_into(m, escapes, seg, kObxAbnormalFlags, flag, r);
                if (flag.empty()) o.abnormal_flags.pop_back();
            }
            text_into(m, escapes, seg, kObxStatus, o.status);
            text_into(m, escapes, seg, kObxAnalysisTime, o.observed_at);
            if (o.observed_at.empty()) text_into(m, escapes, seg, kObxObservationTime, o.observed_at);
            text_into(m, escapes, seg, kObxResponsibleObserver, o.operator_id);
            text_into(m, escapes, seg, kObxEquipmentInstance, o.instrument_id);
            if (o.instrument_id.empty()) unescape_append(sending_application, d, o.instrument_id);
            comments_go_to_last = true;
        } else if (name == "NTE") {
            if (comments_go_to_last && used > 0) {
                std::string& comment = out[used - 1].comments.emplace_back();
                const std::size_t reps = m.repetition_count(seg, kNteComment);
                for (std::size_t r = 0; r < reps; ++r) {
                    if (r) comment += '\n';
                    unescape_append(part_of(m.field(seg, kNteComment), d, r, 0), d, comment);
                }
            }
        } else {
            comments_go_to_last = false;
        }
    }
    out.resize(used);
    return std::nullopt;
}

}  // namespace protocols::hl7
