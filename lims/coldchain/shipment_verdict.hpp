// The verdict on a cold-chain shipment at receipt: the trip's logger readings (departure
// to receipt) judged under the shipment's rule set. The receiving clerk sees it for each
// cold-chain sample and may still accept with a deviation note or reject (workflow).
#pragma once

#include "lims/coldchain/events.hpp"
#include "lims/coldchain/recording_interval.hpp"
#include "lims/coldchain/rules.hpp"
#include "lims/domain/result.hpp"

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace lims::coldchain {

// From best to worst; the worst finding decides.
enum class ShipmentOutcome : std::uint8_t {
    in_range,           // every reading in range, the record complete
    deviation,          // readings out of range, but no excursion rule met (e.g. a short spike)
    incomplete_record,  // no readings, silence beyond the offline threshold, faults or rejected readings
    excursion,          // an excursion rule was met
};
std::string_view to_string(ShipmentOutcome);

// Consecutive readings on one side of the range (first to last reading).
struct OutOfRangeStretch {
    UtcSeconds from = 0;
    UtcSeconds to = 0;
    RangeSide side = RangeSide::above;
    Centidegrees extreme = 0;  // the highest (above) or lowest (below) reading
    std::int64_t readings = 0;
    friend bool operator==(const OutOfRangeStretch&, const OutOfRangeStretch&) = default;
};

struct ShipmentVerdict {
    ShipmentOutcome outcome = ShipmentOutcome::in_range;
    std::vector<Excursion> excursions;
    std::vector<OutOfRangeStretch> out_of_range;
    std::vector<RecordingGap> recording_gaps;  // against the transport recording interval
    std::vector<ReadingRejected> rejected;
    std::vector<WentOffline> silences;         // including one that lasts until receipt
    std::int64_t readings = 0;                 // valid temperature readings in the trip
    std::int64_t sensor_faults = 0;
    std::int64_t duplicates = 0;               // exact repeats, taken once
    std::optional<Centidegrees> minimum;
    std::optional<Centidegrees> maximum;
    std::optional<double> mkt_celsius;         // over every valid reading of the trip
};

// Readings outside [departure, receipt] are ignored; order does not matter. Fails
// (coldchain.shipment.*, coldchain.rules.*) on an inverted trip, invalid rules or a
// reading of another logger.
domain::Result<ShipmentVerdict> shipment_verdict(const LoggerId& logger, std::span<const Reading> readings,
                                                 const RuleSet& rules, UtcSeconds departure, UtcSeconds receipt);

}  // namespace lims::coldchain
