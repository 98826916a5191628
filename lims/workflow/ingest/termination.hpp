// Whether a raw instrument message ended normally, read from the message itself: an
// ASTM E1394 message whose terminator record (L) carries a code other than N (normal) or
// F (last request processed) was aborted by one side (LIS2-A2 clause 13.1.3: T sender
// aborted, R receiver aborted, E system error, Q query error, I no information), and its
// results go to quarantine. Other protocols carry no such code: always normal.
#pragma once

#include <string_view>

namespace lims::workflow::ingest {

bool terminated_normally(std::string_view protocol, std::string_view raw);

}  // namespace lims::workflow::ingest
