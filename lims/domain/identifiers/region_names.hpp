// Region codes (GB/T 2260, six digits) as the names people read: "上海市浦东新区" for 310115,
// "浙江省杭州市" for 330100, "北京市" for 110000 — for figures grouped by region, which would
// otherwise print codes only. The names are a reference list compiled in
// (region_names_data.cpp: the National Bureau of Statistics' 2023 division codes); the
// system itself stores codes only. The web screens read this list (GET /api/v1/regions) and
// compose names the same way (lims/web/src/util/regions.ts).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lims::domain {

// Where the list comes from, as GET /api/v1/regions says it.
inline constexpr std::string_view kRegionNamesSource =
    "国家统计局 2023年统计用区划代码 (GB/T 2260 codes, as of 2023-06-30), with 台湾省, 香港特别行政区 and 澳门特别行政区";

// The full name of a six-digit code ("江苏省苏州市姑苏区"), or "" for a code the list does not
// have (or that is no six-digit code).
std::string region_name(std::string_view code);

namespace detail {
struct RegionNameEntry {
    const char* code;  // 2, 4 or 6 digits
    const char* name;  // as listed: "江苏省", "苏州市", "姑苏区", "市辖区"
};
extern const RegionNameEntry kRegionNames[];
extern const std::size_t kRegionNameCount;
}  // namespace detail

}  // namespace lims::domain
