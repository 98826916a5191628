#include "lims/coldchain/series.hpp"

#include "lims/coldchain/standards.hpp"

#include <algorithm>
#include <limits>
#include <map>

namespace lims::coldchain {

namespace {

using domain::make_error;

bool plausible(const Reading& r) {
    return r.temperature >= standard::kPlausibleLow && r.temperature <= standard::kPlausibleHigh;
}

void add(SeriesBucket& b, const Reading& r) {
    if (r.sensor_fault) {
        ++b.sensor_faults;
        return;
    }
    ++b.count;
    b.sum += r.temperature;
    if (!b.minimum || r.temperature < *b.minimum) b.minimum = r.temperature;
    if (!b.maximum || r.temperature > *b.maximum) b.maximum = r.temperature;
}

domain::Status one_logger(std::span<const Reading> readings) {
    for (const Reading& r : readings) {
        if (r.logger != readings.front().logger)
            return make_error("coldchain.series.mixed_loggers",
                              "readings of '" + readings.front().logger + "' and '" + r.logger + "' in one series");
    }
    return {};
}

// Nothing real spans a century; the bound keeps bucket arithmetic far from overflow.
constexpr std::uint64_t kLongestChart = 100ull * 366 * 86400;

UtcSeconds floor_to(UtcSeconds t, Seconds step) {
    UtcSeconds q = t / step;
    if (t % step != 0 && t < 0) --q;
    return q * step;
}

}  // namespace

std::optional<Centidegrees> SeriesBucket::mean() const {
    if (count == 0) return std::nullopt;
    const std::int64_t twice = 2 * sum;
    const std::int64_t rounded = twice >= 0 ? (twice + count) / (2 * count) : -((-twice + count) / (2 * count));
    return static_cast<Centidegrees>(rounded);
}

domain::Result<std::vector<SeriesBucket>> downsample(std::span<const Reading> readings, UtcSeconds from,
                                                     UtcSeconds to, std::size_t max_buckets) {
    if (to <= from) return make_error("coldchain.series.empty_period", "the chart period ends before it starts");
    if (max_buckets == 0) return make_error("coldchain.series.no_buckets", "at least one bucket is needed");
    if (auto ok = one_logger(readings); !ok) return ok.error();

    // Unsigned difference: defined for any pair of times; absurd periods are refused.
    const std::uint64_t span = static_cast<std::uint64_t>(to) - static_cast<std::uint64_t>(from);
    if (span > kLongestChart)
        return make_error("coldchain.series.period_too_long", "a chart period may span at most 100 years");
    const std::uint64_t width = std::max<std::uint64_t>(1, (span + max_buckets - 1) / max_buckets);
    const std::size_t count = static_cast<std::size_t>((span + width - 1) / width);
    std::vector<SeriesBucket> buckets(count);
    for (std::size_t i = 0; i < count; ++i) {
        buckets[i].from = from + static_cast<UtcSeconds>(i * width);
        buckets[i].to = std::min<UtcSeconds>(to, buckets[i].from + static_cast<UtcSeconds>(width));
    }
    for (const Reading& r : readings) {
        if (r.at < from || r.at >= to || (!r.sensor_fault && !plausible(r))) continue;
        add(buckets[static_cast<std::size_t>(static_cast<std::uint64_t>(r.at - from) / width)], r);
    }
    std::erase_if(buckets, [](const SeriesBucket& b) { return b.count == 0 && b.sensor_faults == 0; });
    return buckets;
}

domain::Result<ThinnedSeries> thin(std::span<const Reading> readings, UtcSeconds cutoff,
                                   std::span<const EvidenceWindow> evidence) {
    for (const EvidenceWindow& w : evidence) {
        if (w.to < w.from) return make_error("coldchain.series.inverted_window", "an evidence window ends before it starts");
    }
    if (auto ok = one_logger(readings); !ok) return ok.error();

    constexpr Seconds kBucket = standard::kRetentionBucket;
    auto protected_bucket = [&](UtcSeconds start) {
        return std::any_of(evidence.begin(), evidence.end(), [&](const EvidenceWindow& w) {
            return w.from < start + kBucket && w.to >= start;
        });
    };

    // Times at the ends of the int64 range are kept raw rather than risk overflow.
    constexpr UtcSeconds kLatest = std::numeric_limits<UtcSeconds>::max() - kBucket;
    constexpr UtcSeconds kEarliest = std::numeric_limits<UtcSeconds>::min() + kBucket;
    ThinnedSeries out;
    std::map<UtcSeconds, SeriesBucket> aggregates;
    for (const Reading& r : readings) {
        const UtcSeconds start = floor_to(r.at, kBucket);
        const bool extreme = r.at >= kLatest || r.at <= kEarliest || cutoff <= kEarliest;
        // Faults and impossible values are evidence of a sensor problem: never averaged away.
        if (extreme || r.sensor_fault || !plausible(r) || start > cutoff - kBucket || protected_bucket(start)) {
            out.raw.push_back(r);
            continue;
        }
        SeriesBucket& b = aggregates[start];
        b.from = start;
        b.to = start + kBucket;
        add(b, r);
    }
    std::stable_sort(out.raw.begin(), out.raw.end(), [](const Reading& a, const Reading& b) { return a.at < b.at; });
    out.aggregates.reserve(aggregates.size());
    for (auto& [start, b] : aggregates) out.aggregates.push_back(b);
    return out;
}

}  // namespace lims::coldchain
