#include "lims/workflow/sampling/dates.hpp"

#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/domain/calendar/utc_time.hpp"

namespace lims::workflow::sampling {

// The domain's time module parses and formats; these keep the sampling use cases' optional
// answers (they name the field themselves).

std::optional<std::chrono::sys_days> parse_date(const std::string& t) {
    auto date = domain::parse_date(t);
    if (!date) return std::nullopt;
    return *date;
}

std::optional<std::chrono::sys_seconds> parse_utc(const std::string& t) {
    // At most nine fraction digits (nanoseconds): "YYYY-MM-DDTHH:MM:SS.fffffffffZ" is 30.
    if (t.size() > 30) return std::nullopt;
    auto instant = domain::parse_instant(t);
    if (!instant) return std::nullopt;
    return *instant;
}

std::chrono::sys_days beijing_day(std::chrono::sys_seconds utc) { return domain::beijing_date(utc); }

std::string format_utc_seconds(std::chrono::sys_seconds t) {
    return domain::format_utc(std::chrono::system_clock::time_point{t});
}

}  // namespace lims::workflow::sampling
