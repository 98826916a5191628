#include "lims/workflow/review/receipt_hook.hpp"

#include "lims/workflow/review/create_tests.hpp"
#include "lims/workflow/sampling/on_receipt.hpp"

namespace lims::workflow::review {

void install_receipt_hook() {
    sampling::add_sample_accepted_handler_once("review.create_tests", [](const sampling::AcceptedSample& accepted) -> domain::Result<void> {
        auto tests = create_tests(accepted.tx, accepted.sample.id, accepted.receiver, kFirstExamination);
        if (!tests) return tests.error();
        return {};
    });
}

}  // namespace lims::workflow::review
