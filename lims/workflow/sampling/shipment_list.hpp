// What the shipment screens read (issue 13): the shipments a person may see, newest first
// in keyset pages (GET /api/v1/shipments: the office's shipments sent, the laboratory's
// shipments to receive); the laboratories an office may send to (GET /api/v1/laboratories:
// the active inspection centres, the same set create_shipment accepts); and a shipment's
// transport box with the logger that travelled with it (GET /api/v1/shipments/{number}/
// transport-box). Each is one read transaction; the jurisdiction is checked here: a
// shipment is visible to the sending office's subtree and the laboratory's.
#pragma once

#include "lims/domain/model/organisation.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/shipment_repository.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::sampling {

struct ShipmentListRequest {
    std::optional<std::string> direction;      // sent, incoming; none: either
    std::optional<std::string> state;          // ready, in_transit, arrived
    std::optional<std::string> sample_number;  // the shipments holding this sample
    std::int64_t before_id = 0;                // 0: from the newest
    int limit = 50;                            // 1-100
};

struct ShipmentPage {
    std::vector<store::Shipment> items;
    std::optional<std::int64_t> next_before_id;
};

// Errors: invalid naming "direction" or "state" for an unknown value; the store's.
domain::Result<ShipmentPage> list_shipments(store::Database& db, const Actor& actor, const ShipmentListRequest& request);

struct LaboratoryPage {
    std::vector<domain::Organisation> items;
    std::optional<std::int64_t> next_after_id;
};

// The active inspection centres, by id after `after_id` (any caller: the directory of
// laboratories is not a jurisdiction's record). limit 1-500.
domain::Result<LaboratoryPage> list_laboratories(store::Database& db, const Actor& actor, std::int64_t after_id,
                                                 int limit);

// Is `org_id` a laboratory a shipment may go to (an active inspection centre)? The one rule
// of both the lookup above and create_shipment.
bool is_destination_laboratory(const std::optional<domain::Organisation>& org);

struct TransportBoxView {
    std::int64_t storage_unit_id = 0;
    std::string code;
    std::string name;
    std::string storage_class;  // refrigerated, frozen, cool, ambient
    std::int32_t min_centi_celsius = 0;
    std::int32_t max_centi_celsius = 0;
};

struct TripLoggerView {
    std::string serial;
    std::optional<std::int64_t> placed_from_utc;  // the trip's placement (from dispatch)
    std::optional<std::int64_t> placed_to_utc;    // empty: still travelling
    std::int64_t readings = 0;                    // readings stored over the placement so far
    std::optional<std::int64_t> first_reading_utc;
    std::optional<std::int64_t> last_reading_utc;
};

struct ShipmentTrip {
    store::Shipment shipment;
    std::optional<TransportBoxView> box;     // empty: no box bound
    std::optional<TripLoggerView> logger;    // empty: no logger travels with it
};

// Errors: not_found for a shipment outside the caller's sending office's and laboratory's
// subtrees (answered like a missing one); the store's.
domain::Result<ShipmentTrip> shipment_trip(store::Database& db, const Actor& actor, const std::string& number,
                                           std::int64_t now_utc);

}  // namespace lims::workflow::sampling
