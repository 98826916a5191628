// UTC timestamps as the store writes them: "YYYY-MM-DDTHH:MM:SS.mmmZ" (fixed width, so
// text order is time order on both backends). Used by transactions and repositories;
// the form is the domain's (lims/domain/calendar/utc_time.hpp).
#pragma once

#include <chrono>
#include <string>

namespace lims::store {

std::string format_utc(std::chrono::system_clock::time_point t);
std::string utc_now();

}  // namespace lims::store
