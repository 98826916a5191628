// The instrument registry as configured data: which analyzers, balances, CDS folders and
// loggers exist, how to reach them, and their options. The service and `lims gateway` load
// it (from the configuration file or the API) and hand it to DriverHost::start().
// JSON is read here with Boost.PropertyTree (header-only), so drivers need no Poco.
#pragma once

#include <protocols/modbus/register_map.hpp>

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace drivers {

enum class Family { astm, hl7, sics, csv };

// The instrument's own test code and the specification catalogue's test item it means,
// with the factor that turns the instrument's unit into the catalogue's (decimal text,
// applied by the ingest matcher, not by drivers).
struct TestCodeMapping {
    std::string instrument_code;
    std::string test_item;
    std::string unit;           // the catalogue's unit, UCUM
    std::string factor = "1";   // catalogue value = instrument value * factor
    friend bool operator==(const TestCodeMapping&, const TestCodeMapping&) = default;
};

struct InstrumentConfig {
    std::string id;
    Family family = Family::astm;
    std::string transport;  // tcp_listen | tcp_connect | serial | folder (csv)
    std::string address;    // host:port, device path, or folder
    // Per-family settings as text, validated when the driver is built (names listed in
    // DriverHost): max_connections, idle_timeout_s, serial, framing, ack, max_message_bytes,
    // tolerate_lf, command, interval_ms, reply_timeout_ms, settle_ms, delimiter, ...
    std::map<std::string, std::string> options;
    std::vector<TestCodeMapping> test_codes;
    friend bool operator==(const InstrumentConfig&, const InstrumentConfig&) = default;
};

struct LoggerConfig {
    std::string id;
    std::string transport = "tcp";  // tcp | rtu
    std::string address;             // host:port, or the serial device for rtu
    std::string serial = "9600,8N1"; // rtu line settings
    int unit_id = 1;
    std::string map_file;                    // register map (JSON, loaded by the host's map loader)
    protocols::modbus::RegisterMap map{};    // used when map_file is empty (tests, built-in models)
    std::string point;                       // the temperature point; empty: the first in Cel
    std::chrono::milliseconds interval{60'000};
    std::chrono::milliseconds timeout{1'000};
    int retries = 2;
    std::chrono::milliseconds retry_failed_after{30'000};
    std::string storage_unit;  // the cold room / fridge it watches, or
    std::string shipment;      // the shipment it travels with (one of the two, or neither)
};

struct Registry {
    std::vector<InstrumentConfig> instruments;
    std::vector<LoggerConfig> loggers;
};

std::string_view to_string(Family f);

// Parses the registry's JSON form:
// {"instruments": [{"id": "AU-1", "family": "astm", "transport": "tcp_listen",
//    "address": "0.0.0.0:5000", "options": {"framing": "e1381"},
//    "test_codes": [{"code": "GLU", "test_item": "glucose", "unit": "mmol/L", "factor": "1"}]}],
//  "loggers": [{"id": "FRZ-1", "transport": "tcp", "address": "10.0.0.5:502", "unit_id": 1,
//    "map_file": "maps/fl20.json", "point": "chamber_temperature", "interval_s": 60,
//    "timeout_ms": 1000, "retries": 2, "retry_failed_after_s": 30, "storage_unit": "CR-1"}]}
// Errors name the entry (by id or index) and the field; unknown fields are errors (typos
// would otherwise silently fall back to defaults).
std::variant<Registry, std::string> parse_registry_json(std::string_view json);

}  // namespace drivers
