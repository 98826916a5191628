// Focus varieties (重点品种) as tags, not free text: the reference list (GET
// /api/v1/focus-tags) and a catalogue product's tags (GET/PUT /api/v1/products/{id}/focus-tags).
// A quota's tags are given with its plan (plans.hpp) and passed to its tasks. Each function
// is one transaction; a change of a product's tags is audited with before and after.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/focus_tag_repository.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lims::workflow::sampling {

domain::Result<std::vector<store::FocusTag>> list_focus_tags(store::Database& db);

// Errors: not_found (no product), the store's.
domain::Result<std::vector<std::string>> product_focus_tags(store::Database& db, std::int64_t product_id);

// Sets the product's tags to exactly `tags` (events for what changed; audit entry
// "product.focus_tags"). Only the catalogue's owner (admin.catalogue_owner, forbidden).
// Errors: invalid naming "focus_tags[i]" for an unknown or repeated code; not_found.
domain::Result<std::vector<std::string>> set_product_focus_tags(store::Database& db, const Actor& actor,
                                                                std::int64_t product_id,
                                                                const std::vector<std::string>& tags);

}  // namespace lims::workflow::sampling
