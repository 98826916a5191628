#include "lims/workflow/review/store_time.hpp"

#include "lims/store/utc_time.hpp"

namespace lims::workflow {

domain::Result<domain::Instant> parse_store_time(std::string_view text) {
    auto bad = [&] { return domain::make_error("time.format", "\"" + std::string(text) + "\" is not a UTC time YYYY-MM-DDTHH:MM:SSZ"); };
    if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text.back() != 'Z') return bad();
    auto date = domain::parse_date(text.substr(0, 10));
    if (!date) return bad();
    auto two = [&](std::size_t at) -> int {
        const char a = text[at], b = text[at + 1];
        if (a < '0' || a > '9' || b < '0' || b > '9') return -1;
        return (a - '0') * 10 + (b - '0');
    };
    const int h = two(11), m = two(14), s = two(17);
    if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59) return bad();
    const auto rest = text.substr(19, text.size() - 20);  // "" or ".mmm"
    if (!rest.empty() && (rest[0] != '.' || rest.find_first_not_of("0123456789", 1) != std::string_view::npos))
        return bad();
    return domain::Instant{*date} + std::chrono::hours{h} + std::chrono::minutes{m} + std::chrono::seconds{s};
}

std::string store_time(domain::Instant instant) {
    return store::format_utc(std::chrono::system_clock::time_point{instant});
}

}  // namespace lims::workflow
