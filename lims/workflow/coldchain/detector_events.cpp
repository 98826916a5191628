#include "lims/workflow/coldchain/detector_events.hpp"

#include "lims/store/alarm_repository.hpp"
#include "lims/store/excursion_repository.hpp"
#include "lims/workflow/coldchain/alarms.hpp"
#include "lims/workflow/coldchain/excursion_leads.hpp"

#include <chrono>
#include <cstdio>

namespace lims::workflow::coldchain {

namespace cc = lims::coldchain;

namespace {

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::string celsius(std::int32_t centi) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f °C", centi / 100.0);
    return buf;
}

class Recorder {
public:
    Recorder(store::Transaction& tx, const store::LoggerWatch& watch, std::int64_t now, const ColdChainOptions& options,
             EventCounts& counts)
        : tx_(tx), watch_(watch), now_(now), options_(options), counts_(counts), alarms_(tx), excursions_(tx) {
        if (watch.placement && watch.placement->storage_unit_id && watch.unit)
            place_ = "storage unit " + watch.unit->code + " (" + watch.unit->name + ")";
        else if (watch.placement && watch.placement->shipment_id)
            place_ = "shipment " + std::to_string(*watch.placement->shipment_id);
        else
            place_ = "logger " + watch.serial;
    }

    domain::Result<void> raise(std::string kind, std::string side, std::int64_t at, std::int64_t since,
                               std::optional<std::int32_t> centi, std::string detail,
                               std::optional<std::int64_t> excursion_id = std::nullopt) {
        store::AlarmRow a;
        a.logger_id = watch_.logger_id;
        a.placement_id = watch_.placement->id;
        a.org_id = watch_.site_org_id;
        a.storage_unit_id = watch_.placement->storage_unit_id;
        a.shipment_id = watch_.placement->shipment_id;
        a.excursion_id = excursion_id;
        a.kind = std::move(kind);
        a.side = std::move(side);
        a.raised_at_utc = at;
        a.since_utc = since;
        a.centi_celsius = centi;
        a.detail = "logger " + watch_.serial + ". " + detail;
        a.escalate_at_utc = now_ + options_.acknowledgement_deadline;
        auto raised = raise_alarm(tx_, a, place_, now_, options_.actor);
        if (!raised) return raised.error();
        ++counts_.alarms_raised;
        return {};
    }

    domain::Result<void> clear(const std::string& kind, std::int64_t at) {
        auto cleared = alarms_.clear(watch_.logger_id, kind, at, options_.actor);
        if (!cleared) return cleared.error();
        return {};
    }

