#include "lims/workflow/coldchain/excursion_rules.hpp"

#include "lims/coldchain/standards.hpp"
#include "lims/store/detector_state_repository.hpp"
#include "lims/workflow/coldchain/detector_events.hpp"
#include "lims/workflow/coldchain/site_access.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <set>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::workflow::coldchain {

namespace cc = lims::coldchain;

namespace {

const std::set<std::string> kProductClasses{"drug", "vaccine", "biological", "tcm_decoction_piece", "cosmetic", "device"};
constexpr std::size_t kMaxReason = 2000;
constexpr std::size_t kMaxLines = 32;

using domain::errors::invalid;

// The rule's lines as stored, each checked; a spike is a consecutive rule of duration 0.
domain::Result<std::string> lines_json(const std::vector<ExcursionRuleLine>& lines) {
    if (lines.size() > kMaxLines)
        return invalid("excursions", "coldchain.rules.too_many", "at most " + std::to_string(kMaxLines) + " excursion rules");
    Poco::JSON::Array out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& l = lines[i];
        const std::string at = "excursions[" + std::to_string(i) + "].";
        if (l.comparison != ">" && l.comparison != ">=" && l.comparison != "<=" && l.comparison != "<")
            return invalid(at + "comparison", "coldchain.rules.comparison", "comparison must be >, >=, <= or <");
        if (l.accumulation != "consecutive" && l.accumulation != "cumulative" && l.accumulation != "spike")
            return invalid(at + "accumulation", "coldchain.rules.accumulation",
                           "accumulation must be consecutive, cumulative or spike");
        if (l.accumulation == "spike" && l.duration_s != 0)
            return invalid(at + "duration_s", "coldchain.rules.spike_duration",
                           "a spike rule fires on one reading: its duration_s must be 0");
        if (l.accumulation == "cumulative" && l.duration_s <= 0)
            return invalid(at + "duration_s", "coldchain.rules.cumulative_duration",
                           "a cumulative rule needs a duration_s above 0");
        Poco::JSON::Object o;
        o.set("name", l.name);
        o.set("comparison", l.comparison);
        o.set("threshold_centi_celsius", l.threshold_centi_celsius);
        o.set("duration_s", l.duration_s);
        o.set("accumulation", l.accumulation);
        out.add(o);
    }
    std::ostringstream s;
    out.stringify(s);
    return s.str();
}

// The field a coldchain.rules.* problem of the whole rule set is about.
domain::Error as_field_error(const domain::Error& e) {
    std::string field = "excursions";
    if (e.code.find("range") != std::string::npos) field = "min_centi_celsius";
    else if (e.code.find("confirmation") != std::string::npos) field = "alarm_confirmation_s";
    else if (e.code.find("recording_interval") != std::string::npos) field = "recording_interval_s";
    else if (e.code.find("offline") != std::string::npos) field = "offline_alarm_after_s";
    return invalid(field, e.code, e.message);
}

domain::Result<store::ExcursionRuleRow> row_of(const ExcursionRuleChange& change) {
    if (change.reason.empty() || change.reason.size() > kMaxReason)
        return invalid("reason", "coldchain.rules.reason", "say why the rule changes (1 to 2000 characters)");
    store::ExcursionRuleRow row;
    row.withdrawn = change.withdraw;
    row.reason = change.reason;
    if (change.withdraw) return row;
    row.min_centi_celsius = change.min_centi_celsius;
    row.max_centi_celsius = change.max_centi_celsius;
    row.alarm_confirmation_s = change.alarm_confirmation_s;
    row.recording_interval_s = change.recording_interval_s;
    row.offline_alarm_after_s = change.offline_alarm_after_s;
    auto json = lines_json(change.excursions);
    if (!json) return json.error();
    row.excursions_json = *json;
    return row;
}

// The logger placed in the unit now, if any.
domain::Result<std::optional<std::int64_t>> logger_in(store::Transaction& tx, std::int64_t unit_id) {
    std::vector<Poco::Int64> ids;
    tx.session() << "SELECT logger_id FROM logger_placements WHERE storage_unit_id = $1 AND to_utc IS NULL", bind(unit_id),
        into(ids), now;
    if (ids.empty()) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(ids.front());
}

// Before new rules reach a unit: what is open under the old ones closes at `now_utc`
// (ended_by end_of_record), recorded like any detector event, and the state is saved.
domain::Result<void> close_under_old_rules(store::Transaction& tx, const store::StorageUnitRow& unit, std::int64_t now_utc,
                                           const ColdChainOptions& options) {
    auto logger = logger_in(tx, unit.id);
    if (!logger) return logger.error();
    if (!*logger) return {};
    store::DetectorStateRepository states(tx);
    if (auto ok = states.lock_logger(**logger); !ok) return ok.error();
    auto watch = store::StorageUnitRepository(tx).watch_by_id(**logger);
    if (!watch) return watch.error();
    if (!*watch || !(*watch)->placement) return {};
    auto old = rule_in_force(tx, **watch);
    if (!old) return old.error();
    auto detector = detector_for(tx, **watch, old->rules, options.actor);
    if (!detector) return detector.error();
    std::vector<cc::Event> events;
    detector->finish(now_utc, events);
    if (events.empty()) return {};
    EventCounts counts;
    if (auto ok = record_detector_events(tx, **watch, events, now_utc, options, counts, *old); !ok) return ok;
    if (auto ok = states.save(**logger, (*watch)->placement->id, detector->save()); !ok) return ok.error();
    return {};
}

