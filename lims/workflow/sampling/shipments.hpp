// Shipping samples from an office to a laboratory: a shipment of one or more registered
// samples with its carrier and an optional temperature logger bound to the trip; dispatch
// (samples move to "shipped", the logger is placed on the trip) and arrival at the
// laboratory. Each call is one transaction with its audit entries and custody events.
#pragma once

#include "lims/store/database.hpp"
#include "lims/store/shipment_repository.hpp"
#include "lims/workflow/actor.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::sampling {

struct ShipmentRequest {
    std::vector<std::string> sample_numbers;
    std::int64_t laboratory_org_id = 0;
    std::string carrier;
    std::optional<std::string> logger_serial;
};

domain::Result<store::Shipment> create_shipment(store::Database& db, const Actor& actor, const ShipmentRequest& request);

// departed_at / arrived_at: UTC, not in the future; default now.
domain::Result<store::Shipment> dispatch_shipment(store::Database& db, const Actor& actor, const std::string& number,
                                                  std::int64_t expected_version,
                                                  const std::optional<std::string>& departed_at);
domain::Result<store::Shipment> arrive_shipment(store::Database& db, const Actor& actor, const std::string& number,
                                                std::int64_t expected_version,
                                                const std::optional<std::string>& arrived_at);

// Visible to the sending office's subtree and the laboratory's.
domain::Result<store::Shipment> get_shipment(store::Database& db, const Actor& actor, const std::string& number);

}  // namespace lims::workflow::sampling
