#include "lims/store/logger_polling_repository.hpp"

#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <charconv>
#include <regex>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

// Bounds of the poller's own settings (drivers/modbus_poller.hpp): a poll at most daily,
// a reply within a minute, a few retries before the poll counts as failed.
constexpr int kMaxIntervalSeconds = 86'400;
constexpr int kMinTimeoutMs = 100;
constexpr int kMaxTimeoutMs = 60'000;
constexpr int kMaxRetries = 10;
constexpr int kMaxTcpPort = 65535;

constexpr const char* polling_columns =
    "SELECT s.logger_id, l.serial, l.org_id, s.transport, s.address, s.serial_settings, s.unit_id, s.map_file, "
    "s.point, s.interval_seconds, s.timeout_ms, s.retries, s.active, s.version, s.updated_at, s.map_json "
    "FROM logger_settings s JOIN loggers l ON l.id = s.logger_id ";

using PollingRow = Poco::Tuple<Poco::Int64, std::string, Poco::Int64, std::string, std::string, std::string, int,
                               std::string, std::string, int, int, int, int, Poco::Int64, std::string, std::string>;

LoggerPolling from_row(const PollingRow& r) {
    LoggerPolling p;
    p.logger_id = r.get<0>();
    p.serial_number = r.get<1>();
    p.org_id = r.get<2>();
    p.fields.transport = r.get<3>();
    p.fields.address = r.get<4>();
    p.fields.serial = r.get<5>();
    p.fields.unit_id = r.get<6>();
    p.fields.map_file = r.get<7>();
    p.fields.point = r.get<8>();
    p.fields.interval_seconds = r.get<9>();
    p.fields.timeout_ms = r.get<10>();
    p.fields.retries = r.get<11>();
    p.fields.active = r.get<12>() != 0;
    p.version = r.get<13>();
    p.updated_at = r.get<14>();
    p.fields.map_json = r.get<15>();
    return p;
}

bool host_and_port(const std::string& address) {
    const auto colon = address.rfind(':');
    if (colon == std::string::npos || colon == 0) return false;
    int port = 0;
    const char* first = address.data() + colon + 1;
    const char* last = address.data() + address.size();
    auto [p, ec] = std::from_chars(first, last, port);
    return ec == std::errc{} && p == last && first != last && port >= 1 && port <= kMaxTcpPort;
}

std::optional<std::string> problem_of(const LoggerPollingFields& f) {
    if (f.transport != "modbus_tcp" && f.transport != "modbus_rtu")
        return "transport \"" + f.transport + "\" is not modbus_tcp or modbus_rtu";
    if (f.address.empty()) return "address is empty";
    if (f.transport == "modbus_tcp" && !host_and_port(f.address))
        return "address \"" + f.address + "\" is not host:port";
    static const std::regex line("[0-9]{3,6},[5-8][NEO][12]");
    if (f.transport == "modbus_rtu" && !std::regex_match(f.serial, line))
        return "serial \"" + f.serial + "\" is not like 9600,8N1";
    if (f.unit_id < kMinModbusUnitId || f.unit_id > kMaxModbusUnitId)
        return "unit_id must be " + std::to_string(kMinModbusUnitId) + " to " + std::to_string(kMaxModbusUnitId);
    if (f.map_file.empty() == f.map_json.empty()) return "give exactly one of map_file and an in-line register map";
    if (f.interval_seconds < 1 || f.interval_seconds > kMaxIntervalSeconds)
        return "interval_seconds must be 1 to " + std::to_string(kMaxIntervalSeconds);
    if (f.timeout_ms < kMinTimeoutMs || f.timeout_ms > kMaxTimeoutMs)
        return "timeout_ms must be " + std::to_string(kMinTimeoutMs) + " to " + std::to_string(kMaxTimeoutMs);
    if (f.retries < 0 || f.retries > kMaxRetries) return "retries must be 0 to " + std::to_string(kMaxRetries);
    return std::nullopt;
}

}  // namespace

