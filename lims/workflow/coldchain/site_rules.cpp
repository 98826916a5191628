#include "lims/workflow/coldchain/site_rules.hpp"

#include "lims/coldchain/standards.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace lims::workflow::coldchain {

namespace cc = lims::coldchain;

std::string default_rule_label(cc::StorageClass c, cc::RecordingContext context) {
    std::string label = "WHO/GSP default for " + std::string(cc::to_string(c)) + " " + std::string(cc::to_string(context));
    if (c == cc::StorageClass::refrigerated)
        label += " (WHO PQS E006 30-day recorder and type 1 indicator alarms; GSP annex recording interval)";
    else
        label += " (leaving the class's range for 10 h, the WHO 30-day recorder's heat duration; GSP annex recording "
                 "interval)";
    return label;
}

namespace {

RuleLayer layer_of(const store::ExcursionRuleRow& row, const store::StorageUnitRow& unit) {
    RuleLayer l;
    l.source = row.scope;
    l.version_id = row.id;
    l.version = row.version;
    l.label = row.scope == "storage_unit"
                  ? "storage unit " + unit.code + " rule, version " + std::to_string(row.version)
                  : "product class " + row.product_class + " (" + row.storage_class + ") rule, version " +
                        std::to_string(row.version);
    return l;
}

// The rule's fields over `rules`; an empty field keeps what is there.
domain::Result<void> apply(cc::RuleSet& rules, const store::ExcursionRuleRow& row) {
    if (row.min_centi_celsius) rules.range.low = *row.min_centi_celsius;
    if (row.max_centi_celsius) rules.range.high = *row.max_centi_celsius;
    if (row.alarm_confirmation_s) rules.alarm_confirmation = *row.alarm_confirmation_s;
    if (row.recording_interval_s) rules.recording_interval = *row.recording_interval_s;
    if (row.offline_alarm_after_s) rules.offline_alarm_after = *row.offline_alarm_after_s;
    auto lines = parse_excursion_lines(row.excursions_json);
    if (!lines) return lines.error();
    if (!lines->empty()) rules.excursions = std::move(*lines);
    return {};
}

domain::Result<RuleInForce> resolve(store::Transaction& tx, const store::StorageUnitRow& unit, cc::RecordingContext context,
                                    const store::ExcursionRuleRow* candidate) {
    auto cls = storage_class_from(unit.storage_class);
    if (!cls) return rules_for(unit, context).error();
    auto base = rules_for(unit, context);
    if (!base) return base.error();
    cc::RuleSet rules = **base;
    RuleInForce out;
    out.layers.push_back({"default", std::nullopt, 0, default_rule_label(*cls, context)});
    out.excursions_from = out.layers.back();

    store::ExcursionRuleRepository repo(tx);
    std::vector<std::string> keys;
    if (!unit.product_class.empty()) keys.push_back(store::product_class_rule_key(unit.product_class, unit.storage_class));
    keys.push_back(store::unit_rule_key(unit.id));
    for (const auto& key : keys) {
        std::optional<store::ExcursionRuleRow> row;
        if (candidate && candidate->scope_key == key) {
            row = *candidate;
        } else {
            auto found = repo.current(key);
            if (!found) return found.error();
            row = std::move(*found);
        }
        if (!row || row->withdrawn) continue;
        if (auto ok = apply(rules, *row); !ok) return ok.error();
        out.layers.push_back(layer_of(*row, unit));
        if (row->excursions_json != "[]" && !row->excursions_json.empty()) out.excursions_from = out.layers.back();
    }
    if (auto ok = cc::validate(rules); !ok) return ok.error();
    out.rules = std::make_shared<const cc::RuleSet>(std::move(rules));
    return out;
}

}  // namespace

domain::Result<std::vector<cc::ExcursionRule>> parse_excursion_lines(const std::string& json) {
    std::vector<cc::ExcursionRule> out;
    if (json.empty()) return out;
    Poco::JSON::Array::Ptr lines;
    try {
        lines = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Array::Ptr>();
    } catch (const Poco::Exception& e) {
        return domain::make_error("coldchain.rules.stored", "a stored excursion rule list is not JSON: " + e.displayText());
    }
    for (std::size_t i = 0; i < lines->size(); ++i) {
        auto o = lines->getObject(static_cast<unsigned>(i));
        if (!o) return domain::make_error("coldchain.rules.stored", "a stored excursion rule is not an object");
        cc::ExcursionRule r;
        r.name = o->optValue<std::string>("name", "");
        const std::string cmp = o->optValue<std::string>("comparison", "");
        bool known = false;
        for (auto c : {cc::Comparison::above, cc::Comparison::at_or_above, cc::Comparison::at_or_below, cc::Comparison::below})
            if (cc::to_string(c) == cmp) {
                r.comparison = c;
                known = true;
            }
        if (!known) return domain::make_error("coldchain.rules.stored", "rule '" + r.name + "' has comparison '" + cmp + "'");
        r.threshold = static_cast<cc::Centidegrees>(o->optValue<Poco::Int64>("threshold_centi_celsius", 0));
        r.duration = o->optValue<Poco::Int64>("duration_s", 0);
        r.accumulation = o->optValue<std::string>("accumulation", "") == "cumulative" ? cc::Accumulation::cumulative
                                                                                      : cc::Accumulation::consecutive;
        out.push_back(std::move(r));
    }
    return out;
}

