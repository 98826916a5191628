// Results as the analyst's worklist shows them (GET /api/v1/worklists/results): for a page of
// tests, each one's newest result with its unit and source (the raw instrument message it
// came from, one click away at /api/v1/raw-messages/{id}), the specification line's
// requirement, the value rounded to the line's digits and the item verdict. Read-only; the
// use case (lims/workflow/review/result_view) owns the transaction and the jurisdiction.
#include "lims/api/route_modules.hpp"

#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/workflow/review/result_view.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/NumberParser.h>

namespace lims::api {

namespace {

const domain::RoleSet kResultReaders{domain::Role::analyst, domain::Role::reviewer, domain::Role::signatory};

Poco::JSON::Object::Ptr view_json(const workflow::review::ResultView& v) {
    auto o = newObject();
    o->set("test_id", v.test.id);
    o->set("sample_id", v.test.sample_id);
    o->set("sample_number", v.sample_number);
    o->set("test_code", v.test.test_code);
    o->set("state", v.test.state);
    o->set("item", v.item.empty() ? v.test.test_code : v.item);
    o->set("requirement", v.requirement);
    o->set("standard", v.standard);
    o->set("decimal_places", v.decimal_places ? Poco::Dynamic::Var(*v.decimal_places) : Poco::Dynamic::Var());
    if (!v.result) {
        o->set("result", Poco::Dynamic::Var());
    } else {
        const auto& r = *v.result;
        auto res = newObject();
        res->set("id", r.id);
        res->set("value", r.value_text ? *r.value_text : r.qualitative.value_or(""));
        res->set("unit", r.unit.empty() ? v.line_unit : r.unit);
        res->set("source", r.source);
        res->set("raw_message_id", r.raw_message_id ? Poco::Dynamic::Var(*r.raw_message_id) : Poco::Dynamic::Var());
        res->set("flags", r.flags);
        res->set("entered_at", r.entered_at);
        o->set("result", res);
    }
    if (v.judgement) {
        o->set("rounded", v.judgement->rounded ? Poco::Dynamic::Var(v.judgement->rounded->to_string()) : Poco::Dynamic::Var());
        o->set("verdict", std::string(domain::to_string(v.judgement->verdict)));
        o->set("warning", v.judgement->warning);
        o->set("explanation", v.judgement->explanation);
    } else {
        o->set("rounded", Poco::Dynamic::Var());
        o->set("verdict", Poco::Dynamic::Var());
        o->set("warning", false);
        o->set("explanation", v.judgement_problem);
    }
    return o;
}

Response results(store::Database& db, const Request& r) {
    for (const auto& [name, value] : r.query)
        if (name != "test_id")
            return Response::problem(problems::badRequest("query parameter " + name + ": unknown (known: test_id)"));
    const auto param = r.query.find("test_id");
    if (param == r.query.end() || param->second.empty())
        return Response::problem(problems::validation({{"test_id", "required: one or more test ids separated by commas"}}));
    std::vector<std::int64_t> ids;
    std::vector<FieldError> errors;
    for (std::size_t begin = 0, i = 0;; ++i) {
        const std::size_t end = param->second.find(',', begin);
        const std::string text = param->second.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
        Poco::Int64 id = 0;
        if (!Poco::NumberParser::tryParse64(text, id) || id <= 0)
            errors.push_back({"test_id[" + std::to_string(i) + "]", "\"" + text.substr(0, 40) + "\" is not a test id"});
        else
            ids.push_back(id);
        if (end == std::string::npos) break;
        begin = end + 1;
    }
    if (ids.size() > workflow::review::kMaxResultViews)
        errors.push_back({"test_id", "at most " + std::to_string(workflow::review::kMaxResultViews) + " tests, not " +
                                         std::to_string(ids.size())});
    if (!errors.empty()) return Response::problem(problems::validation(std::move(errors)));
    auto views = workflow::review::view_results(db, actor_of(r), ids);
    if (!views) return Response::error(views.error());
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& v : *views) items->add(view_json(v));
    auto body = newObject();
    body->set("items", items);
    return Response::json(200, body);
}

}  // namespace

void add_result_routes(Router& router, const RouteContext& context) {
    const auto db = context.database;
    router.add({"GET", "/api/v1/worklists/results", "listTestResults",
                "The newest result of each test asked for (?test_id=<id>[,<id>...], at most 200; tests outside the "
                "caller's jurisdiction are left out): value, unit, source and raw message, the specification's "
                "requirement, the value rounded to its digits and the item verdict",
                AuthRequirement::User, std::nullopt, [db](const Request& r) { return results(*db, r); }, 200,
                kResultReaders});
}

}  // namespace lims::api
