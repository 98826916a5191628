// The sampling workflow over HTTP: plans and their tasks, registration of samples,
// shipments, receipt at the laboratory, chain of custody and the office's notifications.
// Handlers translate JSON to the use cases of lims/workflow/sampling and their errors to
// problem responses; who may do what comes from the state tables those use cases apply.
#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/api/route_modules.hpp"
#include "lims/workflow/sampling/errors.hpp"
#include "lims/workflow/sampling/plans.hpp"
#include "lims/workflow/sampling/product_link.hpp"
#include "lims/workflow/sampling/receipt.hpp"
#include "lims/workflow/sampling/registration.hpp"
#include "lims/workflow/sampling/shipments.hpp"
#include "lims/workflow/sampling/state_tables.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/NumberParser.h>

#include <stdexcept>

namespace lims::api {

namespace {

namespace wf = lims::workflow::sampling;
using Json = Poco::JSON::Object::Ptr;

// ---- principal, errors -----------------------------------------------------------------


std::string text(const Json& o, const std::string& key, const std::string& fallback = "") {
    return o->has(key) && !o->isNull(key) ? o->getValue<std::string>(key) : fallback;
}
std::optional<std::string> optional_text(const Json& o, const std::string& key) {
    if (!o->has(key) || o->isNull(key)) return std::nullopt;
    return o->getValue<std::string>(key);
}

// ---- field schemas ---------------------------------------------------------------------

constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxText = 500;
const char* const kDecimalPattern = R"([0-9]{1,9}(\.[0-9]{1,6})?)";
const char* const kDatePattern = R"([0-9]{4}-[0-9]{2}-[0-9]{2})";
const char* const kUtcPattern = R"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z)";
// Seal and shipment numbers, task numbers and plan codes: printable ASCII without spaces.
const char* const kCodePattern = R"([A-Za-z0-9][A-Za-z0-9._/-]{0,63})";

FieldSchema date(std::string name) {
    return field::string(std::move(name)).withFormat("date").matching(kDatePattern, "a date YYYY-MM-DD");
}
FieldSchema utc(std::string name) {
    return field::string(std::move(name)).withFormat("date-time").matching(kUtcPattern, "a UTC time YYYY-MM-DDTHH:MM:SSZ");
}
FieldSchema decimal_text(std::string name) {
    return field::string(std::move(name)).matching(kDecimalPattern, "a decimal number such as 6 or 0.5");
}
FieldSchema code(std::string name) { return field::string(std::move(name)).matching(kCodePattern, "letters, digits, . _ / -"); }
FieldSchema name(std::string n, std::size_t max = kMaxName) { return field::string(std::move(n)).length(1, max); }

const std::vector<std::string> kCategories{"drug", "vaccine", "biological", "tcm_decoction_piece", "cosmetic", "device"};

ObjectSchema plan_schema() {
    return {{code("code"), name("title"), field::integer("year").range(2000, 2099), date("starts_on"), date("ends_on"),
             field::array("quotas", field::object("", {{field::integer("office_id").range(1, INT64_MAX),
                                                        field::string("category").oneOf(kCategories),
                                                        field::string("focus").length(0, kMaxName).optional(),
                                                        field::integer("quantity").range(1, 100'000), date("due_on")}}))
                 .count(1, 500)}};
}

ObjectSchema registration_schema() {
    return {{code("task_number"),
             field::object("entity", {{name("name"), field::string("credit_code").length(18, 18),
                                       field::string("kind").oneOf({"pharmacy", "hospital", "clinic", "distributor",
                                                                    "manufacturer", "cdc", "vaccination_site",
                                                                    "cosmetics_business", "device_business"}),
                                       field::string("address").length(0, kMaxText).optional()}}),
             field::object("product", {{field::integer("id").range(1, INT64_MAX).optional(),
                                        name("name"), field::string("category").oneOf(kCategories),
                                        field::string("dosage_form").length(0, 64).optional(),
                                        field::string("specification").length(0, 128).optional(),
                                        field::string("approval_number").length(0, 64).optional(),
                                        name("manufacturer_name"),
                                        field::string("manufacturer_credit_code").length(18, 18)}}),
             name("batch_number", 64), date("production_date"), date("expiry_date").optional(),
             decimal_text("quantity"), name("unit", 32), decimal_text("test_quantity"),
             decimal_text("retained_quantity"),
             field::string("storage_condition").oneOf({"ambient", "cool", "refrigerated", "frozen"}),
             field::array("seal_numbers", code("")).count(1, 20).unique(),
             field::array("sampler_user_ids", field::integer("").range(1, INT64_MAX)).count(2, 10).unique(),
             utc("sampled_at"), name("sampling_place", kMaxText),
             field::array("trace_codes", field::string("").length(1, 64)).count(0, 500).unique().optional()}};
}

ObjectSchema shipment_schema() {
    return {{field::array("samples", field::string("").length(1, 32)).count(1, 500).unique(),
             field::integer("laboratory_id").range(1, INT64_MAX), name("carrier"),
             code("logger_serial").optional()}};
}

ObjectSchema receipt_schema() {
    return {{field::object("checklist", {{field::boolean("seals_intact"), field::boolean("seal_numbers_match"),
                                          field::boolean("labels_match"), field::boolean("quantity_matches"),
                                          field::string("package_condition").oneOf({"good", "damaged", "leaked", "missing"}),
                                          field::boolean("temperature_record_ok").optional()}}),
             field::string("decision").oneOf({"accept", "reject"}),
             field::string("reason").length(0, kMaxText).multiLineText().optional()}};
}

ObjectSchema product_link_schema() {
    return {{field::integer("product_id").range(1, INT64_MAX),
             field::string("reason").length(0, kMaxText).multiLineText().optional()}};
}

// ---- JSON of the records ---------------------------------------------------------------

Json plan_json(const store::SamplingPlan& p, const std::vector<store::QuotaProgress>* progress) {
    auto o = newObject();
    o->set("code", p.code);
    o->set("title", p.title);
    o->set("organisation_id", p.org_id);
    o->set("year", p.year);
    o->set("state", p.state);
    o->set("starts_on", p.starts_on);
    o->set("ends_on", p.ends_on);
    o->set("version", p.version);
    Poco::JSON::Array::Ptr quotas = new Poco::JSON::Array;
    for (const auto& q : p.quotas) {
        auto j = newObject();
        j->set("id", q.id);
        j->set("office_id", q.office_org_id);
        j->set("office_code", q.office_code);
        j->set("category", q.category);
        j->set("focus", q.focus);
        j->set("quantity", q.quantity);
        j->set("due_on", q.due_on);
        if (progress)
            for (const auto& g : *progress)
                if (g.quota.id == q.id) {
                    j->set("registered", g.registered);
                    j->set("remaining", std::max<std::int64_t>(0, q.quantity - g.registered));
                }
        quotas->add(j);
    }
    o->set("quotas", quotas);
    return o;
}

Json task_json(const store::SamplingTask& t) {
    auto o = newObject();
    o->set("number", t.number);
    o->set("plan_id", t.plan_id);
    if (t.quota_id) o->set("quota_id", *t.quota_id);
    o->set("office_id", t.office_org_id);
    o->set("state", t.state);
    o->set("due_on", t.due_on);
    o->set("version", t.version);
    return o;
}

Json sample_summary(const domain::Sample& s) {
    auto o = newObject();
    o->set("number", s.number);
    o->set("organisation_id", s.org_id);
    o->set("product_name", s.product_name);
    o->set("batch_number", s.batch_number);
    // The catalogue product it is tested against; null for a sample registered from its label alone.
    o->set("product_id", s.product_id ? Poco::Dynamic::Var(*s.product_id) : Poco::Dynamic::Var());
    o->set("storage_condition", std::string(domain::to_string(s.storage_condition)));
    o->set("sampled_at", s.sampled_at);
    o->set("state", s.state);
    o->set("version", s.version);
    return o;
}

Json sample_json(const wf::SampleDetail& d) {
    const auto& s = d.sample;
    auto o = sample_summary(s);
    o->set("task_number", d.task_number);
    if (s.entity_id) o->set("entity_id", *s.entity_id);
    if (d.label) {
        auto p = newObject();
        p->set("name", s.product_name);
        p->set("category", d.label->category);
        p->set("dosage_form", d.label->dosage_form);
        p->set("specification", d.label->specification);
        p->set("approval_number", d.label->approval_number);
        p->set("manufacturer_name", d.label->manufacturer_name);
        p->set("manufacturer_credit_code", d.label->manufacturer_credit_code);
        o->set("product", p);
    }
    if (s.production_date) o->set("production_date", *s.production_date);
    if (s.expiry_date) o->set("expiry_date", *s.expiry_date);
    o->set("quantity", s.quantity);
    o->set("unit", s.unit);
    Poco::JSON::Array::Ptr portions = new Poco::JSON::Array, seals = new Poco::JSON::Array,
                           samplers = new Poco::JSON::Array, codes = new Poco::JSON::Array,
                           receipts = new Poco::JSON::Array;
    for (const auto& p : s.portions) {
        auto j = newObject();
        j->set("kind", std::string(domain::to_string(p.kind)));
        j->set("quantity", p.quantity);
        j->set("unit", p.unit);
        portions->add(j);
    }
    for (const auto& x : s.seal_numbers) seals->add(x);
    for (auto x : s.sampler_user_ids) samplers->add(x);
    for (const auto& x : s.trace_codes) codes->add(x);
    for (const auto& r : d.receipts) {
        auto j = newObject();
        j->set("decision", r.decision);
        j->set("reason", r.reason);
        j->set("receiver_user_id", r.receiver_user_id);
        j->set("laboratory_id", r.lab_org_id);
        auto c = newObject();
        c->set("seals_intact", r.seals_intact);
        c->set("seal_numbers_match", r.seal_numbers_match);
        c->set("labels_match", r.labels_match);
        c->set("quantity_matches", r.quantity_matches);
        c->set("package_condition", r.package_condition);
        if (r.temperature_record_ok) c->set("temperature_record_ok", *r.temperature_record_ok);
        if (r.cold_chain_verdict) c->set("cold_chain_verdict", *r.cold_chain_verdict);
        j->set("checklist", c);
        j->set("received_at", r.received_at);
        receipts->add(j);
    }
    o->set("portions", portions);
    o->set("seal_numbers", seals);
    o->set("sampler_user_ids", samplers);
    o->set("trace_codes", codes);
    o->set("sampling_place", s.sampling_place);
    o->set("receipts", receipts);
    return o;
}

Json shipment_json(const store::Shipment& s) {
    auto o = newObject();
    o->set("id", s.id);  // for /api/v1/coldchain/shipments/{id}/... (the trip's verdict)
    o->set("number", s.number);
    o->set("from_organisation_id", s.from_org_id);
    o->set("laboratory_id", s.to_org_id);
    o->set("state", s.state);
    o->set("carrier", s.carrier);
    o->set("logger_serial", s.logger_serial.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s.logger_serial));
    o->set("departed_at", s.sent_at ? Poco::Dynamic::Var(*s.sent_at) : Poco::Dynamic::Var());
    o->set("arrived_at", s.received_at ? Poco::Dynamic::Var(*s.received_at) : Poco::Dynamic::Var());
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& i : s.items) {
        auto j = newObject();
        j->set("sample_number", i.sample_number);
        j->set("receipt_condition", i.receipt_condition ? Poco::Dynamic::Var(*i.receipt_condition) : Poco::Dynamic::Var());
        items->add(j);
    }
    o->set("samples", items);
    o->set("version", s.version);
    return o;
}

// ---- who may call each route: the state tables' rows, so the two cannot disagree ---------

using domain::Role;
domain::RoleSet row(const domain::StateMachine& machine, std::string_view from, std::string_view action) {
    const auto* t = machine.find(from, action);
    if (!t) throw std::logic_error("sampling routes: no row (" + std::string(from) + ", " + std::string(action) + ")");
    return t->roles;
}
domain::RoleSet either(domain::RoleSet a, domain::RoleSet b) {
    for (Role r : b.roles()) a.add(r);
    return a;
}
// Reading plans and tasks: who plans, who samples, who oversees.
constexpr domain::RoleSet kPlanReaders{Role::planner, Role::sampler, Role::bureau_viewer, Role::administrator};
// Reading shipments: both ends and the bureau.
constexpr domain::RoleSet kShipmentReaders{Role::sampler, Role::receiver, Role::planner, Role::bureau_viewer};

Route with_roles(Route route, domain::RoleSet roles) {
    route.roles = roles;
    return route;
}

// If-Match on a transition: its version, or 0 with the 428 problem kept aside when absent,
// so that the use case still answers 404 for a record the caller may not see (never
// revealing that it exists) before the missing precondition is reported.
struct IfMatch {
    std::int64_t version = 0;
    std::optional<Problem> missing;
};
Outcome<IfMatch> if_match(const Request& r) {
    auto v = requireIfMatch(r);
    if (v) return IfMatch{*v, std::nullopt};
    if (v.problem().status == 428) return IfMatch{0, v.problem()};
    return v.problem();
}
Response transition_problem(const domain::Error& e, const IfMatch& m) {
    if (m.missing && e.code == wf::kStaleVersion) return Response::problem(*m.missing);
    return Response::error(e);
}

Response with_etag(Response r, std::int64_t version) { return std::move(r).withHeader("ETag", etagFor(version)); }

// ?cursor= of an id-keyed listing: the id after which the page starts.
Outcome<std::pair<std::int64_t, int>> id_page(const Request& r) {
    auto page = readPage(r);
    if (!page) return page.problem();
    auto after = cursorAfterId(*page);
    if (!after) return after.problem();
    return std::pair<std::int64_t, int>{*after, static_cast<int>(page->limit)};
}

std::optional<std::vector<std::string>> next_key(const std::optional<std::int64_t>& id) {
    if (!id) return std::nullopt;
    return std::vector<std::string>{std::to_string(*id)};
}

}  // namespace

void add_sampling_routes(Router& router, const RouteContext& context) {
    auto db = context.database;

    // ---- plans and tasks -------------------------------------------------------------
    router.add(with_roles({"POST", "/api/v1/sampling-plans", "createSamplingPlan",
                "Create a sampling plan with quotas per office (planners)", AuthRequirement::User, plan_schema(),
                [db](const Request& r) {
                    wf::PlanRequest p;
                    p.code = text(r.json, "code");
                    p.title = text(r.json, "title");
                    p.year = r.json->getValue<int>("year");
                    p.starts_on = text(r.json, "starts_on");
                    p.ends_on = text(r.json, "ends_on");
                    auto quotas = r.json->getArray("quotas");
                    for (std::size_t i = 0; i < quotas->size(); ++i) {
                        auto q = quotas->getObject(static_cast<unsigned>(i));
                        p.quotas.push_back({q->getValue<Poco::Int64>("office_id"), text(q, "category"),
                                            text(q, "focus"), q->getValue<Poco::Int64>("quantity"), text(q, "due_on")});
                    }
                    auto plan = wf::create_plan(*db, actor_of(r), p);
                    if (!plan) return Response::error(plan.error());
                    return with_etag(Response::json(201, plan_json(*plan, nullptr)), plan->version)
                        .withHeader("Location", "/api/v1/sampling-plans/" + plan->code);
                },
                201}, row(wf::plan_machine(), domain::kNotCreated, "create")));

    router.add(with_roles({"GET", "/api/v1/sampling-plans/{code}", "getSamplingPlan",
                "A plan with registered-vs-quota progress per office", AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto progress = wf::plan_progress(*db, actor_of(r), r.params.at("code"));
                    if (!progress) return Response::error(progress.error());
                    return with_etag(Response::json(200, plan_json(progress->plan, &progress->quotas)),
                                     progress->plan.version);
                }}, kPlanReaders));

    router.add(with_roles({"POST", "/api/v1/sampling-plans/{code}/publish", "publishSamplingPlan",
                "Publish a plan (If-Match) and generate one task per quota, assigned to its office (planners)",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto version = if_match(r);
                    if (!version) return Response::problem(version.problem());
                    auto tasks = wf::publish_plan(*db, actor_of(r), r.params.at("code"), version->version);
                    if (!tasks) return transition_problem(tasks.error(), *version);
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& t : *tasks) items->add(task_json(t));
                    auto o = newObject();
                    o->set("tasks", items);
                    return Response::json(200, o);
                }}, row(wf::plan_machine(), "draft", "publish")));

