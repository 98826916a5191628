// What the cold-chain route tables share (routes/coldchain_*_routes.cpp): query and path
// parameters and the JSON of a chart bucket (the caller: api::actor_of; errors:
// Response::error, the one mapping of api/problem). Each table adds one URL prefix's
// routes; add_coldchain_routes (coldchain_routes.cpp) adds them all.
#pragma once

#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/api/route_modules.hpp"
#include "lims/workflow/coldchain/site_use_cases.hpp"

#include <Poco/JSON/Array.h>

#include <cstdint>
#include <optional>
#include <string>

namespace lims::api::coldchain_routes {

namespace cc = lims::workflow::coldchain;
using Json = Poco::JSON::Object::Ptr;

inline constexpr std::int64_t kDefaultPeriod = 24 * 3600;  // readings and gaps of the last day unless asked

std::int64_t now_utc();
cc::ColdChainOptions options_for(const Request& r, const domain::WorkingCalendar* calendar);

// {id} of the path; nullopt when not a positive integer (answered as a missing record).
std::optional<std::int64_t> param_id(const Request& r, const std::string& name = "id");
// ?name=<integer>: `out` stays empty when absent; a problem naming it when not an integer.
std::optional<Problem> query_int(const Request& r, const std::string& name, std::optional<std::int64_t>& out);
// ?from & ?to (UTC seconds), each defaulting to the last day before now.
struct Period {
    std::int64_t from = 0;
    std::int64_t to = 0;
};
Outcome<Period> query_period(const Request& r);

Json parse_object(const std::string& json);
std::optional<std::int64_t> optional_int(const Json& o, const std::string& key);
std::string optional_text(const Json& o, const std::string& key);
Json bucket_json(const lims::coldchain::SeriesBucket& b);
// {"items": [to_json(row)...]} for rows the store renders as JSON text.
template <typename Rows>
Response items_of(const Rows& rows) {
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& row : rows) items->add(parse_object(store::to_json(row)));
    Json body = newObject();
    body->set("items", items);
    return Response::json(200, body);
}

// The tables, one per URL prefix under /api/v1/coldchain.
void add_storage_unit_routes(Router& router, const RouteContext& context);  // storage-units, contacts
void add_logger_routes(Router& router, const RouteContext& context);        // loggers/{id}/placements, readings, gaps
void add_site_routes(Router& router, const RouteContext& context);          // site-status, excursions, compliance
void add_alarm_routes(Router& router, const RouteContext& context);         // alarms
void add_contact_routes(Router& router, const RouteContext& context);       // a unit's contacts, change, remove
void add_shipment_routes(Router& router, const RouteContext& context);      // shipments/{id}/transport-box, verdict
void add_rule_routes(Router& router, const RouteContext& context);          // excursion-rules (unit, product class, defaults)

}  // namespace lims::api::coldchain_routes
