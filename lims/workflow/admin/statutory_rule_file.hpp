// Loads the statutory rule catalogue (domain/calendar/statutory_rules.hpp) from the file
// lims.statutory.rules names; `lims serve` and `lims calendar recompute` call it at start-up
// and install the result, so every clock counts with the deployment's rules.
#pragma once

#include "lims/domain/calendar/statutory_rules.hpp"
#include "lims/domain/result.hpp"

#include <string>

namespace lims::workflow {

// The catalogue in `path`, its errors naming the path, the line and the field. Errors:
// rules.file (missing or unreadable), and parse_rule_catalogue's.
domain::Result<domain::statutory::RuleCatalogue> load_statutory_rules(const std::string& path);

}  // namespace lims::workflow
