// lims.statutory.rules: the statutory rule catalogue file a deployment counts its legal
// clocks with (fixtures/statutory-rules.txt for the format). `lims serve` and `lims
// calendar recompute` call this before counting anything.
#pragma once

#include "lims/app/command.hpp"

namespace lims::app {

// Loads and installs the file lims.statutory.rules names (or --statutory-rules); with
// neither, the catalogue compiled in from fixtures/statutory-rules.txt stays active. Says
// which on the logger. False, after saying why on `context.err` (the file, line and
// field), when the file cannot be used: the service must not count with rules it did not load.
bool install_statutory_rules(CommandContext& context);

}  // namespace lims::app