    router.add(with_roles({"GET", "/api/v1/tasks", "listTasks", "Tasks of the caller's organisation subtree (keyset pages)",
                AuthRequirement::User, std::nullopt, [db](const Request& r) {
                    auto page = id_page(r);
                    if (!page) return Response::problem(page.problem());
                    auto tasks = wf::list_tasks(*db, actor_of(r), page->first, page->second);
                    if (!tasks) return Response::error(tasks.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& t : tasks->items) items->add(task_json(t));
                    return Response::json(200, pageJson(items, next_key(tasks->next_after_id)));
                }}, kPlanReaders));

    router.add(with_roles({"GET", "/api/v1/tasks/{number}", "getTask", "A task", AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto task = wf::get_task(*db, actor_of(r), r.params.at("number"));
                    if (!task) return Response::error(task.error());
                    return with_etag(Response::json(200, task_json(*task)), task->version);
                }}, kPlanReaders));

    router.add(with_roles({"POST", "/api/v1/tasks/{number}/start", "startTask",
                "Start an assigned task of the caller's office (samplers, If-Match)", AuthRequirement::User,
                std::nullopt, [db](const Request& r) {
                    auto version = if_match(r);
                    if (!version) return Response::problem(version.problem());
                    auto task = wf::start_task(*db, actor_of(r), r.params.at("number"), version->version);
                    if (!task) return transition_problem(task.error(), *version);
                    return with_etag(Response::json(200, task_json(*task)), task->version);
                }}, row(domain::machines::task(), "assigned", "start")));

