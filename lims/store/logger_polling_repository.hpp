// How each cold-chain logger is polled (the Modbus poller's configuration, kept with the
// logger): transport and address, unit id, register map, temperature point, interval,
// timeout and retries. Administrators set it through PUT /api/v1/coldchain/loggers/{id}/polling;
// `lims serve` with in-process drivers polls every logger whose polling is active.
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::store {

// Modbus unit ids 1..247 address a device (Modbus over serial line V1.02 §2.2; 0 is broadcast).
inline constexpr int kMinModbusUnitId = 1;
inline constexpr int kMaxModbusUnitId = 247;

struct LoggerPollingFields {
    std::string transport;  // modbus_tcp | modbus_rtu
    std::string address;    // host:port, or the serial device for modbus_rtu
    std::string serial = "9600,8N1";  // modbus_rtu line settings
    int unit_id = 1;
    std::string map_file;   // the register map (JSON) on the service's machine, or
    std::string map_json;   // the map itself (JSON, checked by the caller); exactly one of the two
    std::string point;      // the temperature point of the map; "" the first in Cel
    int interval_seconds = 60;
    int timeout_ms = 1000;
    int retries = 2;
    bool active = true;
};

struct LoggerPolling {
    std::int64_t logger_id = 0;
    std::string serial_number;  // the logger's serial: the drivers name it by this
    std::int64_t org_id = 0;
    LoggerPollingFields fields;
    std::int64_t version = 1;
    std::string updated_at;
};

class LoggerPollingRepository {
public:
    explicit LoggerPollingRepository(Transaction& tx) : tx_(tx) {}

    // not_found when the logger does not exist or has no polling settings.
    StoreResult<LoggerPolling> get(std::int64_t logger_id);
    // Creates (expected_version nullopt) or replaces them (expected_version: optimistic;
    // conflict names the current one). Errors: invalid_argument naming the field, not_found
    // (no such logger), conflict. Audited "logger.polling".
    StoreResult<LoggerPolling> put(std::int64_t logger_id, std::optional<std::int64_t> expected_version,
                                   const LoggerPollingFields& fields, const std::string& actor);
    // Every logger whose polling is active, by logger id: the loggers `lims serve` polls.
    StoreResult<std::vector<LoggerPolling>> active();

private:
    Transaction& tx_;
};

std::string to_json(const LoggerPolling& polling);

}  // namespace lims::store
