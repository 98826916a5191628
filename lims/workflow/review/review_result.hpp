// The two-person review of a test's current result: the analyst accepts it (signing as
// performed), rejects it or orders a retest (each with a reason); a second person who
// neither entered nor performed it verifies it (复核, signing as verified), which makes
// it final. Called by the review routes, one transaction each.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/test_repository.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/review/signing.hpp"

#include <cstdint>
#include <string>

namespace lims::workflow::review {

enum class ReviewDecision { accept, reject, order_retest };

// Verifications a result needs before it is final (the lab may configure one to four;
// one second person is the minimum the two-person rule asks).
inline constexpr int kRequiredVerifications = 1;

struct ReviewRequest {
    std::int64_t test_id = 0;
    std::int64_t expected_test_version = 0;  // If-Match
    ReviewDecision decision = ReviewDecision::accept;
    std::string reason;     // required to reject or order a retest
    SigningIntent signing;  // required to accept (performed)
};

// Errors: review.test_not_found, review.no_result, store.conflict (version),
// transition.* (state, roles, a missing reason), signature.* (accept).
domain::Result<store::TestRecord> review_result(store::Transaction& tx, const ReviewRequest& request,
                                                const Actor& actor, const PasswordCheck& check);

struct VerifyRequest {
    std::int64_t test_id = 0;
    std::int64_t expected_test_version = 0;  // If-Match
    SigningIntent signing;
};

// accepted → verified (signature "verified"), then → final once kRequiredVerifications
// are in. Errors: review.verifier_is_producer (the verifier entered or performed the
// result), review.already_verified (the same person twice), and those of review_result.
domain::Result<store::TestRecord> verify_result(store::Transaction& tx, const VerifyRequest& request,
                                                const Actor& actor, const PasswordCheck& check);

}  // namespace lims::workflow::review
