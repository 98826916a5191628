// Conversions between the store's UTC text ("YYYY-MM-DDTHH:MM:SS.mmmZ") and the domain's
// Instant, so deadlines computed on the working-day calendar are stored in the same
// fixed-width form as every other time (text order is time order). Used by review and
// case-lead use cases.
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

}  // namespace lims::workflow
