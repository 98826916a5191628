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

// SN: comparator ^ num1 ^ separator/suffix ^ num2 (HL7 v2.5.1 2A.2.71).
void read_structured_numeric(const Message& m, std::size_t seg, Observation& o) {
    const std::string comparator = m.text_of(seg, kObxValue, 0, 1);
    const std::string num1 = m.text_of(seg, kObxValue, 0, 2);
    const std::string separator = m.text_of(seg, kObxValue, 0, 3);
    const std::string num2 = m.text_of(seg, kObxValue, 0, 4);
    o.value = comparator + num1 + separator + num2;
    if (separator.empty() && num2.empty() && is_decimal(trim_spaces(num1)) &&
        (comparator.empty() || is_comparator(comparator))) {
        o.comparator = comparator;
        o.number = std::string(trim_spaces(num1));
    }
}

}  // namespace

bool split_censored(std::string_view text, std::string& comparator, std::string& number) {
    comparator.clear();
    number.clear();
    std::string_view s = trim_spaces(text);
    std::size_t op = 0;
    if (s.size() >= 2 && (s.substr(0, 2) == "<=" || s.substr(0, 2) == ">=")) op = 2;
    else if (!s.empty() && (s[0] == '<' || s[0] == '>' || s[0] == '=')) op = 1;
    const std::string_view rest = trim_spaces(s.substr(op));
    if (!is_decimal(rest)) return false;
    comparator = std::string(s.substr(0, op));
    number = std::string(rest);
    return true;
}

std::variant<std::vector<Observation>, DecodeError> observations_from_oru(const Message& m) {
    if (m.message_type() != "ORU" || m.trigger_event() != "R01") {
        return DecodeError{"hl7.not_oru_r01", m.segment_offset(0),
                           "MSH-9 is " + std::string(m.field(0, 9)) + ", expected ORU^R01"};
    }
    const std::string sending_application = m.text_of(0, kMshSendingApplication);
    std::vector<Observation> out;
    std::string specimen;
    std::size_t group_start = 0;     // first observation of the current OBR group
    bool comments_go_to_last = false;  // an NTE follows an OBX (not an OBR)

    for (std::size_t seg = 1; seg < m.segment_count(); ++seg) {
        const std::string_view name = m.segment_name(seg);
        if (name == "OBR") {
            specimen = m.text_of(seg, kObrFillerOrderNumber);
            if (specimen.empty()) specimen = m.text_of(seg, kObrPlacerOrderNumber);
            group_start = out.size();
            comments_go_to_last = false;
        } else if (name == "SPM") {
            std::string id = m.text_of(seg, kSpmSpecimenId, 0, 1, 1);
            if (id.empty()) id = m.text_of(seg, kSpmSpecimenId, 0, 2, 1);
            if (specimen.empty() && !id.empty()) {
                specimen = id;
                for (std::size_t k = group_start; k < out.size(); ++k)
                    if (out[k].specimen_id.empty()) out[k].specimen_id = id;
            }
            comments_go_to_last = false;
        } else if (name == "OBX") {
            Observation& o = out.emplace_back();
            o.specimen_id = specimen;
            o.value_type = std::string(m.field(seg, kObxValueType));
            o.universal_test_id = unescape(m.field(seg, kObxIdentifier), m.delimiters());
            o.test_code = m.text_of(seg, kObxIdentifier, 0, 1);
            o.test_name = m.text_of(seg, kObxIdentifier, 0, 2);
            const std::string_view type = o.value_type;
            if (type == "SN") {
                read_structured_numeric(m, seg, o);
            } else if (type == "CWE" || type == "CE" || type == "CNE" || type == "CF") {
                o.value = m.text_of(seg, kObxValue, 0, 2);
                if (o.value.empty()) o.value = m.text_of(seg, kObxValue, 0, 1);
            } else if (type == "TX" || type == "FT") {
                const std::size_t reps = m.repetition_count(seg, kObxValue);
                for (std::size_t r = 0; r < reps; ++r) {
                    if (r) o.value += '\n';
                    unescape_append(part_of(m.field(seg, kObxValue), m.delimiters(), r, 0), m.delimiters(), o.value);
                }
            } else {
                o.value = m.text_of(seg, kObxValue);
                if (type == "NM" || type == "ST") split_censored(o.value, o.comparator, o.number);
            }
            o.units = m.text_of(seg, kObxUnits);
            o.reference_range = m.text_of(seg, kObxReferenceRange);
            const std::size_t flags = m.repetition_count(seg, kObxAbnormalFlags);
            for (std::size_t r = 0; r < flags; ++r) {
                std::string flag = m.text_of(seg, kObxAbnormalFlags, r);
                if (!flag.empty()) o.abnormal_flags.push_back(std::move(flag));
            }
            o.status = m.text_of(seg, kObxStatus);
            o.observed_at = m.text_of(seg, kObxAnalysisTime);
            if (o.observed_at.empty()) o.observed_at = m.text_of(seg, kObxObservationTime);
            o.operator_id = m.text_of(seg, kObxResponsibleObserver);
            o.instrument_id = m.text_of(seg, kObxEquipmentInstance);
            if (o.instrument_id.empty()) o.instrument_id = sending_application;
            comments_go_to_last = true;
        } else if (name == "NTE") {
            if (comments_go_to_last && !out.empty()) {
                std::string comment;
                const std::size_t reps = m.repetition_count(seg, kNteComment);
                for (std::size_t r = 0; r < reps; ++r) {
                    if (r) comment += '\n';
                    unescape_append(part_of(m.field(seg, kNteComment), m.delimiters(), r, 0), m.delimiters(), comment);
                }
                out.back().comments.push_back(std::move(comment));
            }
        } else {
            comments_go_to_last = false;
        }
    }
    return out;
}

}  // namespace protocols::hl7
