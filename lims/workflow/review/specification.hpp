// The specification catalogue as the review workflow reads it: a product's lines and the
// domain Limit each line states (标准规定), so entry, judgement and the report all read
// the same limit the same way.
#pragma once

#include "lims/domain/judgement/limit.hpp"
#include "lims/domain/model/product.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace lims::workflow::review {

// The line's current version, or with `version` that version from the line's history
// (specification_line_versions): a test is judged, and its report printed, against the
// version it keeps (TestRecord::spec_line_version). Errors: review.specification_not_found.
domain::Result<domain::SpecificationLine> load_specification_line(store::Transaction& tx, std::int64_t id,
                                                                  std::optional<std::int64_t> version = std::nullopt);
std::vector<domain::SpecificationLine> specification_lines_of_product(store::Transaction& tx, std::int64_t product_id);

// The line's limit at its decimal places; a qualitative line accepts each '|'-separated
// outcome of expected_text. Errors: review.specification (names the line and what is
// wrong), and the domain's limit.* errors in its message.
domain::Result<domain::Limit> limit_of(const domain::SpecificationLine& line);

}  // namespace lims::workflow::review
