// The detector rules of a place: a storage unit's storage class and range (storage
// context), or the transport box bound to a shipment (transport context). Ingest, the
// offline tick, the shipment verdict and the retention job all build rules here, so a
// saved detector state is always restored under the rules it was written with.
#pragma once

#include "lims/coldchain/rules.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/storage_unit_repository.hpp"

#include <memory>
#include <optional>

namespace lims::workflow::coldchain {

// Errors: coldchain.unit.storage_class (unknown class), coldchain.rules.* (invalid range).
domain::Result<std::shared_ptr<const lims::coldchain::RuleSet>> rules_for(const store::StorageUnitRow& unit,
                                                                          lims::coldchain::RecordingContext context);
// The rules of a logger's current placement (defaults for a refrigerated trip when a
// shipment has no box bound).
domain::Result<std::shared_ptr<const lims::coldchain::RuleSet>> rules_for(const store::LoggerWatch& watch);

std::optional<lims::coldchain::StorageClass> storage_class_from(std::string_view text);

}  // namespace lims::workflow::coldchain
