#include "lims/workflow/review/receipt_hook.hpp"

#include "lims/workflow/review/create_tests.hpp"
#include "lims/workflow/sampling/on_receipt.hpp"

namespace lims::workflow::review {

void install_receipt_hook() {
    sampling::add_sample_accepted_handler_once("review.create_tests", [](const sampling::AcceptedSample& accepted) -> domain::Result<void> {
        const Actor actor{accepted.receiver.user_id, accepted.receiver.username, accepted.receiver.roles,
                          accepted.receiver.org_id};
        auto tests = create_tests(accepted.tx, accepted.sample.id, actor, kFirstExamination);
        if (!tests) return tests.error();
        return {};
    });
}

}  // namespace lims::workflow::review
