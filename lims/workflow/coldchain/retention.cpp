#include "lims/workflow/coldchain/retention.hpp"

#include "lims/coldchain/series.hpp"
#include "lims/store/excursion_repository.hpp"
#include "lims/store/reading_repository.hpp"
#include "lims/workflow/coldchain/ingest.hpp"

#include <Poco/Data/Statement.h>

using namespace Poco::Data::Keywords;

namespace lims::workflow::coldchain {

namespace cc = lims::coldchain;
namespace standard = lims::coldchain::standard;

namespace {

constexpr cc::Seconds kChunk = 7 * standard::kDay;  // a multiple of the 5-minute bucket
static_assert(kChunk % standard::kRetentionBucket == 0);
// Evidence is widened by the storage offline threshold (3 × 30 min) on each side, so the
// readings just before and after an excursion stay raw with it.
constexpr cc::Seconds kEvidenceMargin = standard::kOfflineAfterIntervals * standard::kGspStorageRecordingInterval;

std::int64_t floor_to(std::int64_t t, std::int64_t step) {
    const std::int64_t r = ((t % step) + step) % step;
    return t - r;
}

store::StoreResult<std::pair<std::size_t, std::size_t>> thin_chunk(store::Transaction& tx, std::int64_t logger_id,
                                                                   std::int64_t from, std::int64_t to,
                                                                   std::int64_t cutoff, std::int64_t now_utc) {
    auto raw = store::ReadingRepository(tx).range(logger_id, from, to);
    if (!raw) return raw.error();
    if (raw->empty()) return std::make_pair(std::size_t{0}, std::size_t{0});
    auto windows = store::ExcursionRepository(tx).windows(logger_id, now_utc);
    if (!windows) return windows.error();
    std::vector<cc::EvidenceWindow> evidence;
    for (auto [s, e] : *windows) evidence.push_back({s - kEvidenceMargin, e + kEvidenceMargin});
    const cc::LoggerId id = std::to_string(logger_id);
    std::vector<cc::Reading> readings;
    readings.reserve(raw->size());
    for (const auto& r : *raw)
        readings.push_back((r.flags & kFlagSensorFault) ? cc::Reading::fault_at(id, r.at_utc)
                                                        : cc::Reading::temperature_at(id, r.at_utc, r.centi_celsius));
    auto thinned = cc::thin(readings, cutoff, evidence);
    if (!thinned) return thinned.error();
    if (thinned->aggregates.empty()) return std::make_pair(std::size_t{0}, std::size_t{0});
    std::string sql;
    for (std::size_t i = 0; i < thinned->aggregates.size(); i += store::ReadingRepository::rows_per_statement) {
        const std::size_t end = std::min(thinned->aggregates.size(), i + store::ReadingRepository::rows_per_statement);
        sql = "INSERT INTO reading_aggregates (logger_id, bucket_utc, readings, min_centi_celsius, max_centi_celsius, "
              "sum_centi_celsius) VALUES ";
        for (std::size_t k = i; k < end; ++k) {
            const auto& b = thinned->aggregates[k];
            if (k > i) sql += ',';
            sql += "(" + std::to_string(logger_id) + "," + std::to_string(b.from) + "," + std::to_string(b.count) + "," +
                   std::to_string(*b.minimum) + "," + std::to_string(*b.maximum) + "," + std::to_string(b.sum) + ")";
        }
        Poco::Data::Statement st(tx.session());
        st << sql;
        st.execute();
    }
    // Exactly the readings now summarised: non-fault rows in the buckets just aggregated.
    const std::int64_t first = thinned->aggregates.front().from;
    const std::int64_t last = thinned->aggregates.back().to;
    Poco::Data::Statement del(tx.session());
    del << "DELETE FROM readings WHERE logger_id = $1 AND at_utc >= $2 AND at_utc < $3 AND (flags & 1) = 0 AND "
           "EXISTS (SELECT 1 FROM reading_aggregates a WHERE a.logger_id = readings.logger_id AND "
           "a.bucket_utc = readings.at_utc - (((readings.at_utc % 300) + 300) % 300))",
        bind(logger_id), bind(first), bind(last);
    const std::size_t deleted = del.execute();
    return std::make_pair(thinned->aggregates.size(), deleted);
}

}  // namespace

domain::Result<RetentionReport> thin_old_readings(store::Database& db, std::int64_t now_utc,
                                                  const RetentionPolicy& policy, const std::string& actor) {
    if (policy.keep_raw < standard::kMaxBacklog)
        return domain::make_error("coldchain.retention.period",
                                  "raw readings must be kept at least as long as the ingest backlog (90 days)");
    const std::int64_t cutoff = floor_to(now_utc - policy.keep_raw, standard::kRetentionBucket);
    auto loggers = db.read([&](store::Transaction& tx) -> store::StoreResult<std::vector<std::pair<std::int64_t, std::int64_t>>> {
        std::vector<Poco::Int64> ids, oldest;
        tx.session() << "SELECT logger_id, MIN(at_utc) FROM readings WHERE at_utc < $1 AND (flags & 1) = 0 GROUP BY logger_id",
            bind(cutoff), into(ids), into(oldest), now;
        std::vector<std::pair<std::int64_t, std::int64_t>> out;
        for (std::size_t i = 0; i < ids.size(); ++i) out.emplace_back(ids[i], oldest[i]);
        return out;
    });
    if (!loggers) return loggers.error();
    RetentionReport report;
    for (auto [logger_id, oldest] : *loggers) {
        ++report.loggers;
        for (std::int64_t from = floor_to(oldest, kChunk); from < cutoff; from += kChunk) {
            const std::int64_t to = std::min(from + kChunk, cutoff);
            auto done = db.write([&](store::Transaction& tx) -> store::StoreResult<std::pair<std::size_t, std::size_t>> {
                auto n = thin_chunk(tx, logger_id, from, to, cutoff, now_utc);
                if (n && n->first > 0)
                    tx.record({actor, "readings.thin", "logger", std::to_string(logger_id), "",
                               "{\"from_utc\":" + std::to_string(from) + ",\"to_utc\":" + std::to_string(to) +
                                   ",\"aggregates\":" + std::to_string(n->first) +
                                   ",\"readings\":" + std::to_string(n->second) + "}",
                               "retention"});
                return n;
            });
            if (!done) return done.error();
            report.aggregates_written += done->first;
            report.readings_thinned += done->second;
        }
    }
    return report;
}

}  // namespace lims::workflow::coldchain
