// /api/v1/coldchain/alarms: the alarms of the caller's sites and their acknowledgement
// with a note of what was done.
#include "lims/api/routes/coldchain_common.hpp"

namespace lims::api::coldchain_routes {

void add_alarm_routes(Router& router, const RouteContext& context) {
    auto db = context.database;

    router.add({"GET", "/api/v1/coldchain/alarms", "listColdChainAlarms",
                "Alarms of the caller's sites (?open=true for unacknowledged or uncleared, ?logger_id, ?after_id)",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    store::AlarmFilter f;
                    std::optional<std::int64_t> after;
                    for (auto [name, slot] : {std::pair{"logger_id", &f.logger_id}, std::pair{"after_id", &after}})
                        if (auto p = query_int(r, name, *slot)) return Response::problem(*p);
                    f.after_id = after.value_or(0);
                    f.open_only = r.query.count("open") && r.query.at("open") == "true";
                    auto rows = cc::alarms(*db, actor_of(r), f);
                    if (!rows) return Response::error(rows.error());
                    return items_of(*rows);
                },
                200, kPeopleRoles});

    router.add({"POST", "/api/v1/coldchain/alarms/{id}/acknowledgement", "acknowledgeColdChainAlarm",
                "Acknowledge an alarm with a note saying what was done (If-Match: the alarm's version)",
                AuthRequirement::User, ObjectSchema{{field::string("note").length(1, 2000).multiLineText()}},
                [db](const Request& r) {
                    auto id = param_id(r);
                    if (!id) return Response::problem(problems::notFound("no such alarm"));
                    // Another site's alarm is a 404 before anything is asked of the request.
                    if (auto found = cc::find_alarm(*db, actor_of(r), *id); !found) return Response::error(found.error());
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    auto ack = cc::acknowledge(*db, actor_of(r), *id, r.json->getValue<std::string>("note"), *version);
                    if (!ack) return Response::error(ack.error());
                    return Response::json(200, parse_object(store::to_json(*ack))).withHeader("ETag", etagFor(ack->version));
                },
                200, kPeopleRoles});
}

}  // namespace lims::api::coldchain_routes
