// What the instrument, quarantine, logger-registration and ingest route tables share: the
// role sets and the JSON and id helpers. Their data is behind use cases of
// lims/workflow/ingest (instruments, quarantine_resolution, logger_registration,
// ingest_message) that own their transactions. Internal to lims/api/routes; the tables
// register through add_ingest_routes (route_modules.hpp).
#pragma once

#include "lims/api/instrument_status.hpp"
#include "lims/api/route_modules.hpp"
#include "drivers/device_policy.hpp"

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace lims::api::ingest_tables {

inline const domain::RoleSet kLabStaff{domain::Role::analyst, domain::Role::reviewer, domain::Role::administrator};
inline const domain::RoleSet kResolvers{domain::Role::analyst, domain::Role::reviewer};
inline const domain::RoleSet kAdministrators{domain::Role::administrator};
inline const domain::RoleSet kIngest{domain::Role::ingest_service};

using StatusSource = std::shared_ptr<const InstrumentStatusSource>;
using DevicePolicy = std::shared_ptr<const drivers::DevicePolicy>;

Poco::JSON::Object::Ptr parseObject(const std::string& json);
// A positive id in the path parameter `name`, or nullopt.
std::optional<std::int64_t> idParam(const Request& r, const std::string& name);
std::string base64(const std::string& bytes);
std::optional<std::string> unbase64(const std::string& text);

// The tables, one per URL prefix.
void add_instrument_routes(Router& router, const std::shared_ptr<store::Database>& db, const StatusSource& links,
                           const DevicePolicy& policy);   // /instruments, /instruments/{code}/mappings
void add_quarantine_routes(Router& router, const std::shared_ptr<store::Database>& db);  // /quarantine, /raw-messages
void add_logger_registration_routes(Router& router, const std::shared_ptr<store::Database>& db,
                                    const StatusSource& links, const DevicePolicy& policy);  // /coldchain/loggers

}  // namespace lims::api::ingest_tables
