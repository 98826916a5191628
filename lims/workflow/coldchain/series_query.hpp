// Readings for charts: one logger's range downsampled to at most N buckets (minimum,
// maximum and mean per bucket, so no spike disappears), merging raw readings with the
// 5-minute aggregates the retention job left. The readings routes, the shipment verdict
// and the dashboard call it.
#pragma once

#include "lims/coldchain/series.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"

#include <cstdint>
#include <vector>

namespace lims::workflow::coldchain {

// Errors: coldchain.series.* (empty period, no buckets), store.*.
domain::Result<std::vector<lims::coldchain::SeriesBucket>> chart_series(store::Transaction& tx, std::int64_t logger_id,
                                                                        std::int64_t from_utc, std::int64_t to_utc,
                                                                        std::size_t max_points);
domain::Result<std::vector<lims::coldchain::SeriesBucket>> chart_series(store::Database& db, std::int64_t logger_id,
                                                                        std::int64_t from_utc, std::int64_t to_utc,
                                                                        std::size_t max_points);

}  // namespace lims::workflow::coldchain
