// What the instrument, quarantine, logger-registration and ingest route tables share: the
// role sets, the JSON and id helpers, and the transaction wrappers whose refusal rolls back
// (a route answering 4xx writes nothing). Internal to lims/api/routes; the tables register
// through add_ingest_routes (route_modules.hpp).
#pragma once

#include "lims/api/instrument_status.hpp"
#include "lims/api/route_modules.hpp"
#include "lims/store/database.hpp"
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

// The organisation's path, or "/unknown/" (covers nothing) when it cannot be read.
std::string orgPathOf(store::Transaction& tx, std::int64_t org_id);
Poco::JSON::Object::Ptr parseObject(const std::string& json);
// A positive id in the path parameter `name`, or nullopt.
std::optional<std::int64_t> idParam(const Request& r, const std::string& name);
std::string base64(const std::string& bytes);
std::optional<std::string> unbase64(const std::string& text);

template <typename Work>
Response inWrite(store::Database& db, Work work) {
    std::optional<Response> answer;
    auto done = db.write([&](store::Transaction& tx) -> domain::Result<store::Done> {
        answer = work(tx);
        // A refusal writes nothing: roll back when the answer is not a success.
        if (answer->status >= 300) return domain::make_error("api.refused", "rolled back");
        return store::Done{};
    });
    if (!done && done.error().code != "api.refused") return Response::error(done.error());
    return *answer;
}

template <typename Work>
Response inRead(store::Database& db, Work work) {
    std::optional<Response> answer;
    auto done = db.read([&](store::Transaction& tx) -> domain::Result<store::Done> {
        answer = work(tx);
        return store::Done{};
    });
    if (!done) return Response::error(done.error());
    return *answer;
}

// The tables, one per URL prefix.
void add_instrument_routes(Router& router, const std::shared_ptr<store::Database>& db, const StatusSource& links,
                           const DevicePolicy& policy);   // /instruments, /instruments/{code}/mappings
void add_quarantine_routes(Router& router, const std::shared_ptr<store::Database>& db);  // /quarantine, /raw-messages
void add_logger_registration_routes(Router& router, const std::shared_ptr<store::Database>& db,
                                    const StatusSource& links, const DevicePolicy& policy);  // /coldchain/loggers

}  // namespace lims::api::ingest_tables
