#include "lims/coldchain/recording_interval.hpp"

#include <algorithm>

namespace lims::coldchain {

using domain::make_error;

std::string_view to_string(RecordingRequirement r) {
    switch (r) {
        case RecordingRequirement::storage: return "storage";
        case RecordingRequirement::transport: return "transport";
        case RecordingRequirement::out_of_range: return "out_of_range";
    }
    return "unknown";
}

domain::Result<std::vector<RecordingGap>> recording_gaps(const LoggerId& logger, std::span<const Reading> readings,
                                                         RecordingContext context, const TemperatureRange& range,
                                                         UtcSeconds from, UtcSeconds to,
                                                         const RecordingLimits& limits) {
    if (to < from) return make_error("coldchain.recording.inverted_period", "the period ends before it starts");
    if (limits.storage <= 0 || limits.transport <= 0 || limits.out_of_range <= 0)
        return make_error("coldchain.recording.limit", "recording limits must be positive");

    struct Record {
        UtcSeconds at;
        bool out_of_range;
    };
    std::vector<Record> records;
    records.reserve(readings.size());
    for (const Reading& r : readings) {
        if (r.logger != logger)
            return make_error("coldchain.recording.mixed_loggers",
                              "a reading of logger '" + r.logger + "' is among those of '" + logger + "'");
        if (r.sensor_fault || r.at < from || r.at > to) continue;
        if (r.temperature < standard::kPlausibleLow || r.temperature > standard::kPlausibleHigh) continue;
        records.push_back({r.at, !range.contains(r.temperature)});
    }
    // Sorted by time; at equal times an out-of-range record first, so the tighter limit applies.
    std::sort(records.begin(), records.end(), [](const Record& a, const Record& b) {
        return a.at != b.at ? a.at < b.at : a.out_of_range > b.out_of_range;
    });

    const Seconds normal = context == RecordingContext::transport ? limits.transport : limits.storage;
    const auto normal_requirement =
        context == RecordingContext::transport ? RecordingRequirement::transport : RecordingRequirement::storage;
    std::vector<RecordingGap> gaps;
    UtcSeconds previous = from;
    bool previous_out = false;
    auto check = [&](UtcSeconds next) {
        const Seconds allowed = previous_out ? std::min(limits.out_of_range, normal) : normal;
        if (next - previous > allowed) {
            gaps.push_back({logger, previous, next, allowed,
                            previous_out ? RecordingRequirement::out_of_range : normal_requirement});
        }
    };
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (i > 0 && records[i].at == records[i - 1].at) continue;
        check(records[i].at);
        previous = records[i].at;
        previous_out = records[i].out_of_range;
    }
    check(to);
    return gaps;
}

}  // namespace lims::coldchain
