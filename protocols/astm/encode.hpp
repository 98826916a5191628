// E1394 records the host writes: H, P, O, Q and L for host queries and worklists sent to
// instruments, and their decoders (an instrument's Q record asks us for its worklist).
// Encoders escape every value and end the record with CR; frame them with encode_frames().
#pragma once

#include <string>
#include <vector>

#include "protocols/astm/records.hpp"

namespace protocols::astm {

using Components = std::vector<std::string>;  // one field's components, unescaped

struct HeaderRecord {
    std::string message_control_id;  // H.3
    Components sender;               // H.5 name^version^serial
    Components receiver;             // H.10
    std::string processing_id = "P"; // H.12 P production, T training, D debugging, Q quality control
    std::string version = "LIS2-A2"; // H.13
    std::string timestamp;           // H.14 YYYYMMDDHHMMSS
    friend bool operator==(const HeaderRecord&, const HeaderRecord&) = default;
};

struct PatientRecord {
    int sequence = 1;                 // P.2
    std::string practice_patient_id;  // P.3
    std::string laboratory_patient_id;// P.4
    Components name;                  // P.6 last^first^middle
    std::string birth_date;           // P.8
    std::string sex;                  // P.9 M, F, U
    friend bool operator==(const PatientRecord&, const PatientRecord&) = default;
};

struct OrderRecord {
    int sequence = 1;                      // O.2
    std::string specimen_id;               // O.3 our sample or portion barcode
    std::string instrument_specimen_id;    // O.4
    std::vector<std::string> test_codes;   // O.5 repeats of ^^^code
    std::string priority = "R";            // O.6 S stat, A asap, R routine
    std::string requested_at;              // O.7
    std::string collected_at;              // O.8
    std::string action_code = "N";         // O.12 N new, A add, C cancel, Q quality control
    std::string specimen_type;             // O.16
    std::string report_type = "O";         // O.26 O order, Q response to query, F final, ...
    friend bool operator==(const OrderRecord&, const OrderRecord&) = default;
};

struct QueryRecord {
    int sequence = 1;                    // Q.2
    std::string patient_id;              // Q.3 1st component
    std::string specimen_id;             // Q.3 2nd component
    std::string test_code = "ALL";       // Q.5 ^^^code
    std::string status_code = "O";       // Q.13 O requests orders (worklist)
    friend bool operator==(const QueryRecord&, const QueryRecord&) = default;
};

struct TerminatorRecord {
    int sequence = 1;                // L.2
    std::string code = "N";          // L.3 N normal, T sender abort, R receiver abort, E error, Q query error, I no information, F last request
    friend bool operator==(const TerminatorRecord&, const TerminatorRecord&) = default;
};

std::string encode(const HeaderRecord& h, const Delimiters& d = {});
std::string encode(const PatientRecord& p, const Delimiters& d = {});
std::string encode(const OrderRecord& o, const Delimiters& d = {});
std::string encode(const QueryRecord& q, const Delimiters& d = {});
std::string encode(const TerminatorRecord& l, const Delimiters& d = {});

// The local code of one (escaped) universal test id: its 4th component (`^^^GLU^Glucose`
// -> GLU, LIS2-A2 6.6.1), or the whole text when it has no components (a bare `ALL`).
std::string local_test_code(std::string_view universal_test_id, const Delimiters& d);

// Decoders read what the encoders write (and what instruments send in those fields).
HeaderRecord decode_header(const Record& r);
PatientRecord decode_patient(const Record& r);
OrderRecord decode_order(const Record& r);
QueryRecord decode_query(const Record& r);
TerminatorRecord decode_terminator(const Record& r);

}  // namespace protocols::astm
