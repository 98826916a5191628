// Cold-chain loggers as configured data: an administrator registers a logger (serial,
// model, owning organisation) with how it is polled (transport and address, register map
// by file or in-line, interval, timeout, retries) in one audited transaction, and reads it
// back with its polling and current placement. The /api/v1/coldchain/loggers routes
// (lims/api/routes/logger_registration_routes.cpp) call these use cases and nothing else:
// each takes the Database and the caller, owns its transaction and checks the logger named
// in the path (its owning organisation in the caller's subtree; otherwise not_found "There
// is no logger <id>.", like a missing one) and the organisation named in the body
// (invalid "organisation_code"). `lims serve` polls what they register.
#pragma once

#include "drivers/device_policy.hpp"
#include "lims/domain/model/coldchain.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/logger_polling_repository.hpp"
#include "lims/store/logger_repository.hpp"
#include "lims/store/storage_unit_repository.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/page.hpp"

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
    std::string org_code;  // the owning organisation, of the caller's subtree
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

// The organisation of a registration's or change's body (organisation_code), checked on
// its own so that a caller can refuse it before the polling's problems, as the body is read.
domain::Result<std::int64_t> logger_organisation(store::Database& db, const Actor& actor, const std::string& org_code);

// One transaction: the logger (audited "logger.create" under the actor's name) and its
// polling ("logger.polling"), owned by registration.org_code (invalid "organisation_code"
// outside the subtree). The polling is checked first (polling_problems;
// kRegisterMapUnusable naming every problem); nothing is written when anything fails.
domain::Result<LoggerDetails> register_logger(store::Database& db, const Actor& actor,
                                              const LoggerRegistration& registration);

// Reads one logger with its polling and current placement (store.not_found when missing);
// no jurisdiction check: for use cases that made theirs.
store::StoreResult<LoggerDetails> logger_details(store::Transaction& tx, std::int64_t logger_id);

// The loggers of the actor's subtree by id after `after_id`, with their details.
domain::Result<IdPage<LoggerDetails>> list_loggers(store::Database& db, const Actor& actor, std::int64_t after_id,
                                                   std::size_t limit);
domain::Result<LoggerDetails> find_logger(store::Database& db, const Actor& actor, std::int64_t logger_id);
// A new model and owning organisation (audited "logger.update"); the store refuses a stale
// version (conflict).
domain::Result<LoggerDetails> update_logger(store::Database& db, const Actor& actor, std::int64_t logger_id,
                                            std::int64_t expected_version, const std::string& model,
                                            const std::string& org_code);
// The logger's polling (the store's not_found when it has none).
domain::Result<store::LoggerPolling> logger_polling(store::Database& db, const Actor& actor, std::int64_t logger_id);
// Replaces the polling at `expected_version`, or sets the first one (none); the caller has
// checked the map (register_map_problems).
domain::Result<store::LoggerPolling> set_logger_polling(store::Database& db, const Actor& actor,
                                                        std::int64_t logger_id,
                                                        std::optional<std::int64_t> expected_version,
                                                        const store::LoggerPollingFields& polling);

}  // namespace lims::workflow::ingest
