#include "lims/workflow/store_time.hpp"

#include "lims/domain/calendar/beijing_time.hpp"

#include "lims/store/utc_time.hpp"

namespace lims::workflow {

domain::Result<domain::Instant> parse_store_time(std::string_view text) {
    // The one UTC parser is the domain's; review and case leads keep their code time.format.
    auto parsed = domain::parse_instant(text);
    if (!parsed)
        return domain::make_error("time.format", "\"" + std::string(text) + "\" is not a UTC time YYYY-MM-DDTHH:MM:SSZ");
    return *parsed;
}

std::string store_time(domain::Instant instant) {
    return store::format_utc(std::chrono::system_clock::time_point{instant});
}

std::string store_time_now() { return store::utc_now(); }

}  // namespace lims::workflow
