// The risk ledger (风险台账) over HTTP: a risk with its items (POST /api/v1/risks), the
// caller's risks (GET, keyset pages, ?state=open|closed), one risk (ETag: its version), and
// the closure of one item with its evidence (POST .../item-closures, If-Match), which closes
// the risk with its last item (逐项销号). The use cases (lims/workflow/figures/risk_ledger)
// own the transaction, the jurisdiction and the audit entries.
#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/api/person_names.hpp"
#include "lims/api/route_modules.hpp"
#include "lims/workflow/figures/risk_ledger.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/NumberParser.h>

namespace lims::api {

namespace {

namespace figs = lims::workflow::figures;
using domain::Role;
using Json = Poco::JSON::Object::Ptr;

// The bureau keeps the ledger; the organisations given an item (offices, enforcement units,
// laboratories) read their risks and close their items.
constexpr domain::RoleSet kRiskKeepers{Role::planner, Role::bureau_viewer, Role::administrator};
constexpr domain::RoleSet kRiskReaders{Role::planner,  Role::bureau_viewer,       Role::administrator,
                                       Role::sampler,  Role::enforcement_officer, Role::receiver,
                                       Role::signatory};

const char* const kDatePattern = R"([0-9]{4}-[0-9]{2}-[0-9]{2})";

std::string text(const Json& o, const std::string& key) {
    return o->has(key) && !o->isNull(key) ? o->getValue<std::string>(key) : std::string();
}
std::optional<std::string> optional_text(const Json& o, const std::string& key) {
    if (!o->has(key) || o->isNull(key)) return std::nullopt;
    return o->getValue<std::string>(key);
}

ObjectSchema risk_schema() {
    return {{field::string("title").length(1, 200), field::string("description").length(0, 2000).multiLineText().optional(),
             field::string("source").length(1, 200), field::string("focus_tag").length(1, 64).optional(),
             field::string("region_code").matching("[0-9]{6}", "a six-digit GB/T 2260 region code").optional(),
             field::array("items", field::object("", {{field::string("description").length(1, 2000).multiLineText(),
                                                       field::integer("responsible_org_id").range(1, INT64_MAX).optional(),
                                                       field::string("due_on").matching(kDatePattern, "a date YYYY-MM-DD")
                                                           .optional()}}))
                 .count(1, 100)}};
}

ObjectSchema closure_schema() {
    return {{field::integer("position").range(1, 100), field::string("evidence").length(1, 2000).multiLineText(),
             field::string("note").length(0, 2000).multiLineText().optional()}};
}

Json risk_json(const store::Risk& r) {
    auto o = newObject();
    o->set("number", r.number);
    o->set("organisation_id", r.org_id);
    o->set("title", r.title);
    o->set("description", r.description);
    o->set("source", r.source);
    o->set("focus_tag", r.tag_code ? Poco::Dynamic::Var(*r.tag_code) : Poco::Dynamic::Var());
    o->set("region_code", r.region_code ? Poco::Dynamic::Var(*r.region_code) : Poco::Dynamic::Var());
    o->set("state", r.state);
    o->set("created_by", r.created_by);
    o->set("created_at", r.created_at);
    o->set("closed_at", r.closed_at ? Poco::Dynamic::Var(*r.closed_at) : Poco::Dynamic::Var());
    o->set("version", r.version);
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    std::int64_t open = 0;
    for (const auto& i : r.items) {
        auto j = newObject();
        j->set("position", i.position);
        j->set("description", i.description);
        j->set("responsible_org_id", i.responsible_org_id ? Poco::Dynamic::Var(*i.responsible_org_id) : Poco::Dynamic::Var());
        j->set("due_on", i.due_on ? Poco::Dynamic::Var(*i.due_on) : Poco::Dynamic::Var());
        j->set("closed", i.closure.has_value());
        if (i.closure) {
            auto c = newObject();
            c->set("evidence", i.closure->evidence);
            c->set("note", i.closure->note);
            c->set("closed_by", i.closure->closed_by_name);
            c->set("closed_at", i.closure->closed_at);
            j->set("closure", c);
        } else {
            ++open;
            j->set("closure", Poco::Dynamic::Var());
        }
        items->add(j);
    }
    o->set("items", items);
    o->set("open_items", open);
    return o;
}

// Who recorded a risk and who closed each item: named beside the logins (person_names.hpp).
const std::vector<std::string> kRiskPeople{"created_by", "closed_by"};

Response with_version(Response r, std::int64_t version) { return std::move(r).withHeader("ETag", etagFor(version)); }

Response create(store::Database& db, const Request& r) {
    figs::RiskRequest req;
    req.title = text(r.json, "title");
    req.description = text(r.json, "description");
    req.source = text(r.json, "source");
    req.focus_tag = optional_text(r.json, "focus_tag");
    req.region_code = optional_text(r.json, "region_code");
    auto items = r.json->getArray("items");
    for (std::size_t i = 0; i < items->size(); ++i) {
        auto item = items->getObject(static_cast<unsigned>(i));
        figs::RiskItemRequest line;
        line.description = text(item, "description");
        if (item->has("responsible_org_id") && !item->isNull("responsible_org_id"))
            line.responsible_org_id = item->getValue<Poco::Int64>("responsible_org_id");
        line.due_on = optional_text(item, "due_on");
        req.items.push_back(std::move(line));
    }
    auto risk = figs::create_risk(db, actor_of(r), req);
    if (!risk) return Response::error(risk.error());
    return with_version(Response::json(201, with_person_names(db, risk_json(*risk), kRiskPeople)), risk->version)
        .withHeader("Location", "/api/v1/risks/" + risk->number);
}

Response list(store::Database& db, const Request& r) {
    for (const auto& [name, value] : r.query)
        if (name != "state" && name != "limit" && name != "cursor")
            return Response::problem(problems::badRequest("query parameter " + name + ": unknown (known: state, limit, cursor)"));
    auto page = readPage(r, 50, 100);
    if (!page) return Response::problem(page.problem());
    std::int64_t before = 0;
    if (page->after) {
        Poco::Int64 id = 0;
        if (page->after->size() != 1 || !Poco::NumberParser::tryParse64(page->after->front(), id) || id <= 0)
            return Response::problem(problems::validation({{"cursor", "is not a cursor this API issued; start from the first page"}}));
        before = id;
    }
    std::optional<std::string> state;
    if (auto s = r.query.find("state"); s != r.query.end()) state = s->second;
    auto risks = figs::list_risks(db, actor_of(r), state, before, static_cast<int>(page->limit));
    if (!risks) return Response::error(risks.error());
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& risk : risks->items) items->add(risk_json(risk));
    std::optional<std::vector<std::string>> next;
    if (risks->next_before_id) next = std::vector<std::string>{std::to_string(*risks->next_before_id)};
    return Response::json(200, with_person_names(db, pageJson(items, next), kRiskPeople));
}

}  // namespace

