#include "lims/workflow/coldchain/ingest.hpp"

#include "lims/coldchain/detector.hpp"
#include "lims/store/detector_state_repository.hpp"
#include "lims/store/reading_repository.hpp"
#include "lims/store/storage_unit_repository.hpp"
#include "lims/workflow/coldchain/detector_events.hpp"
#include "lims/workflow/coldchain/site_rules.hpp"
#include "lims/workflow/jurisdiction.hpp"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::workflow::coldchain {

namespace cc = lims::coldchain;
namespace standard = lims::coldchain::standard;

IncomingReading IncomingReading::from_text(std::string logger, std::int64_t at_utc, std::string_view text) {
    IncomingReading r{std::move(logger), at_utc, std::nullopt, std::nullopt};
    std::string_view t = text;
    if (!t.empty() && t.front() == '+') t.remove_prefix(1);
    double value = 0;
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), value, std::chars_format::fixed);
    if (t.empty() || ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(value) ||
        std::fabs(value) > 1e6) {
        r.unreadable_value = std::string(text);
        return r;
    }
    r.centi_celsius = static_cast<std::int32_t>(std::lround(value * 100.0));
    return r;
}

namespace {

struct Item {
    std::size_t index;
    const IncomingReading* in;
};

std::string value_text(const IncomingReading& r) {
    if (r.unreadable_value) return *r.unreadable_value;
    if (!r.centi_celsius) return "sensor_fault";
    return std::to_string(*r.centi_celsius) + " centi-degrees";
}

class BatchIngest {
public:
    BatchIngest(store::Transaction& tx, std::int64_t now, const ColdChainOptions& options, IngestReport& report)
        : tx_(tx), now_(now), options_(options), report_(report) {}

    void reject(const Item& item, std::string code, std::string detail) {
        report_.problems.push_back({item.index, item.in->logger, item.in->at_utc, code, detail, false});
        ++report_.rejected;
        rejections_.push_back({item, std::move(code), std::move(detail)});
    }
    void flag(const Item& item, std::string code, std::string detail) {
        report_.problems.push_back({item.index, item.in->logger, item.in->at_utc, std::move(code), std::move(detail), true});
        ++report_.flagged;
    }

    // Checks that need no logger: refused here never reach a detector or the table.
    bool admissible(const Item& item) {
        const IncomingReading& r = *item.in;
        if (r.logger.empty()) {
            reject(item, "reading.missing_logger", "the reading names no logger");
            return false;
        }
        if (r.unreadable_value) {
            reject(item, "reading.not_numeric", "temperature '" + *r.unreadable_value + "' is not a number");
            return false;
        }
        if (r.centi_celsius && (*r.centi_celsius < standard::kPlausibleLow || *r.centi_celsius > standard::kPlausibleHigh)) {
            reject(item, "reading.implausible_temperature",
                   std::to_string(*r.centi_celsius) + " centi-degrees is outside -100..100 °C");
            return false;
        }
        if (r.at_utc > now_ && r.at_utc - now_ > standard::kMaxClockSkew) {
            reject(item, "reading.time_in_future", "reading time " + std::to_string(r.at_utc) +
                                                       " is more than 5 minutes after the receiving time " +
                                                       std::to_string(now_));
            return false;
        }
        if (r.at_utc < now_ && now_ - r.at_utc > standard::kMaxBacklog) {
            reject(item, "reading.time_too_old",
                   "reading time " + std::to_string(r.at_utc) + " is more than 90 days before the receiving time");
            return false;
        }
        return true;
    }

