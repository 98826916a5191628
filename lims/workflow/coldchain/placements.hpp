// Where loggers are, as use cases (one transaction each, audited): registering a storage
// unit, a site's designated contacts, placing a logger in a unit or on a shipment's trip
// (the previous placement ends; its detector finishes so an open excursion closes), binding
// a transport box to a shipment, and the offline tick over every placed logger. Called by
// the cold-chain routes, the sampling workflow (shipments) and the service's timer.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/storage_unit_repository.hpp"
#include "lims/workflow/coldchain/ingest.hpp"

#include <optional>

namespace lims::workflow::coldchain {

domain::Result<store::StorageUnitRow> register_storage_unit(store::Database& db, const store::StorageUnitRow& unit,
                                                            const std::string& actor);
domain::Result<store::ContactRow> add_site_contact(store::Database& db, const store::ContactRow& contact,
                                                   const std::string& actor);

struct PlacementRequest {
    std::int64_t logger_id = 0;
    std::optional<std::int64_t> storage_unit_id;
    std::optional<std::int64_t> shipment_id;
    std::int64_t from_utc = 0;
};

// Errors: coldchain.site.contacts (the site has fewer than kMinDesignatedContacts level-0
// contacts: nobody would hear its alarms), store.not_found / invalid_argument / conflict.
domain::Result<store::PlacementRow> place_logger(store::Database& db, const PlacementRequest& request,
                                                 std::int64_t now_utc, const ColdChainOptions& options = {});
// The same inside the caller's transaction (site_use_cases checks jurisdiction in it first).
domain::Result<store::PlacementRow> place_logger(store::Transaction& tx, const PlacementRequest& request,
                                                 std::int64_t now_utc, const ColdChainOptions& options = {});
// The logger leaves its place (a trip ends at receipt): open excursions close as
// end_of_record, events are recorded, the placement ends at `to_utc`.
domain::Result<store::PlacementRow> end_logger_placement(store::Database& db, std::int64_t logger_id,
                                                         std::int64_t to_utc, std::int64_t now_utc,
                                                         const ColdChainOptions& options = {});

domain::Result<void> bind_transport_box(store::Database& db, std::int64_t shipment_id, std::int64_t storage_unit_id,
                                        std::int64_t at_utc, const std::string& actor);
domain::Result<void> bind_transport_box(store::Transaction& tx, std::int64_t shipment_id, std::int64_t storage_unit_id,
                                        std::int64_t at_utc, const std::string& actor);

// Offline detection by the wall clock for every placed logger (the service runs it every
// minute). Returns the alarms raised.
domain::Result<std::size_t> tick_loggers(store::Database& db, std::int64_t now_utc,
                                         const ColdChainOptions& options = {});

}  // namespace lims::workflow::coldchain
