#include "lims/domain/identifiers/region_names.hpp"

#include <algorithm>

namespace lims::domain {

namespace {

// The listed name of a 2-, 4- or 6-digit code, or nullptr (the list is sorted by code).
const char* listed(std::string_view code) {
    const auto* begin = detail::kRegionNames;
    const auto* end = detail::kRegionNames + detail::kRegionNameCount;
    const auto* at = std::lower_bound(begin, end, code, [](const detail::RegionNameEntry& e, std::string_view c) {
        return std::string_view(e.code) < c;
    });
    return at != end && std::string_view(at->code) == code ? at->name : nullptr;
}

// Prefecture-level entries that are no place of their own: a municipality's districts and
// counties, the counties a province administers directly.
bool no_place(std::string_view name) {
    return name == "市辖区" || name == "县" || name == "省直辖县级行政区划" || name == "自治区直辖县级行政区划";
}

}  // namespace

std::string region_name(std::string_view code) {
    if (code.size() != 6 || !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return {};
    const char* province = listed(code.substr(0, 2));
    if (!province) return {};
    if (code.substr(2) == "0000") return province;
    const char* city = listed(code.substr(0, 4));
    if (!city) return {};
    std::string name = province;
    if (!no_place(city)) name += city;
    if (code.substr(4) == "00") return name;
    const char* county = listed(code);
    return county ? name + county : std::string{};
}

}  // namespace lims::domain
