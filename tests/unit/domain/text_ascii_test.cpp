#include "lims/domain/text/ascii.hpp"

#include <gtest/gtest.h>

namespace text = lims::domain::text;

TEST(Text, TrimAndFold) {
    EXPECT_EQ(text::trim("  a b\t\n"), "a b");
    EXPECT_EQ(text::trim("　x　"), "x");
    EXPECT_EQ(text::trim(""), "");
    EXPECT_EQ(text::fold_fullwidth("ＡＢｃ１２３！～"), "ABc123!~");
    EXPECT_EQ(text::fold_fullwidth("国药准字　Ｈ"), "国药准字 H");
    EXPECT_EQ(text::fold_fullwidth("\xEF"), "\xEF");  // a truncated sequence passes through
    EXPECT_TRUE(text::equals_ignoring_ascii_case("Sterile", "STERILE"));
    EXPECT_FALSE(text::equals_ignoring_ascii_case("Sterile", "Sterile "));
}

TEST(Text, QuotedIsBoundedAndKeepsUtf8Whole) {
    EXPECT_EQ(text::quoted("abc"), "'abc'");
    const std::string long_chinese(60, 'x');
    EXPECT_LE(text::quoted(long_chinese).size(), 40u + 2u + 3u);
    std::string mixed = std::string(39, 'a') + "符合";  // the 40-byte cut falls inside 符
    EXPECT_EQ(text::quoted(mixed), "'" + std::string(39, 'a') + "…'");
}
