// Connects the laboratory receipt (sampling/on_receipt.hpp) to the review chain: when a
// sample is accepted, its tests are created from the catalogue in the receipt's own
// transaction. Installed once at start-up by add_review_routes (and by tests).
#pragma once

namespace lims::workflow::review {

// Adds the handler to sampling's accepted-sample hooks unless it is there already (a
// named handler): every assembly of the routes calls it, so a process whose handlers
// were cleared (tests) gets it back, never twice.
void install_receipt_hook();

}  // namespace lims::workflow::review
