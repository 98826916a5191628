// Linking the catalogue product to a sample registered from its label alone (no product
// picked in the field): the laboratory's receiver or analyst names the product whose
// specification lines the sample will be tested against, before receipt (the receipt
// sets the tests up from them). A new version of the sample with its revision and audit
// entry, in one transaction, If-Match on the sample's version. Called by the API's route
// POST /api/v1/samples/{number}/product and the tests.
#pragma once

#include "lims/domain/model/sample.hpp"
#include "lims/domain/state_machine/role.hpp"
#include "lims/store/database.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <string>

namespace lims::workflow::sampling {

// The laboratory's people who check a sample against its label: receivers at receipt,
// analysts before testing.
inline constexpr domain::RoleSet kProductLinkRoles{domain::Role::receiver, domain::Role::analyst};

struct ProductLink {
    std::int64_t product_id = 0;
    std::string reason;  // optional; the audit entry's reason (a default one when empty)
};

// Errors: sampling.forbidden (roles), sampling.not_found (no such sample, or outside the
// caller's jurisdiction), sampling.stale_version, sampling.conflict (the sample is past
// receipt, or linked to this product already), sampling.invalid_field:product_id (no
// such product, another category than the label's, or no specification lines to test
// against).
domain::Result<domain::Sample> link_product(store::Database& db, const Actor& actor, const std::string& number,
                                            std::int64_t expected_version, const ProductLink& link);

// The address of that route for a sample, for messages that tell what to do.
std::string product_link_path(const std::string& sample_number);

}  // namespace lims::workflow::sampling
