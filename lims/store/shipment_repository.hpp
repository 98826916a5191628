// Shipments of samples from an office to a laboratory: the items, the carrier, departure
// and arrival, and the temperature logger bound to the trip (a logger_placements row for
// the shipment). Called by the sampling workflow inside its one transaction; the caller
// writes the audit entries and moves the samples.
#pragma once

#include "lims/store/transaction.hpp"

#include <Poco/Dynamic/Var.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::store {

struct ShipmentItem {
    std::int64_t sample_id = 0;
    std::string sample_number;
    std::optional<std::string> receipt_condition;  // good, damaged, leaked, missing, rejected
    std::string receipt_note;
};

struct Shipment {
    std::int64_t id = 0;
    std::string number;  // "S2026-000123"
    std::int64_t from_org_id = 0;
    std::string from_path;  // filled when read
    std::int64_t to_org_id = 0;
    std::string to_path;  // filled when read
    std::string from_name;  // filled when read: the sending office's name
    std::string to_name;    // filled when read: the laboratory's name
    std::string state;
    std::string carrier;
    std::optional<std::int64_t> logger_id;
    std::string logger_serial;  // filled when read
    std::optional<std::string> sent_at;
    std::optional<std::string> received_at;
    std::int64_t version = 1;
    std::string created_at;
    std::string updated_at;
    std::vector<ShipmentItem> items;
};

// GET /api/v1/shipments: shipments sent from or to organisations of a subtree, newest first.
struct ShipmentListQuery {
    std::string within_path;               // the caller's subtree ("/1/4/"); empty matches nothing
    std::optional<std::string> direction;  // "sent": from the subtree; "incoming": to it; none: either
    std::optional<std::string> state;      // ready, in_transit, arrived
    std::optional<std::string> sample_number;  // shipments holding this sample
    std::int64_t before_id = 0;            // 0: from the newest
    int limit = 50;                        // rows returned: limit + 1 when there are more
};

class ShipmentRepository {
public:
    explicit ShipmentRepository(Transaction& tx) : tx_(tx) {}

    // Numbers the shipment "S<year>-<serial>" from the year's counter and inserts it with
    // its items.
    StoreResult<Shipment> create(const Shipment& shipment, int year);
    StoreResult<Shipment> get_by_number(const std::string& number);
    StoreResult<Shipment> get(std::int64_t id);
    // Up to limit + 1 shipments (with their items), newest first.
    StoreResult<std::vector<Shipment>> list(const ShipmentListQuery& query);
    // A new version with the state and, when given, the departure or arrival time.
    StoreResult<Shipment> move_state(const Shipment& current, std::int64_t expected_version, const std::string& to_state,
                                     const std::optional<std::string>& sent_at,
                                     const std::optional<std::string>& received_at);
    void set_item_condition(std::int64_t shipment_id, std::int64_t sample_id, const std::string& condition,
                            const std::string& note);
    // The shipment (not cancelled) that holds the sample most recently, if any.
    std::optional<std::int64_t> latest_shipment_of(std::int64_t sample_id);

    // Loggers and their placement on the trip.
    std::optional<std::int64_t> logger_id_by_serial(const std::string& serial);
    // True when the logger is placed (storage unit or trip) over an open interval now.
    bool logger_busy(std::int64_t logger_id);
    void place_logger_on_trip(std::int64_t logger_id, std::int64_t shipment_id, std::int64_t from_utc);
    void end_logger_trip(std::int64_t shipment_id, std::int64_t to_utc);

private:
    StoreResult<Shipment> load(const std::string& where, const Poco::Dynamic::Var& key);
    Transaction& tx_;
};

std::string to_json(const Shipment& shipment);

}  // namespace lims::store
