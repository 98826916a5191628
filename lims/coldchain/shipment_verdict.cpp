#include "lims/coldchain/shipment_verdict.hpp"

#include "lims/coldchain/logger_detector.hpp"
#include "lims/coldchain/mkt.hpp"
#include "lims/coldchain/standards.hpp"

#include <algorithm>

namespace lims::coldchain {

using domain::make_error;

std::string_view to_string(ShipmentOutcome o) {
    switch (o) {
        case ShipmentOutcome::in_range: return "in_range";
        case ShipmentOutcome::deviation: return "deviation";
        case ShipmentOutcome::incomplete_record: return "incomplete_record";
        case ShipmentOutcome::excursion: return "excursion";
    }
    return "unknown";
}

domain::Result<ShipmentVerdict> shipment_verdict(const LoggerId& logger, std::span<const Reading> readings,
                                                 const RuleSet& rules, UtcSeconds departure, UtcSeconds receipt) {
    if (receipt < departure)
        return make_error("coldchain.shipment.receipt_before_departure", "the receipt time is before the departure");
    auto shared_rules = std::make_shared<const RuleSet>(rules);
    auto created = LoggerDetector::create(logger, shared_rules, departure);
    if (!created) return created.error();
    LoggerDetector detector = std::move(created).value();

    std::vector<Reading> trip;
    trip.reserve(readings.size());
    for (const Reading& r : readings) {
        if (r.logger != logger)
            return make_error("coldchain.shipment.mixed_loggers",
                              "a reading of logger '" + r.logger + "' is among those of '" + logger + "'");
        if (r.at >= departure && r.at <= receipt) trip.push_back(r);
    }
    std::stable_sort(trip.begin(), trip.end(), [](const Reading& a, const Reading& b) { return a.at < b.at; });

    ShipmentVerdict v;
    std::vector<Event> events;
    for (const Reading& r : trip) detector.feed(r, receipt, events);
    detector.tick(receipt, events);
    detector.finish(receipt, events);

    for (auto& e : events) {
        if (auto* closed = std::get_if<ExcursionClosed>(&e)) {
            v.excursions.push_back(std::move(closed->excursion));
        } else if (auto* rejected = std::get_if<ReadingRejected>(&e)) {
            if (rejected->reason == ReadingIssue::duplicate) {
                ++v.duplicates;
            } else {
                v.rejected.push_back(std::move(*rejected));
            }
        } else if (auto* offline = std::get_if<WentOffline>(&e)) {
            v.silences.push_back(std::move(*offline));
        }
    }

    // Figures over the accepted readings: the same ones the detector evaluated.
    MktAccumulator mkt(rules.mkt_activation_over_r);
    std::vector<Reading> accepted;
    for (std::size_t i = 0; i < trip.size(); ++i) {
        const Reading& r = trip[i];
        if (i > 0 && trip[i - 1].at == r.at) continue;  // duplicates and conflicts were not taken
        if (r.sensor_fault) {
            ++v.sensor_faults;
            continue;
        }
        if (r.temperature < standard::kPlausibleLow || r.temperature > standard::kPlausibleHigh) continue;
        accepted.push_back(r);
        ++v.readings;
        mkt.add(r.temperature);
        if (!v.minimum || r.temperature < *v.minimum) v.minimum = r.temperature;
        if (!v.maximum || r.temperature > *v.maximum) v.maximum = r.temperature;
        const bool above = rules.range.above(r.temperature);
        const bool below = rules.range.below(r.temperature);
        if (!above && !below) continue;
        const RangeSide side = above ? RangeSide::above : RangeSide::below;
        const bool continues = !v.out_of_range.empty() && v.out_of_range.back().side == side &&
                               accepted.size() >= 2 && accepted[accepted.size() - 2].at == v.out_of_range.back().to;
        if (continues) {
            auto& s = v.out_of_range.back();
            s.to = r.at;
            ++s.readings;
            s.extreme = above ? std::max(s.extreme, r.temperature) : std::min(s.extreme, r.temperature);
        } else {
            v.out_of_range.push_back({r.at, r.at, side, r.temperature, 1});
        }
    }
    v.mkt_celsius = mkt.celsius();

    auto gaps = recording_gaps(logger, trip, RecordingContext::transport, rules.range, departure, receipt);
    if (gaps) v.recording_gaps = std::move(gaps).value();

    if (!v.excursions.empty()) {
        v.outcome = ShipmentOutcome::excursion;
    } else if (v.readings == 0 || !v.silences.empty() || v.sensor_faults > 0 || !v.rejected.empty()) {
        v.outcome = ShipmentOutcome::incomplete_record;
    } else if (!v.out_of_range.empty()) {
        v.outcome = ShipmentOutcome::deviation;
    } else {
        v.outcome = ShipmentOutcome::in_range;
    }
    return v;
}

}  // namespace lims::coldchain
