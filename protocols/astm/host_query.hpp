// An analyzer's host query (LIS2-A2 request information: H, Q..., L) decoded and checked,
// and the host's answer to it (H, then a P and one O per test to run for each specimen,
// L). The ASTM driver decodes the query, asks its ingest sink for the orders and sends
// answer_records() back; the analyzer simulator reads that answer with decode_answer().
#pragma once

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include "protocols/astm/encode.hpp"
#include "protocols/astm/records.hpp"
#include "protocols/decode_error.hpp"

namespace protocols::astm {

// Q.13 request information status codes (LIS2-A2 10.1.13) a host of test orders serves.
inline constexpr const char* kRequestOrders = "O";  // requesting test orders and demographics only
inline constexpr const char* kRequestCancel = "A";  // abort/cancel the last request

// O.26 report type of an order sent in answer to a query (LIS2-A2 9.4.26).
inline constexpr const char* kReportResponseToQuery = "Q";

// L.3 termination codes (LIS2-A2 11.1.3) of an answer.
inline constexpr const char* kTerminationNormal = "N";
inline constexpr const char* kTerminationNoInformation = "I";  // no information available from last query
inline constexpr const char* kTerminationQueryError = "Q";     // error in last request for information

// A query naming more specimens than a rack or carousel holds is refused (astm.query_too_many).
inline constexpr std::size_t kMaxQueriedSpecimens = 1000;

// Q.5 value asking for every test of the specimen.
inline constexpr const char* kAllTests = "ALL";

struct HostQuery {
    Delimiters delimiters;                  // the analyzer's, used again in the answer
    Components sender;                      // H.5 of the query: name^version^serial
    std::vector<std::string> specimen_ids;  // Q.3 2nd component, every repeat of every Q, in order, each once
    std::vector<std::string> test_codes;    // Q.5 local codes asked for, each once; empty: all tests
    bool cancel = false;                    // Q.13 A: the analyzer withdrew its request; nothing is answered
    friend bool operator==(const HostQuery&, const HostQuery&) = default;
};

// True when the message carries a Q record (it is a query, not results).
bool is_query(const Message& message);

// Errors (offset = the Q record's offset in the message text):
//   astm.query_missing   no Q record
//   astm.query_status    Q.13 is neither O (orders) nor A (cancel): results are not served
//   astm.query_specimen  a Q.3 repeat names no specimen id (2nd component) or asks for ALL
//   astm.query_range     Q.4 (ending range) names other specimens than Q.3: ranges are not served
//   astm.query_too_many  more than kMaxQueriedSpecimens specimens
std::variant<HostQuery, DecodeError> decode_host_query(const Message& message);

// What the host has for one specimen, in the instrument's own test codes.
struct SpecimenOrder {
    std::string specimen_id;
    std::vector<std::string> test_codes;
    std::string priority = "R";  // O.6: S stat, A asap, R routine
    friend bool operator==(const SpecimenOrder&, const SpecimenOrder&) = default;
};

// The answer's records in the query's delimiters. For each queried specimen (in the
// query's order) that has tests left after the query's Q.5 filter: a P record and one O
// record per test (O.3 specimen, O.5 ^^^code, action code N, report type Q); L.3 N. With
// no order at all: H and L.3 I (no information), which is also the answer to give when the
// orders could not be looked up in time. A cancelled query has no answer (empty text).
std::string answer_records(const HostQuery& query, const HeaderRecord& header, const std::vector<SpecimenOrder>& orders);

// The answer to a query that could not be decoded: H and L.3 Q.
std::string query_error_records(const HeaderRecord& header, const Delimiters& d = {});

// The analyzer's side: the orders of an answer by specimen (tests in the order received,
// O records of one specimen merged) and its L.3 code. parse_message() has checked the
// hierarchy, so nothing here can fail.
struct HostAnswer {
    std::vector<SpecimenOrder> orders;
    std::string termination;
    friend bool operator==(const HostAnswer&, const HostAnswer&) = default;
};
HostAnswer decode_answer(const Message& message);

}  // namespace protocols::astm
