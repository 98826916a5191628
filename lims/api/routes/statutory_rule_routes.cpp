// GET /api/v1/statutory-rules: the statutory rule catalogue the service counts its legal
// clocks with (domain/calendar/statutory_rules.hpp; loaded at start-up from
// lims.statutory.rules or the shipped fixtures/statutory-rules.txt), each rule with its
// length, unit, start event and the citation of the text it rests on. No database: the
// catalogue is the service's.
#include "lims/api/route_modules.hpp"

#include "lims/api/json_text.hpp"
#include "lims/api/schemas/catalogue.hpp"
#include "lims/domain/calendar/statutory_rules.hpp"
#include "lims/workflow/documents/service_periods.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace lims::api {

namespace {

namespace statutory = domain::statutory;

Poco::JSON::Object::Ptr rule_json(const statutory::StatutoryRule& r) {
    auto o = newObject();
    o->set("id", r.id);
    o->set("title", r.title);
    o->set("category", r.category);
    o->set("length", r.deadline.amount);
    o->set("unit", domain::to_string(r.deadline.unit));
    o->set("rule", workflow::documents::describe_in_chinese(r.deadline));
    o->set("starts_at", r.starts_at);
    auto c = newObject();
    c->set("law", r.citation.law);
    c->set("article", r.citation.article);
    c->set("text", r.citation.text);
    o->set("citation", c);
    o->set("cited", statutory::cite(r));
    return o;
}

Response list_rules() {
    const auto& catalogue = statutory::active_rules();
    auto body = newObject();
    body->set("source", catalogue.source());
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& r : catalogue.rules()) items->add(rule_json(r));
    body->set("items", items);
    return Response::json(200, body);
}

std::vector<std::string> start_event_names() {
    std::vector<std::string> out;
    for (auto e : statutory::start_events()) out.emplace_back(e);
    return out;
}

}  // namespace

void add_statutory_rule_routes(Router& router, const RouteContext&) {
    using namespace schemas;
    router.add({"GET", "/api/v1/statutory-rules", "listStatutoryRules",
                "The statutory rules every legal clock is counted with (report, notices, service, re-inspection, "
                "objection, case lead, filed case, seizure, transfer to the police): length, unit, the event counted "
                "from, the product category, and the citation of the text in force (law, article, what it says); "
                "configuration loaded at start-up (lims.statutory.rules)",
                AuthRequirement::User, std::nullopt, [](const Request&) { return list_rules(); }, 200, kPeopleRoles,
                KeyReplay::once, {},
                {ok(object({field::string("source"),
                            field::array("items",
                                         object({field::string("id"), field::string("title"),
                                                 field::string("category").oneOf({"any", "drug", "cosmetic", "device"}),
                                                 field::integer("length"),
                                                 field::string("unit").oneOf({"working_days", "calendar_days", "hours"}),
                                                 field::string("rule"), field::string("starts_at").oneOf(start_event_names()),
                                                 object("citation", {field::string("law"), field::string("article"),
                                                                     field::string("text")}),
                                                 field::string("cited")}))}),
                    "The catalogue in the order of its file.")}});
}

}  // namespace lims::api
