#include "lims/workflow/documents/code128.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace c128 = lims::workflow::documents::code128;

namespace {

// Sum of module widths of one symbol value (via module_widths of a one-element list).
int symbol_modules(int value) {
    auto w = c128::module_widths({value});
    return std::accumulate(w.begin(), w.end(), 0);
}

}  // namespace

TEST(Code128, EveryPatternIsElevenModulesAndTheStopThirteen) {
    for (int v = 0; v < c128::kStop; ++v) EXPECT_EQ(symbol_modules(v), 11) << "value " << v;
    EXPECT_EQ(symbol_modules(c128::kStop), 13);
}

TEST(Code128, CodeSetBWithTheWorkedChecksum) {
    // "PJJ123C": P=48 J=42 J=42 1=17 2=18 3=19 C=35 in code set B; a run of three digits in
    // the middle is too short for code set C. Check: (104 + 48·1 + 42·2 + 42·3 + 17·4 +
    // 18·5 + 19·6 + 35·7) mod 103 = 879 mod 103 = 55.
    auto v = c128::encode("PJJ123C");
    ASSERT_TRUE(v.ok()) << v.error().message;
    EXPECT_EQ(*v, (std::vector<int>{104, 48, 42, 42, 17, 18, 19, 35, 55, 106}));
}

TEST(Code128, EvenDigitsUseCodeSetC) {
    // (105 + 12·1 + 34·2) mod 103 = 185 mod 103 = 82.
    auto v = c128::encode("1234");
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(*v, (std::vector<int>{105, 12, 34, 82, 106}));
}

TEST(Code128, SampleNumberSwitchesToCForTheLongRunAndBack) {
    // "D2026-310101-000123-K": D in B, "2026" is a run of 4 in the middle (too short),
    // "310101" a run of 6 (switch to C), then back to B for "-".
    auto v = c128::encode("D2026-310101-000123-K");
    ASSERT_TRUE(v.ok());
    const std::vector<int> expected_data = {104, 'D' - 32, '2' - 32, '0' - 32, '2' - 32, '6' - 32, '-' - 32,
                                            99, 31, 1, 1, 100, '-' - 32, 99, 0, 1, 23, 100, '-' - 32, 'K' - 32};
    ASSERT_EQ(v->size(), expected_data.size() + 2);
    EXPECT_TRUE(std::equal(expected_data.begin(), expected_data.end(), v->begin()));
    EXPECT_EQ((*v)[expected_data.size()], c128::check_value(expected_data));
    EXPECT_EQ(v->back(), c128::kStop);
}

TEST(Code128, OddDigitRunLeavesTheFirstDigitInB) {
    // "A12345": run of 5 at the end: "1" in B, then C for 23 45.
    auto v = c128::encode("A12345");
    ASSERT_TRUE(v.ok());
    std::vector<int> data = {104, 'A' - 32, '1' - 32, 99, 23, 45};
    data.push_back(c128::check_value(data));
    data.push_back(106);
    EXPECT_EQ(*v, data);
}

TEST(Code128, ModulesHaveQuietZonesAndStartWithABar) {
    auto v = c128::encode("AB");
    ASSERT_TRUE(v.ok());
    auto m = c128::modules(*v);
    // start + A + B + check = 4 × 11, stop 13, quiet zones 2 × 10.
    ASSERT_EQ(m.size(), 4U * 11 + 13 + 2 * c128::kQuietZoneModules);
    for (std::size_t i = 0; i < c128::kQuietZoneModules; ++i) {
        EXPECT_FALSE(m[i]);
        EXPECT_FALSE(m[m.size() - 1 - i]);
    }
    EXPECT_TRUE(m[c128::kQuietZoneModules]);
    EXPECT_TRUE(m[m.size() - 1 - c128::kQuietZoneModules]);  // the termination bar
}

TEST(Code128, RefusesWhatItCannotEncode) {
    EXPECT_EQ(c128::encode("").error().code, "code128.empty");
    auto bad = c128::encode("AB\tC");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, "code128.character");
    EXPECT_NE(bad.error().message.find("position 3"), std::string::npos);
    EXPECT_EQ(c128::encode("样品").error().code, "code128.character");
    EXPECT_EQ(c128::encode(std::string(c128::kMaxTextLength + 1, 'A')).error().code, "code128.too_long");
}
