#include "lims/store/utc_time.hpp"

#include "lims/domain/calendar/utc_time.hpp"

namespace lims::store {

std::string format_utc(std::chrono::system_clock::time_point t) { return domain::format_utc(t); }

std::string utc_now() { return format_utc(std::chrono::system_clock::now()); }

}  // namespace lims::store