    // ---- samples ---------------------------------------------------------------------
    router.add(with_roles({"POST", "/api/v1/samples", "registerSample",
                "Register a sample taken on site against a task of the caller's office (samplers)",
                AuthRequirement::User, registration_schema(),
                [db](const Request& r) {
                    const auto& b = r.json;
                    wf::RegistrationRequest q;
                    q.task_number = text(b, "task_number");
                    auto e = b->getObject("entity");
                    q.entity = {text(e, "name"), text(e, "credit_code"), text(e, "kind"), text(e, "address")};
                    auto p = b->getObject("product");
                    q.product = {p->has("id") ? std::optional<std::int64_t>(p->getValue<Poco::Int64>("id")) : std::nullopt,
                                 text(p, "name"),          text(p, "category"),          text(p, "dosage_form"),
                                 text(p, "specification"), text(p, "approval_number"),   text(p, "manufacturer_name"),
                                 text(p, "manufacturer_credit_code")};
                    q.batch_number = text(b, "batch_number");
                    q.production_date = text(b, "production_date");
                    q.expiry_date = optional_text(b, "expiry_date");
                    q.quantity = text(b, "quantity");
                    q.unit = text(b, "unit");
                    q.test_quantity = text(b, "test_quantity");
                    q.retained_quantity = text(b, "retained_quantity");
                    q.storage_condition = text(b, "storage_condition");
                    auto seals = b->getArray("seal_numbers");
                    for (std::size_t i = 0; i < seals->size(); ++i) q.seal_numbers.push_back(seals->getElement<std::string>(static_cast<unsigned>(i)));
                    auto samplers = b->getArray("sampler_user_ids");
                    for (std::size_t i = 0; i < samplers->size(); ++i)
                        q.sampler_user_ids.push_back(samplers->getElement<Poco::Int64>(static_cast<unsigned>(i)));
                    q.sampled_at = text(b, "sampled_at");
                    q.sampling_place = text(b, "sampling_place");
                    if (auto codes = b->getArray("trace_codes"))
                        for (std::size_t i = 0; i < codes->size(); ++i) q.trace_codes.push_back(codes->getElement<std::string>(static_cast<unsigned>(i)));
                    auto sample = wf::register_sample(*db, actor_of(r), q);
                    if (!sample) return Response::error(sample.error());
                    auto o = sample_summary(*sample);
                    return with_etag(Response::json(201, o), sample->version)
                        .withHeader("Location", "/api/v1/samples/" + sample->number);
                },
                201}, row(domain::machines::sample(), domain::kNotCreated, "register")));

