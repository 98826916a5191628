#include "drivers/backoff.hpp"

#include <gtest/gtest.h>

namespace {

TEST(Backoff, DelaysStayWithinHalfToFullCeilingAndGrowToTheCap) {
    drivers::Backoff b({std::chrono::milliseconds(100), std::chrono::milliseconds(1000), 2.0}, 42);
    const long long ceilings[] = {100, 200, 400, 800, 1000, 1000, 1000};
    for (long long ceiling : ceilings) {
        EXPECT_EQ(b.ceiling().count(), ceiling);
        const auto d = b.next().count();
        EXPECT_GE(d, ceiling / 2);
        EXPECT_LE(d, ceiling);
    }
}

TEST(Backoff, ResetStartsOver) {
    drivers::Backoff b({std::chrono::milliseconds(10), std::chrono::milliseconds(1000), 3.0}, 1);
    b.next();
    b.next();
    EXPECT_EQ(b.ceiling().count(), 90);
    b.reset();
    EXPECT_EQ(b.ceiling().count(), 10);
}

TEST(Backoff, JitterSpreadsAFleet) {
    // Two loggers seeded differently do not retry in lock step.
    drivers::Backoff a({std::chrono::milliseconds(1000), std::chrono::milliseconds(30000), 2.0}, 1);
    drivers::Backoff b({std::chrono::milliseconds(1000), std::chrono::milliseconds(30000), 2.0}, 2);
    int differ = 0;
    for (int i = 0; i < 8; ++i) differ += a.next() != b.next();
    EXPECT_GT(differ, 0);
}

TEST(Backoff, NonsensePolicyIsMadeSafe) {
    drivers::Backoff b({std::chrono::milliseconds(0), std::chrono::milliseconds(-5), 0.5}, 3);
    for (int i = 0; i < 5; ++i) {
        const auto d = b.next().count();
        EXPECT_GE(d, 0);
        EXPECT_LE(d, 1);
    }
}

}  // namespace