std::string RuleInForce::why(const std::string& excursion_rule) const {
    if (rules)
        for (const auto& r : rules->excursions)
            if (r.name == excursion_rule) return cc::describe(r) + " — " + excursions_from.label;
    return excursions_from.label;
}

std::optional<cc::StorageClass> storage_class_from(std::string_view text) {
    for (auto c : {cc::StorageClass::refrigerated, cc::StorageClass::frozen, cc::StorageClass::cool,
                   cc::StorageClass::ambient})
        if (cc::to_string(c) == text) return c;
    return std::nullopt;
}

domain::Result<std::shared_ptr<const cc::RuleSet>> rules_for(const store::StorageUnitRow& unit,
                                                             cc::RecordingContext context) {
    auto cls = storage_class_from(unit.storage_class);
    if (!cls)
        return domain::make_error("coldchain.unit.storage_class",
                                  "storage unit '" + unit.code + "' has unknown storage class '" + unit.storage_class + "'");
    cc::RuleSet rules = *cls == cc::StorageClass::frozen ? cc::frozen_rules(unit.max_centi_celsius, context)
                                                         : cc::default_rules(*cls, context);
    // The unit's own range is the alarm range; a bound at the plausibility limit is open
    // ("frozen: ≤ −20 °C" is stored as −100..−20).
    rules.range.low = unit.min_centi_celsius <= cc::standard::kPlausibleLow
                          ? std::nullopt
                          : std::optional<cc::Centidegrees>(unit.min_centi_celsius);
    rules.range.high = unit.max_centi_celsius >= cc::standard::kPlausibleHigh
                           ? std::nullopt
                           : std::optional<cc::Centidegrees>(unit.max_centi_celsius);
    if (auto ok = cc::validate(rules); !ok) return ok.error();
    return std::make_shared<const cc::RuleSet>(std::move(rules));
}

domain::Result<RuleInForce> rule_in_force(store::Transaction& tx, const store::StorageUnitRow& unit,
                                          cc::RecordingContext context) {
    return resolve(tx, unit, context, nullptr);
}

domain::Result<RuleInForce> rule_in_force(store::Transaction& tx, const store::StorageUnitRow& unit,
                                          cc::RecordingContext context, const store::ExcursionRuleRow& candidate) {
    return resolve(tx, unit, context, &candidate);
}

domain::Result<RuleInForce> rule_in_force(store::Transaction& tx, const store::LoggerWatch& watch) {
    const bool trip = watch.placement && watch.placement->shipment_id;
    const auto context = trip ? cc::RecordingContext::transport : cc::RecordingContext::storage;
    if (watch.unit) return rule_in_force(tx, *watch.unit, context);
    RuleInForce out;
    out.rules = std::make_shared<const cc::RuleSet>(cc::default_rules(cc::StorageClass::refrigerated, context));
    out.layers.push_back({"default", std::nullopt, 0, default_rule_label(cc::StorageClass::refrigerated, context)});
    out.excursions_from = out.layers.back();
    return out;
}

domain::Result<cc::LoggerDetector> detector_for(store::Transaction& tx, const store::LoggerWatch& watch,
                                                const std::shared_ptr<const cc::RuleSet>& rules, const std::string& actor) {
    if (watch.detector_state) {
        auto restored = cc::LoggerDetector::restore(watch.serial, rules, *watch.detector_state);
        if (restored) return restored;
        if (restored.error().code == "coldchain.state.rules_changed") {
            auto carried = cc::LoggerDetector::carry_over(watch.serial, rules, *watch.detector_state);
            if (carried) return carried;
            restored = carried.error();
        }
        tx.record({actor, "detector.reset", "logger", watch.serial, "", "", restored.error().message});
    }
    return cc::LoggerDetector::create(watch.serial, rules, watch.placement->from_utc);
}

}  // namespace lims::workflow::coldchain
