#include "lims/domain/identifiers/iso7064.hpp"
#include "lims/domain/identifiers/sample_number.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace lims::domain;

namespace {

SampleNumber make(SampleCategory category, int year, const char* region, std::uint32_t serial) {
    auto r = SampleNumber::from_parts({category, year, RegionCode::parse(region).value(), serial});
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.value();
}

}  // namespace

TEST(Iso7064Mod37_2, KnownCheckCharacters) {
    // Worked by hand: "A" (10): P = (0 + 10) * 2 mod 37 = 20; check a with
    // (20 + a) mod 37 = 1 -> a = 18 = 'I'.
    EXPECT_EQ(iso7064::mod37_2_check_character("A"), 'I');
    EXPECT_TRUE(iso7064::mod37_2_is_valid("AI"));
    EXPECT_FALSE(iso7064::mod37_2_is_valid("AJ"));
    // "0": P = 0; a = 1. "I" (18): P = 36; a = 2. "Z" (35): P = 70 mod 37 = 33; a = 5.
    EXPECT_EQ(iso7064::mod37_2_check_character("0"), '1');
    EXPECT_EQ(iso7064::mod37_2_check_character("I"), '2');
    EXPECT_EQ(iso7064::mod37_2_check_character("Z"), '5');
    // The value 36 is written '*': "H" (17): P = 34; a = (38 - 34) mod 37 = 4. Find a
    // payload whose check is '*' to show it round-trips.
    EXPECT_EQ(iso7064::mod37_2_check_character("H"), '4');
    bool star_seen = false;
    for (char c : iso7064::kAlphanumeric) {
        const std::string payload = std::string("D2026310101000") + c + "00";
        if (iso7064::mod37_2_check_character(payload) == '*') {
            star_seen = true;
            EXPECT_TRUE(iso7064::mod37_2_is_valid(payload + '*'));
        }
    }
    EXPECT_TRUE(star_seen);
    EXPECT_EQ(iso7064::mod37_2_check_character("a"), std::nullopt);  // lower case is not in the alphabet
    EXPECT_EQ(iso7064::mod37_2_check_character("A-1"), std::nullopt);
    EXPECT_FALSE(iso7064::mod37_2_is_valid("H"));
}

TEST(SampleNumber, FormatsAndParsesBack) {
    const SampleNumber n = make(SampleCategory::vaccine, 2026, "310101", 123);
    EXPECT_EQ(n.text().size(), SampleNumber::kLength);
    EXPECT_EQ(n.text().substr(0, 20), "V2026-310101-000123-");
    EXPECT_TRUE(iso7064::mod37_2_is_valid(n.compact()));

    auto parsed = SampleNumber::parse(n.text());
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed.value(), n);
    EXPECT_EQ(parsed->parts().category, SampleCategory::vaccine);
    EXPECT_EQ(parsed->parts().year, 2026);
    EXPECT_EQ(parsed->parts().region.digits(), "310101");
    EXPECT_EQ(parsed->parts().serial, 123u);

    // Scanners and people drop hyphens or send lower case: the same sample.
    std::string lower = n.compact();
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto compact = SampleNumber::parse(lower);
    ASSERT_TRUE(compact.ok()) << compact.error().message;
    EXPECT_EQ(compact.value(), n);
    EXPECT_EQ(SampleNumber::parse("  " + n.text() + "\n").value(), n);
}

TEST(SampleNumber, EveryCategoryRoundTrips) {
    for (auto c : {SampleCategory::drug, SampleCategory::vaccine, SampleCategory::biological,
                   SampleCategory::tcm_decoction, SampleCategory::cosmetic, SampleCategory::medical_device}) {
        const SampleNumber n = make(c, 2025, "440300", 999999);
        EXPECT_EQ(n.text()[0], static_cast<char>(c));
        EXPECT_EQ(SampleNumber::parse(n.text()).value().parts().category, c);
    }
}

TEST(SampleNumber, FromPartsRefusesOutOfRange) {
    const auto region = RegionCode::parse("310000").value();
    EXPECT_EQ(SampleNumber::from_parts({SampleCategory::drug, 1999, region, 1}).error().code, "sample_number.year");
    EXPECT_EQ(SampleNumber::from_parts({SampleCategory::drug, 2100, region, 1}).error().code, "sample_number.year");
    EXPECT_EQ(SampleNumber::from_parts({SampleCategory::drug, 2026, region, 0}).error().code, "sample_number.serial");
    EXPECT_EQ(SampleNumber::from_parts({SampleCategory::drug, 2026, region, 1'000'000}).error().code,
              "sample_number.serial");
}

