// /api/v1/coldchain/loggers/{id}/...: where a logger has been and is placed now, its
// readings as chart buckets and its recording gaps. (Registering and listing loggers and
// their polling: routes/ingest_routes.cpp.) The logger must be one of the caller's subtree.
#include "lims/api/routes/coldchain_common.hpp"

#include <climits>

namespace lims::api::coldchain_routes {

namespace {

using domain::Role;

constexpr std::size_t kDefaultChartPoints = 1000;

ObjectSchema placement_schema() {
    return {{field::integer("storage_unit_id").range(1, INT64_MAX).optional(),
             field::integer("shipment_id").range(1, INT64_MAX).optional(),
             field::integer("from_utc").range(0, INT64_MAX).describedAs("UTC seconds; absent: now").optional()}};
}

Response no_such_logger() { return Response::problem(problems::notFound("no such logger")); }

}  // namespace

void add_logger_routes(Router& router, const RouteContext& context) {
    auto db = context.database;
    const auto* calendar = context.calendar;
    const domain::RoleSet placers{Role::administrator, Role::sampler, Role::receiver};

    router.add({"POST", "/api/v1/coldchain/loggers/{id}/placements", "placeLogger",
                "Place a logger in a storage unit or on a shipment's trip; its previous placement ends",
                AuthRequirement::User, placement_schema(),
                [db, calendar](const Request& r) {
                    auto id = param_id(r);
                    if (!id) return no_such_logger();
                    cc::PlacementRequest p{*id, optional_int(r.json, "storage_unit_id"), optional_int(r.json, "shipment_id"),
                                           optional_int(r.json, "from_utc").value_or(0)};
                    const auto now = now_utc();
                    if (!optional_int(r.json, "from_utc")) p.from_utc = now;
                    auto placed = cc::place_logger(*db, actor_of(r), p, now, options_for(r, calendar));
                    if (!placed) return Response::error(placed.error());
                    return Response::json(201, parse_object(store::to_json(*placed)));
                },
                201, placers});

    router.add({"GET", "/api/v1/coldchain/loggers/{id}/placements", "listLoggerPlacements",
                "Where a logger has been, oldest first", AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto id = param_id(r);
                    if (!id) return no_such_logger();
                    auto rows = cc::logger_placements(*db, actor_of(r), *id);
                    if (!rows) return Response::error(rows.error());
                    return items_of(*rows);
                },
                200, kPeopleRoles});

    router.add({"GET", "/api/v1/coldchain/loggers/{id}/readings", "loggerReadings",
                "A logger's readings over [from, to) (UTC seconds; default the last day) as at most `points` buckets (min, max, mean per bucket)",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto id = param_id(r);
                    if (!id) return no_such_logger();
                    auto period = query_period(r);
                    if (!period) return Response::problem(period.problem());
                    std::optional<std::int64_t> points;
                    if (auto p = query_int(r, "points", points)) return Response::problem(*p);
                    auto chart = cc::logger_chart(*db, actor_of(r), *id, period->from, period->to,
                                                  points ? static_cast<std::size_t>(*points) : kDefaultChartPoints);  // < 1 wraps: refused
                    if (!chart) return Response::error(chart.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& b : *chart) items->add(bucket_json(b));
                    Json body = newObject();
                    body->set("logger_id", *id);
                    body->set("buckets", items);
                    return Response::json(200, body);
                },
                200, kPeopleRoles});

    router.add({"GET", "/api/v1/coldchain/loggers/{id}/recording-gaps", "loggerRecordingGaps",
                "Recording-interval compliance over [from, to]: every gap longer than the GSP annex allows "
                "(30 min in storage, 5 in transport, 2 while out of range)",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto id = param_id(r);
                    if (!id) return no_such_logger();
                    auto period = query_period(r);
                    if (!period) return Response::problem(period.problem());
                    auto gaps = cc::logger_recording_gaps(*db, actor_of(r), *id, period->from, period->to);
                    if (!gaps) return Response::error(gaps.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& g : *gaps) {
                        Json j = newObject();
                        j->set("from_utc", g.from);
                        j->set("to_utc", g.to);
                        j->set("allowed_s", g.allowed);
                        j->set("requirement", std::string(lims::coldchain::to_string(g.requirement)));
                        items->add(j);
                    }
                    Json body = newObject();
                    body->set("logger_id", *id);
                    body->set("compliant", gaps->empty());
                    body->set("gaps", items);
                    return Response::json(200, body);
                },
                200, kPeopleRoles});
}

}  // namespace lims::api::coldchain_routes
