#include "lims/domain/result.hpp"

#include <gtest/gtest.h>

#include <string>

using lims::domain::Error;
using lims::domain::Result;
using lims::domain::Status;

namespace {

Result<int> parse_positive(int v) {
    if (v <= 0) return Error{"number.not_positive", "expected a positive number, got " + std::to_string(v)};
    return v;
}

}  // namespace

TEST(Result, CarriesValue) {
    Result<int> r = parse_positive(4);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(static_cast<bool>(r));
    EXPECT_EQ(r.value(), 4);
    EXPECT_EQ(*r, 4);
    EXPECT_THROW((void)r.error(), std::logic_error);
}

TEST(Result, CarriesError) {
    Result<int> r = parse_positive(-1);
    ASSERT_FALSE(r.ok());
    EXPECT_FALSE(static_cast<bool>(r));
    EXPECT_EQ(r.error().code, "number.not_positive");
    EXPECT_EQ(r.error().message, "expected a positive number, got -1");
    EXPECT_EQ(r.value_or(7), 7);
}

TEST(Result, ValueOfFailureIsABrokenInvariant) {
    Result<std::string> r = Error{"x.y", "why"};
    try {
        (void)r.value();
        FAIL() << "value() of a failure must throw";
    } catch (const std::logic_error& e) {
        EXPECT_NE(std::string(e.what()).find("x.y: why"), std::string::npos);
    }
}

TEST(Result, MapAndThenPassErrorsThrough) {
    auto doubled = parse_positive(5).map([](int v) { return v * 2; });
    ASSERT_TRUE(doubled.ok());
    EXPECT_EQ(doubled.value(), 10);

    auto failed = parse_positive(0).map([](int v) { return std::to_string(v); });
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, "number.not_positive");

    auto chained = parse_positive(3).and_then([](int v) { return parse_positive(v - 3); });
    ASSERT_FALSE(chained.ok());
    EXPECT_EQ(chained.error().message, "expected a positive number, got 0");
}

TEST(Result, ArrowAndMoveOut) {
    Result<std::string> r = std::string("abc");
    EXPECT_EQ(r->size(), 3u);
    std::string moved = std::move(r).value();
    EXPECT_EQ(moved, "abc");
}

TEST(Status, DefaultIsSuccess) {
    Status s;
    EXPECT_TRUE(s.ok());
    EXPECT_THROW((void)s.error(), std::logic_error);
    Status f = Error{"a.b", "c"};
    EXPECT_FALSE(f);
    EXPECT_EQ(f.error(), (Error{"a.b", "c"}));
}
