// Time-series helpers for logger readings: downsampling a range for a chart so that no
// spike disappears (min and max per bucket, with the mean), and retention thinning that
// turns old raw readings into per-5-minute aggregates without touching excursion
// evidence. The store's range queries and its retention job call these.
#pragma once

#include "lims/coldchain/reading.hpp"
#include "lims/domain/result.hpp"

#include <optional>
#include <span>
#include <vector>

namespace lims::coldchain {

struct SeriesBucket {
    UtcSeconds from = 0;  // inclusive
    UtcSeconds to = 0;    // exclusive
    std::int64_t count = 0;  // temperature readings
    std::optional<Centidegrees> minimum;
    std::optional<Centidegrees> maximum;
    std::int64_t sum = 0;  // of the temperatures, so buckets can be merged exactly
    std::int64_t sensor_faults = 0;

    // Rounded to the nearest 0.01 °C, halves away from zero; empty when count is 0.
    std::optional<Centidegrees> mean() const;
    friend bool operator==(const SeriesBucket&, const SeriesBucket&) = default;
};

// At most max_buckets equal buckets over [from, to); buckets without readings are left
// out. Implausible temperatures (rejected at ingest) are not charted. Fails
// (coldchain.series.*) on an empty period, max_buckets of 0 or readings of two loggers.
domain::Result<std::vector<SeriesBucket>> downsample(std::span<const Reading> readings, UtcSeconds from,
                                                     UtcSeconds to, std::size_t max_buckets);

// Evidence of an excursion: inclusive, e.g. an Excursion's start..end (widen as needed).
struct EvidenceWindow {
    UtcSeconds from = 0;
    UtcSeconds to = 0;
};

struct ThinnedSeries {
    std::vector<Reading> raw;                // kept as they are, in time order
    std::vector<SeriesBucket> aggregates;    // per 5 minutes (UTC-aligned), in time order
};

// Readings in 5-minute buckets that end at or before `cutoff` become aggregates, unless
// the bucket touches an evidence window; sensor-fault readings are always kept raw.
// Fails on an inverted window or readings of two loggers.
domain::Result<ThinnedSeries> thin(std::span<const Reading> readings, UtcSeconds cutoff,
                                   std::span<const EvidenceWindow> evidence);

}  // namespace lims::coldchain