std::string to_json(const LoggerPolling& p) {
    Poco::JSON::Object j;
    j.set("logger_id", p.logger_id);
    j.set("logger", p.serial_number);
    j.set("transport", p.fields.transport);
    j.set("address", p.fields.address);
    // Line settings mean something on a serial line only; a TCP logger does not show them.
    if (p.fields.transport == "modbus_rtu") j.set("serial", p.fields.serial);
    j.set("unit_id", p.fields.unit_id);
    j.set("map_file", p.fields.map_file);
    if (!p.fields.map_json.empty()) {
        // Stored as checked JSON text; shown as the object it is.
        Poco::JSON::Parser parser;
        j.set("register_map", parser.parse(p.fields.map_json));
    }
    j.set("point", p.fields.point);
    j.set("interval_seconds", p.fields.interval_seconds);
    j.set("timeout_ms", p.fields.timeout_ms);
    j.set("retries", p.fields.retries);
    j.set("active", p.fields.active);
    j.set("version", p.version);
    std::ostringstream s;
    j.stringify(s);
    return s.str();
}

StoreResult<LoggerPolling> LoggerPollingRepository::get(std::int64_t logger_id) {
    std::vector<PollingRow> rows;
    Poco::Int64 id = logger_id;
    tx_.session() << std::string(polling_columns) + "WHERE s.logger_id = $1", bind(id), into(rows), now;
    if (rows.empty())
        return store_error(StoreErrorKind::not_found, "logger " + std::to_string(logger_id) + " has no polling settings");
    return from_row(rows.front());
}

StoreResult<std::vector<LoggerPolling>> LoggerPollingRepository::active() {
    std::vector<PollingRow> rows;
    tx_.session() << std::string(polling_columns) + "WHERE s.active = 1 ORDER BY s.logger_id", into(rows), now;
    std::vector<LoggerPolling> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(from_row(r));
    return out;
}

StoreResult<LoggerPolling> LoggerPollingRepository::put(std::int64_t logger_id,
                                                        std::optional<std::int64_t> expected_version,
                                                        const LoggerPollingFields& f, const std::string& actor) {
    Poco::Int64 id = logger_id;
    std::vector<std::string> serials;
    tx_.session() << "SELECT serial FROM loggers WHERE id = $1", bind(id), into(serials), now;
    if (serials.empty())
        return store_error(StoreErrorKind::not_found, "logger " + std::to_string(logger_id) + " does not exist");
    const std::string& serial = serials.front();
    if (auto problem = problem_of(f))
        return store_error(StoreErrorKind::invalid_argument, "logger " + serial + " polling: " + *problem);
    auto before = get(logger_id);
    const std::string at = tx_.now_utc();
    int active = f.active ? 1 : 0;
    int unit = f.unit_id, interval = f.interval_seconds, timeout = f.timeout_ms, retries = f.retries;
    if (!before) {
        if (expected_version)
            return store_error(StoreErrorKind::conflict, "logger " + serial + " has no polling settings to replace yet");
        tx_.session() << "INSERT INTO logger_settings (logger_id, transport, address, serial_settings, unit_id, "
                         "map_file, point, interval_seconds, timeout_ms, retries, active, updated_at, map_json) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            bind(id), bind(f.transport), bind(f.address), bind(f.serial), bind(unit), bind(f.map_file), bind(f.point),
            bind(interval), bind(timeout), bind(retries), bind(active), bind(at), bind(f.map_json), now;
    } else {
        if (!expected_version)
            return store_error(StoreErrorKind::conflict, "logger " + serial + " polling settings exist at version " +
                                                             std::to_string(before->version) + "; send If-Match");
        if (*expected_version != before->version)
            return store_error(StoreErrorKind::conflict, "logger " + serial + " polling settings are at version " +
                                                             std::to_string(before->version) + ", not " +
                                                             std::to_string(*expected_version));
        Poco::Int64 version = *expected_version;
        Poco::Data::Statement st(tx_.session());
        st << "UPDATE logger_settings SET transport = $1, address = $2, serial_settings = $3, unit_id = $4, "
              "map_file = $5, point = $6, interval_seconds = $7, timeout_ms = $8, retries = $9, active = $10, "
              "updated_at = $11, map_json = $12, version = version + 1 WHERE logger_id = $13 AND version = $14",
            bind(f.transport), bind(f.address), bind(f.serial), bind(unit), bind(f.map_file), bind(f.point),
            bind(interval), bind(timeout), bind(retries), bind(active), bind(at), bind(f.map_json), bind(id),
            bind(version);
        if (st.execute() != 1)
            return store_error(StoreErrorKind::conflict, "logger " + serial + " polling settings were changed meanwhile");
    }
    auto after = get(logger_id);
    if (after)
        tx_.record({actor, "logger.polling", "logger", serial, before ? to_json(*before) : "", to_json(*after), ""});
    return after;
}

}  // namespace lims::store
