#include "lims/domain/decimal.hpp"

#include <gtest/gtest.h>

#include <string>

using lims::domain::Decimal;

namespace {

Decimal d(const char* text) {
    auto r = Decimal::parse(text);
    if (!r) ADD_FAILURE() << text << ": " << r.error().message;
    return r.value_or(Decimal{});
}

}  // namespace

TEST(Decimal, ParsesWhatAnalystsAndInstrumentsWrite) {
    struct Case { const char* text; std::int64_t coefficient; int scale; const char* shown; };
    const Case cases[] = {
        {"94.95", 9495, 2, "94.95"},   {"-0.5", -5, 1, "-0.5"},      {"+12", 12, 0, "12"},
        {"0", 0, 0, "0"},              {"-0.00", 0, 2, "0.00"},      {"007.50", 750, 2, "7.50"},
        {".5", 5, 1, "0.5"},           {"5.", 5, 0, "5"},            {" 105.0 ", 1050, 1, "105.0"},
        {"1e3", 1000, 0, "1000"},      {"1.5E-3", 15, 4, "0.0015"},  {"2.50e+2", 250, 0, "250"},
        {"0.000001", 1, 6, "0.000001"}, {"123456789012345678", 123456789012345678, 0, "123456789012345678"},
    };
    for (const auto& c : cases) {
        auto r = Decimal::parse(c.text);
        ASSERT_TRUE(r.ok()) << c.text << ": " << r.error().message;
        EXPECT_EQ(r->coefficient(), c.coefficient) << c.text;
        EXPECT_EQ(r->scale(), c.scale) << c.text;
        EXPECT_EQ(r->to_string(), c.shown) << c.text;
    }
}

TEST(Decimal, RejectsBadTextNamingTheProblem) {
    struct Case { const char* text; const char* code; };
    const Case cases[] = {
        {"", "decimal.empty"},           {"   ", "decimal.empty"},         {"-", "decimal.syntax"},
        {"abc", "decimal.syntax"},       {"1.2.3", "decimal.syntax"},      {"1,5", "decimal.syntax"},
        {"12 mg", "decimal.syntax"},     {"1e", "decimal.syntax"},         {"1e+", "decimal.syntax"},
        {".", "decimal.syntax"},         {"--1", "decimal.syntax"},        {"NaN", "decimal.syntax"},
        {"inf", "decimal.syntax"},       {"0x10", "decimal.syntax"},       {"1 000", "decimal.syntax"},
        {"1234567890123456789", "decimal.too_many_digits"},
        {"1e18", "decimal.out_of_range"}, {"1e1000", "decimal.out_of_range"},
        {"1e-19", "decimal.out_of_range"}, {"0.0000000000000000001", "decimal.out_of_range"},
    };
    for (const auto& c : cases) {
        auto r = Decimal::parse(c.text);
        ASSERT_FALSE(r.ok()) << "accepted '" << c.text << "'";
        EXPECT_EQ(r.error().code, c.code) << c.text << ": " << r.error().message;
        EXPECT_FALSE(r.error().message.empty());
    }
    EXPECT_NE(Decimal::parse("1,5").error().message.find("position 2"), std::string::npos);
}

TEST(Decimal, LeadingZerosDoNotCountAsDigits) {
    EXPECT_TRUE(Decimal::parse("0000000000000000000000.5").ok());
}

TEST(Decimal, ComparesValuesNotSpellings) {
    EXPECT_EQ(d("1.0"), d("1.00"));
    EXPECT_EQ(d("0"), d("-0.000"));
    EXPECT_LT(d("94.95"), d("95.0"));
    EXPECT_GT(d("105.05"), d("105.0"));
    EXPECT_LT(d("-0.5"), d("0.4"));
    EXPECT_LT(d("-1.5"), d("-1.49"));
    EXPECT_GT(d("123456789012345678"), d("0.123456789012345678"));
    EXPECT_FALSE(d("1.0").identical(d("1.00")));
    EXPECT_TRUE(d("1.0").identical(d("1.0")));
}

TEST(Decimal, RoundsHalfToEvenPerGbT8170) {
    struct Case { const char* value; int places; const char* expected; };
    const Case cases[] = {
        // GB/T 8170-2008 examples: 四舍六入五成双
        {"0.55", 1, "0.6"},   {"0.54", 1, "0.5"},   {"0.45", 1, "0.4"},   {"0.65", 1, "0.6"},
        {"0.56", 1, "0.6"},   {"0.451", 1, "0.5"},  {"94.95", 1, "95.0"}, {"94.85", 1, "94.8"},
        {"105.05", 1, "105.0"}, {"105.15", 1, "105.2"}, {"12.1498", 1, "12.1"}, {"10.5002", 0, "11"},
        {"1.5", 0, "2"},      {"2.5", 0, "2"},      {"-2.5", 0, "-2"},    {"-0.55", 1, "-0.6"},
        {"-0.45", 1, "-0.4"}, {"0.05", 1, "0.0"},   {"0.15", 1, "0.2"},   {"999.95", 1, "1000.0"},
        {"0.5", 2, "0.5"},    {"7", 0, "7"},        {"0.0005", 3, "0.000"}, {"0.0015", 3, "0.002"},
    };
    for (const auto& c : cases) {
        const Decimal rounded = d(c.value).round_half_even(c.places);
        EXPECT_EQ(rounded.to_string(), c.expected) << c.value << " to " << c.places;
    }
    EXPECT_THROW((void)d("1.5").round_half_even(-1), std::invalid_argument);
}

TEST(Decimal, FromParts) {
    auto r = Decimal::from_parts(-9495, 2);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->to_string(), "-94.95");
    EXPECT_EQ(Decimal::from_parts(1, 19).error().code, "decimal.out_of_range");
    EXPECT_EQ(Decimal::from_parts(1, -1).error().code, "decimal.out_of_range");
    EXPECT_EQ(Decimal::from_parts(1'000'000'000'000'000'000, 0).error().code, "decimal.out_of_range");
    EXPECT_EQ(Decimal::from_integer(-3).to_string(), "-3");
}