cc::RecordingContext context_of(const store::StorageUnitRow& unit) {
    return unit.kind == "transport_box" ? cc::RecordingContext::transport : cc::RecordingContext::storage;
}

domain::Result<store::StorageUnitRow> visible_unit(store::Transaction& tx, const Actor& caller, std::int64_t unit_id) {
    auto subtree = Subtree::of(tx, caller);
    if (!subtree) return subtree.error();
    auto unit = store::StorageUnitRepository(tx).get(unit_id);
    if (!unit) {
        if (unit.error().kind == domain::ErrorKind::not_found) return not_visible("storage unit", unit_id);
        return unit.error();
    }
    if (!subtree->contains(unit->org_id)) return not_visible("storage unit", unit_id);
    return unit;
}

domain::Result<UnitRuleView> view_of(store::Transaction& tx, const store::StorageUnitRow& unit) {
    UnitRuleView v;
    v.unit = unit;
    auto in_force = rule_in_force(tx, unit, context_of(unit));
    if (!in_force) return in_force.error();
    v.in_force = std::move(*in_force);
    auto versions = store::ExcursionRuleRepository(tx).history(store::unit_rule_key(unit.id));
    if (!versions) return versions.error();
    v.versions = std::move(*versions);
    return v;
}

domain::Result<void> check_class(const std::string& product_class, const std::string& storage_class) {
    if (!kProductClasses.contains(product_class))
        return invalid("product_class", "coldchain.rules.product_class",
                       "product class '" + product_class + "' is not one of " + std::string(store::kProductClassList));
    if (!storage_class_from(storage_class))
        return invalid("storage_class", "coldchain.rules.storage_class",
                       "storage class '" + storage_class + "' is not one of refrigerated, frozen, cool, ambient");
    return {};
}

// The units a product-class rule reaches (every jurisdiction).
domain::Result<std::vector<store::StorageUnitRow>> units_of_class(store::Transaction& tx, const std::string& product_class,
                                                                 const std::string& storage_class) {
    std::vector<Poco::Int64> ids;
    tx.session() << "SELECT id FROM storage_units WHERE product_class = $1 AND storage_class = $2 ORDER BY id",
        bind(product_class), bind(storage_class), into(ids), now;
    std::vector<store::StorageUnitRow> out;
    store::StorageUnitRepository units(tx);
    for (auto id : ids) {
        auto u = units.get(id);
        if (!u) return u.error();
        out.push_back(std::move(*u));
    }
    return out;
}

domain::Result<ProductClassRuleView> class_view(store::Transaction& tx, const Actor& caller, const std::string& product_class,
                                                const std::string& storage_class) {
    ProductClassRuleView v;
    v.product_class = product_class;
    v.storage_class = storage_class;
    auto versions = store::ExcursionRuleRepository(tx).history(store::product_class_rule_key(product_class, storage_class));
    if (!versions) return versions.error();
    v.versions = std::move(*versions);
    auto subtree = Subtree::of(tx, caller);
    if (!subtree) return subtree.error();
    auto units = units_of_class(tx, product_class, storage_class);
    if (!units) return units.error();
    for (const auto& u : *units)
        if (subtree->contains(u.org_id)) v.storage_units.push_back(u.id);
    return v;
}

std::int64_t newest_version(const std::vector<store::ExcursionRuleRow>& versions) {
    return versions.empty() ? 0 : versions.back().version;
}

domain::Error stale_rule(std::int64_t newest, std::int64_t expected) {
    return domain::errors::stale("coldchain.rules.version",
                                 "the rule is at version " + std::to_string(newest) + ", not " + std::to_string(expected) +
                                     ": someone changed it meanwhile; read it again");
}

}  // namespace

domain::Result<UnitRuleView> set_unit_excursion_rule(store::Database& db, const Actor& caller, std::int64_t unit_id,
                                                     const ExcursionRuleChange& change, std::int64_t expected_version,
                                                     std::int64_t now_utc, const ColdChainOptions& options) {
    return db.write([&](store::Transaction& tx) -> domain::Result<UnitRuleView> {
        auto unit = visible_unit(tx, caller, unit_id);
        if (!unit) return unit.error();
        auto row = row_of(change);
        if (!row) return row.error();
        row->scope = "storage_unit";
        row->scope_key = store::unit_rule_key(unit->id);
        row->storage_unit_id = unit->id;
        store::ExcursionRuleRepository repo(tx);
        auto current = repo.current(row->scope_key);
        if (!current) return current.error();
        const std::int64_t newest = *current ? (*current)->version : 0;
        if (newest != expected_version) return stale_rule(newest, expected_version);
        if (change.withdraw && (!*current || (*current)->withdrawn))
            return domain::errors::conflict("coldchain.rules.nothing_to_withdraw",
                                            "storage unit " + unit->code + " has no rule of its own in force");
        // What the change would put in force must build.
        auto candidate = rule_in_force(tx, *unit, context_of(*unit), *row);
        if (!candidate) return as_field_error(candidate.error());
        if (auto ok = close_under_old_rules(tx, *unit, now_utc, options); !ok) return ok.error();
        auto stored = repo.append(*row, expected_version, caller.name);
        if (!stored) return stored.error();
        return view_of(tx, *unit);
    });
}