    domain::Result<void> logger(const std::string& serial, std::vector<Item>& items) {
        const auto unknown = [&] {
            for (const auto& item : items)
                reject(item, "reading.unknown_logger", "logger '" + serial + "' is not registered");
        };
        if (options_.gateway) {
            auto held = jurisdiction::holds_logger(tx_, *options_.gateway, serial);
            if (!held) return held.error();
            if (!*held) {
                unknown();
                return {};
            }
        }
        store::StorageUnitRepository units(tx_);
        auto found = units.watch_by_serial(serial);
        if (!found) return found.error();
        if (!*found) {
            unknown();
            return {};
        }
        store::LoggerWatch watch = std::move(**found);
        store::DetectorStateRepository states(tx_);
        if (tx_.dialect() == store::Dialect::postgresql) {
            if (auto ok = states.lock_logger(watch.logger_id); !ok) return ok.error();
            if (watch.placement) {
                auto state = states.load(watch.logger_id, watch.placement->id);
                if (!state) return state.error();
                watch.detector_state = *state;
            }
        }

        // In time order, each second once: a repeat with the same value is a duplicate, with
        // another value a conflict (the first one received wins).
        std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.in->at_utc < b.in->at_utc; });
        std::vector<Item> unique;
        for (const auto& item : items) {
            if (!unique.empty() && unique.back().in->at_utc == item.in->at_utc) {
                if (unique.back().in->centi_celsius == item.in->centi_celsius)
                    ++report_.duplicates;
                else
                    reject(item, "reading.conflicting_duplicate",
                           "another reading of this logger at this time in the same batch has a different value");
                continue;
            }
            unique.push_back(item);
        }

        std::vector<domain::Reading> rows;
        rows.reserve(unique.size());
        auto row_of = [&](const Item& item, std::int32_t extra_flags) {
            const IncomingReading& r = *item.in;
            return domain::Reading{watch.logger_id, r.at_utc, r.centi_celsius.value_or(0),
                                   (r.centi_celsius ? 0 : kFlagSensorFault) | extra_flags};
        };

        if (!watch.placement) {
            for (const auto& item : unique) {
                flag(item, "reading.unplaced", "logger '" + serial + "' is not placed anywhere; stored, not evaluated");
                rows.push_back(row_of(item, kFlagNotEvaluated));
            }
            return store(rows);
        }

        auto rules = rule_in_force(tx_, watch);
        if (!rules) return rules.error();
        std::optional<cc::LoggerDetector> detector;
        {
            auto found = detector_for(tx_, watch, rules->rules, options_.actor);
            if (!found) return found.error();
            detector.emplace(std::move(found).value());
        }
        const std::optional<std::int64_t> last = detector->last_reading_at();

        // Readings at or before the detector's latest: already stored (a re-post), or late.
        std::vector<Item> late;
        std::vector<Item> fresh;
        for (const auto& item : unique) {
            if (item.in->at_utc < watch.placement->from_utc) {
                flag(item, "reading.before_placement", "earlier than the logger's current placement; stored, not evaluated");
                rows.push_back(row_of(item, kFlagNotEvaluated));
            } else if (last && item.in->at_utc <= *last) {
                late.push_back(item);
            } else {
                fresh.push_back(item);
            }
        }
        if (auto ok = sort_late(watch.logger_id, late, rows, row_of); !ok) return ok;

        std::vector<cc::Event> events;
        std::vector<cc::Event> one;
        for (const auto& item : fresh) {
            const IncomingReading& r = *item.in;
            const cc::Reading reading = r.centi_celsius ? cc::Reading::temperature_at(serial, r.at_utc, *r.centi_celsius)
                                                        : cc::Reading::fault_at(serial, r.at_utc);
            one.clear();
            detector->feed(reading, now_, one);
            bool stored = true;
            std::int32_t extra = 0;
            for (auto& e : one) {
                if (const auto* rej = std::get_if<cc::ReadingRejected>(&e)) {
                    reject(item, std::string(cc::to_string(rej->reason)), rej->detail);
                    stored = false;
                } else if (const auto* fl = std::get_if<cc::ReadingFlagged>(&e)) {
                    flag(item, std::string(cc::to_string(fl->reason)), fl->detail);
                    extra = kFlagNotEvaluated;
                } else {
                    events.push_back(std::move(e));
                }
            }
            if (stored) rows.push_back(row_of(item, extra));
        }
        if (auto ok = store(rows); !ok) return ok;
        EventCounts counts;
        if (auto ok = record_detector_events(tx_, watch, events, now_, options_, counts, *rules); !ok) return ok;
        report_.alarms_raised += counts.alarms_raised;
        report_.excursions_opened += counts.excursions_opened;
        report_.excursions_closed += counts.excursions_closed;
        report_.case_leads_opened += counts.case_leads_opened;
        report_.case_leads_failed += counts.case_leads_failed;
        if (auto ok = states.save(watch.logger_id, watch.placement->id, detector->save()); !ok) return ok.error();
        return {};
    }

    domain::Result<void> finish(std::size_t received) {
        store::Transaction& tx = tx_;
        for (const auto& r : rejections_) {
            const std::string serial = r.item.in->logger;
            const Poco::Int64 at = r.item.in->at_utc;
            const std::string value = value_text(*r.item.in);
            const std::string received_at = tx.now_utc();
            tx.session() << "INSERT INTO reading_rejections (logger_serial, at_utc, value_text, reason, detail, "
                            "received_at) VALUES ($1, $2, $3, $4, $5, $6)",
                bind(serial), bind(at), bind(value), bind(r.code), bind(r.detail), bind(received_at), now;
        }
        // One audit entry per batch: readings are facts in a guarded table; an entry per
        // reading would make the trail larger than the readings.
        Poco::JSON::Object j;
        j.set("received", static_cast<Poco::UInt64>(received));
        j.set("stored", static_cast<Poco::UInt64>(report_.stored));
        j.set("duplicates", static_cast<Poco::UInt64>(report_.duplicates));
        j.set("rejected", static_cast<Poco::UInt64>(report_.rejected));
        j.set("flagged", static_cast<Poco::UInt64>(report_.flagged));
        std::ostringstream s;
        j.stringify(s);
        tx.record({options_.actor, "readings.ingest", "reading_batch", tx.now_utc(), "", s.str(), ""});
        return {};
    }

