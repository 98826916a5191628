// The retained portion (留样, 复验备份) handed over to the re-inspection laboratory: the
// laboratory that holds it checks its seals against the sampling record, and the hand-over
// is a link of the sample's chain of custody (custody_events, action
// "hand_over_retained_portion", the re-inspection laboratory the holder after), audited
// (sample.hand_over_retained_portion). Done once: the portion is then "handed_over".
// Called by the re-inspection routes (POST /api/v1/samples/{number}/reinspection/handover).
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::review {

struct RetainedPortionHandover {
    // The seal numbers read on the retained portion's package, compared with the sampling
    // record's (every one, no other).
    std::vector<std::string> seal_numbers;
    bool seals_intact = false;  // the seals were looked at and are unbroken
    std::string received_by;    // who took it at the re-inspection laboratory
    std::string note;
};

// Errors: review.record_not_found (the caller does not hold the sample),
// review.reinspection_not_found (no re-inspection registered), review.reinspection_no_laboratory
// (none chosen), review.reinspection_no_retained_portion (the sample has none),
// review.reinspection_refused (the application was not accepted, 不予受理: nothing goes to a
// laboratory), review.retained_portion_handed_over (done before: when, to whom), custody.seal_broken
// (seals_intact false: the portion cannot be re-inspected as sealed), custody.seal_mismatch
// (numbers missing or not the record's, each named), custody.received_by (blank).
domain::Result<store::CustodyEvent> hand_over_retained_portion(store::Database& db, const std::string& sample_number,
                                                              const RetainedPortionHandover& handover,
                                                              const Actor& actor);

// The hand-over of a sample's retained portion, if it was handed over.
std::optional<store::CustodyEvent> retained_portion_handover(store::Transaction& tx, std::int64_t sample_id);

}  // namespace lims::workflow::review
