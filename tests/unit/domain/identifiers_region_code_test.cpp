#include "lims/domain/identifiers/region_code.hpp"

#include <gtest/gtest.h>

using lims::domain::RegionCode;
using lims::domain::RegionLevel;

namespace {
RegionCode rc(const char* s) { return RegionCode::parse(s).value(); }
}  // namespace

TEST(RegionCode, Levels) {
    EXPECT_EQ(rc("310000").level(), RegionLevel::province);
    EXPECT_EQ(rc("310100").level(), RegionLevel::prefecture);
    EXPECT_EQ(rc("310101").level(), RegionLevel::county);
    EXPECT_EQ(rc("429004").level(), RegionLevel::county);  // 仙桃, a county-level city under the province
    EXPECT_EQ(rc("440305").province(), rc("440000"));
    EXPECT_EQ(rc("440305").prefecture(), rc("440300"));
    EXPECT_EQ(rc("440300").prefecture(), rc("440300"));
    EXPECT_EQ(lims::domain::to_string(RegionLevel::prefecture), "prefecture");
}

TEST(RegionCode, IsWithinDecidesJurisdiction) {
    const RegionCode county = rc("310101");     // 上海市黄浦区
    EXPECT_TRUE(county.is_within(rc("310101")));
    EXPECT_TRUE(county.is_within(rc("310100")));
    EXPECT_TRUE(county.is_within(rc("310000")));
    EXPECT_FALSE(county.is_within(rc("310104")));  // a sibling district
    EXPECT_FALSE(county.is_within(rc("320000")));
    EXPECT_FALSE(county.is_within(rc("320100")));
    EXPECT_FALSE(rc("310100").is_within(rc("310101")));  // a city is not inside its county
    EXPECT_FALSE(rc("310000").is_within(rc("310100")));
    EXPECT_TRUE(rc("440300").is_within(rc("440000")));
    EXPECT_FALSE(rc("440300").is_within(rc("440100")));
}

TEST(RegionCode, BadCodesAreNamed) {
    struct Case { const char* text; const char* code; };
    const Case cases[] = {
        {"", "region_code.format"},       {"31010", "region_code.format"},    {"3101011", "region_code.format"},
        {"31010A", "region_code.format"}, {" 310101", "region_code.format"},  {"-31010", "region_code.format"},
        {"990000", "region_code.province"}, {"000000", "region_code.province"}, {"100000", "region_code.province"},
        {"310001", "region_code.structure"},
    };
    for (const auto& c : cases) {
        auto r = RegionCode::parse(c.text);
        ASSERT_FALSE(r.ok()) << c.text;
        EXPECT_EQ(r.error().code, c.code) << c.text;
    }
    for (const char* province : {"110000", "650000", "710000", "810000", "820000", "460000"}) {
        EXPECT_TRUE(RegionCode::parse(province).ok()) << province;
    }
}
