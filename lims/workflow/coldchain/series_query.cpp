#include "lims/workflow/coldchain/series_query.hpp"

#include "lims/store/reading_repository.hpp"
#include "lims/workflow/coldchain/ingest.hpp"

#include <algorithm>
#include <map>

using namespace Poco::Data::Keywords;

namespace lims::workflow::coldchain {

namespace cc = lims::coldchain;

domain::Result<std::vector<cc::SeriesBucket>> chart_series(store::Transaction& tx, std::int64_t logger_id,
                                                           std::int64_t from_utc, std::int64_t to_utc,
                                                           std::size_t max_points) {
    auto raw = store::ReadingRepository(tx).range(logger_id, from_utc, to_utc);
    if (!raw) return raw.error();
    const cc::LoggerId id = std::to_string(logger_id);
    std::vector<cc::Reading> readings;
    readings.reserve(raw->size());
    for (const auto& r : *raw)
        readings.push_back((r.flags & kFlagSensorFault) ? cc::Reading::fault_at(id, r.at_utc)
                                                        : cc::Reading::temperature_at(id, r.at_utc, r.centi_celsius));
    auto buckets = cc::downsample(readings, from_utc, to_utc, max_points);
    if (!buckets) return buckets;

    // Aggregates kept by the retention job fall into the same equal-width buckets.
    std::vector<Poco::Int64> at, count, sum;
    std::vector<int> lo, hi;
    tx.session() << "SELECT bucket_utc, readings, min_centi_celsius, max_centi_celsius, sum_centi_celsius FROM "
                    "reading_aggregates WHERE logger_id = $1 AND bucket_utc >= $2 AND bucket_utc < $3 ORDER BY bucket_utc",
        bind(logger_id), bind(from_utc), bind(to_utc), into(at), into(count), into(lo), into(hi), into(sum), now;
    if (at.empty()) return buckets;
    const std::uint64_t span = static_cast<std::uint64_t>(to_utc - from_utc);
    const std::uint64_t width = std::max<std::uint64_t>(1, (span + max_points - 1) / max_points);
    std::map<std::int64_t, cc::SeriesBucket> merged;
    for (auto& b : *buckets) merged.emplace(b.from, b);
    for (std::size_t i = 0; i < at.size(); ++i) {
        const std::int64_t start = from_utc + static_cast<std::int64_t>((static_cast<std::uint64_t>(at[i] - from_utc) / width) * width);
        auto [it, fresh] = merged.try_emplace(start);
        cc::SeriesBucket& b = it->second;
        if (fresh) {
            b.from = start;
            b.to = std::min<std::int64_t>(to_utc, start + static_cast<std::int64_t>(width));
        }
        b.count += count[i];
        b.sum += sum[i];
        b.minimum = b.minimum ? std::min<cc::Centidegrees>(*b.minimum, lo[i]) : lo[i];
        b.maximum = b.maximum ? std::max<cc::Centidegrees>(*b.maximum, hi[i]) : hi[i];
    }
    std::vector<cc::SeriesBucket> out;
    out.reserve(merged.size());
    for (auto& [start, b] : merged) out.push_back(std::move(b));
    return out;
}

domain::Result<std::vector<cc::SeriesBucket>> chart_series(store::Database& db, std::int64_t logger_id,
                                                           std::int64_t from_utc, std::int64_t to_utc,
                                                           std::size_t max_points) {
    return db.read([&](store::Transaction& tx) { return chart_series(tx, logger_id, from_utc, to_utc, max_points); });
}

}  // namespace lims::workflow::coldchain