    domain::Result<void> operator()(const cc::AlarmRaised& e) {
        return raise("out_of_range", std::string(cc::to_string(e.side)), e.at, e.since, e.temperature,
                     "Out of range (" + std::string(cc::to_string(e.side)) + ") since " + std::to_string(e.since) +
                         ", confirmed at " + std::to_string(e.at) + " with " + celsius(e.temperature) + ".");
    }
    domain::Result<void> operator()(const cc::AlarmCleared& e) { return clear("out_of_range", e.at); }
    domain::Result<void> operator()(const cc::ExcursionOpened& e) {
        store::ExcursionRow x;
        x.logger_id = watch_.logger_id;
        x.placement_id = watch_.placement->id;
        x.storage_unit_id = watch_.placement->storage_unit_id;
        x.shipment_id = watch_.placement->shipment_id;
        x.rule = e.rule;
        x.kind = std::string(cc::to_string(e.kind));
        const auto* rule = find_rule(e.rule);
        x.accumulation = rule ? std::string(cc::to_string(rule->accumulation)) : "consecutive";
        x.start_utc = e.start;
        x.opened_at_utc = e.at;
        if (in_force) {
            x.rule_source = in_force->excursions_from.source;
            x.rule_version_id = in_force->excursions_from.version_id;
            x.rule_detail = in_force->why(e.rule);
        }
        auto opened = excursions_.open(x, options_.actor);
        if (!opened) return opened.error();
        ++counts_.excursions_opened;
        if (auto ok = raise("excursion", "", e.at, e.start, std::nullopt,
                            std::string(cc::to_string(e.kind)) + " excursion under rule " + e.rule + " (" +
                                x.rule_detail + ") since " + std::to_string(e.start) + ".",
                            opened->id);
            !ok)
            return ok;
        return open_case_lead(*opened);
    }
    domain::Result<void> operator()(const cc::ExcursionClosed& e) {
        const cc::Excursion& x = e.excursion;
        store::ExcursionFigures f{x.end,   x.minimum,     x.maximum, x.time_out_of_range, x.mkt_celsius,
                                  x.readings, std::string(cc::to_string(x.ended_by))};
        auto closed = excursions_.close(watch_.logger_id, x.rule, x.start, f, options_.actor);
        if (!closed) return closed.error();
        ++counts_.excursions_closed;
        // The excursion alarm stays for its acknowledgement; it is cleared with the excursion.
        // A case_lead_failed alarm is not: it stands until the lead is opened.
        tx_.session() << "UPDATE coldchain_alarms SET cleared_at_utc = $1, version = version + 1 WHERE excursion_id = $2 "
                         "AND kind = 'excursion' AND cleared_at_utc IS NULL",
            Poco::Data::Keywords::bind(e.at), Poco::Data::Keywords::bind(closed->id), Poco::Data::Keywords::now;
        return {};
    }
    domain::Result<void> operator()(const cc::WentOffline& e) {
        return raise("offline", "", e.at, e.last_seen, std::nullopt,
                     "No reading since " + std::to_string(e.last_seen) + " (" + offline_words() + ").");
    }
    domain::Result<void> operator()(const cc::CameOnline& e) { return clear("offline", e.at); }
    domain::Result<void> operator()(const cc::SensorFaultRaised& e) {
        return raise("sensor_fault", "", e.at, e.at, std::nullopt, "The logger reported its sensor-fault value.");
    }
    domain::Result<void> operator()(const cc::SensorFaultCleared& e) { return clear("sensor_fault", e.at); }
    domain::Result<void> operator()(const cc::ReadingRejected&) { return {}; }
    domain::Result<void> operator()(const cc::ReadingFlagged&) { return {}; }

private:
    const cc::ExcursionRule* find_rule(const std::string& name) const {
        auto rules = rules_for_watch();
        if (!rules) return nullptr;
        for (const auto& r : rules->excursions)
            if (r.name == name) return &r;
        return nullptr;
    }
    const cc::RuleSet* rules_for_watch() const;
    std::string offline_words() const {
        if (!in_force || !in_force->rules) return "the offline alarm delay";
        return "the offline alarm delay of " + std::to_string(in_force->rules->offline_alarm_after) + " s";
    }

    // Only storage at a regulated entity gets a lead (excursion_leads.hpp); it is opened in
    // a savepoint, so a lead that cannot be opened never rolls back the readings and the
    // excursion: it becomes a case_lead_failed alarm instead.
    domain::Result<void> open_case_lead(const store::ExcursionRow& x) {
        if (!watch_.entity_id || !watch_.placement->storage_unit_id || !watch_.unit) return {};
        ExcursionSite site{watch_.logger_id, watch_.serial, watch_.placement->id, *watch_.unit};
        auto attempt = open_excursion_case_lead(tx_, site, x, now_, options_);
        if (!attempt) return attempt.error();
        if (attempt->opened) ++counts_.case_leads_opened;
        if (attempt->failed) ++counts_.case_leads_failed;
        if (attempt->alarm_raised) ++counts_.alarms_raised;
        return {};
    }

    store::Transaction& tx_;
    const store::LoggerWatch& watch_;
    std::int64_t now_;
    const ColdChainOptions& options_;
    EventCounts& counts_;
    store::AlarmRepository alarms_;
    store::ExcursionRepository excursions_;
    std::string place_;

public:
    const RuleInForce* in_force = nullptr;
};

const cc::RuleSet* Recorder::rules_for_watch() const { return in_force ? in_force->rules.get() : nullptr; }

}  // namespace

domain::Result<void> record_detector_events(store::Transaction& tx, const store::LoggerWatch& watch,
                                            const std::vector<cc::Event>& events, std::int64_t now_utc,
                                            const ColdChainOptions& options, EventCounts& counts,
                                            const RuleInForce& rules) {
    if (!watch.placement) return {};
    Recorder recorder(tx, watch, now_utc, options, counts);
    recorder.in_force = &rules;
    for (const auto& event : events) {
        auto ok = std::visit(recorder, event);
        if (!ok) return ok;
    }
    return {};
}

}  // namespace lims::workflow::coldchain
