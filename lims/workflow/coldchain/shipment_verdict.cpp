#include "lims/workflow/coldchain/shipment_verdict.hpp"

#include "lims/store/reading_repository.hpp"
#include "lims/store/storage_unit_repository.hpp"
#include "lims/workflow/coldchain/ingest.hpp"
#include "lims/workflow/coldchain/series_query.hpp"
#include "lims/workflow/coldchain/site_rules.hpp"
#include "lims/workflow/sampling/dates.hpp"
#include "lims/workflow/sampling/on_receipt.hpp"

#include <Poco/Nullable.h>
#include <Poco/Tuple.h>

#include <cstdio>

using namespace Poco::Data::Keywords;

namespace lims::workflow::coldchain {

namespace cc = lims::coldchain;

namespace {

std::string word_of(const cc::ShipmentVerdict& v) {
    switch (v.outcome) {
        case cc::ShipmentOutcome::in_range:
        case cc::ShipmentOutcome::deviation: return "held";
        case cc::ShipmentOutcome::incomplete_record: return "no_data";
        case cc::ShipmentOutcome::excursion: return "excursion";
    }
    return "no_data";
}

std::string celsius(std::int32_t centi) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f °C", centi / 100.0);
    return buf;
}

std::string summary_of(const TripVerdict& t) {
    const auto& v = t.verdict;
    std::string s = std::string(cc::to_string(v.outcome)) + ": " + std::to_string(v.readings) + " readings";
    if (v.minimum && v.maximum) s += ", " + celsius(*v.minimum) + " to " + celsius(*v.maximum);
    if (v.mkt_celsius) {
        char buf[32];
        std::snprintf(buf, sizeof buf, ", MKT %.2f °C", *v.mkt_celsius);
        s += buf;
    }
    for (const auto& x : v.excursions)
        s += "; " + std::string(cc::to_string(x.kind)) + " excursion (" + x.rule + ") " + std::to_string(x.time_out_of_range) +
             " s out of range, max " + celsius(x.maximum) + ", min " + celsius(x.minimum);
    if (!v.out_of_range.empty()) s += "; " + std::to_string(v.out_of_range.size()) + " out-of-range stretch(es)";
    if (!v.recording_gaps.empty()) s += "; " + std::to_string(v.recording_gaps.size()) + " recording gap(s)";
    if (v.sensor_faults) s += "; " + std::to_string(v.sensor_faults) + " sensor fault reading(s)";
    return s;
}

}  // namespace

