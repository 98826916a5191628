#include "lims/api/login_throttle.hpp"

#include <gtest/gtest.h>

using namespace lims::api;
using namespace std::chrono_literals;
using V = LoginThrottle::Verdict;

TEST(LoginThrottle, FreeFailuresThenGrowingDelayThenLock) {
    LoginThrottle t;  // 5 free, 2 s doubling, lock at 10 for 15 min
    auto now = LoginThrottle::Clock::time_point{} + 1000h;
    for (int i = 1; i <= 4; ++i) EXPECT_EQ(t.recordFailure("zhang", now).verdict, V::Allow) << i;
    auto d5 = t.recordFailure("zhang", now);
    EXPECT_EQ(d5.verdict, V::TooSoon);
    EXPECT_EQ(d5.retryAfter, 2s);
    EXPECT_EQ(t.check("zhang", now + 1s).verdict, V::TooSoon);
    EXPECT_EQ(t.check("zhang", now + 2s).verdict, V::Allow);
    now += 2s;
    EXPECT_EQ(t.recordFailure("zhang", now).retryAfter, 4s);
    now += 4s;
    EXPECT_EQ(t.recordFailure("zhang", now).retryAfter, 8s);
    now += 8s;
    EXPECT_EQ(t.recordFailure("zhang", now).retryAfter, 16s);
    now += 16s;
    EXPECT_EQ(t.recordFailure("zhang", now).retryAfter, 32s);
    now += 32s;
    auto locked = t.recordFailure("zhang", now);  // 10th
    EXPECT_EQ(locked.verdict, V::Locked);
    EXPECT_EQ(locked.retryAfter, 900s);
    EXPECT_EQ(t.check("zhang", now + 899s).verdict, V::Locked);
    EXPECT_EQ(t.check("zhang", now + 900s).verdict, V::Allow);
    // A served lock starts afresh: the next failure is a free one again.
    EXPECT_EQ(t.recordFailure("zhang", now + 901s).verdict, V::Allow);
}

TEST(LoginThrottle, SuccessForgetsAndNamesAreCaseInsensitive) {
    LoginThrottle t;
    auto now = LoginThrottle::Clock::time_point{} + 1000h;
    for (int i = 0; i < 5; ++i) (void)t.recordFailure("Li.Si", now);
    EXPECT_EQ(t.check("li.si", now).verdict, V::TooSoon);
    EXPECT_EQ(t.check("wang", now).verdict, V::Allow);  // others unaffected
    t.recordSuccess("LI.SI");
    EXPECT_EQ(t.check("li.si", now).verdict, V::Allow);
}

TEST(LoginThrottle, DelayIsCapped) {
    LoginThrottlePolicy p;
    p.lockAfterFailures = 1000;
    LoginThrottle t(p);
    auto now = LoginThrottle::Clock::time_point{} + 1000h;
    LoginThrottle::Decision last;
    for (int i = 0; i < 40; ++i) last = t.recordFailure("x", now);
    EXPECT_EQ(last.retryAfter, p.maxDelay);
}

TEST(LoginThrottle, AFloodOfKeysNeverForgetsALock) {
    LoginThrottlePolicy p;
    p.maxTracked = 50;
    LoginThrottle t(p);
    auto now = LoginThrottle::Clock::time_point{} + 1000h;
    for (int i = 0; i < p.lockAfterFailures; ++i) (void)t.recordFailure("victim", now);
    ASSERT_EQ(t.check("victim", now).verdict, V::Locked);
    // Made-up names past the bound: the unlocked ones are forgotten, the lock stays.
    for (int i = 0; i < 500; ++i) (void)t.recordFailure("made-up-" + std::to_string(i), now + 1s);
    EXPECT_EQ(t.check("victim", now + 2s).verdict, V::Locked);
    EXPECT_LE(t.tracked(), p.maxTracked + 1);
    EXPECT_EQ(t.check("victim", now + 900s).verdict, V::Allow);  // until the lock runs out
}

TEST(LoginThrottle, APolicyWithoutLockOnlySlowsDown) {
    LoginThrottle t(usernameThrottlePolicy());
    auto now = LoginThrottle::Clock::time_point{} + 1000h;
    LoginThrottle::Decision last;
    for (int i = 0; i < 200; ++i) {
        last = t.recordFailure("li.si", now);
        now += 61s;
    }
    EXPECT_EQ(last.verdict, V::TooSoon);
    EXPECT_EQ(last.retryAfter, 60s);
}
