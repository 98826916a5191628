// Recording-interval compliance under the GSP annex on automatic temperature monitoring:
// a logger must record at least every 30 minutes in storage, every 5 in transport and
// every 2 while out of range. Given one logger's readings over a period, report every gap
// that breaks the rule. Called by the site compliance report and the shipment verdict.
#pragma once

#include "lims/coldchain/reading.hpp"
#include "lims/coldchain/rules.hpp"
#include "lims/coldchain/standards.hpp"
#include "lims/domain/result.hpp"

#include <span>
#include <string_view>
#include <vector>

namespace lims::coldchain {

struct RecordingLimits {
    Seconds storage = standard::kGspStorageRecordingInterval;
    Seconds transport = standard::kGspTransportRecordingInterval;
    Seconds out_of_range = standard::kGspOutOfRangeRecordingInterval;
};

// Which limit a gap broke: the context's, or the tighter one after an out-of-range reading.
enum class RecordingRequirement : std::uint8_t { storage, transport, out_of_range };
std::string_view to_string(RecordingRequirement);

struct RecordingGap {
    LoggerId logger;
    UtcSeconds from = 0;  // the last record before the gap (or the period's start)
    UtcSeconds to = 0;    // the next record (or the period's end)
    Seconds allowed = 0;
    RecordingRequirement requirement = RecordingRequirement::storage;
    Seconds length() const { return to - from; }
    friend bool operator==(const RecordingGap&, const RecordingGap&) = default;
};

// Gaps longer than allowed within [from, to]. Only plausible temperature readings count as
// records: a sensor-fault reading records no temperature. Readings outside the period are
// ignored; order and exact duplicates do not matter. Fails (coldchain.recording.*) when a
// reading belongs to another logger, the period is inverted or a limit is not positive.
domain::Result<std::vector<RecordingGap>> recording_gaps(const LoggerId& logger, std::span<const Reading> readings,
                                                         RecordingContext context, const TemperatureRange& range,
                                                         UtcSeconds from, UtcSeconds to,
                                                         const RecordingLimits& limits = {});

}  // namespace lims::coldchain
