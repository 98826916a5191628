// Conversions between the store's UTC text ("YYYY-MM-DDTHH:MM:SS.mmmZ") and the domain's
// Instant, so deadlines computed on the working-day calendar are stored in the same
// fixed-width form as every other time (text order is time order). Used by review,
// case-lead, administration and notification use cases; it sits beside them, not in review/,
// so that case_leads does not depend on review (review opens case leads, not the reverse).
// Parsing is the domain's (domain::parse_instant), under the code time.format.
#pragma once

#include "lims/domain/calendar/civil_date.hpp"
#include "lims/domain/result.hpp"

#include <string>
#include <string_view>

namespace lims::workflow {

// Accepts "YYYY-MM-DDTHH:MM:SSZ" with optional fractional seconds (dropped: deadlines
// count whole seconds). Errors: time.format.
domain::Result<domain::Instant> parse_store_time(std::string_view text);
std::string store_time(domain::Instant instant);
// Now, in the same form (with milliseconds), as the store writes its own times.
std::string store_time_now();

}  // namespace lims::workflow
