// The notice inbox in server pages (issue 13): GET /api/v1/notices, oldest first in keyset
// pages (?limit=, ?cursor=), ?state=sent|acknowledged, ?overdue=true (unacknowledged past
// their deadline), with the count of all that match. Thin: the use case
// (lims/workflow/review/notice_list) owns the read and the jurisdiction.
#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/api/route_modules.hpp"
#include "lims/workflow/review/notice_list.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

namespace lims::api {

namespace {

namespace rv = lims::workflow::review;
using domain::Role;

Response list(store::Database& db, const Request& r) {
    for (const auto& [name, value] : r.query)
        if (name != "state" && name != "overdue" && name != "limit" && name != "cursor")
            return Response::problem(
                problems::badRequest("query parameter " + name + ": unknown (known: state, overdue, limit, cursor)"));
    auto page = readPage(r);
    if (!page) return Response::problem(page.problem());
    auto after = cursorAfterId(*page);
    if (!after) return Response::problem(after.problem());
    rv::NoticeListRequest q;
    q.after_id = *after;
    q.limit = static_cast<int>(page->limit);
    if (auto s = r.query.find("state"); s != r.query.end()) q.state = s->second;
    if (auto o = r.query.find("overdue"); o != r.query.end()) {
        if (o->second == "true") q.overdue = true;
        else if (o->second != "false")
            return Response::problem(problems::validation({{"overdue", "\"" + o->second.substr(0, 40) + "\" is not true or false"}}));
    }
    auto found = rv::list_notices(db, actor_of(r), q);
    if (!found) return Response::error(found.error());
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& n : found->items) items->add(Poco::JSON::Parser().parse(store::to_json(n)));
    std::optional<std::vector<std::string>> next;
    if (found->next_after_id) next = std::vector<std::string>{std::to_string(*found->next_after_id)};
    auto body = pageJson(items, next);
    body->set("count", found->count);
    return Response::json(200, body);
}

}  // namespace

void add_notice_list_routes(Router& router, const RouteContext& context) {
    const auto db = context.database;
    router.add({"GET", "/api/v1/notices", "listNotices",
                "Notices to organisations of the caller's subtree, oldest first in keyset pages (?state=sent|acknowledged, "
                "?overdue=true: unacknowledged past their deadline), with the count of all that match",
                AuthRequirement::User, std::nullopt, [db](const Request& r) { return list(*db, r); }, 200,
                {Role::bureau_viewer, Role::enforcement_officer, Role::planner, Role::administrator, Role::signatory}});
}

}  // namespace lims::api
