// The list of sampling plans (GET /api/v1/sampling-plans) for the planner's 抽检计划 page:
// newest first, keyset pages, ?year= and ?state= filters; each plan with its quota lines'
// total and the samples registered against them. The use case
// (lims/workflow/sampling/plan_list) owns the read and the jurisdiction: a bureau's plans
// and its subtree's, and for an office the plans with a quota line for it (its lines only).
#include "lims/api/route_modules.hpp"

#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/workflow/sampling/plan_list.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/NumberParser.h>

namespace lims::api {

namespace {

namespace wf = lims::workflow::sampling;
using domain::Role;

// Who reads plans: as GET /sampling-plans/{code} (sampling_routes.cpp).
constexpr domain::RoleSet kPlanListReaders{Role::planner, Role::sampler, Role::bureau_viewer, Role::administrator};

Poco::JSON::Object::Ptr summary_json(const wf::PlanSummary& s) {
    auto o = newObject();
    o->set("code", s.plan.code);
    o->set("title", s.plan.title);
    o->set("organisation_id", s.plan.org_id);
    o->set("year", s.plan.year);
    o->set("state", s.plan.state);
    o->set("starts_on", s.plan.starts_on);
    o->set("ends_on", s.plan.ends_on);
    o->set("version", s.plan.version);
    o->set("quota_lines", s.quota_lines);
    o->set("quantity", s.quantity);
    o->set("registered", s.registered);
    return o;
}

Response list(store::Database& db, const Request& r) {
    for (const auto& [name, value] : r.query)
        if (name != "year" && name != "state" && name != "limit" && name != "cursor")
            return Response::problem(problems::badRequest("query parameter " + name + ": unknown (known: year, state, limit, cursor)"));
    auto page = readPage(r, 50, 100);
    if (!page) return Response::problem(page.problem());
    wf::PlanListRequest request;
    request.limit = static_cast<int>(page->limit);
    if (page->after) {
        Poco::Int64 id = 0;
        if (page->after->size() != 1 || !Poco::NumberParser::tryParse64(page->after->front(), id) || id <= 0)
            return Response::problem(problems::validation({{"cursor", "is not a cursor this API issued; start from the first page"}}));
        request.before_id = id;
    }
    if (auto y = r.query.find("year"); y != r.query.end()) {
        int year = 0;
        if (!Poco::NumberParser::tryParse(y->second, year) || year < 2000 || year > 2099)
            return Response::problem(problems::validation({{"year", "\"" + y->second.substr(0, 40) + "\" is not a year 2000–2099"}}));
        request.year = year;
    }
    if (auto s = r.query.find("state"); s != r.query.end()) request.state = s->second;
    auto plans = wf::list_plans(db, actor_of(r), request);
    if (!plans) return Response::error(plans.error());
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& s : plans->items) items->add(summary_json(s));
    std::optional<std::vector<std::string>> next;
    if (plans->next_before_id) next = std::vector<std::string>{std::to_string(*plans->next_before_id)};
    return Response::json(200, pageJson(items, next));
}

}  // namespace

void add_plan_list_routes(Router& router, const RouteContext& context) {
    const auto db = context.database;
    router.add({"GET", "/api/v1/sampling-plans", "listSamplingPlans",
                "Sampling plans the caller may see, newest first (keyset pages; ?year=, ?state=draft|published|closed): "
                "the caller's subtree's plans, and for an office the plans with a quota line for it (its lines only); "
                "each with its quota lines, the batches asked for and the samples registered against them",
                AuthRequirement::User, std::nullopt, [db](const Request& r) { return list(*db, r); }, 200,
                kPlanListReaders});
}

}  // namespace lims::api
