// Excursion rules as data (issue 19 item 3): the WHO/GSP defaults, named; a storage unit's
// own rule and a product class's rule, each set by an administrator as a new version
// (If-Match with the newest version, If-None-Match: * for the first) and read with its
// history and the rule in force. Use cases: lims/workflow/coldchain/excursion_rules.hpp.
#include "lims/api/routes/coldchain_common.hpp"
#include "lims/workflow/coldchain/excursion_rules.hpp"

#include <Poco/String.h>

namespace lims::api::coldchain_routes {

namespace {

using domain::Role;
namespace lcc = lims::coldchain;

ObjectSchema rule_schema() {
    return {{
        field::string("reason").length(1, 2000).describedAs("why the rule changes (kept with the version)"),
        field::integer("min_centi_celsius").range(-10000, 10000).describedAs("alarm range, lower limit").optional(),
        field::integer("max_centi_celsius").range(-10000, 10000).describedAs("alarm range, upper limit").optional(),
        field::integer("alarm_confirmation_s").range(0, 86'400).describedAs("out of range this long raises the alarm").optional(),
        field::integer("recording_interval_s").range(1, 86'400).describedAs("a record is due at least this often").optional(),
        field::integer("offline_alarm_after_s")
            .range(60, 7 * 86'400)
            .describedAs("no reading this long raises the offline alarm (default: the recording interval)")
            .optional(),
        field::array("excursions",
                     field::object("", ObjectSchema{{
                                           field::string("name").length(1, 64).matching("[A-Za-z0-9._-]+", "letters, digits, '.', '_' or '-'"),
                                           field::string("comparison").oneOf({">", ">=", "<=", "<"}),
                                           field::integer("threshold_centi_celsius").range(-10000, 10000),
                                           field::integer("duration_s").range(0, 366 * 86'400),
                                           field::string("accumulation").oneOf({"consecutive", "cumulative", "spike"}).optional(),
                                       }}))
            .count(0, 32)
            .describedAs("the excursion rules; empty or absent: those of the rule below")
            .optional(),
        field::boolean("withdraw").describedAs("true: this scope's rule no longer applies (the rule below does)").optional(),
    }};
}

cc::ExcursionRuleChange change_of(const Json& j) {
    cc::ExcursionRuleChange c;
    c.reason = j->getValue<std::string>("reason");
    if (auto v = optional_int(j, "min_centi_celsius")) c.min_centi_celsius = static_cast<std::int32_t>(*v);
    if (auto v = optional_int(j, "max_centi_celsius")) c.max_centi_celsius = static_cast<std::int32_t>(*v);
    c.alarm_confirmation_s = optional_int(j, "alarm_confirmation_s");
    c.recording_interval_s = optional_int(j, "recording_interval_s");
    c.offline_alarm_after_s = optional_int(j, "offline_alarm_after_s");
    c.withdraw = j->has("withdraw") && !j->isNull("withdraw") && j->getValue<bool>("withdraw");
    if (auto lines = j->getArray("excursions")) {
        for (std::size_t i = 0; i < lines->size(); ++i) {
            auto o = lines->getObject(static_cast<unsigned>(i));
            cc::ExcursionRuleLine l;
            l.name = o->getValue<std::string>("name");
            l.comparison = o->getValue<std::string>("comparison");
            l.threshold_centi_celsius = static_cast<std::int32_t>(o->getValue<Poco::Int64>("threshold_centi_celsius"));
            l.duration_s = o->getValue<Poco::Int64>("duration_s");
            l.accumulation = o->optValue<std::string>("accumulation", "consecutive");
            c.excursions.push_back(std::move(l));
        }
    }
    return c;
}

// If-Match with the newest version replaces; If-None-Match: * sets the first (version 0).
Outcome<std::int64_t> expected_version(const Request& r) {
    if (r.header("if-match").empty() && Poco::trim(r.header("if-none-match")) == "*") return std::int64_t{0};
    auto version = requireIfMatch(r);
    if (!version && version.problem().status == 428)
        return problems::preconditionRequired(
            "Changing an excursion rule needs If-Match with its newest version (the ETag) to replace it, or "
            "If-None-Match: * when there is none yet.");
    return version;
}

Json rules_json(const lcc::RuleSet& rules, const std::string& source_label) {
    Json j = newObject();
    j->set("storage_class", std::string(lcc::to_string(rules.storage_class)));
    if (rules.range.low) j->set("min_centi_celsius", *rules.range.low);
    if (rules.range.high) j->set("max_centi_celsius", *rules.range.high);
    j->set("alarm_confirmation_s", rules.alarm_confirmation);
    j->set("recording_interval_s", rules.recording_interval);
    j->set("offline_alarm_after_s", rules.offline_alarm_after);
    j->set("record_gap_after_s", rules.offline_after());
    Poco::JSON::Array::Ptr lines = new Poco::JSON::Array;
    for (const auto& r : rules.excursions) {
        Json l = newObject();
        l->set("name", r.name);
        l->set("comparison", std::string(lcc::to_string(r.comparison)));
        l->set("threshold_centi_celsius", r.threshold);
        l->set("duration_s", r.duration);
        l->set("accumulation", std::string(lcc::to_string(r.accumulation)));
        l->set("kind", std::string(lcc::to_string(r.kind())));
        l->set("meaning", lcc::describe(r));
        l->set("from", source_label);
        lines->add(l);
    }
    j->set("excursions", lines);
    return j;
}

Json layer_json(const cc::RuleLayer& l) {
    Json j = newObject();
    j->set("source", l.source);
    if (l.version_id) j->set("version_id", *l.version_id);
    if (l.version) j->set("version", l.version);
    j->set("label", l.label);
    return j;
}

Poco::JSON::Array::Ptr versions_json(const std::vector<store::ExcursionRuleRow>& rows) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    for (const auto& row : rows) out->add(parse_object(store::to_json(row)));
    return out;
}

std::int64_t newest(const std::vector<store::ExcursionRuleRow>& rows) { return rows.empty() ? 0 : rows.back().version; }

Response unit_rule_response(const cc::UnitRuleView& v) {
    Json j = newObject();
    j->set("storage_unit_id", v.unit.id);
    j->set("storage_unit_code", v.unit.code);
    if (!v.unit.product_class.empty()) j->set("product_class", v.unit.product_class);
    Json in_force = rules_json(*v.in_force.rules, v.in_force.excursions_from.label);
    const auto& top = v.in_force.layers.back();
    in_force->set("source", top.source);
    if (top.version_id) in_force->set("version_id", *top.version_id);
    in_force->set("label", top.label);
    Poco::JSON::Array::Ptr layers = new Poco::JSON::Array;
    for (const auto& l : v.in_force.layers) layers->add(layer_json(l));
    in_force->set("layers", layers);
    in_force->set("excursions_from", layer_json(v.in_force.excursions_from));
    j->set("in_force", in_force);
    j->set("version", newest(v.versions));
    j->set("versions", versions_json(v.versions));
    return Response::json(200, j).withHeader("ETag", etagFor(newest(v.versions)));
}

Response class_rule_response(const cc::ProductClassRuleView& v) {
    Json j = newObject();
    j->set("product_class", v.product_class);
    j->set("storage_class", v.storage_class);
    j->set("version", newest(v.versions));
    j->set("in_force", !v.versions.empty() && !v.versions.back().withdrawn);
    j->set("versions", versions_json(v.versions));
    Poco::JSON::Array::Ptr units = new Poco::JSON::Array;
    for (auto id : v.storage_units) units->add(id);
    j->set("storage_units", units);
    return Response::json(200, j).withHeader("ETag", etagFor(newest(v.versions)));
}

Response no_such_unit() { return Response::problem(problems::notFound("no such storage unit")); }

}  // namespace

void add_rule_routes(Router& router, const RouteContext& context) {
    auto db = context.database;
    const auto* calendar = context.calendar;
    const domain::RoleSet admin{Role::administrator};
    const std::string unit_path = "/api/v1/coldchain/storage-units/{id}/excursion-rules";
    const std::string class_path = "/api/v1/coldchain/product-classes/{product_class}/{storage_class}/excursion-rules";

    router.add({"GET", "/api/v1/coldchain/excursion-rules/defaults", "defaultExcursionRules",
                "The WHO/GSP default rules of every storage class, in storage and in transport, each named with the "
                "standard it comes from; a unit without a rule of its own or of its product class uses these",
                AuthRequirement::User, std::nullopt,
                [](const Request&) {
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& d : cc::default_excursion_rules()) {
                        Json j = rules_json(d.rules, d.label);
                        j->set("context", d.context);
                        j->set("label", d.label);
                        items->add(j);
                    }
                    Json body = newObject();
                    body->set("items", items);
                    return Response::json(200, body);
                },
                200, kPeopleRoles});

    router.add({"GET", unit_path, "getStorageUnitExcursionRules",
                "The rule in force at a storage unit (its own, else its product class's, else the WHO/GSP default; "
                "each layer named) and every version of its own rule; ETag: its newest version (0: none)",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto id = param_id(r);
                    if (!id) return no_such_unit();
                    auto view = cc::unit_excursion_rule(*db, actor_of(r), *id);
                    if (!view) return Response::error(view.error());
                    return unit_rule_response(*view);
                },
                200, kPeopleRoles});

    router.add({"PUT", unit_path, "setStorageUnitExcursionRules",
                "Set a storage unit's own excursion rule as a new version (administrators; a reason; If-Match with "
                "the newest version, If-None-Match: * for the first). Empty fields keep the rule below; withdraw "
                "hands back to it. Open excursions close at the change (end_of_record)",
                AuthRequirement::User, rule_schema(),
                [db, calendar](const Request& r) {
                    auto id = param_id(r);
                    if (!id) return no_such_unit();
                    // Another jurisdiction's unit is a 404 like a missing one, before If-Match.
                    if (auto seen = cc::unit_excursion_rule(*db, actor_of(r), *id); !seen)
                        return Response::error(seen.error());
                    auto expected = expected_version(r);
                    if (!expected) return Response::problem(expected.problem());
                    auto view = cc::set_unit_excursion_rule(*db, actor_of(r), *id, change_of(r.json), *expected,
                                                            now_utc(), options_for(r, calendar));
                    if (!view) return Response::error(view.error());
                    return unit_rule_response(*view);
                },
                200, admin});

    router.add({"GET", class_path, "getProductClassExcursionRules",
                "Every version of a product class's rule in a storage class (e.g. vaccine / refrigerated) and the "
                "caller's storage units it reaches",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto view = cc::product_class_excursion_rule(*db, actor_of(r), r.params.at("product_class"),
                                                                 r.params.at("storage_class"));
                    if (!view) return Response::error(view.error());
                    return class_rule_response(*view);
                },
                200, kPeopleRoles});

    router.add({"PUT", class_path, "setProductClassExcursionRules",
                "Set a product class's excursion rule in a storage class as a new version (administrators of the top "
                "organisation: it reaches every unit holding that class; a reason; If-Match or If-None-Match: *)",
                AuthRequirement::User, rule_schema(),
                [db, calendar](const Request& r) {
                    auto expected = expected_version(r);
                    if (!expected) return Response::problem(expected.problem());
                    auto view = cc::set_product_class_excursion_rule(
                        *db, actor_of(r), r.params.at("product_class"), r.params.at("storage_class"), change_of(r.json),
                        *expected, now_utc(), options_for(r, calendar));
                    if (!view) return Response::error(view.error());
                    return class_rule_response(*view);
                },
                200, admin});
}

}  // namespace lims::api::coldchain_routes
