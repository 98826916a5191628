// Where cold-chain loggers are: storage units (refrigerators, freezers, cold rooms at a
// regulated entity or at the laboratory; transport boxes), the boxes bound to shipments for
// a trip, each logger's placements over time (one open at a time, history kept) and the
// designated contacts of each site. Called by lims/workflow/coldchain inside a Transaction.
#pragma once

#include "lims/domain/model/product_category.hpp"
#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lims::store {

struct StorageUnitRow {
    std::int64_t id = 0;
    std::string code;
    std::int64_t org_id = 0;
    std::optional<std::int64_t> entity_id;  // a regulated entity's unit; empty: the organisation's own
    std::string name;
    std::string kind;           // refrigerator, freezer, cold_room, cool_store, ambient_store, transport_box
    std::string storage_class;  // refrigerated, frozen, cool, ambient
    std::int32_t min_centi_celsius = 0;
    std::int32_t max_centi_celsius = 0;
    bool active = true;
    std::int64_t version = 1;
    std::string product_class;  // what it holds (products.category: vaccine, drug, ...); empty: not said
};

// The product classes a storage unit or a product-class excursion rule names (products.category):
// the domain's one list (lims/domain/model/product_category.hpp).
inline constexpr std::string_view kProductClassList = domain::kProductCategoryList;

struct PlacementRow {
    std::int64_t id = 0;
    std::int64_t logger_id = 0;
    std::optional<std::int64_t> storage_unit_id;
    std::optional<std::int64_t> shipment_id;
    std::int64_t from_utc = 0;
    std::optional<std::int64_t> to_utc;  // empty: the current placement
};

struct ContactRow {
    std::int64_t id = 0;
    std::int64_t org_id = 0;
    std::optional<std::int64_t> entity_id;
    std::string name;
    std::optional<std::int64_t> user_id;
    std::string email;
    std::string phone;
    int escalation_level = 0;
};

// Everything ingest needs about a logger in one row: its current placement, the unit whose
// rules apply (the box bound to the shipment for a trip), the site and the saved detector.
struct LoggerWatch {
    std::int64_t logger_id = 0;
    std::string serial;
    std::optional<PlacementRow> placement;
    std::optional<StorageUnitRow> unit;     // rules come from here
    std::int64_t site_org_id = 0;           // whose contacts are alarmed
    std::optional<std::int64_t> entity_id;  // the regulated entity whose storage it is
    std::optional<std::string> detector_state;  // saved under the current placement
};

class StorageUnitRepository {
public:
    explicit StorageUnitRepository(Transaction& tx) : tx_(tx) {}

    // Errors: invalid_argument (names the field), conflict (code taken). Audited.
    StoreResult<StorageUnitRow> create(const StorageUnitRow& unit, const std::string& actor);
    StoreResult<StorageUnitRow> get(std::int64_t id);
    // Units of these organisations (a jurisdiction's subtree), by id.
    StoreResult<std::vector<StorageUnitRow>> list(const std::vector<std::int64_t>& org_ids);

    // Closes the logger's open placement at `from_utc` and opens the new one. Exactly one
    // of unit / shipment. Errors: invalid_argument, conflict (from_utc not after the open
    // placement's start). Audited as "logger.place".
    StoreResult<PlacementRow> place(std::int64_t logger_id, std::optional<std::int64_t> storage_unit_id,
                                    std::optional<std::int64_t> shipment_id, std::int64_t from_utc,
                                    const std::string& actor);
    // Ends the open placement (logger removed, shipment received); not_found when none.
    StoreResult<PlacementRow> end_placement(std::int64_t logger_id, std::int64_t to_utc, const std::string& actor);
    StoreResult<std::optional<PlacementRow>> current_placement(std::int64_t logger_id);
    StoreResult<std::vector<PlacementRow>> placements(std::int64_t logger_id);  // oldest first
    // The shipment's trip placement (the latest one naming it), if a logger travelled with it.
    StoreResult<std::optional<PlacementRow>> shipment_placement(std::int64_t shipment_id);

    // A transport box bound to a shipment for its trip. Errors: invalid_argument (not a
    // transport box), conflict (shipment already has a box).
    StoreResult<Done> bind_transport_box(std::int64_t shipment_id, std::int64_t storage_unit_id, std::int64_t at_utc,
                                         const std::string& actor);
    StoreResult<std::optional<std::int64_t>> transport_box_of(std::int64_t shipment_id);

    StoreResult<ContactRow> add_contact(const ContactRow& contact, const std::string& actor);
    // Active contacts of the site: the organisation's own, and the entity's when given.
    StoreResult<std::vector<ContactRow>> contacts(std::int64_t org_id, std::optional<std::int64_t> entity_id);

    StoreResult<std::optional<LoggerWatch>> watch_by_serial(const std::string& serial);
    StoreResult<std::optional<LoggerWatch>> watch_by_id(std::int64_t logger_id);
    // Loggers with an open placement (for the offline tick).
    StoreResult<std::vector<std::int64_t>> placed_loggers();

private:
    StoreResult<std::optional<LoggerWatch>> watch(const std::string& where, const std::string& key);
    Transaction& tx_;
};

std::string to_json(const StorageUnitRow& unit);
std::string to_json(const PlacementRow& placement);

}  // namespace lims::store
