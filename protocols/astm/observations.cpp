#include "protocols/astm/observations.hpp"
#include "protocols/text_values.hpp"

#include <array>

namespace protocols::astm {

namespace {

// split_censored as views into `value`; false (both empty) when it is not a decimal.
bool censored_parts(std::string_view value, std::string_view& comparator, std::string_view& number) {
    std::string_view v = trim_spaces(value);
    comparator = {};
    number = {};
    for (std::string_view op : {"<=", ">=", "<", ">", "="}) {
        if (v.substr(0, op.size()) == op) {
            comparator = op;
            break;
        }
    }
    std::string_view rest = trim_spaces(v.substr(comparator.size()));
    if (!is_decimal(rest)) {
        comparator = {};
        return false;
    }
    number = rest;
    return true;
}

}  // namespace

CensoredValue split_censored(std::string_view value) {
    std::string_view comparator;
    std::string_view number;
    if (!censored_parts(value, comparator, number)) return {};
    return CensoredValue{std::string(comparator), std::string(number)};
}

// LIS2-A2 field numbers used below.
namespace field {
inline constexpr std::size_t kHeaderSender = 5;      // H.5 sender name or id
inline constexpr std::size_t kOrderSpecimen = 3;     // O.3 specimen id
inline constexpr std::size_t kResultTest = 3;        // R.3 universal test id ^^^code^name
inline constexpr std::size_t kResultValue = 4;       // R.4
inline constexpr std::size_t kResultUnits = 5;       // R.5
inline constexpr std::size_t kResultRange = 6;       // R.6
inline constexpr std::size_t kResultFlags = 7;       // R.7 abnormal flags (repeats)
inline constexpr std::size_t kResultStatus = 9;      // R.9
inline constexpr std::size_t kResultOperator = 11;   // R.11
inline constexpr std::size_t kResultCompleted = 13;  // R.13
inline constexpr std::size_t kResultInstrument = 14; // R.14
inline constexpr std::size_t kCommentText = 4;       // C.4
inline constexpr std::size_t kLocalCodeComponent = 4;  // R.3: 4th component, the manufacturer's code
inline constexpr std::size_t kLocalNameComponent = 5;
}  // namespace field

std::vector<Observation> to_observations(const Message& message) {
    std::vector<Observation> out;
    std::size_t results = 0;
    for (const Record& record : message.records) results += record.type() == 'R';
    out.reserve(results);  // no reallocation moving every observation again
    std::string sender;
    std::string specimen;
    bool comments_to_result = false;  // a C record belongs to the R record it follows
    for (const Record& record : message.records) {
        switch (record.type()) {
            case 'H':
                sender = record.field(field::kHeaderSender);
                break;
            case 'P':
                specimen.clear();
                comments_to_result = false;
                break;
            case 'O':
                specimen = record.component(field::kOrderSpecimen, 1);
                comments_to_result = false;
                break;
            case 'R': {
                Observation o;
                o.instrument_id = record.field(field::kResultInstrument);
                if (o.instrument_id.empty()) o.instrument_id = sender;
                o.specimen_id = specimen;
                o.universal_test_id = record.field(field::kResultTest);
                o.test_code = record.component(field::kResultTest, field::kLocalCodeComponent);
                o.test_name = record.component(field::kResultTest, field::kLocalNameComponent);
                o.value = record.field(field::kResultValue);
                CensoredValue censored = split_censored(o.value);
                o.comparator = std::move(censored.comparator);
                o.number = std::move(censored.number);
                o.units = record.field(field::kResultUnits);
                o.reference_range = record.field(field::kResultRange);
                o.abnormal_flags = record.repeats(field::kResultFlags);
                o.status = record.field(field::kResultStatus);
                o.operator_id = record.field(field::kResultOperator);
                o.observed_at = record.field(field::kResultCompleted);
                out.push_back(std::move(o));
                comments_to_result = true;
                break;
            }
            case 'C':
                if (comments_to_result && !out.empty()) out.back().comments.push_back(record.field(field::kCommentText));
                break;
            default:
                break;  // M, S, Q, L carry no results; M/S do not break a result's comments
        }
    }
    return out;
}

namespace {

// Fields 1..kFieldsRead of a record as views (field 1 is the record type), the same text
// Record::raw_field gives; fields the record does not have are empty.
constexpr std::size_t kFieldsRead = field::kResultInstrument;
using FieldViews = std::array<std::string_view, kFieldsRead + 1>;

void split_fields(std::string_view line, char separator, FieldViews& f) {
    std::size_t begin = 0;
    std::size_t n = 1;
    for (; n <= kFieldsRead; ++n) {
        const std::size_t end = find_char(line, separator, begin);
        if (end == std::string_view::npos) {
            f[n++] = line.substr(begin);
            break;
        }
        f[n] = line.substr(begin, end - begin);
        begin = end + 1;
    }
    for (; n <= kFieldsRead; ++n) f[n] = {};
}

// A raw field into `out`, unescaped when the record holds an escape character at all
// (one memchr per record instead of a scan per field).
void field_into(std::string_view raw, const Delimiters& d, bool escaped, std::string& out) {
    if (escaped)
        unescape_into(raw, d, out);
    else
        out.assign(raw);
}

}  // namespace

std::optional<DecodeError> decode_observations(std::string_view records, std::vector<Observation>& out) {
    std::size_t used = 0;
    std::string_view sender;  // H.5 raw; unescaped into each result without an R.14
    std::string_view specimen;  // O.3 first component raw
    bool comments_to_result = false;
    RecordScanner scanner(records);
    std::string_view line;
    std::size_t offset = 0;
    FieldViews f;
    while (scanner.next(line, offset)) {
        const Delimiters& d = scanner.delimiters();
        switch (line[0]) {
            case 'H':
                split_fields(line, d.field, f);
                sender = f[field::kHeaderSender];
                break;
            case 'P':
                specimen = {};
                comments_to_result = false;
                break;
            case 'O':
                split_fields(line, d.field, f);
                specimen = nth_part(nth_part(f[field::kOrderSpecimen], d.repeat, 1), d.component, 1);
                comments_to_result = false;
                break;
            case 'R': {
                split_fields(line, d.field, f);
                const bool escaped = line.find(d.escape) != std::string_view::npos;
                Observation& o = next_observation(out, used++);
                field_into(f[field::kResultInstrument], d, escaped, o.instrument_id);
                if (o.instrument_id.empty()) unescape_into(sender, d, o.instrument_id);
                unescape_into(specimen, d, o.specimen_id);
                const std::string_view test = f[field::kResultTest];
                field_into(test, d, escaped, o.universal_test_id);
                // R.3's components 4 and 5 (of its first repeat), found in one walk.
                const std::string_view first_repeat = test.substr(0, find_char(test, d.repeat));
                std::string_view components[2];
                std::size_t begin = 0;
                for (std::size_t c = 1; c <= field::kLocalNameComponent; ++c) {
                    const std::size_t end = find_char(first_repeat, d.component, begin);
                    if (c >= field::kLocalCodeComponent)
                        components[c - field::kLocalCodeComponent] =
                            first_repeat.substr(begin, end == std::string_view::npos ? end : end - begin);
                    if (end == std::string_view::npos) break;
                    begin = end + 1;
                }
                field_into(components[0], d, escaped, o.test_code);
                field_into(components[1], d, escaped, o.test_name);
                field_into(f[field::kResultValue], d, escaped, o.value);
                std::string_view comparator;
                std::string_view number;
                if (censored_parts(o.value, comparator, number)) {
                    o.comparator.assign(comparator);
                    o.number.assign(number);
                }
                field_into(f[field::kResultUnits], d, escaped, o.units);
                field_into(f[field::kResultRange], d, escaped, o.reference_range);
                if (const std::string_view flags = f[field::kResultFlags]; !flags.empty()) {
                    std::size_t begin = 0;
                    while (true) {
                        const std::size_t end = find_char(flags, d.repeat, begin);
                        field_into(flags.substr(begin, end == std::string_view::npos ? end : end - begin), d, escaped,
                                   o.abnormal_flags.emplace_back());
                        if (end == std::string_view::npos) break;
                        begin = end + 1;
                    }
                }
                field_into(f[field::kResultStatus], d, escaped, o.status);
                field_into(f[field::kResultOperator], d, escaped, o.operator_id);
                field_into(f[field::kResultCompleted], d, escaped, o.observed_at);
                comments_to_result = true;
                break;
            }
            case 'C':
                if (comments_to_result && used > 0) {
                    split_fields(line, d.field, f);
                    unescape_into(f[field::kCommentText], d, out[used - 1].comments.emplace_back());
                }
                break;
            default:
                break;  // M, S, Q, L carry no results; M/S do not break a result's comments
        }
    }
    if (scanner.failed()) {
        out.clear();
        return scanner.error();
    }
    out.resize(used);
    return std::nullopt;
}

}  // namespace protocols::astm
