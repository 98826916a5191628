// The instrument registry as configured data: which analyzers, balances, CDS folders and
// loggers exist, how to reach them, and their options. The service and `lims gateway` load
// it (from the configuration file or the API) and hand it to DriverHost::start().
// JSON is read here with Boost.PropertyTree (header-only), so drivers need no Poco.
#pragma once

#include <protocols/modbus/register_map.hpp>

#include <chrono>
#include <map>
#include <optional>
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
    // Per-family settings as text; the names, types and ranges each family takes over each
    // transport are option_specs() below (check_options() tells what is wrong).
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
std::optional<Family> family_from_string(std::string_view text);

// ---- instrument options: the one table of what each family takes ----------------------
// The API (POST/PUT /api/v1/instruments), the registry file loader and DriverHost all ask
// here, so a misspelt or out-of-range option is refused when it is configured, naming it,
// instead of showing up later as a failed link.

enum class OptionKind {
    integer,      // decimal integer within [min, max]
    boolean,      // true/false (1/0)
    choice,       // one of `choices`
    character,    // one character, or "tab"
    serial_line,  // line settings like 9600,8N1
    text,         // free text up to kMaxOptionTextBytes
    peers,        // IP addresses and CIDR ranges (allowed_peers.hpp)
};

struct OptionSpec {
    std::string_view name;
    OptionKind kind = OptionKind::text;
    long long min = 0;  // integer bounds, inclusive
    long long max = 0;
    std::vector<std::string_view> choices{};     // choice
    std::vector<std::string_view> transports{};  // where it applies; empty: every transport of the family
    std::string_view meaning{};
};

// A free-text option (an HL7 MSH application name) is a field of a message header, not prose.
inline constexpr std::size_t kMaxOptionTextBytes = 180;

// The transports a family's driver can run over (the store's "file_drop" is spelled
// "folder" here; every function below takes either).
std::vector<std::string_view> transports_of(Family f);
// Every option the family knows, with the transports each applies to.
const std::vector<OptionSpec>& option_specs(Family f);
// The options that apply to the family over this transport, by name.
std::vector<std::string_view> allowed_options(Family f, std::string_view transport);

// One thing wrong with a configuration's options: the option (empty for the transport
// itself), what is wrong, and the names that would have been accepted.
struct OptionProblem {
    std::string option;
    std::string message;
    std::vector<std::string> allowed;
    friend bool operator==(const OptionProblem&, const OptionProblem&) = default;
};

// Everything wrong with `options` for the family over the transport: a transport the
// family cannot use, an unknown name, a name that belongs to another transport, a value
// of the wrong type or out of range. Empty when all is well.
std::vector<OptionProblem> check_options(Family f, std::string_view transport,
                                         const std::map<std::string, std::string>& options);

// Typed reads of an instrument's options for DriverHost, after check_options() found
// nothing wrong: absent options give the driver's own default. Reading a name that is not
// in the family's table is a programming error (std::logic_error).
class InstrumentOptions {
public:
    explicit InstrumentOptions(const InstrumentConfig& config) : config_(config) {}
    long long integer(std::string_view name, long long fallback) const;
    bool flag(std::string_view name, bool fallback) const;
    std::string text(std::string_view name, std::string fallback) const;

private:
    const std::string* raw(std::string_view name, OptionKind kind) const;
    const InstrumentConfig& config_;
};

// Parses the registry's JSON form:
// {"instruments": [{"id": "AU-1", "family": "astm", "transport": "tcp_listen",
//    "address": "0.0.0.0:5000", "options": {"framing": "e1381"},
//    "test_codes": [{"code": "GLU", "test_item": "glucose", "unit": "mmol/L", "factor": "1"}]}],
//  "loggers": [{"id": "FRZ-1", "transport": "tcp", "address": "10.0.0.5:502", "unit_id": 1,
//    "map_file": "maps/fl20.json", "point": "chamber_temperature", "interval_s": 60,
//    "timeout_ms": 1000, "retries": 2, "retry_failed_after_s": 30, "storage_unit": "CR-1"}]}
// Errors name the entry (by id or index) and the field, or the option by its key
// ("instruments[0] (AU-1): options.framng: unknown option ..."); unknown fields and options
// are errors (typos would otherwise silently fall back to defaults). Options are checked
// with check_options(), the same check the API makes.
std::variant<Registry, std::string> parse_registry_json(std::string_view json);

}  // namespace drivers
