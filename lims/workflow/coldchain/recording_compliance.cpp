#include "lims/workflow/coldchain/recording_compliance.hpp"

#include "lims/store/reading_repository.hpp"
#include "lims/store/storage_unit_repository.hpp"
#include "lims/workflow/coldchain/ingest.hpp"
#include "lims/workflow/coldchain/site_rules.hpp"

#include <Poco/Nullable.h>

#include <algorithm>
#include <map>

using namespace Poco::Data::Keywords;

namespace lims::workflow::coldchain {

namespace cc = lims::coldchain;

namespace {

// Sites sort regulated entities first, then organisations' own premises, each by id.
using SiteKey = std::pair<int, std::int64_t>;
constexpr int kEntitySite = 0;
constexpr int kPremisesSite = 1;

std::string name_of(store::Transaction& tx, const char* table, std::int64_t id) {
    std::vector<std::string> names;
    const std::string sql = std::string("SELECT name FROM ") + table + " WHERE id = $1";
    tx.session() << sql, bind(id), into(names), now;
    return names.empty() ? std::string() : names.front();
}

// Every record of `logger_id` in [from, to]: raw readings, and the retention job's 5-minute
// aggregates where raw readings were thinned (one record at the bucket's start, carrying
// its extreme on the side the range was left, so "every 2 minutes while out of range"
// still applies to it).
domain::Result<std::vector<cc::Reading>> records_of(store::Transaction& tx, std::int64_t logger_id, std::int64_t from,
                                                    std::int64_t to, const cc::TemperatureRange& range) {
    auto raw = store::ReadingRepository(tx).range(logger_id, from, to + 1);
    if (!raw) return raw.error();
    const cc::LoggerId id = std::to_string(logger_id);
    std::vector<cc::Reading> out;
    out.reserve(raw->size());
    for (const auto& r : *raw)
        out.push_back((r.flags & kFlagSensorFault) ? cc::Reading::fault_at(id, r.at_utc)
                                                   : cc::Reading::temperature_at(id, r.at_utc, r.centi_celsius));
    std::vector<Poco::Int64> bucket;
    std::vector<int> lo, hi;
    tx.session() << "SELECT bucket_utc, min_centi_celsius, max_centi_celsius FROM reading_aggregates WHERE logger_id = $1 "
                    "AND bucket_utc >= $2 AND bucket_utc <= $3 ORDER BY bucket_utc",
        bind(logger_id), bind(from), bind(to), into(bucket), into(lo), into(hi), now;
    for (std::size_t i = 0; i < bucket.size(); ++i)
        out.push_back(cc::Reading::temperature_at(id, bucket[i], range.above(hi[i]) ? hi[i] : lo[i]));
    return out;
}

}  // namespace

std::size_t SiteCompliance::gap_count() const {
    std::size_t n = 0;
    for (const auto& p : placements) n += p.gaps.size();
    return n;
}

cc::Seconds SiteCompliance::longest_gap() const {
    cc::Seconds longest = 0;
    for (const auto& p : placements)
        for (const auto& g : p.gaps) longest = std::max(longest, g.length());
    return longest;
}

bool ComplianceReport::compliant() const {
    return std::all_of(sites.begin(), sites.end(), [](const SiteCompliance& s) { return s.compliant(); });
}

domain::Result<ComplianceReport> recording_compliance(store::Transaction& tx, const std::vector<std::int64_t>& org_ids,
                                                      std::int64_t from_utc, std::int64_t to_utc,
                                                      const cc::RecordingLimits& limits) {
    if (to_utc <= from_utc)
        return domain::errors::invalid("from", "coldchain.compliance.period", "the period's end must be after its start");
    if (to_utc - from_utc > kMaxCompliancePeriod)
        return domain::errors::invalid("from", "coldchain.compliance.period",
                                       "the period must not be longer than " + std::to_string(kMaxCompliancePeriod / cc::standard::kDay) +
                                      " days");
    auto units = store::StorageUnitRepository(tx).list(org_ids);
    if (!units) return units.error();

    std::map<SiteKey, SiteCompliance> sites;
    for (const auto& unit : *units) {
        if (unit.kind == "transport_box") continue;
        auto in_force = rule_in_force(tx, unit, cc::RecordingContext::storage);
        if (!in_force) return in_force.error();
        const auto* rules = &in_force->rules;

        const SiteKey key = unit.entity_id ? SiteKey{kEntitySite, *unit.entity_id} : SiteKey{kPremisesSite, unit.org_id};
        auto [it, fresh] = sites.try_emplace(key);
        SiteCompliance& site = it->second;
        if (fresh) {
            site.entity_id = unit.entity_id;
            if (unit.entity_id) {
                site.name = name_of(tx, "regulated_entities", *unit.entity_id);
                std::vector<Poco::Int64> org;
                tx.session() << "SELECT jurisdiction_org_id FROM regulated_entities WHERE id = $1", bind(*unit.entity_id),
                    into(org), now;
                site.org_id = org.empty() ? unit.org_id : org.front();
            } else {
                site.org_id = unit.org_id;
                site.name = name_of(tx, "organisations", unit.org_id);
            }
        }
        ++site.storage_units;

        std::vector<Poco::Int64> logger, placed_from;
        std::vector<Poco::Nullable<Poco::Int64>> placed_to;
        std::vector<std::string> serial;
        tx.session() << "SELECT p.logger_id, l.serial, p.from_utc, p.to_utc FROM logger_placements p "
                        "JOIN loggers l ON l.id = p.logger_id WHERE p.storage_unit_id = $1 AND p.from_utc <= $2 "
                        "AND (p.to_utc IS NULL OR p.to_utc > $3) ORDER BY p.from_utc, p.id",
            bind(unit.id), bind(to_utc), bind(from_utc), into(logger), into(serial), into(placed_from), into(placed_to),
            now;
        if (logger.empty()) {
            site.unwatched_units.push_back(unit.id);
            continue;
        }
        for (std::size_t i = 0; i < logger.size(); ++i) {
            PlacementCompliance p;
            p.logger_id = logger[i];
            p.logger_serial = serial[i];
            p.storage_unit_id = unit.id;
            p.storage_unit_code = unit.code;
            p.from_utc = std::max<std::int64_t>(from_utc, placed_from[i]);
            p.to_utc = placed_to[i].isNull() ? to_utc : std::min<std::int64_t>(to_utc, placed_to[i].value());
            if (p.to_utc <= p.from_utc) continue;  // placed at the period's very end
            auto records = records_of(tx, p.logger_id, p.from_utc, p.to_utc, (*rules)->range);
            if (!records) return records.error();
            p.records = static_cast<std::size_t>(
                std::count_if(records->begin(), records->end(), [](const cc::Reading& r) { return !r.sensor_fault; }));
            auto gaps = cc::recording_gaps(std::to_string(p.logger_id), *records, cc::RecordingContext::storage,
                                           (*rules)->range, p.from_utc, p.to_utc, limits);
            if (!gaps) return gaps.error();
            p.gaps = std::move(*gaps);
            site.placements.push_back(std::move(p));
        }
    }

    ComplianceReport report;
    report.from_utc = from_utc;
    report.to_utc = to_utc;
    for (auto& [key, site] : sites) report.sites.push_back(std::move(site));
    return report;
}

domain::Result<ComplianceReport> recording_compliance(store::Database& db, const std::vector<std::int64_t>& org_ids,
                                                      std::int64_t from_utc, std::int64_t to_utc,
                                                      const cc::RecordingLimits& limits) {
    return db.read([&](store::Transaction& tx) { return recording_compliance(tx, org_ids, from_utc, to_utc, limits); });
}

}  // namespace lims::workflow::coldchain
