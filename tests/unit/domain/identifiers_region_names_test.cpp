// Region names from the compiled-in GB/T 2260 list: provinces, prefectures and counties
// composed as people write them, municipalities without their "市辖区", and nothing for a
// code the list does not have.
#include "lims/domain/identifiers/region_names.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string_view>

namespace lims::domain {
namespace {

TEST(RegionNames, ComposeProvincePrefectureAndCounty) {
    EXPECT_EQ(region_name("310000"), "上海市");
    EXPECT_EQ(region_name("310100"), "上海市");
    EXPECT_EQ(region_name("310101"), "上海市黄浦区");
    EXPECT_EQ(region_name("310115"), "上海市浦东新区");
    EXPECT_EQ(region_name("320508"), "江苏省苏州市姑苏区");
    EXPECT_EQ(region_name("330100"), "浙江省杭州市");
    EXPECT_EQ(region_name("610900"), "陕西省安康市");
    EXPECT_EQ(region_name("810000"), "香港特别行政区");
}

TEST(RegionNames, NothingForACodeTheListDoesNotHave) {
    EXPECT_EQ(region_name("339999"), "");
    EXPECT_EQ(region_name("990000"), "");
    EXPECT_EQ(region_name("3301"), "");
    EXPECT_EQ(region_name("33010a"), "");
    EXPECT_EQ(region_name(""), "");
}

TEST(RegionNames, TheListIsSortedByCodeWithoutRepeats) {
    const auto* begin = detail::kRegionNames;
    const auto* end = begin + detail::kRegionNameCount;
    EXPECT_GT(detail::kRegionNameCount, 3000U);
    EXPECT_TRUE(std::adjacent_find(begin, end, [](const auto& a, const auto& b) {
                    return std::string_view(a.code) >= std::string_view(b.code);
                }) == end);
}

}  // namespace
}  // namespace lims::domain
