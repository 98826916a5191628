// The instrument registry as data: each configured instrument (family, transport and
// address, owning laboratory) and its test-code mappings with unit conversion. The ingest
// workflow reads it to match observations; the administrators' /api/v1/instruments routes
// create and change it (optimistic versions, audited).
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lims::store {

struct Instrument {
    std::int64_t id = 0;
    std::string code;     // the registry's id; drivers name the instrument by it
    std::int64_t org_id = 0;  // the laboratory that owns it (jurisdiction of its quarantine)
    std::string name;
    std::string family;     // astm, hl7, sics, modbus, csv
    std::string transport;  // tcp_listen, tcp_connect, serial, file_drop, modbus_tcp, modbus_rtu
    std::string address;    // "0.0.0.0:5100", "10.0.0.7:4001", "/dev/ttyUSB0", "/srv/drop/hplc1"
    std::string options_json = "{}";  // the driver's settings: a JSON object of strings, numbers, booleans
    bool active = true;
    std::int64_t version = 1;
    std::string created_at;
    std::string updated_at;
};

// What an administrator sets; code is fixed after creation.
struct InstrumentFields {
    std::string code;
    std::int64_t org_id = 0;
    std::string name;
    std::string family;
    std::string transport;
    std::string address;
    bool active = true;
    std::string options_json = "{}";  // checked by instrument_options_problem
};

struct TestMapping {
    std::int64_t id = 0;
    std::int64_t instrument_id = 0;
    std::string instrument_test_code;  // what the instrument sends (ASTM R.3 code, HL7 OBX-3.1)
    std::string test_code;             // the specification catalogue's test code (tests.test_code)
    std::string instrument_unit;       // the unit the instrument sends that needs converting ("" none)
    std::string result_unit;           // the unit results are recorded in
    std::string factor = "1";          // exact decimal: result = value * factor + offset
    std::string offset = "0";
    bool active = true;
    std::int64_t version = 1;
};

struct TestMappingFields {
    std::string instrument_test_code;
    std::string test_code;
    std::string instrument_unit;
    std::string result_unit;
    std::string factor = "1";
    std::string offset = "0";
    bool active = true;
};

inline constexpr const char* kInstrumentFamilies[] = {"astm", "hl7", "sics", "modbus", "csv"};
inline constexpr const char* kInstrumentTransports[] = {"tcp_listen", "tcp_connect", "serial",
                                                        "file_drop",  "modbus_tcp",  "modbus_rtu"};

// What is wrong with an instrument's options text (not JSON, not an object, a value that is
// an object, array or null), or nullopt when it is a flat JSON object. The API checks the
// body with it and the repository refuses the same (invalid_argument); whether each option
// suits the family is the driver's check, reported as the instrument's link state.
std::optional<std::string> instrument_options_problem(const std::string& options_json);

// The options as name -> text (numbers and booleans as written), for the driver registry.
// Empty when the text is not a flat object (the repository never stores one).
std::vector<std::pair<std::string, std::string>> instrument_options(const std::string& options_json);

class InstrumentRepository {
public:
    static constexpr int max_page_size = 500;

    explicit InstrumentRepository(Transaction& tx) : tx_(tx) {}

    // Errors: invalid_argument naming the field (empty code or name, unknown family or
    // transport, unknown organisation), conflict (code taken). Audited "instrument.create".
    StoreResult<Instrument> create(const InstrumentFields& fields, const std::string& actor);
    StoreResult<Instrument> get(std::int64_t id);
    StoreResult<Instrument> get_by_code(const std::string& code);
    // Instruments of organisations whose path starts with `org_path_prefix` ("" all), by id.
    StoreResult<std::vector<Instrument>> list(const std::string& org_path_prefix, std::int64_t after_id, int limit);
    // Every instrument, active or not, by id: the drivers' registry in `lims serve`.
    StoreResult<std::vector<Instrument>> all();
    // Optimistic on expected_version (conflict names the current one). The code cannot
    // change (invalid_argument). Audited "instrument.update" with before and after.
    StoreResult<Instrument> update(const std::string& code, std::int64_t expected_version,
                                   const InstrumentFields& fields, const std::string& actor);

    // Errors: invalid_argument (empty codes, factor or offset not a decimal, factor zero),
    // conflict (the instrument code is already mapped). Audited "instrument_mapping.create".
    StoreResult<TestMapping> create_mapping(std::int64_t instrument_id, const TestMappingFields& fields,
                                            const std::string& actor);
    StoreResult<std::vector<TestMapping>> mappings(std::int64_t instrument_id);
    StoreResult<TestMapping> get_mapping(std::int64_t mapping_id);
    // The active mapping of an instrument's code; not_found when none.
    StoreResult<TestMapping> find_mapping(std::int64_t instrument_id, const std::string& instrument_test_code);
    StoreResult<TestMapping> update_mapping(std::int64_t mapping_id, std::int64_t expected_version,
                                            const TestMappingFields& fields, const std::string& actor);

private:
    Transaction& tx_;
};

std::string to_json(const Instrument& instrument);
std::string to_json(const TestMapping& mapping);

}  // namespace lims::store
