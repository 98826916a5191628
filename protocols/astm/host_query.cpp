#include "protocols/astm/host_query.hpp"

#include <algorithm>
#include <unordered_set>

namespace protocols::astm {

namespace {

// LIS2-A2 field numbers of the request information record (clause 12).
namespace field {
inline constexpr std::size_t kHeaderSender = 5;       // H.5
inline constexpr std::size_t kQueryStartingRange = 3; // Q.3 patient id ^ specimen id ^ ...
inline constexpr std::size_t kQueryEndingRange = 4;   // Q.4
inline constexpr std::size_t kQueryTests = 5;         // Q.5 universal test ids, or ALL
inline constexpr std::size_t kQueryStatus = 13;       // Q.13 request information status code
inline constexpr std::size_t kRangeSpecimen = 2;      // Q.3/Q.4: 2nd component is the specimen id
inline constexpr std::size_t kTerminationCode = 3;    // L.3
}  // namespace field

DecodeError query_error(std::string code, const Record& q, std::string detail) {
    return DecodeError{std::move(code), q.offset(), "Q record at " + std::to_string(q.offset()) + ": " + detail};
}

// Q.5 repeats: `^^^GLU` (the local code), or the bare word ALL that many analyzers send.
std::vector<std::string> queried_tests(const Record& q) {
    std::vector<std::string> codes;
    const Delimiters& d = q.delimiters();
    for (std::string_view one : split_on(q.raw_field(field::kQueryTests), d.repeat))
        codes.push_back(local_test_code(one, d));
    return codes;
}

}  // namespace

bool is_query(const Message& message) {
    return std::any_of(message.records.begin(), message.records.end(), [](const Record& r) { return r.type() == 'Q'; });
}

std::variant<HostQuery, DecodeError> decode_host_query(const Message& message) {
    HostQuery query;
    query.delimiters = message.delimiters;
    std::unordered_set<std::string> seen_specimens, seen_tests;
    bool all_tests = false;
    bool any = false;
    for (const Record& r : message.records) {
        if (r.type() == 'H') {
            query.sender = decode_header(r).sender;
            continue;
        }
        if (r.type() != 'Q') continue;
        any = true;
        const std::string status = r.field(field::kQueryStatus);
        // Some analyzers leave Q.13 empty: they only ever ask for orders (unconfirmed).
        if (status == kRequestCancel) {
            query.cancel = true;
        } else if (!status.empty() && status != kRequestOrders) {
            return query_error("astm.query_status", r,
                               "Q.13 status \"" + status + "\" asks for results or demographics; this host answers "
                               "only O (test orders) and A (cancel)");
        }
        const auto starting = r.repeat_components(field::kQueryStartingRange, field::kRangeSpecimen);
        const auto ending = r.repeat_components(field::kQueryEndingRange, field::kRangeSpecimen);
        if (!ending.empty() && !(ending.size() == 1 && ending[0].empty()) && ending != starting)
            return query_error("astm.query_range", r,
                               "Q.4 ending range differs from Q.3; this host answers named specimens, not ranges");
        if (starting.empty() && !query.cancel)
            return query_error("astm.query_specimen", r, "Q.3 names no specimen");
        for (std::size_t i = 0; i < starting.size(); ++i) {
            const std::string& id = starting[i];
            if (id.empty() || id == kAllTests)
                return query_error("astm.query_specimen", r,
                                   "Q.3 repeat " + std::to_string(i + 1) +
                                       (id.empty() ? " names no specimen id (2nd component)"
                                                   : " asks for ALL specimens; this host answers named specimens"));
            if (!seen_specimens.insert(id).second) continue;
            if (query.specimen_ids.size() == kMaxQueriedSpecimens)
                return query_error("astm.query_too_many", r,
                                   "more than " + std::to_string(kMaxQueriedSpecimens) + " specimens in one query");
            query.specimen_ids.push_back(id);
        }
        const auto tests = queried_tests(r);
        if (tests.empty()) all_tests = true;
        for (const auto& code : tests) {
            if (code.empty() || code == kAllTests) all_tests = true;
            else if (seen_tests.insert(code).second) query.test_codes.push_back(code);
        }
    }
    if (!any) return DecodeError{"astm.query_missing", 0, "the message has no Q record"};
    if (all_tests) query.test_codes.clear();
    return query;
}

std::string answer_records(const HostQuery& query, const HeaderRecord& header, const std::vector<SpecimenOrder>& orders) {
    if (query.cancel) return {};
    const Delimiters& d = query.delimiters;
    const auto asked = [&](const std::string& code) {
        return query.test_codes.empty() ||
               std::find(query.test_codes.begin(), query.test_codes.end(), code) != query.test_codes.end();
    };
    std::string body;
    int patient = 0;
    for (const auto& specimen_id : query.specimen_ids) {
        auto found = std::find_if(orders.begin(), orders.end(),
                                  [&](const SpecimenOrder& o) { return o.specimen_id == specimen_id; });
        if (found == orders.end()) continue;
        std::string patient_orders;
        int sequence = 0;
        for (const auto& code : found->test_codes) {
            if (!asked(code)) continue;
            OrderRecord o;
            o.sequence = ++sequence;
            o.specimen_id = specimen_id;
            o.test_codes = {code};
            o.priority = found->priority;
            o.action_code = "N";
            o.report_type = kReportResponseToQuery;
            patient_orders += encode(o, d);
        }
        if (sequence == 0) continue;
        PatientRecord p;
        p.sequence = ++patient;
        body += encode(p, d) + patient_orders;
    }
    return encode(header, d) + body +
           encode(TerminatorRecord{1, patient > 0 ? kTerminationNormal : kTerminationNoInformation}, d);
}

std::string query_error_records(const HeaderRecord& header, const Delimiters& d) {
    return encode(header, d) + encode(TerminatorRecord{1, kTerminationQueryError}, d);
}

HostAnswer decode_answer(const Message& message) {
    HostAnswer answer;
    for (const Record& r : message.records) {
        if (r.type() == 'L') answer.termination = r.field(field::kTerminationCode);
        if (r.type() != 'O') continue;
        OrderRecord o = decode_order(r);
        auto found = std::find_if(answer.orders.begin(), answer.orders.end(),
                                  [&](const SpecimenOrder& s) { return s.specimen_id == o.specimen_id; });
        if (found == answer.orders.end()) {
            answer.orders.push_back(SpecimenOrder{o.specimen_id, {}, o.priority});
            found = answer.orders.end() - 1;
        }
        for (auto& code : o.test_codes) found->test_codes.push_back(std::move(code));
    }
    return answer;
}

}  // namespace protocols::astm
