// The readings retention job: raw readings older than the configured period become
// per-5-minute minimum, maximum and mean (reading_aggregates) and the raw rows go, except
// where they are evidence of an excursion (its window, widened by one offline threshold)
// and sensor-fault readings, which stay raw for good. The service runs it daily.
#pragma once

#include "lims/coldchain/standards.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"

#include <cstdint>
#include <string>

namespace lims::workflow::coldchain {

struct RetentionPolicy {
    // Project default: a year of raw readings. Must be at least the ingest backlog (90 days)
    // so a late reading never lands in a bucket already thinned.
    lims::coldchain::Seconds keep_raw = 365 * lims::coldchain::standard::kDay;
};

struct RetentionReport {
    std::size_t loggers = 0;
    std::size_t aggregates_written = 0;
    std::size_t readings_thinned = 0;  // raw rows replaced by their aggregates
};

// Errors: coldchain.retention.period (shorter than the backlog), store.*. One transaction
// per logger and week, so an interrupted run leaves whole buckets either thinned or not.
domain::Result<RetentionReport> thin_old_readings(store::Database& db, std::int64_t now_utc,
                                                  const RetentionPolicy& policy, const std::string& actor);

}  // namespace lims::workflow::coldchain