private:
    struct Rejection {
        Item item;
        std::string code;
        std::string detail;
    };

    template <typename RowOf>
    domain::Result<void> sort_late(std::int64_t logger_id, const std::vector<Item>& late, std::vector<domain::Reading>& rows,
                                   RowOf row_of) {
        if (late.empty()) return {};
        std::map<std::int64_t, std::pair<std::int32_t, std::int32_t>> stored;  // at -> (value, flags)
        const std::int64_t from = late.front().in->at_utc;
        const std::int64_t to = late.back().in->at_utc + 1;
        auto existing = store::ReadingRepository(tx_).range(logger_id, from, to);
        if (!existing) return existing.error();
        for (const auto& r : *existing) stored.emplace(r.at_utc, std::make_pair(r.centi_celsius, r.flags));
        for (const auto& item : late) {
            auto it = stored.find(item.in->at_utc);
            if (it == stored.end()) {
                flag(item, "reading.out_of_order", "older than the latest reading; stored, not evaluated");
                rows.push_back(row_of(item, kFlagNotEvaluated));
                continue;
            }
            const bool fault = (it->second.second & kFlagSensorFault) != 0;
            const bool same = item.in->centi_celsius ? (!fault && *item.in->centi_celsius == it->second.first) : fault;
            if (same)
                ++report_.duplicates;
            else
                reject(item, "reading.conflicting_duplicate", "a reading with another value is stored for this time");
        }
        return {};
    }

    domain::Result<void> store(const std::vector<domain::Reading>& rows) {
        if (rows.empty()) return {};
        auto outcome = store::ReadingRepository(tx_).insert(rows);
        if (!outcome) return outcome.error();
        report_.stored += outcome->inserted;
        report_.duplicates += outcome->duplicates;
        return {};
    }

    store::Transaction& tx_;
    std::int64_t now_;
    const ColdChainOptions& options_;
    IngestReport& report_;
    std::vector<Rejection> rejections_;
};

}  // namespace

domain::Result<IngestReport> ingest_readings(store::Database& db, std::span<const IncomingReading> readings,
                                             std::int64_t now_utc, const ColdChainOptions& options) {
    return db.write([&](store::Transaction& tx) -> domain::Result<IngestReport> {
        IngestReport report;
        report.received = readings.size();
        BatchIngest batch(tx, now_utc, options, report);
        std::map<std::string, std::vector<Item>> by_logger;
        for (std::size_t i = 0; i < readings.size(); ++i) {
            Item item{i, &readings[i]};
            if (batch.admissible(item)) by_logger[readings[i].logger].push_back(item);
        }
        for (auto& [serial, items] : by_logger)
            if (auto ok = batch.logger(serial, items); !ok) return ok.error();
        if (auto ok = batch.finish(readings.size()); !ok) return ok.error();
        std::sort(report.problems.begin(), report.problems.end(),
                  [](const ReadingProblem& a, const ReadingProblem& b) { return a.index < b.index; });
        return report;
    });
}

}  // namespace lims::workflow::coldchain
