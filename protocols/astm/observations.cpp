#include "protocols/astm/observations.hpp"
#include "protocols/text_values.hpp"

namespace protocols::astm {

CensoredValue split_censored(std::string_view value) {
    std::string_view v = trim_spaces(value);
    std::string_view comparator;
    for (std::string_view op : {"<=", ">=", "<", ">", "="}) {
        if (v.substr(0, op.size()) == op) {
            comparator = op;
            break;
        }
    }
    std::string_view rest = trim_spaces(v.substr(comparator.size()));
    if (!is_decimal(rest)) return {};
    return CensoredValue{std::string(comparator), std::string(rest)};
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

}  // namespace protocols::astm
