// Storage units, contacts, loggers' placements and readings (site_use_cases.hpp); the
// board, alarms and shipments are in site_board.cpp.
#include "lims/workflow/coldchain/site_use_cases.hpp"

#include "lims/store/reading_repository.hpp"
#include "lims/workflow/coldchain/series_query.hpp"
#include "lims/workflow/coldchain/site_rules.hpp"

namespace lims::workflow::coldchain {

namespace cc = lims::coldchain;

namespace {

// The logger named in the path, inside the caller's subtree.
domain::Result<void> check_logger(store::Transaction& tx, const Subtree& subtree, std::int64_t logger_id) {
    auto org = logger_org(tx, logger_id);
    if (!org) return org.error();
    if (!*org || !subtree.contains(**org)) return not_visible("logger", logger_id);
    return {};
}

// A storage unit named by a body field, inside the caller's subtree.
domain::Result<void> check_body_unit(store::Transaction& tx, const Subtree& subtree, std::int64_t unit_id) {
    auto unit = store::StorageUnitRepository(tx).get(unit_id);
    if (!unit) {
        if (unit.error().kind == domain::ErrorKind::not_found)
            return jurisdiction::body_id_refused("storage_unit_id", "storage unit", unit_id);
        return unit.error();
    }
    if (!subtree.contains(unit->org_id)) return jurisdiction::body_id_refused("storage_unit_id", "storage unit", unit_id);
    return {};
}

// Runs `work` on a subtree of the caller in one read transaction.
template <typename T, typename Work>
domain::Result<T> reading(store::Database& db, const Actor& caller, Work work) {
    return db.read([&](store::Transaction& tx) -> domain::Result<T> {
        auto subtree = Subtree::of(tx, caller);
        if (!subtree) return subtree.error();
        return work(tx, *subtree);
    });
}

}  // namespace

domain::Result<store::StorageUnitRow> create_storage_unit(store::Database& db, const Actor& caller,
                                                          const store::StorageUnitRow& unit) {
    return db.write([&](store::Transaction& tx) -> domain::Result<store::StorageUnitRow> {
        auto subtree = Subtree::of(tx, caller);
        if (!subtree) return subtree.error();
        if (!subtree->contains(unit.org_id)) return not_visible("organisation", unit.org_id);
        auto created = store::StorageUnitRepository(tx).create(unit, caller.name);
        if (!created) return created;
        // The rules must be buildable now, not at the first reading.
        auto rules = rules_for(*created, created->kind == "transport_box" ? cc::RecordingContext::transport
                                                                          : cc::RecordingContext::storage);
        if (!rules) return rules.error();
        return created;
    });
}

domain::Result<std::vector<store::StorageUnitRow>> storage_units(store::Database& db, const Actor& caller) {
    return reading<std::vector<store::StorageUnitRow>>(db, caller, [](store::Transaction& tx, const Subtree& s) {
        return store::StorageUnitRepository(tx).list(s.ids());
    });
}

domain::Result<store::ContactRow> designate_contact(store::Database& db, const Actor& caller,
                                                    const store::ContactRow& contact) {
    return db.write([&](store::Transaction& tx) -> domain::Result<store::ContactRow> {
        auto subtree = Subtree::of(tx, caller);
        if (!subtree) return subtree.error();
        if (!subtree->contains(contact.org_id)) return not_visible("organisation", contact.org_id);
        return store::StorageUnitRepository(tx).add_contact(contact, caller.name);
    });
}

domain::Result<store::PlacementRow> place_logger(store::Database& db, const Actor& caller,
                                                 const PlacementRequest& request, std::int64_t now_utc,
                                                 const ColdChainOptions& options) {
    if (request.storage_unit_id.has_value() == request.shipment_id.has_value())
        return domain::errors::invalid("storage_unit_id", "coldchain.placement.target",
                                       "give exactly one of storage_unit_id and shipment_id");
    return db.write([&](store::Transaction& tx) -> domain::Result<store::PlacementRow> {
        auto subtree = Subtree::of(tx, caller);
        if (!subtree) return subtree.error();
        if (auto ok = check_logger(tx, *subtree, request.logger_id); !ok) return ok.error();
        if (request.storage_unit_id) {
            if (auto ok = check_body_unit(tx, *subtree, *request.storage_unit_id); !ok) return ok.error();
        } else {
            // A trip: the shipment is sent from or to the subtree.
            auto parties = shipment_parties(tx, *request.shipment_id);
            if (!parties) return parties.error();
            if (!*parties || !(subtree->contains((*parties)->from_org_id) || subtree->contains((*parties)->to_org_id)))
                return jurisdiction::body_id_refused("shipment_id", "shipment", *request.shipment_id);
        }
        ColdChainOptions o = options;
        o.actor = caller.name;
        return place_logger(tx, request, now_utc, o);
    });
}

domain::Result<std::vector<store::PlacementRow>> logger_placements(store::Database& db, const Actor& caller,
                                                                   std::int64_t logger_id) {
    return reading<std::vector<store::PlacementRow>>(
        db, caller, [&](store::Transaction& tx, const Subtree& s) -> domain::Result<std::vector<store::PlacementRow>> {
            if (auto ok = check_logger(tx, s, logger_id); !ok) return ok.error();
            return store::StorageUnitRepository(tx).placements(logger_id);
        });
}

domain::Result<std::vector<cc::SeriesBucket>> logger_chart(store::Database& db, const Actor& caller,
                                                           std::int64_t logger_id, std::int64_t from_utc,
                                                           std::int64_t to_utc, std::size_t max_points) {
    using Buckets = std::vector<cc::SeriesBucket>;
    return reading<Buckets>(db, caller, [&](store::Transaction& tx, const Subtree& s) -> domain::Result<Buckets> {
        if (auto ok = check_logger(tx, s, logger_id); !ok) return ok.error();
        if (max_points < 1 || max_points > kMaxChartPoints)
            return domain::errors::invalid("points", "coldchain.series.points", "points must be 1..10000");
        return chart_series(tx, logger_id, from_utc, to_utc, max_points);
    });
}

domain::Result<std::vector<cc::RecordingGap>> logger_recording_gaps(store::Database& db, const Actor& caller,
                                                                    std::int64_t logger_id, std::int64_t from_utc,
                                                                    std::int64_t to_utc) {
    using Gaps = std::vector<cc::RecordingGap>;
    return reading<Gaps>(db, caller, [&](store::Transaction& tx, const Subtree& s) -> domain::Result<Gaps> {
        if (auto ok = check_logger(tx, s, logger_id); !ok) return ok.error();
        auto watch = store::StorageUnitRepository(tx).watch_by_id(logger_id);
        if (!watch) return watch.error();
        const bool placed = *watch && (*watch)->placement;
        auto in_force = placed ? rule_in_force(tx, **watch)
                               : domain::Result<RuleInForce>(RuleInForce{std::make_shared<const cc::RuleSet>(
                                                                             cc::default_rules(cc::StorageClass::refrigerated)),
                                                                         {}, {}});
        if (!in_force) return in_force.error();
        const auto* rules = &in_force->rules;
        const bool trip = placed && (*watch)->placement->shipment_id;
        auto raw = store::ReadingRepository(tx).range(logger_id, from_utc, to_utc + 1);
        if (!raw) return raw.error();
        const cc::LoggerId lid = std::to_string(logger_id);
        std::vector<cc::Reading> readings;
        readings.reserve(raw->size());
        for (const auto& x : *raw)
            readings.push_back((x.flags & kFlagSensorFault) ? cc::Reading::fault_at(lid, x.at_utc)
                                                            : cc::Reading::temperature_at(lid, x.at_utc, x.centi_celsius));
        return cc::recording_gaps(lid, readings, trip ? cc::RecordingContext::transport : cc::RecordingContext::storage,
                                  (*rules)->range, from_utc, to_utc);
    });
}

}  // namespace lims::workflow::coldchain
