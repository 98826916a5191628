// Connects the laboratory receipt (sampling/on_receipt.hpp) to the review chain: when a
// sample is accepted, its tests are created from the catalogue in the receipt's own
// transaction. Installed once at start-up by add_review_routes (and by tests).
#pragma once

namespace lims::workflow::review {

// Adds the handler to sampling's accepted-sample hooks. Call once per process (or after
// sampling::clear_sample_accepted_handlers()).
void install_receipt_hook();

}  // namespace lims::workflow::review
