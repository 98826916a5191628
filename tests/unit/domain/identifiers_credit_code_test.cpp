#include "lims/domain/identifiers/credit_code.hpp"

#include <gtest/gtest.h>

#include <string>

using lims::domain::CreditCode;

TEST(CreditCode, AcceptsPublishedCodes) {
    // The worked example of GB 32100-2015 and codes printed on real business licences.
    for (const char* code : {"91350100M000100Y43", "914403001922038216", "91110000100006485K"}) {
        auto r = CreditCode::parse(code);
        ASSERT_TRUE(r.ok()) << code << ": " << r.error().message;
        EXPECT_EQ(r->text(), code);
    }
    auto r = CreditCode::parse("91350100M000100Y43").value();
    EXPECT_EQ(r.registration_authority(), '9');
    EXPECT_EQ(r.entity_type(), '1');
    EXPECT_EQ(r.region_digits(), "350100");
    EXPECT_EQ(r.organisation_code(), "M000100Y4");
}

TEST(CreditCode, ComputedCodesRoundTrip) {
    // Real-format codes built here: authority, type, region, organisation code, check.
    for (std::string first17 : {"12310000425010010", "5231010150000123X", "92440300MA5F00001",
                                "Y1110000MA0000000"}) {
        const auto check = CreditCode::check_character_for(first17);
        ASSERT_TRUE(check.has_value()) << first17;
        auto r = CreditCode::parse(first17 + *check);
        ASSERT_TRUE(r.ok()) << first17 << *check << ": " << r.error().message;
    }
    EXPECT_EQ(CreditCode::check_character_for("1231000042501001"), std::nullopt);   // 16 characters
    EXPECT_EQ(CreditCode::check_character_for("1231000042501001I"), std::nullopt);  // I is not in the alphabet
}

TEST(CreditCode, FoldsTypingVariants) {
    EXPECT_TRUE(CreditCode::parse(" 91350100m000100y43 ").ok());
    // Full-width characters from a Chinese input method.
    EXPECT_TRUE(CreditCode::parse("９１３５０１００Ｍ０００１００Ｙ４３").ok());
}

TEST(CreditCode, EverySingleSubstitutionIsCaught) {
    const std::string good = "91350100M000100Y43";
    for (std::size_t i = 0; i < good.size(); ++i) {
        for (char c : CreditCode::kAlphabet) {
            if (c == good[i]) continue;
            std::string typo = good;
            typo[i] = c;
            auto r = CreditCode::parse(typo);
            ASSERT_FALSE(r.ok()) << typo;
        }
    }
}

TEST(CreditCode, BadCodesAreNamed) {
    struct Case { const char* text; const char* code; };
    const Case cases[] = {
        {"", "credit_code.length"},
        {"91350100M000100Y4", "credit_code.length"},
        {"91350100M000100Y433", "credit_code.length"},
        {"91350100M000100I43", "credit_code.character"},  // I is excluded
        {"91350100M000100O43", "credit_code.character"},  // O is excluded
        {"9135010-M000100Y43", "credit_code.character"},
        {"91350A00M000100Y43", "credit_code.region"},
        {"91350100M000100Y44", "credit_code.check_character"},
        {"91351000M000100Y43", "credit_code.check_character"},
    };
    for (const auto& c : cases) {
        auto r = CreditCode::parse(c.text);
        ASSERT_FALSE(r.ok()) << c.text;
        EXPECT_EQ(r.error().code, c.code) << c.text << ": " << r.error().message;
    }
    EXPECT_NE(CreditCode::parse("91350100M000100I43").error().message.find("character 16"), std::string::npos);
}
