// Cold-chain loggers as configured data: an administrator registers a logger (serial,
// model, owning organisation) with how it is polled (transport and address, register map
// by file or in-line, interval, timeout, retries) in one audited transaction, and reads it
// back with its polling and current placement. The logger routes
// (lims/api/routes/ingest_routes.cpp) call it; `lims serve` polls what it registers.
#pragma once

#include "drivers/device_policy.hpp"
#include "lims/domain/model/coldchain.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/logger_polling_repository.hpp"
#include "lims/store/storage_unit_repository.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::ingest {

// A register map configured for polling that cannot be used: the request field it came
// from ("map_file", "register_map.points[2].address", "point") and why.
struct MapProblem {
    std::string field;
    std::string problem;
    friend bool operator==(const MapProblem&, const MapProblem&) = default;
};

// Loads the polling's register map the way the poller will (the file on this machine,
// which must lie inside lims.drivers.map_root, or the in-line map_json) and checks it with
// protocols::modbus::validate; also that `point`, when given, names a point of the map
// with a unit. Empty when the map is usable. A file's problems are told by where they are
// (points[2].address), never by what the file says: no text of a file reaches the answer.
std::vector<MapProblem> register_map_problems(const store::LoggerPollingFields& polling,
                                              const drivers::DevicePolicy& policy);

// Everything the poller would refuse: the register map as above, and a modbus_tcp address
// that lims.drivers.allow does not allow ("address").
std::vector<MapProblem> polling_problems(const store::LoggerPollingFields& polling, const drivers::DevicePolicy& policy);

struct LoggerRegistration {
    std::string serial;
    std::string model;
    std::int64_t org_id = 0;
    std::optional<store::LoggerPollingFields> polling;
    drivers::DevicePolicy policy{};  // what the polling may reach (the service's lims.drivers.*)
};

// A logger with what an administrator needs to see about it.
struct LoggerDetails {
    domain::Logger logger;
    std::string org_code;
    std::optional<store::LoggerPolling> polling;       // none: not polled by the service
    std::optional<store::PlacementRow> placement;      // none: not placed anywhere now
};

// Error codes besides the store's (store.conflict: the serial is taken).
inline constexpr const char* kRegisterMapUnusable = "ingest.register_map";

// One transaction: the logger (audited "logger.create") and its polling ("logger.polling").
// The polling is checked first (polling_problems; kRegisterMapUnusable naming every
// problem); nothing is written when anything fails.
domain::Result<LoggerDetails> register_logger(store::Database& db, const LoggerRegistration& registration,
                                              const std::string& actor);

// Reads one logger with its polling and current placement (store.not_found when missing).
store::StoreResult<LoggerDetails> logger_details(store::Transaction& tx, std::int64_t logger_id);

}  // namespace lims::workflow::ingest