    router.add(with_roles({"GET", "/api/v1/samples", "listSamples",
                "Samples in the caller's jurisdiction (?state=&task=&limit=&cursor=), keyset pages",
                AuthRequirement::User, std::nullopt, [db](const Request& r) {
                    auto page = id_page(r);
                    if (!page) return Response::problem(page.problem());
                    wf::SampleFilter f;
                    if (auto it = r.query.find("state"); it != r.query.end()) {
                        if (!domain::machines::sample().has_state(it->second) || it->second == domain::kNotCreated)
                            return Response::problem(problems::validation({{"state", "is not a sample state"}}));
                        f.state = it->second;
                    }
                    if (auto it = r.query.find("task"); it != r.query.end()) f.task_number = it->second;
                    f.after_id = page->first;
                    f.limit = page->second;
                    auto samples = wf::list_samples(*db, actor_of(r), f);
                    if (!samples) return Response::error(samples.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& s : samples->items) items->add(sample_summary(s));
                    return Response::json(200, pageJson(items, next_key(samples->next_after_id)));
                }}, kPeopleRoles));

    router.add(with_roles({"GET", "/api/v1/samples/{number}", "getSample", "A sample with its label, portions and receipts",
                AuthRequirement::User, std::nullopt, [db](const Request& r) {
                    auto sample = wf::get_sample(*db, actor_of(r), r.params.at("number"));
                    if (!sample) return Response::error(sample.error());
                    return with_etag(Response::json(200, sample_json(*sample)), sample->sample.version);
                }}, kPeopleRoles));

