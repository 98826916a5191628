// The two seams of the laboratory receipt that other areas fill, both called inside the
// receipt's own transaction (so what they write lands with the receipt or not at all):
//  - on_sample_accepted: after a sample is accepted and moved to "received". The review
//    chain registers a handler that creates the sample's tests; an error it returns rolls
//    the whole receipt back and is answered to the receiver.
//  - cold_chain_verdict: for refrigerated and frozen samples, before the decision. The
//    cold-chain area registers an assessor that reads the trip logger's readings
//    (shipment.logger_id, logger_placements for the trip) and says whether the chain
//    held; "excursion" makes acceptance impossible (the receiver must reject). Without an
//    assessor the verdict is "not_assessed" and the receiver's temperature_record_ok decides.
// Register handlers once at start-up (e.g. from add_review_routes/add_coldchain_routes);
// registration is not thread-safe against concurrent receipts.
#pragma once

#include "lims/domain/model/sample.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/store/shipment_repository.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace lims::workflow::sampling {

struct AcceptedSample {
    store::Transaction& tx;            // the receipt's transaction: write here, do not commit
    const Actor& receiver;
    const domain::Sample& sample;      // already in state "received", at its new version
    const store::SampleReceipt& receipt;
    std::optional<std::int64_t> shipment_id;
};

using SampleAcceptedHandler = std::function<domain::Result<void>(const AcceptedSample&)>;

// Adds a handler; all run in registration order, the first error stops and rolls back.
void add_sample_accepted_handler(SampleAcceptedHandler handler);
// Adds a handler under a name unless one of that name is there already (so a service
// assembled again after clear_sample_accepted_handlers() gets it back, and never twice).
// Returns whether it was added.
bool add_sample_accepted_handler_once(std::string_view name, SampleAcceptedHandler handler);
// Removes every handler (tests).
void clear_sample_accepted_handlers();
// Runs the handlers (called by receive_sample only).
domain::Result<void> on_sample_accepted(const AcceptedSample& accepted);

// What the cold-chain area says about the trip of a cold-chain sample.
struct ColdChainVerdict {
    std::string verdict;  // "held", "excursion", "no_data", "not_assessed"
    std::string detail;   // for the receiver and the audit entry
};
inline constexpr const char* kVerdictExcursion = "excursion";
inline constexpr const char* kVerdictNotAssessed = "not_assessed";

struct ColdChainQuestion {
    store::Transaction& tx;
    const domain::Sample& sample;
    const std::optional<store::Shipment>& shipment;  // with logger_id, sent_at, received_at
};
using ColdChainAssessor = std::function<ColdChainVerdict(const ColdChainQuestion&)>;

// Replaces the assessor (one at a time); an empty function restores "not_assessed".
void set_cold_chain_assessor(ColdChainAssessor assessor);
ColdChainVerdict assess_cold_chain(const ColdChainQuestion& question);

// Refrigerated (2–8 °C) and frozen (≤ −20 °C) samples travel in a cold chain.
inline bool needs_cold_chain(domain::StorageCondition c) {
    return c == domain::StorageCondition::refrigerated || c == domain::StorageCondition::frozen;
}

}  // namespace lims::workflow::sampling
