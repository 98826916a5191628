// One result as an instrument reported it, decoded from ASTM E1394 R records or HL7
// OBX segments. Drivers hand these to the ingest sink; the service matches them to a
// sample's test. Values stay text: the domain parses them exactly (no binary floats).
#pragma once

#include <string>
#include <vector>

namespace protocols {

struct Observation {
    std::string instrument_id;      // ASTM R.14 / H.5 sender, HL7 OBX-18 or MSH-3
    std::string specimen_id;        // ASTM O.3, HL7 OBR-3 / OBR-2 / SPM-2
    std::string test_code;          // the instrument's own code: ASTM R.3 4th component, HL7 OBX-3.1
    std::string test_name;          // ASTM R.3 5th component, HL7 OBX-3.2 (may be empty)
    std::string universal_test_id;  // the field as sent, unescaped
    std::string value_type;         // HL7 OBX-2 (NM, ST, SN, ...); empty for ASTM
    std::string value;              // the value as sent, unescaped: "7.8", ">500", "Positive"
    std::string comparator;         // "", "<", ">", "<=", ">=", "=" for censored values
    std::string number;             // the numeric part as decimal text ("500"), empty when not numeric
    std::string units;
    std::string reference_range;
    std::vector<std::string> abnormal_flags;  // ASTM R.7 / HL7 OBX-8 (repeats)
    std::string status;             // F final, P preliminary, C correction, X cannot be done, ...
    std::string operator_id;        // ASTM R.11 / HL7 OBX-16
    std::string observed_at;        // as sent: YYYYMMDDHHMMSS[+ZZZZ] (ASTM R.13, HL7 OBX-19 or OBX-14)
    std::vector<std::string> comments;  // ASTM C records / HL7 NTE after this result

    friend bool operator==(const Observation&, const Observation&) = default;
};

// A reused observation arena: decoders that fill the caller's vector for every message of
// a connection (astm::decode_observations, hl7::observations_from_oru with an out vector)
// take element `used` emptied, its strings' capacity kept, or a new one at the end; when
// done they resize the vector to what they used. After the first few messages a decode
// allocates nothing per field.
inline Observation& next_observation(std::vector<Observation>& arena, std::size_t used) {
    if (used == arena.size()) return arena.emplace_back();
    Observation& o = arena[used];
    for (std::string* s : {&o.instrument_id, &o.specimen_id, &o.test_code, &o.test_name, &o.universal_test_id,
                           &o.value_type, &o.value, &o.comparator, &o.number, &o.units, &o.reference_range,
                           &o.status, &o.operator_id, &o.observed_at})
        s->clear();
    o.abnormal_flags.clear();
    o.comments.clear();
    return o;
}

}  // namespace protocols