    router.add(with_roles({"GET", "/api/v1/samples/{number}/custody", "getSampleCustody",
                "The chain of custody of a sample: who had it, when, where", AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto custody = wf::custody_of(*db, actor_of(r), r.params.at("number"));
                    if (!custody) return Response::error(custody.error());
                    Poco::JSON::Array::Ptr events = new Poco::JSON::Array;
                    for (const auto& e : custody->events) {
                        auto j = newObject();
                        j->set("action", e.action);
                        j->set("from_state", e.from_state);
                        j->set("to_state", e.to_state);
                        j->set("actor", e.actor);
                        j->set("holder_organisation_id", e.holder_org_id);
                        j->set("holder_organisation_code", e.holder_org_code);
                        j->set("place", e.place);
                        j->set("shipment_number", e.shipment_number.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(e.shipment_number));
                        j->set("note", e.note);
                        j->set("at", e.at_utc);
                        events->add(j);
                    }
                    auto o = newObject();
                    o->set("sample_number", custody->sample.number);
                    o->set("state", custody->sample.state);
                    o->set("events", events);
                    return Response::json(200, o);
                }}, kPeopleRoles));

    router.add(with_roles({"POST", "/api/v1/samples/{number}/receipt", "receiveSample",
                "Receipt checklist and decision at the laboratory: accept, or reject with a reason (receivers, If-Match)",
                AuthRequirement::User, receipt_schema(), [db](const Request& r) {
                    auto version = if_match(r);
                    if (!version) return Response::problem(version.problem());
                    auto c = r.json->getObject("checklist");
                    wf::ReceiptRequest q;
                    q.checklist.seals_intact = c->getValue<bool>("seals_intact");
                    q.checklist.seal_numbers_match = c->getValue<bool>("seal_numbers_match");
                    q.checklist.labels_match = c->getValue<bool>("labels_match");
                    q.checklist.quantity_matches = c->getValue<bool>("quantity_matches");
                    q.checklist.package_condition = text(c, "package_condition");
                    if (c->has("temperature_record_ok")) q.checklist.temperature_record_ok = c->getValue<bool>("temperature_record_ok");
                    q.decision = text(r.json, "decision");
                    q.reason = text(r.json, "reason");
                    auto done = wf::receive_sample(*db, actor_of(r), r.params.at("number"), version->version, q);
                    if (!done) return transition_problem(done.error(), *version);
                    auto o = sample_summary(done->sample);
                    o->set("decision", done->receipt.decision);
                    return with_etag(Response::json(200, o), done->sample.version);
                }}, either(row(domain::machines::sample(), "shipped", "receive"), row(domain::machines::sample(), "shipped", "reject"))));

    router.add(with_roles({"POST", "/api/v1/samples/{number}/product", "linkSampleProduct",
                "Link the catalogue product (its specification lines set up the tests) to a sample registered from "
                "its label alone, before receipt (receivers and analysts, If-Match; a new version, audited)",
                AuthRequirement::User, product_link_schema(), [db](const Request& r) {
                    auto version = if_match(r);
                    if (!version) return Response::problem(version.problem());
                    wf::ProductLink link;
                    link.product_id = r.json->getValue<Poco::Int64>("product_id");
                    link.reason = text(r.json, "reason");
                    auto done = wf::link_product(*db, actor_of(r), r.params.at("number"), version->version, link);
                    if (!done) return transition_problem(done.error(), *version);
                    return with_etag(Response::json(200, sample_summary(*done)), done->version);
                }}, wf::kProductLinkRoles));

    // ---- shipments -------------------------------------------------------------------
    router.add(with_roles({"POST", "/api/v1/shipments", "createShipment",
                "A shipment of registered samples to a laboratory, with carrier and optional trip logger (samplers)",
                AuthRequirement::User, shipment_schema(), [db](const Request& r) {
                    wf::ShipmentRequest q;
                    auto samples = r.json->getArray("samples");
                    for (std::size_t i = 0; i < samples->size(); ++i) q.sample_numbers.push_back(samples->getElement<std::string>(static_cast<unsigned>(i)));
                    q.laboratory_org_id = r.json->getValue<Poco::Int64>("laboratory_id");
                    q.carrier = text(r.json, "carrier");
                    q.logger_serial = optional_text(r.json, "logger_serial");
                    auto shipment = wf::create_shipment(*db, actor_of(r), q);
                    if (!shipment) return Response::error(shipment.error());
                    return with_etag(Response::json(201, shipment_json(*shipment)), shipment->version)
                        .withHeader("Location", "/api/v1/shipments/" + shipment->number);
                },
                201}, row(wf::shipment_machine(), domain::kNotCreated, "create")));

    router.add(with_roles({"GET", "/api/v1/shipments/{number}", "getShipment", "A shipment and its samples",
                AuthRequirement::User, std::nullopt, [db](const Request& r) {
                    auto shipment = wf::get_shipment(*db, actor_of(r), r.params.at("number"));
                    if (!shipment) return Response::error(shipment.error());
                    return with_etag(Response::json(200, shipment_json(*shipment)), shipment->version);
                }}, kShipmentReaders));

    router.add(with_roles({"POST", "/api/v1/shipments/{number}/dispatch", "dispatchShipment",
                "Record the departure (samplers, If-Match); its samples move to shipped", AuthRequirement::User,
                ObjectSchema{{utc("departed_at").optional()}}, [db](const Request& r) {
                    auto version = if_match(r);
                    if (!version) return Response::problem(version.problem());
                    auto shipment = wf::dispatch_shipment(*db, actor_of(r), r.params.at("number"), version->version,
                                                          optional_text(r.json, "departed_at"));
                    if (!shipment) return transition_problem(shipment.error(), *version);
                    return with_etag(Response::json(200, shipment_json(*shipment)), shipment->version);
                }}, row(wf::shipment_machine(), "ready", "dispatch")));

    router.add(with_roles({"POST", "/api/v1/shipments/{number}/arrive", "arriveShipment",
                "Record the arrival at the laboratory (receivers, If-Match)", AuthRequirement::User,
                ObjectSchema{{utc("arrived_at").optional()}}, [db](const Request& r) {
                    auto version = if_match(r);
                    if (!version) return Response::problem(version.problem());
                    auto shipment = wf::arrive_shipment(*db, actor_of(r), r.params.at("number"), version->version,
                                                        optional_text(r.json, "arrived_at"));
                    if (!shipment) return transition_problem(shipment.error(), *version);
                    return with_etag(Response::json(200, shipment_json(*shipment)), shipment->version);
                }}, row(wf::shipment_machine(), "in_transit", "arrive")));

    // ---- the office's notifications --------------------------------------------------
    router.add(with_roles({"GET", "/api/v1/notifications", "listNotifications",
                "Messages to the caller's organisation (rejected samples and why), keyset pages",
                AuthRequirement::User, std::nullopt, [db](const Request& r) {
                    auto page = id_page(r);
                    if (!page) return Response::problem(page.problem());
                    auto found = wf::list_notifications(*db, actor_of(r), page->first, page->second);
                    if (!found) return Response::error(found.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& n : found->items) {
                        auto j = newObject();
                        j->set("kind", n.kind);
                        j->set("sample_number", n.sample_number);
                        j->set("message", n.message);
                        j->set("created_at", n.created_at);
                        items->add(j);
                    }
                    return Response::json(200, pageJson(items, next_key(found->next_after_id)));
                }}, kPeopleRoles));
}

}  // namespace lims::api