domain::Result<TripVerdict> trip_verdict(store::Transaction& tx, std::int64_t shipment_id, std::int64_t receipt_utc,
                                         std::size_t chart_points) {
    std::vector<Poco::Tuple<Poco::Nullable<Poco::Int64>, Poco::Nullable<std::string>>> ship;
    tx.session() << "SELECT logger_id, sent_at FROM shipments WHERE id = $1", bind(shipment_id), into(ship), now;
    if (ship.empty())
        return store::store_error(store::StoreErrorKind::not_found, "shipment " + std::to_string(shipment_id) + " does not exist");
    TripVerdict t;
    t.shipment_id = shipment_id;
    t.receipt_utc = receipt_utc;

    store::StorageUnitRepository units(tx);
    auto placement = units.shipment_placement(shipment_id);
    if (!placement) return placement.error();
    if (*placement) {
        t.logger_id = (*placement)->logger_id;
        t.departure_utc = (*placement)->from_utc;
        if ((*placement)->to_utc) t.receipt_utc = std::min(receipt_utc, *(*placement)->to_utc);
    } else if (!ship.front().get<0>().isNull()) {
        t.logger_id = ship.front().get<0>().value();
        auto sent = ship.front().get<1>().isNull() ? std::nullopt : sampling::parse_utc(ship.front().get<1>().value());
        t.departure_utc = sent ? sent->time_since_epoch().count() : receipt_utc;
    }

    // The samples and their storage conditions.
    std::vector<Poco::Tuple<Poco::Int64, std::string, std::string>> items;
    tx.session() << "SELECT s.id, s.number, s.storage_condition FROM shipment_items i JOIN samples s ON s.id = i.sample_id "
                    "WHERE i.shipment_id = $1 ORDER BY s.id",
        bind(shipment_id), into(items), now;

    std::shared_ptr<const cc::RuleSet> rules;
    auto box = units.transport_box_of(shipment_id);
    if (!box) return box.error();
    if (*box) {
        auto unit = units.get(**box);
        if (!unit) return unit.error();
        auto r = rule_in_force(tx, *unit, cc::RecordingContext::transport);
        if (!r) return r.error();
        rules = r->rules;
    } else {
        rules = std::make_shared<const cc::RuleSet>(cc::default_rules(cc::StorageClass::refrigerated, cc::RecordingContext::transport));
    }
    t.range = rules->range;

    if (!t.logger_id) {
        t.verdict.outcome = cc::ShipmentOutcome::incomplete_record;
        t.verdict_word = "no_data";
        t.summary = "no logger travelled with this shipment";
    } else {
        auto raw = store::ReadingRepository(tx).range(*t.logger_id, t.departure_utc, t.receipt_utc + 1);
        if (!raw) return raw.error();
        const cc::LoggerId id = std::to_string(*t.logger_id);
        std::vector<cc::Reading> readings;
        for (const auto& r : *raw)
            readings.push_back((r.flags & kFlagSensorFault) ? cc::Reading::fault_at(id, r.at_utc)
                                                            : cc::Reading::temperature_at(id, r.at_utc, r.centi_celsius));
        // The trip is judged as a whole record; the maximum backlog must not refuse its start.
        cc::RuleSet trip_rules = *rules;
        trip_rules.max_backlog = std::max<cc::Seconds>(trip_rules.max_backlog, t.receipt_utc - t.departure_utc + 1);
        auto verdict = cc::shipment_verdict(id, readings, trip_rules, t.departure_utc, t.receipt_utc);
        if (!verdict) return verdict.error();
        t.verdict = std::move(verdict).value();
        t.verdict_word = t.verdict.readings == 0 ? "no_data" : word_of(t.verdict);
        t.summary = summary_of(t);
        if (t.receipt_utc > t.departure_utc) {
            auto chart = chart_series(tx, *t.logger_id, t.departure_utc, t.receipt_utc + 1, chart_points);
            if (!chart) return chart.error();
            t.chart = std::move(chart).value();
        }
    }
    for (const auto& item : items) {
        SampleColdChainVerdict s;
        s.sample_id = item.get<0>();
        s.sample_number = item.get<1>();
        s.storage_condition = item.get<2>();
        s.cold_chain = s.storage_condition == "refrigerated" || s.storage_condition == "frozen";
        s.verdict = s.cold_chain ? t.verdict_word : "not_applicable";
        t.samples.push_back(std::move(s));
    }
    return t;
}

domain::Result<TripVerdict> trip_verdict(store::Database& db, std::int64_t shipment_id, std::int64_t receipt_utc,
                                         std::size_t chart_points) {
    return db.read([&](store::Transaction& tx) { return trip_verdict(tx, shipment_id, receipt_utc, chart_points); });
}

void register_receipt_assessor() {
    sampling::set_cold_chain_assessor([](const sampling::ColdChainQuestion& q) -> sampling::ColdChainVerdict {
        if (!q.shipment) return {"no_data", "the sample did not arrive in a shipment with a temperature record"};
        std::int64_t receipt = std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
        if (q.shipment->received_at)
            if (auto at = sampling::parse_utc(*q.shipment->received_at)) receipt = at->time_since_epoch().count();
        auto t = trip_verdict(q.tx, q.shipment->id, receipt, 100);
        if (!t) return {"no_data", t.error().message};
        return {t->verdict_word, t->summary};
    });
}

}  // namespace lims::workflow::coldchain
