#include "lims/workflow/coldchain/placements.hpp"

#include "lims/coldchain/logger_detector.hpp"
#include "lims/store/detector_state_repository.hpp"
#include "lims/workflow/coldchain/alarms.hpp"
#include "lims/workflow/coldchain/detector_events.hpp"
#include "lims/workflow/coldchain/site_rules.hpp"

namespace lims::workflow::coldchain {

namespace cc = lims::coldchain;

namespace {

domain::Result<std::size_t> run_detector(store::Transaction& tx, const store::LoggerWatch& watch, std::int64_t now_utc,
                                         const ColdChainOptions& options,
                                         const std::function<void(cc::LoggerDetector&, std::vector<cc::Event>&)>& step) {
    if (!watch.placement) return std::size_t{0};
    auto rules = rule_in_force(tx, watch);
    if (!rules) return rules.error();
    auto detector = detector_for(tx, watch, rules->rules, options.actor);
    if (!detector) return detector.error();
    std::vector<cc::Event> events;
    step(*detector, events);
    EventCounts counts;
    if (auto ok = record_detector_events(tx, watch, events, now_utc, options, counts, *rules); !ok) return ok.error();
    if (auto ok = store::DetectorStateRepository(tx).save(watch.logger_id, watch.placement->id, detector->save()); !ok)
        return ok.error();
    return counts.alarms_raised;
}

}  // namespace

domain::Result<store::StorageUnitRow> register_storage_unit(store::Database& db, const store::StorageUnitRow& unit,
                                                            const std::string& actor) {
    return db.write([&](store::Transaction& tx) -> domain::Result<store::StorageUnitRow> {
        auto created = store::StorageUnitRepository(tx).create(unit, actor);
        if (!created) return created;
        // The rules must be buildable now, not at the first reading.
        auto rules = rules_for(*created, created->kind == "transport_box" ? cc::RecordingContext::transport
                                                                          : cc::RecordingContext::storage);
        if (!rules) return rules.error();
        return created;
    });
}

domain::Result<store::ContactRow> add_site_contact(store::Database& db, const store::ContactRow& contact,
                                                   const std::string& actor) {
    return db.write([&](store::Transaction& tx) { return store::StorageUnitRepository(tx).add_contact(contact, actor); });
}

domain::Result<store::PlacementRow> place_logger(store::Transaction& tx, const PlacementRequest& request,
                                                 std::int64_t now_utc, const ColdChainOptions& options) {
        store::StorageUnitRepository units(tx);
        // Whose alarms: the unit's site, or the shipment's sender.
        std::int64_t org = 0;
        std::optional<std::int64_t> entity;
        if (request.storage_unit_id) {
            auto unit = units.get(*request.storage_unit_id);
            if (!unit) return unit.error();
            org = unit->org_id;
            entity = unit->entity_id;
        } else if (request.shipment_id) {
            std::vector<Poco::Int64> from;
            tx.session() << "SELECT from_org_id FROM shipments WHERE id = $1",
                Poco::Data::Keywords::bind(*request.shipment_id), Poco::Data::Keywords::into(from),
                Poco::Data::Keywords::now;
            if (from.empty())
                return store::store_error(store::StoreErrorKind::not_found,
                                          "shipment " + std::to_string(*request.shipment_id) + " does not exist");
            org = from.front();
        }
        if (org != 0) {
            auto contacts = units.contacts(org, entity);
            if (!contacts) return contacts.error();
            std::size_t first_level = 0;
            for (const auto& c : *contacts) first_level += c.escalation_level == 0 ? 1 : 0;
            if (first_level < kMinDesignatedContacts)
                return domain::errors::invalid(request.storage_unit_id ? "storage_unit_id" : "shipment_id",
                                               "coldchain.site.contacts",
                                          "the site has " + std::to_string(first_level) +
                                              " designated contacts; the GSP annex requires alarms to reach at least " +
                                              std::to_string(kMinDesignatedContacts));
        }
        // The old place's record ends here: close what is open there.
        auto old = units.watch_by_id(request.logger_id);
        if (!old) return old.error();
        if (*old && (*old)->placement) {
            auto closed = run_detector(tx, **old, now_utc, options, [&](cc::LoggerDetector& d, std::vector<cc::Event>& out) {
                d.finish(request.from_utc, out);
            });
            if (!closed) return closed.error();
        }
        return units.place(request.logger_id, request.storage_unit_id, request.shipment_id, request.from_utc,
                           options.actor);
}

domain::Result<store::PlacementRow> place_logger(store::Database& db, const PlacementRequest& request,
                                                 std::int64_t now_utc, const ColdChainOptions& options) {
    return db.write([&](store::Transaction& tx) { return place_logger(tx, request, now_utc, options); });
}

domain::Result<store::PlacementRow> end_logger_placement(store::Database& db, std::int64_t logger_id,
                                                         std::int64_t to_utc, std::int64_t now_utc,
                                                         const ColdChainOptions& options) {
    return db.write([&](store::Transaction& tx) -> domain::Result<store::PlacementRow> {
        store::StorageUnitRepository units(tx);
        auto watch = units.watch_by_id(logger_id);
        if (!watch) return watch.error();
        if (!*watch || !(*watch)->placement)
            return store::store_error(store::StoreErrorKind::not_found,
                                      "logger " + std::to_string(logger_id) + " has no open placement");
        auto closed = run_detector(tx, **watch, now_utc, options, [&](cc::LoggerDetector& d, std::vector<cc::Event>& out) {
            d.finish(to_utc, out);
        });
        if (!closed) return closed.error();
        return units.end_placement(logger_id, to_utc, options.actor);
    });
}

domain::Result<void> bind_transport_box(store::Transaction& tx, std::int64_t shipment_id, std::int64_t storage_unit_id,
                                        std::int64_t at_utc, const std::string& actor) {
    auto done = store::StorageUnitRepository(tx).bind_transport_box(shipment_id, storage_unit_id, at_utc, actor);
    if (!done) return done.error();
    return {};
}

domain::Result<void> bind_transport_box(store::Database& db, std::int64_t shipment_id, std::int64_t storage_unit_id,
                                        std::int64_t at_utc, const std::string& actor) {
    return db.write([&](store::Transaction& tx) { return bind_transport_box(tx, shipment_id, storage_unit_id, at_utc, actor); });
}

domain::Result<std::size_t> tick_loggers(store::Database& db, std::int64_t now_utc, const ColdChainOptions& options) {
    return db.write([&](store::Transaction& tx) -> domain::Result<std::size_t> {
        store::StorageUnitRepository units(tx);
        auto loggers = units.placed_loggers();
        if (!loggers) return loggers.error();
        std::size_t raised = 0;
        for (std::int64_t id : *loggers) {
            if (auto ok = store::DetectorStateRepository(tx).lock_logger(id); !ok) return ok.error();
            auto watch = units.watch_by_id(id);
            if (!watch) return watch.error();
            if (!*watch) continue;
            auto n = run_detector(tx, **watch, now_utc, options,
                                  [&](cc::LoggerDetector& d, std::vector<cc::Event>& out) { d.tick(now_utc, out); });
            if (!n) return n.error();
            raised += *n;
        }
        return raised;
    });
}

}  // namespace lims::workflow::coldchain
