// Creating a sample's tests from the specification catalogue lines of its product: one
// test per line, state "pending". Called by the sampling receipt hook in the transaction
// that accepts the sample, and by re-inspection (round 2, the retained portion).
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/test_repository.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <vector>

namespace lims::workflow::review {

// 1: the first examination; 2: the re-inspection (复验) of the retained portion.
inline constexpr int kFirstExamination = 1;
inline constexpr int kReinspection = 2;

// Errors: review.sample_not_found, review.no_product (the sample names no catalogue
// product), review.no_specification (the product has no specification lines),
// review.tests_exist (this round's tests were created already), transition.* (the
// actor's roles may not create tests).
domain::Result<std::vector<store::TestRecord>> create_tests(store::Transaction& tx, std::int64_t sample_id,
                                                            const Actor& actor, int round = kFirstExamination);

}  // namespace lims::workflow::review
