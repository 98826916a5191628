// The cold chain's use cases for people (the /api/v1/coldchain routes call these and
// nothing else): each takes the Database and the caller, opens and owns its transaction,
// and checks every record it touches against the caller's subtree (site_access.hpp) —
// the logger, alarm or shipment named in the path (outside: not_found, like a missing
// one) and the storage unit, shipment or organisation named in the body (outside:
// invalid naming the field, or not_found for the organisation a record is created under).
// Errors carry their kind (domain::ErrorKind); nothing is written when one is returned.
#pragma once

#include "lims/coldchain/recording_interval.hpp"
#include "lims/coldchain/series.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/alarm_repository.hpp"
#include "lims/store/database.hpp"
#include "lims/store/excursion_repository.hpp"
#include "lims/store/storage_unit_repository.hpp"
#include "lims/workflow/coldchain/ingest.hpp"
#include "lims/workflow/coldchain/placements.hpp"
#include "lims/workflow/coldchain/recording_compliance.hpp"
#include "lims/workflow/coldchain/shipment_verdict.hpp"
#include "lims/workflow/coldchain/site_access.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::coldchain {

// ---- storage units and contacts (coldchain/storage-units, coldchain/contacts) ---------------
// The unit's org_id must lie in the subtree (not_found otherwise).
domain::Result<store::StorageUnitRow> create_storage_unit(store::Database& db, const Actor& caller,
                                                          const store::StorageUnitRow& unit);
domain::Result<std::vector<store::StorageUnitRow>> storage_units(store::Database& db, const Actor& caller);
// The contact's org_id must lie in the subtree (not_found otherwise).
domain::Result<store::ContactRow> designate_contact(store::Database& db, const Actor& caller,
                                                    const store::ContactRow& contact);

// ---- loggers (coldchain/loggers/{id}/...) ------------------------------------------------------
// Exactly one of storage_unit_id (a unit of the subtree) and shipment_id (a shipment sent
// from or to the subtree); else invalid naming the field. Errors of place_logger besides.
domain::Result<store::PlacementRow> place_logger(store::Database& db, const Actor& caller,
                                                 const PlacementRequest& request, std::int64_t now_utc,
                                                 const ColdChainOptions& options);
domain::Result<std::vector<store::PlacementRow>> logger_placements(store::Database& db, const Actor& caller,
                                                                   std::int64_t logger_id);
// Buckets over [from, to): at most max_points (1..kMaxChartPoints; else invalid "points").
inline constexpr std::size_t kMaxChartPoints = 10'000;
domain::Result<std::vector<lims::coldchain::SeriesBucket>> logger_chart(store::Database& db, const Actor& caller,
                                                                        std::int64_t logger_id, std::int64_t from_utc,
                                                                        std::int64_t to_utc, std::size_t max_points);
// Recording gaps over [from, to] under the rules of the logger's current place (storage,
// or transport on a trip; a logger never placed is judged as refrigerated storage).
domain::Result<std::vector<lims::coldchain::RecordingGap>> logger_recording_gaps(store::Database& db,
                                                                                 const Actor& caller,
                                                                                 std::int64_t logger_id,
                                                                                 std::int64_t from_utc,
                                                                                 std::int64_t to_utc);

// ---- the site board (coldchain/site-status, excursions, recording-compliance) -----------------
struct UnitStatus {
    store::StorageUnitRow unit;
    std::optional<std::int64_t> logger_id;  // the logger placed in it now
    std::string logger_serial;
    std::optional<std::int64_t> last_reading_utc;
    std::optional<std::int32_t> last_centi_celsius;  // empty when the last reading was a sensor fault
    std::optional<std::int64_t> open_alarms;         // with a logger: its uncleared alarms at this unit
    // Data stopped (issue 19 item 5): set as soon as the poller's link is down (failed,
    // backing_off, stopped) or no reading came for stale_after_s — two polling intervals
    // of a polled logger, else the offline alarm delay of the rule in force. The time is
    // the last reading's (or the placement's start when there is none).
    std::optional<std::int64_t> no_data_since_utc;
    std::int64_t stale_after_s = 0;
    std::string link_state;  // the poller's link as this service's drivers report it; empty: none here
    // ok, no_data, out_of_range, sensor_fault, offline, excursion (the worst open alarm;
    // no_data when there is none but data stopped), no_logger
    std::string state;
};
// The state of a logger's link by its serial, from the drivers this service runs (empty
// when it runs none for the logger).
using LinkStateOf = std::function<std::string(const std::string& serial)>;
domain::Result<std::vector<UnitStatus>> site_status(store::Database& db, const Actor& caller, std::int64_t now_utc,
                                                    const LinkStateOf& link_state = {});
// The filter's org_ids are replaced by the subtree's.
domain::Result<std::vector<store::ExcursionRow>> excursions(store::Database& db, const Actor& caller,
                                                           store::ExcursionFilter filter);
domain::Result<ComplianceReport> site_compliance(store::Database& db, const Actor& caller, std::int64_t from_utc,
                                                 std::int64_t to_utc);

// ---- alarms (coldchain/alarms) ------------------------------------------------------------------
// The filter's org_ids are replaced by the subtree's.
domain::Result<std::vector<store::AlarmRow>> alarms(store::Database& db, const Actor& caller, store::AlarmFilter filter);
// An alarm of the subtree (not_found otherwise): the route looks before it asks for If-Match.
domain::Result<store::AlarmRow> find_alarm(store::Database& db, const Actor& caller, std::int64_t alarm_id);
// Errors: not_found (missing or outside), conflict (version differs, already acknowledged).
domain::Result<store::AlarmRow> acknowledge(store::Database& db, const Actor& caller, std::int64_t alarm_id,
                                            const std::string& note, std::int64_t expected_version);

// ---- shipments (coldchain/shipments/{id}/...) --------------------------------------------------
// The shipment must be sent from the subtree (not_found otherwise) and the box must be a
// unit of the subtree (invalid "storage_unit_id" otherwise).
domain::Result<void> bind_transport_box(store::Database& db, const Actor& caller, std::int64_t shipment_id,
                                        std::int64_t storage_unit_id, std::int64_t at_utc);
// The shipment must be sent from or to the subtree (not_found otherwise).
domain::Result<TripVerdict> shipment_verdict(store::Database& db, const Actor& caller, std::int64_t shipment_id,
                                             std::int64_t receipt_utc);

}  // namespace lims::workflow::coldchain