void add_risk_routes(Router& router, const RouteContext& context) {
    const auto db = context.database;
    router.add({"POST", "/api/v1/risks", "createRisk",
                "Record a risk in the caller's organisation's risk ledger (风险台账) with the items to close one by one",
                AuthRequirement::User, risk_schema(), [db](const Request& r) { return create(*db, r); }, 201,
                kRiskKeepers});
    router.add({"GET", "/api/v1/risks", "listRisks",
                "The risks of the caller's subtree, newest first (keyset pages; ?state=open|closed)",
                AuthRequirement::User, std::nullopt, [db](const Request& r) { return list(*db, r); }, 200, kRiskKeepers});
    router.add({"GET", "/api/v1/risks/{number}", "getRisk",
                "A risk with its items and their closures; also for an organisation responsible for one of its items",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto risk = figs::get_risk(*db, actor_of(r), r.params.at("number"));
                    if (!risk) return Response::error(risk.error());
                    return with_version(Response::json(200, with_person_names(*db, risk_json(*risk), kRiskPeople)), risk->version);
                },
                200, kRiskReaders});
    router.add({"POST", "/api/v1/risks/{number}/item-closures", "closeRiskItem",
                "Close one item of a risk with its evidence (销号; If-Match: the risk's version); the risk closes with "
                "its last item",
                AuthRequirement::User, closure_schema(),
                [db](const Request& r) {
                    // Without If-Match the use case still answers 404 for a risk the caller may not
                    // see; the 428 is given where it would have needed the version.
                    auto version = requireIfMatch(r);
                    std::optional<Problem> missing;
                    if (!version && version.problem().status != 428) return Response::problem(version.problem());
                    if (!version) missing = version.problem();
                    figs::ItemClosureRequest c;
                    c.position = r.json->getValue<int>("position");
                    c.evidence = text(r.json, "evidence");
                    c.note = text(r.json, "note");
                    auto risk = figs::close_risk_item(*db, actor_of(r), r.params.at("number"), c, version ? *version : 0);
                    if (!risk && missing && risk.error().code == "risk.stale_version") return Response::problem(*missing);
                    if (!risk) return Response::error(risk.error());
                    return with_version(Response::json(200, with_person_names(*db, risk_json(*risk), kRiskPeople)), risk->version);
                },
                200, kRiskReaders});
}

}  // namespace lims::api
