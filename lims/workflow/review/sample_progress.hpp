// The sample's state follows its tests and reports: testing starts with the first
// result, ends when every result is final, and a report issued makes it "reported".
// These moves are consequences of an authorised step on a test or report, so they are
// taken by the chain itself (the sample machine's guards still hold) and audited.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/domain/model/sample.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <functional>
#include <string_view>

namespace lims::workflow::review {

// Takes `action` on the sample's machine from its current state when that state has
// such a row; does nothing (returns the sample) when it has not. Errors:
// review.sample_not_found, transition.guard_failed.
domain::Result<domain::Sample> advance_sample(store::Transaction& tx, std::int64_t sample_id, std::string_view action,
                                              const Actor& actor,
                                              const std::function<bool(std::string_view)>& guards = {});

}  // namespace lims::workflow::review
