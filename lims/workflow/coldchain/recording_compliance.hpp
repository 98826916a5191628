// Recording-interval compliance per site (GSP annex 《温湿度自动监测》: record at least every
// 30 minutes in storage, every 2 while out of range): over a period, every storage unit of
// the given organisations, grouped by site (the regulated entity it stands at, or the
// organisation's own premises such as the laboratory), with each logger placement's gaps
// and the units nobody watched. Called by GET /api/v1/coldchain/recording-compliance.
#pragma once

#include "lims/coldchain/recording_interval.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::coldchain {

// The longest period one report covers: a quarter (the risk consultation's rhythm), which
// also bounds the readings held in memory (92 days at one a minute is 132,480 per logger).
inline constexpr std::int64_t kMaxCompliancePeriod = 92 * lims::coldchain::standard::kDay;

// One logger's stay in one unit, clipped to the period.
struct PlacementCompliance {
    std::int64_t logger_id = 0;
    std::string logger_serial;
    std::int64_t storage_unit_id = 0;
    std::string storage_unit_code;
    std::int64_t from_utc = 0;
    std::int64_t to_utc = 0;
    std::size_t records = 0;  // plausible temperature records within [from_utc, to_utc]
    std::vector<lims::coldchain::RecordingGap> gaps;
};

struct SiteCompliance {
    std::optional<std::int64_t> entity_id;  // the regulated entity; empty: the organisation's own premises
    std::int64_t org_id = 0;                // the entity's supervising organisation, or the premises' owner
    std::string name;
    std::size_t storage_units = 0;
    std::vector<PlacementCompliance> placements;
    // Units with no logger placed at any time in the period: nothing was recorded at all.
    std::vector<std::int64_t> unwatched_units;

    std::size_t gap_count() const;
    lims::coldchain::Seconds longest_gap() const;
    bool compliant() const { return gap_count() == 0 && unwatched_units.empty(); }
};

struct ComplianceReport {
    std::int64_t from_utc = 0;
    std::int64_t to_utc = 0;
    std::vector<SiteCompliance> sites;  // regulated entities first (by id), then organisations' premises
    bool compliant() const;
};

// Storage units (not transport boxes: a trip is judged by its shipment verdict) of
// `org_ids`, active or not, over [from_utc, to_utc]. Readings thinned by the retention job
// count at their 5-minute buckets. Errors: coldchain.compliance.period (inverted, empty or
// longer than kMaxCompliancePeriod), store.*.
domain::Result<ComplianceReport> recording_compliance(store::Transaction& tx, const std::vector<std::int64_t>& org_ids,
                                                      std::int64_t from_utc, std::int64_t to_utc,
                                                      const lims::coldchain::RecordingLimits& limits = {});
domain::Result<ComplianceReport> recording_compliance(store::Database& db, const std::vector<std::int64_t>& org_ids,
                                                      std::int64_t from_utc, std::int64_t to_utc,
                                                      const lims::coldchain::RecordingLimits& limits = {});

}  // namespace lims::workflow::coldchain
