// The accepting department's decision not to accept a recorded re-inspection application
// (不予受理), with its reason. Recording an application registers it at once and opens
// round 2 (reinspection.hpp); the receiver may afterwards decide not to accept it, as long
// as the retained portion (留样) has not been handed over to the re-inspection laboratory
// and round 2 has no result. The refusal is a new row (reinspection_refusals, migration
// 14: who, when, why), never an edit of the application; the sample is reported again
// (sample machine: in_reinspection --refuse_reinspection--> reported), the round-2 tests
// that had no result are cancelled with the refusal's reason, and the retained portion
// stays where it is for its other uses. A refused application cannot be refused again and
// its retained portion is not handed over (reinspection_handover.hpp).
// Called by POST /api/v1/samples/{number}/reinspection/refusal.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/review/reinspection.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace lims::workflow::review {

struct ReinspectionRefusal {
    std::int64_t id = 0;
    std::string reason;
    std::string refused_by;  // the user's name as the audit trail shows it
    std::string refused_at;
};

// Errors: review.record_not_found (the caller does not hold the sample),
// review.reinspection_not_found (no application recorded),
// review.reinspection_refusal_reason (blank reason), review.reinspection_refused_already
// (refused before: when, by whom, why), review.reinspection_refusal_handed_over (the
// retained portion went to the laboratory: the re-inspection has begun),
// review.reinspection_refusal_result (round 2 has a result), a stale sample version
// (expected_version is the sample's version: GET .../reinspection sample_version),
// transition.* (the sample's state or the caller's role).
domain::Result<Reinspection> refuse_reinspection(store::Database& db, const std::string& sample_number,
                                                 std::int64_t expected_version, const std::string& reason,
                                                 const Actor& actor);

// The refusal of a re-inspection, if it was refused.
std::optional<ReinspectionRefusal> reinspection_refusal(store::Transaction& tx, std::int64_t reinspection_id);

}  // namespace lims::workflow::review