domain::Result<UnitRuleView> unit_excursion_rule(store::Database& db, const Actor& caller, std::int64_t unit_id) {
    return db.read([&](store::Transaction& tx) -> domain::Result<UnitRuleView> {
        auto unit = visible_unit(tx, caller, unit_id);
        if (!unit) return unit.error();
        return view_of(tx, *unit);
    });
}

domain::Result<ProductClassRuleView> set_product_class_excursion_rule(store::Database& db, const Actor& caller,
                                                                      const std::string& product_class,
                                                                      const std::string& storage_class,
                                                                      const ExcursionRuleChange& change,
                                                                      std::int64_t expected_version, std::int64_t now_utc,
                                                                      const ColdChainOptions& options) {
    return db.write([&](store::Transaction& tx) -> domain::Result<ProductClassRuleView> {
        if (auto ok = check_class(product_class, storage_class); !ok) return ok.error();
        // "/1/": the top organisation; a product class rule reaches every jurisdiction.
        if (std::count(caller.org_path.begin(), caller.org_path.end(), '/') != 2)
            return domain::errors::forbidden("coldchain.rules.product_class_scope",
                                             "a product class rule reaches every jurisdiction: only an administrator "
                                             "of the top organisation sets it; set a storage unit's rule instead");
        auto row = row_of(change);
        if (!row) return row.error();
        row->scope = "product_class";
        row->scope_key = store::product_class_rule_key(product_class, storage_class);
        row->product_class = product_class;
        row->storage_class = storage_class;
        store::ExcursionRuleRepository repo(tx);
        auto current = repo.current(row->scope_key);
        if (!current) return current.error();
        const std::int64_t newest = *current ? (*current)->version : 0;
        if (newest != expected_version) return stale_rule(newest, expected_version);
        if (change.withdraw && (!*current || (*current)->withdrawn))
            return domain::errors::conflict("coldchain.rules.nothing_to_withdraw",
                                            "product class " + product_class + " (" + storage_class + ") has no rule in force");
        // It must build over the class's defaults and over every unit it reaches.
        store::StorageUnitRow typical;
        typical.code = product_class + "/" + storage_class;
        typical.storage_class = storage_class;
        typical.product_class = product_class;
        const auto range = cc::default_range(*storage_class_from(storage_class));
        typical.min_centi_celsius = range.low.value_or(cc::standard::kPlausibleLow);
        typical.max_centi_celsius = range.high.value_or(cc::standard::kPlausibleHigh);
        if (auto built = rule_in_force(tx, typical, cc::RecordingContext::storage, *row); !built)
            return as_field_error(built.error());
        auto units = units_of_class(tx, product_class, storage_class);
        if (!units) return units.error();
        for (const auto& u : *units) {
            auto built = rule_in_force(tx, u, context_of(u), *row);
            if (!built) {
                auto e = as_field_error(built.error());
                e.message = "at storage unit " + u.code + ": " + e.message;
                return e;
            }
        }
        for (const auto& u : *units)
            if (auto ok = close_under_old_rules(tx, u, now_utc, options); !ok) return ok.error();
        auto stored = repo.append(*row, expected_version, caller.name);
        if (!stored) return stored.error();
        return class_view(tx, caller, product_class, storage_class);
    });
}

domain::Result<ProductClassRuleView> product_class_excursion_rule(store::Database& db, const Actor& caller,
                                                                  const std::string& product_class,
                                                                  const std::string& storage_class) {
    return db.read([&](store::Transaction& tx) -> domain::Result<ProductClassRuleView> {
        if (auto ok = check_class(product_class, storage_class); !ok) return ok.error();
        return class_view(tx, caller, product_class, storage_class);
    });
}

std::vector<DefaultRules> default_excursion_rules() {
    std::vector<DefaultRules> out;
    for (auto c : {cc::StorageClass::refrigerated, cc::StorageClass::frozen, cc::StorageClass::cool,
                   cc::StorageClass::ambient})
        for (auto context : {cc::RecordingContext::storage, cc::RecordingContext::transport})
            out.push_back({std::string(cc::to_string(c)), std::string(cc::to_string(context)),
                           default_rule_label(c, context), cc::default_rules(c, context)});
    return out;
}

}  // namespace lims::workflow::coldchain
