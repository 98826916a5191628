// What the sampling route tables share (sampling_plan_routes.cpp: plans and tasks;
// sample_routes.cpp: registration, receipt, custody, product link; shipment_routes.cpp:
// shipments and the office's notifications): field schemas, the records' JSON, who may
// call each route (the state tables' rows) and If-Match on transitions. Internal to
// lims/api/routes.
#pragma once

#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/api/route_modules.hpp"
#include "lims/domain/model/product_category.hpp"
#include "lims/workflow/sampling/delivery.hpp"
#include "lims/workflow/sampling/errors.hpp"
#include "lims/workflow/sampling/plans.hpp"
#include "lims/workflow/sampling/product_link.hpp"
#include "lims/workflow/sampling/receipt.hpp"
#include "lims/workflow/sampling/registration.hpp"
#include "lims/workflow/sampling/shipments.hpp"
#include "lims/workflow/sampling/state_tables.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/NumberParser.h>

#include <map>
#include <stdexcept>

namespace lims::api::sampling_tables {

namespace wf = lims::workflow::sampling;
using Json = Poco::JSON::Object::Ptr;

inline std::string text(const Json& o, const std::string& key, const std::string& fallback = "") {
    return o->has(key) && !o->isNull(key) ? o->getValue<std::string>(key) : fallback;
}
inline std::optional<std::string> optional_text(const Json& o, const std::string& key) {
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

inline FieldSchema date(std::string name) {
    return field::string(std::move(name)).withFormat("date").matching(kDatePattern, "a date YYYY-MM-DD");
}
inline FieldSchema utc(std::string name) {
    return field::string(std::move(name)).withFormat("date-time").matching(kUtcPattern, "a UTC time YYYY-MM-DDTHH:MM:SSZ");
}
inline FieldSchema decimal_text(std::string name) {
    return field::string(std::move(name)).matching(kDecimalPattern, "a decimal number such as 6 or 0.5");
}
inline FieldSchema code(std::string name) { return field::string(std::move(name)).matching(kCodePattern, "letters, digits, . _ / -"); }
inline FieldSchema name(std::string n, std::size_t max = kMaxName) { return field::string(std::move(n)).length(1, max); }

inline const std::vector<std::string> kCategories{domain::kProductCategories.begin(), domain::kProductCategories.end()};

// The parcel of a sample bought online: at registration (online.delivery) or afterwards.
inline ObjectSchema delivery_schema() {
    return {{name("carrier", 64), field::string("tracking_number").length(1, 40), date("received_on").optional(),
             field::string("note").length(0, kMaxText).multiLineText().optional()}};
}

inline ObjectSchema plan_schema() {
    return {{code("code"), name("title"), field::integer("year").range(2000, 2099), date("starts_on"), date("ends_on"),
             field::array("quotas", field::object("", {{field::integer("office_id").range(1, INT64_MAX),
                                                        field::string("category").oneOf(kCategories),
                                                        field::string("focus").length(0, kMaxName).optional(),
                                                        field::integer("quantity").range(1, 100'000), date("due_on"),
                                                        field::array("months", field::object("", {{
                                                            field::string("month").matching(R"([0-9]{4}-[0-9]{2})", "a month YYYY-MM"),
                                                            field::integer("quantity").range(1, 100'000)}}))
                                                            .count(0, 36).optional(),
                                                        field::array("focus_tags", field::string("").length(1, 64))
                                                            .count(0, 20).optional()}}))
                 .count(1, 500),
             field::array("phases", field::object("", {{name("name", 64), date("starts_on"), date("ends_on"),
                                                        date("summary_due_on").optional()}}))
                 .count(0, 24).optional()}};
}

inline wf::Delivery delivery_of(const Json& d) {
    return {text(d, "carrier"), text(d, "tracking_number"), optional_text(d, "received_on"), text(d, "note")};
}

inline FieldSchema delivery_field(std::string n) {
    return field::object(std::move(n), delivery_schema());
}

inline ObjectSchema registration_schema() {
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
             field::array("trace_codes", field::string("").length(1, 64)).count(0, 500).unique().optional(),
             // Issue 16 items 8 and 9: what the record shows beside the label, and online sampling.
             field::string("sampling_stage").oneOf({"production", "distribution", "use"}).optional(),
             field::object("supplier", {{name("name"), field::string("credit_code").length(18, 18).optional()}}).optional(),
             decimal_text("stock_quantity").optional(),
             field::object("unit_contact", {{name("name", 64), field::string("phone").length(0, 20).optional()}}).optional(),
             field::object("purchase", {{decimal_text("price"),
                                         field::string("payment_method")
                                             .oneOf({"cash", "bank_card", "wechat_pay", "alipay", "bank_transfer",
                                                     "platform_order"})
                                             .optional(),
                                         field::string("payment_reference").length(0, 64).optional()}})
                 .optional(),
             field::array("sampler_certificates", field::string("").length(1, 32)).count(2, 10).optional(),
             field::object("online", {{name("platform_name"), field::string("platform_credit_code").length(18, 18),
                                       field::string("platform_region_code").matching("[0-9]{6}", "six digits (GB/T 2260)").optional(),
                                       name("shop_name"), field::string("shop_url").length(1, 2048),
                                       field::string("shop_region_code").matching("[0-9]{6}", "six digits (GB/T 2260)"),
                                       field::string("shop_address").length(0, kMaxText).optional(),
                                       field::string("order_number").length(1, 64), name("receiving_address", kMaxText),
                                       delivery_field("delivery").optional()}})
                 .optional()}};
}

inline ObjectSchema shipment_schema() {
    return {{field::array("samples", field::string("").length(1, 32)).count(1, 500).unique(),
             field::integer("laboratory_id").range(1, INT64_MAX), name("carrier"),
             code("logger_serial").optional()}};
}

inline ObjectSchema receipt_schema() {
    return {{field::object("checklist", {{field::boolean("seals_intact"), field::boolean("seal_numbers_match"),
                                          field::boolean("labels_match"), field::boolean("quantity_matches"),
                                          field::string("package_condition").oneOf({"good", "damaged", "leaked", "missing"}),
                                          field::boolean("temperature_record_ok").optional()}}),
             field::string("decision").oneOf({"accept", "reject"}),
             field::string("reason").length(0, kMaxText).multiLineText().optional()}};
}

inline ObjectSchema product_link_schema() {
    return {{field::integer("product_id").range(1, INT64_MAX),
             field::string("reason").length(0, kMaxText).multiLineText().optional()}};
}

// ---- JSON of the records ---------------------------------------------------------------

inline Json plan_json(const store::SamplingPlan& p, const std::vector<store::QuotaProgress>* progress) {
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
        j->set("office_name", q.office_name);
        j->set("office_kind", q.office_kind);
        Poco::JSON::Array::Ptr tags = new Poco::JSON::Array;
        for (const auto& t : q.focus_tags) tags->add(t);
        j->set("focus_tags", tags);
        const store::QuotaProgress* got = nullptr;
        if (progress)
            for (const auto& g : *progress)
                if (g.quota.id == q.id) got = &g;
        if (got) {
            j->set("registered", got->registered);
            j->set("remaining", std::max<std::int64_t>(0, q.quantity - got->registered));
        }
        // Each month asked for, and each month something was registered in (progress per month).
        std::map<std::string, std::pair<std::optional<std::int64_t>, std::int64_t>> by_month;
        for (const auto& m : q.months) by_month[m.month].first = m.quantity;
        if (got)
            for (const auto& [month, n] : got->registered_by_month) by_month[month].second = n;
        Poco::JSON::Array::Ptr months = new Poco::JSON::Array;
        for (const auto& [month, line] : by_month) {
            auto m = newObject();
            m->set("month", month);
            m->set("quantity", line.first ? Poco::Dynamic::Var(*line.first) : Poco::Dynamic::Var());
            if (got) m->set("registered", line.second);
            months->add(m);
        }
        j->set("months", months);
        quotas->add(j);
    }
    o->set("quotas", quotas);
    Poco::JSON::Array::Ptr phases = new Poco::JSON::Array;
    for (const auto& ph : p.phases) {
        auto j = newObject();
        j->set("name", ph.name);
        j->set("starts_on", ph.starts_on);
        j->set("ends_on", ph.ends_on);
        j->set("summary_due_on", ph.summary_due_on ? Poco::Dynamic::Var(*ph.summary_due_on) : Poco::Dynamic::Var());
        phases->add(j);
    }
    o->set("phases", phases);
    return o;
}

inline Json task_json(const store::SamplingTask& t) {
    auto o = newObject();
    o->set("number", t.number);
    o->set("plan_id", t.plan_id);
    if (t.quota_id) o->set("quota_id", *t.quota_id);
    o->set("office_id", t.office_org_id);
    o->set("state", t.state);
    o->set("due_on", t.due_on);
    o->set("version", t.version);
    // Focus varieties (重点品种) from its quota: codes of GET /api/v1/focus-tags.
    Poco::JSON::Array::Ptr tags = new Poco::JSON::Array;
    for (const auto& code : t.focus_tags) tags->add(code);
    o->set("focus_tags", tags);
    return o;
}

inline Json sample_summary(const domain::Sample& s) {
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

inline Poco::Dynamic::Var or_null(const std::optional<std::string>& v) {
    return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
}

inline Json delivery_json(const wf::Delivery& d) {
    auto j = newObject();
    j->set("carrier", d.carrier);
    j->set("tracking_number", d.tracking_number);
    j->set("received_on", or_null(d.received_on));
    j->set("note", d.note);
    return j;
}

// Issue 16 items 8 and 9: the field record beside the label (null where not recorded).
inline void field_record_json(Json o, const wf::SampleDetail& d) {
    const auto& f = d.field;
    o->set("sampling_stage", f.details ? or_null(f.details->sampling_stage) : Poco::Dynamic::Var());
    if (f.details) {
        const auto& x = *f.details;
        auto supplier = newObject();
        supplier->set("name", x.supplier_name);
        supplier->set("credit_code", x.supplier_credit_code);
        o->set("supplier", supplier);
        o->set("stock_quantity", or_null(x.stock_quantity));
        auto contact = newObject();
        contact->set("name", x.unit_contact_name);
        contact->set("phone", x.unit_contact_phone);
        o->set("unit_contact", contact);
        if (x.purchase_price) {
            auto purchase = newObject();
            purchase->set("price", *x.purchase_price);
            purchase->set("payment_method", or_null(x.payment_method));
            purchase->set("payment_reference", x.payment_reference);
            o->set("purchase", purchase);
        } else {
            o->set("purchase", Poco::Dynamic::Var());
        }
    } else {
        o->set("supplier", Poco::Dynamic::Var());
        o->set("stock_quantity", Poco::Dynamic::Var());
        o->set("unit_contact", Poco::Dynamic::Var());
        o->set("purchase", Poco::Dynamic::Var());
    }
    Poco::JSON::Array::Ptr certs = new Poco::JSON::Array;
    for (const auto& c : f.certificates) {
        auto j = newObject();
        j->set("user_id", c.user_id);
        j->set("certificate_number", c.certificate_number);
        certs->add(j);
    }
    o->set("sampler_certificates", certs);
    if (f.online) {
        const auto& x = *f.online;
        auto j = newObject();
        j->set("platform_name", x.platform_name);
        j->set("platform_credit_code", x.platform_operator_credit_code);
        j->set("platform_region_code", x.platform_region_code);
        j->set("shop_name", x.shop_name);
        j->set("shop_url", x.shop_url);
        j->set("shop_region_code", x.shop_region_code);
        j->set("shop_address", x.shop_address);
        j->set("order_number", x.order_number);
        j->set("receiving_address", x.receiving_address);
        j->set("delivery", x.delivery ? Poco::Dynamic::Var(delivery_json(*x.delivery)) : Poco::Dynamic::Var());
        Poco::JSON::Array::Ptr history = new Poco::JSON::Array;
        for (const auto& h : f.deliveries) {
            auto e = delivery_json(h.delivery);
            e->set("recorded_by", h.recorded_by);
            e->set("recorded_at", h.recorded_at);
            history->add(e);
        }
        j->set("deliveries", history);
        o->set("online", j);
    } else {
        o->set("online", Poco::Dynamic::Var());
    }
}

inline Json sample_json(const wf::SampleDetail& d) {
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
    field_record_json(o, d);
    return o;
}

inline Json shipment_json(const store::Shipment& s) {
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
inline domain::RoleSet row(const domain::StateMachine& machine, std::string_view from, std::string_view action) {
    const auto* t = machine.find(from, action);
    if (!t) throw std::logic_error("sampling routes: no row (" + std::string(from) + ", " + std::string(action) + ")");
    return t->roles;
}
inline domain::RoleSet either(domain::RoleSet a, domain::RoleSet b) {
    for (Role r : b.roles()) a.add(r);
    return a;
}
// Reading plans and tasks: who plans, who samples, who oversees.
constexpr domain::RoleSet kPlanReaders{Role::planner, Role::sampler, Role::bureau_viewer, Role::administrator};
// Reading shipments: both ends and the bureau.
constexpr domain::RoleSet kShipmentReaders{Role::sampler, Role::receiver, Role::planner, Role::bureau_viewer};

inline Route with_roles(Route route, domain::RoleSet roles) {
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
inline Outcome<IfMatch> if_match(const Request& r) {
    auto v = requireIfMatch(r);
    if (v) return IfMatch{*v, std::nullopt};
    if (v.problem().status == 428) return IfMatch{0, v.problem()};
    return v.problem();
}
inline Response transition_problem(const domain::Error& e, const IfMatch& m) {
    if (m.missing && e.code == wf::kStaleVersion) return Response::problem(*m.missing);
    return Response::error(e);
}

inline Response with_etag(Response r, std::int64_t version) { return std::move(r).withHeader("ETag", etagFor(version)); }

void add_sampling_plan_routes(Router& router, const RouteContext& context);
void add_sample_routes(Router& router, const RouteContext& context);
void add_shipment_routes(Router& router, const RouteContext& context);
// Evidence attachments of samples and case leads, and an online sample's delivery (sample_evidence_routes.cpp).
void add_sample_evidence_routes(Router& router, const RouteContext& context);

}  // namespace lims::api::sampling_tables