TEST(SampleNumber, BadTextIsNamed) {
    const std::string good = make(SampleCategory::drug, 2026, "310101", 42).text();
    auto with_check = [](std::string first20) {
        std::string compact;
        for (char c : first20) if (c != '-') compact.push_back(c);
        return first20 + *iso7064::mod37_2_check_character(compact);
    };
    struct Case { std::string text; const char* code; };
    const Case cases[] = {
        {"", "sample_number.length"},
        {"D2026-310101-00042-K", "sample_number.length"},
        {good + "X", "sample_number.length"},
        {"D2026 310101-000042-" + good.substr(20), "sample_number.format"},
        {"D20-26310101-000042-" + good.substr(20), "sample_number.format"},
        {"D2O26-310101-000042-" + good.substr(20), "sample_number.format"},  // letter O for zero
        {with_check("X2026-310101-000042-"), "sample_number.category"},
        {with_check("D1999-310101-000042-"), "sample_number.year"},
        {with_check("D2026-990101-000042-"), "sample_number.region"},
        {with_check("D2026-310001-000042-"), "sample_number.region"},
        {with_check("D2026-310101-000000-"), "sample_number.serial"},
        {good.substr(0, 20) + (good[20] == '0' ? '1' : '0'), "sample_number.check_character"},
        {good.substr(0, 20) + (good[20] == '*' ? '1' : '*'), "sample_number.check_character"},
        {"D2026-310101-000024-" + good.substr(20), "sample_number.check_character"},  // transposed serial
        {"国药准字H20044063", "sample_number.format"},  // 21 bytes by chance: named by position
        {"国药准字H2004406", "sample_number.length"},
    };
    for (const auto& c : cases) {
        auto r = SampleNumber::parse(c.text);
        ASSERT_FALSE(r.ok()) << "accepted " << c.text;
        EXPECT_EQ(r.error().code, c.code) << c.text << ": " << r.error().message;
    }
    EXPECT_NE(SampleNumber::parse("D2O26-310101-000042-" + good.substr(20)).error().message.find("character 3"),
              std::string::npos);
}

// The proof the brief asks for: over every position of real numbers, every single
// substitution by another alphabet character and every adjacent transposition of two
// different characters is caught by the check character.
TEST(SampleNumber, CheckCharacterCatchesEverySubstitutionAndAdjacentTransposition) {
    const SampleNumber samples[] = {make(SampleCategory::drug, 2026, "310101", 123),
                                    make(SampleCategory::cosmetic, 2025, "110000", 987654),
                                    make(SampleCategory::tcm_decoction, 2031, "440305", 1)};
    std::size_t substitutions = 0;
    std::size_t transpositions = 0;
    for (const auto& sample : samples) {
        const std::string code = sample.compact();
        ASSERT_TRUE(iso7064::mod37_2_is_valid(code));
        for (std::size_t i = 0; i < code.size(); ++i) {
            for (char c : iso7064::kCheckAlphabet) {
                if (c == code[i]) continue;
                std::string typo = code;
                typo[i] = c;
                ASSERT_FALSE(iso7064::mod37_2_is_valid(typo)) << "substitution at " << i << " in " << typo;
                ++substitutions;
            }
            if (i + 1 < code.size() && code[i] != code[i + 1]) {
                std::string swapped = code;
                std::swap(swapped[i], swapped[i + 1]);
                ASSERT_FALSE(iso7064::mod37_2_is_valid(swapped)) << "transposition at " << i << " in " << swapped;
                ++transpositions;
            }
        }
    }
    EXPECT_EQ(substitutions, 3u * 18u * 36u);
    EXPECT_GT(transpositions, 30u);
}

// Stronger than the samples above: every ordered pair of distinct characters, at every
// adjacent position of an 18-character payload, is caught when swapped.
TEST(Iso7064Mod37_2, EveryAdjacentPairAtEveryPositionIsCaught) {
    const std::string base = "D2026310101000123";
    for (std::size_t i = 0; i + 1 < base.size(); ++i) {
        for (char a : iso7064::kAlphanumeric) {
            for (char b : iso7064::kAlphanumeric) {
                if (a == b) continue;
                std::string payload = base;
                payload[i] = a;
                payload[i + 1] = b;
                std::string code = payload + *iso7064::mod37_2_check_character(payload);
                std::swap(code[i], code[i + 1]);
                ASSERT_FALSE(iso7064::mod37_2_is_valid(code)) << "missed swap of " << a << b << " at " << i;
            }
        }
        // The check character itself swapped with the last payload character.
        for (char a : iso7064::kAlphanumeric) {
            std::string payload = base;
            payload.back() = a;
            std::string code = payload + *iso7064::mod37_2_check_character(payload);
            if (code[16] == code[17]) continue;
            std::swap(code[16], code[17]);
            ASSERT_FALSE(iso7064::mod37_2_is_valid(code)) << "missed swap with check character, " << a;
        }
    }
}
