#include "lims/workflow/sampling/shipment_list.hpp"

#include "lims/domain/error.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/store/reading_repository.hpp"
#include "lims/store/storage_unit_repository.hpp"
#include "lims/workflow/jurisdiction.hpp"
#include "lims/workflow/sampling/errors.hpp"

#include <algorithm>

namespace lims::workflow::sampling {

namespace {

bool visible(const Actor& actor, const store::Shipment& s) {
    return jurisdiction::covers(actor, s.from_path) || jurisdiction::covers(actor, s.to_path);
}

}  // namespace

domain::Result<ShipmentPage> list_shipments(store::Database& db, const Actor& actor, const ShipmentListRequest& request) {
    if (request.direction && *request.direction != "sent" && *request.direction != "incoming")
        return domain::errors::invalid("direction", "shipment.direction_unknown",
                                       "\"" + request.direction->substr(0, 40) + "\" is not a direction (sent, incoming)");
    if (request.state && *request.state != "ready" && *request.state != "in_transit" && *request.state != "arrived")
        return domain::errors::invalid("state", "shipment.state_unknown",
                                       "\"" + request.state->substr(0, 40) +
                                           "\" is not a shipment state (ready, in_transit, arrived)");
    return db.read([&](store::Transaction& tx) -> domain::Result<ShipmentPage> {
        store::ShipmentListQuery q;
        q.within_path = actor.org_path;
        q.direction = request.direction;
        q.state = request.state;
        q.sample_number = request.sample_number;
        q.before_id = request.before_id;
        q.limit = std::clamp(request.limit, 1, 100);
        auto found = store::ShipmentRepository(tx).list(q);
        if (!found) return found.error();
        ShipmentPage page;
        page.items = std::move(*found);
        if (static_cast<int>(page.items.size()) > q.limit) {
            page.items.pop_back();
            page.next_before_id = page.items.back().id;
        }
        return page;
    });
}

bool is_destination_laboratory(const std::optional<domain::Organisation>& org) {
    return org && org->kind == domain::OrganisationKind::inspection_centre && org->active;
}

domain::Result<LaboratoryPage> list_laboratories(store::Database& db, const Actor& /*actor*/, std::int64_t after_id,
                                                 int limit) {
    const int n = std::clamp(limit, 1, 500);
    return db.read([&](store::Transaction& tx) -> domain::Result<LaboratoryPage> {
        LaboratoryPage page;
        page.items = store::OrganisationRepository(tx).active_of_kind(domain::OrganisationKind::inspection_centre,
                                                                      after_id, n + 1);
        if (static_cast<int>(page.items.size()) > n) {
            page.items.pop_back();
            page.next_after_id = page.items.back().id;
        }
        return page;
    });
}

domain::Result<ShipmentTrip> shipment_trip(store::Database& db, const Actor& actor, const std::string& number,
                                           std::int64_t now_utc) {
    return db.read([&](store::Transaction& tx) -> domain::Result<ShipmentTrip> {
        auto shipment = store::ShipmentRepository(tx).get_by_number(number);
        if (!shipment || !visible(actor, *shipment)) return not_found("There is no shipment " + number + ".");
        ShipmentTrip trip;
        store::StorageUnitRepository units(tx);
        auto box_id = units.transport_box_of(shipment->id);
        if (!box_id) return box_id.error();
        if (*box_id) {
            auto unit = units.get(**box_id);
            if (!unit) return unit.error();
            trip.box = TransportBoxView{unit->id, unit->code, unit->name, unit->storage_class, unit->min_centi_celsius,
                                        unit->max_centi_celsius};
        }
        // The trip's logger: the one placed in the shipment (at dispatch for the logger named
        // when it was made, or placed through the cold chain's placements), else the one named.
        auto placement = units.shipment_placement(shipment->id);
        if (!placement) return placement.error();
        if (*placement) {
            TripLoggerView logger;
            auto watched = units.watch_by_id((*placement)->logger_id);
            if (!watched) return watched.error();
            logger.serial = *watched ? (*watched)->serial : shipment->logger_serial;
            logger.placed_from_utc = (*placement)->from_utc;
            logger.placed_to_utc = (*placement)->to_utc;
            auto readings = store::ReadingRepository(tx).range((*placement)->logger_id, (*placement)->from_utc,
                                                               (*placement)->to_utc.value_or(now_utc + 1));
            if (!readings) return readings.error();
            logger.readings = static_cast<std::int64_t>(readings->size());
            if (!readings->empty()) {
                logger.first_reading_utc = readings->front().at_utc;
                logger.last_reading_utc = readings->back().at_utc;
            }
            trip.logger = std::move(logger);
        } else if (shipment->logger_id) {
            trip.logger = TripLoggerView{shipment->logger_serial, std::nullopt, std::nullopt, 0, std::nullopt, std::nullopt};
        }
        trip.shipment = std::move(*shipment);
        return trip;
    });
}

}  // namespace lims::workflow::sampling
