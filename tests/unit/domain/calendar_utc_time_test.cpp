// UTC instants as the store writes them and the API returns them, with milliseconds
// ("YYYY-MM-DDTHH:MM:SS.mmmZ"): both directions, and what is refused.
#include "lims/domain/calendar/utc_time.hpp"

#include <gtest/gtest.h>

using namespace lims::domain;
using namespace std::chrono;

TEST(UtcTime, StoreTimesRoundTrip) {
    const auto t = parse_utc_millis("2026-11-23T11:08:04.123Z");
    ASSERT_TRUE(t);
    EXPECT_EQ(format_utc(*t), "2026-11-23T11:08:04.123Z");
    EXPECT_EQ(t->time_since_epoch() % seconds(1), milliseconds(123));
}

TEST(UtcTime, FormatsTheEpochAndTruncatesBelowAMillisecond) {
    EXPECT_EQ(format_utc(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(format_utc(system_clock::time_point{microseconds(1'999)}), "1970-01-01T00:00:00.001Z");
    // Before the epoch the millisecond is the one before, not after (floor, not truncation).
    EXPECT_EQ(format_utc(system_clock::time_point{-microseconds(1)}), "1969-12-31T23:59:59.999Z");
}

TEST(UtcTime, RefusesAnythingButTheMillisecondForm) {
    for (const char* bad : {"", "2026-13-23T11:08:04.123Z", "2026-02-29T11:08:04.123Z", "2026-11-23 11:08:04",
                            "2026-11-23T11:08:04Z", "2026-11-23T11:08:04.12Z", "2026-11-23T24:00:00.000Z",
                            "2026-11-23T11:60:00.000Z", "2026-11-23T11:08:61.000Z", "2026-11-23T11:08:04.1a3Z",
                            "2026-11-23T11:08:04.123+", " 026-11-23T11:08:04.123Z", "2026-11-23T1 :08:04.123Z"}) {
        EXPECT_FALSE(parse_utc_millis(bad)) << bad;
    }
}
