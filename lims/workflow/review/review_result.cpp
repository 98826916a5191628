#include "lims/workflow/review/review_result.hpp"

#include "lims/domain/state_machine/machines.hpp"
#include "lims/store/result_repository.hpp"

#include <algorithm>

namespace lims::workflow::review {

namespace {

struct Current {
    store::TestRecord test;
    store::ResultRecord result;
};

domain::Result<Current> load_current(store::Transaction& tx, std::int64_t test_id, std::int64_t expected_version) {
    auto test = store::TestRepository(tx).get(test_id);
    if (!test) return domain::errors::not_found("review.test_not_found", "test " + std::to_string(test_id) + " does not exist");
    if (test->version != expected_version)
        return store::store_error(store::StoreErrorKind::conflict,
                                  "test " + std::to_string(test_id) + " is at version " + std::to_string(test->version) +
                                      ", not " + std::to_string(expected_version) + ": someone acted on it meanwhile");
    auto result = store::ResultRepository(tx).latest_for_test(test_id);
    if (!result)
        return domain::errors::conflict("review.no_result", "test " + std::to_string(test_id) + " (" + test->test_code +
                                                          ") has no result to review");
    return Current{*test, *result};
}

std::string_view action_of(ReviewDecision d) {
    switch (d) {
        case ReviewDecision::accept: return "accept";
        case ReviewDecision::reject: return "reject";
        case ReviewDecision::order_retest: return "order_retest";
    }
    return "accept";
}

std::string decision_column(ReviewDecision d) {
    // result_reviews.decision: accept, reject, retest
    return d == ReviewDecision::order_retest ? "retest" : std::string(action_of(d));
}

// Who produced a result: whoever entered it, and whoever signed it as performed.
std::vector<std::int64_t> producers(store::ResultRepository& results, const store::ResultRecord& r) {
    std::vector<std::int64_t> ids;
    if (r.entered_by) ids.push_back(*r.entered_by);
    for (const auto& s : results.signatures_of("result", std::to_string(r.id)))
        if (s.meaning == kMeaningPerformed) ids.push_back(s.signer_user_id);
    return ids;
}

}  // namespace

domain::Result<store::TestRecord> review_result(store::Transaction& tx, const ReviewRequest& request,
                                                const Actor& actor, const PasswordCheck& check) {
    auto current = load_current(tx, request.test_id, request.expected_test_version);
    if (!current) return current.error();
    auto& [test, result] = *current;

    domain::RecordSet supplied;
    if (!request.reason.empty()) supplied.add(domain::Recorded::reason);
    const auto action = action_of(request.decision);
    auto to = domain::apply(domain::machines::test_result(), test.state,
                            {.action = action, .actor_roles = actor.roles, .supplied = supplied, .guard_holds = {}});
    if (!to) return to.error();

    store::ResultRepository results(tx);
    if (request.decision == ReviewDecision::accept) {
        auto signature = sign(tx, check, actor, request.signing, "result", std::to_string(result.id), kMeaningPerformed,
                              sha256_hex(store::canonical_result_text(result)));
        if (!signature) return signature.error();
    }
    if (actor.user_id) {
        auto reviewed = results.add_review({0, result.id, *actor.user_id, decision_column(request.decision),
                                            request.reason, ""});
        if (!reviewed) return reviewed.error();
    }
    return store::TestRepository(tx).set_state(test.id, test.version, std::string(*to),
                                               "test." + std::string(action), request.reason, actor.name);
}

domain::Result<store::TestRecord> verify_result(store::Transaction& tx, const VerifyRequest& request,
                                                const Actor& actor, const PasswordCheck& check) {
    auto current = load_current(tx, request.test_id, request.expected_test_version);
    if (!current) return current.error();
    auto& [test, result] = *current;
    store::ResultRepository results(tx);

    const auto made_by = producers(results, result);
    const bool is_producer =
        actor.user_id && std::find(made_by.begin(), made_by.end(), *actor.user_id) != made_by.end();
    if (is_producer)
        return domain::errors::forbidden("review.verifier_is_producer",
                                  actor.name + " entered or performed result " + std::to_string(result.id) +
                                      " of test " + test.test_code +
                                      "; a second person must verify it (复核): nothing was signed");
    int verifications = 0;
    for (const auto& s : results.signatures_of("result", std::to_string(result.id))) {
        if (s.meaning != kMeaningVerified) continue;
        ++verifications;
        if (actor.user_id && s.signer_user_id == *actor.user_id)
            return domain::errors::forbidden("review.already_verified",
                                      actor.name + " has already verified result " + std::to_string(result.id));
    }

    auto guards = [&](std::string_view guard) {
        if (guard == "verifier_not_producer") return !is_producer && actor.user_id.has_value();
        if (guard == "further_verification_required") return verifications < kRequiredVerifications;
        if (guard == "verifications_complete") return verifications + 1 >= kRequiredVerifications;
        return false;
    };
    auto verified = domain::apply(domain::machines::test_result(), test.state,
                                  {.action = "verify", .actor_roles = actor.roles,
                                   .supplied = {domain::Recorded::signature}, .guard_holds = guards});
    if (!verified) return verified.error();

    auto signature = sign(tx, check, actor, request.signing, "result", std::to_string(result.id), kMeaningVerified,
                          sha256_hex(store::canonical_result_text(result)));
    if (!signature) return signature.error();
    if (actor.user_id) {
        auto reviewed = results.add_review({0, result.id, *actor.user_id, "accept", "verified (复核)", ""});
        if (!reviewed) return reviewed.error();
    }
    store::TestRepository tests(tx);
    auto moved = tests.set_state(test.id, test.version, std::string(*verified), "test.verify", "", actor.name);
    if (!moved) return moved;
    if (verifications + 1 < kRequiredVerifications) return moved;
    auto released = domain::apply(domain::machines::test_result(), moved->state,
                                  {.action = "release", .actor_roles = actor.roles, .supplied = {}, .guard_holds = guards});
    if (!released) return released.error();
    return tests.set_state(test.id, moved->version, std::string(*released), "test.release", "", actor.name);
}

}  // namespace lims::workflow::review
