// Dates and times as people read them: Beijing time, written as Chinese official
// documents write dates (GB/T 9704-2012 7.3.5.4).
#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/domain/calendar/deadline.hpp"

#include <gtest/gtest.h>

using namespace lims::domain;

namespace {

Instant at(std::string_view text) {
    auto parsed = parse_instant(text);
    EXPECT_TRUE(parsed.ok()) << text;
    return parsed.ok() ? *parsed : Instant{};
}

}  // namespace

TEST(BeijingTime, AnEveningInUtcIsTheNextMorningInBeijing) {
    EXPECT_EQ(chinese_date_time(at("2026-03-01T18:30:00Z")), "2026年3月2日 02:30");
    EXPECT_EQ(chinese_date(beijing_date(at("2026-03-01T18:30:00Z"))), "2026年3月2日");
}

TEST(BeijingTime, MidnightInBeijingIsFourPmUtc) {
    EXPECT_EQ(chinese_date_time(at("2026-03-02T15:59:59Z")), "2026年3月2日 23:59");
    EXPECT_EQ(chinese_date_time(at("2026-03-02T16:00:00Z")), "2026年3月3日 00:00");
    EXPECT_EQ(format_date(beijing_date(at("2026-12-31T16:00:00Z"))), "2027-01-01");
}

TEST(BeijingTime, MonthAndDayWithoutLeadingZeroYearInFull) {
    EXPECT_EQ(chinese_date(*parse_date("2026-12-07")), "2026年12月7日");
    EXPECT_EQ(chinese_date(*parse_date("2026-01-01")), "2026年1月1日");
    EXPECT_EQ(chinese_date_time(at("2026-12-07T02:30:45.123Z")), "2026年12月7日 10:30");  // seconds dropped
}

TEST(BeijingTime, NoDaylightSavingInSummer) {
    EXPECT_EQ(chinese_date_time(at("2026-07-15T00:00:00Z")), "2026年7月15日 08:00");
}

TEST(BeijingTime, TheDeadlineClockCountsInTheSameZone) {
    EXPECT_EQ(ClockSettings{}.utc_offset, std::chrono::seconds{kBeijingUtcOffset});
    const auto i = at("2026-03-01T18:30:00Z");
    EXPECT_EQ(local_date(i), beijing_date(i));
}

TEST(BeijingTime, StoredTextPrintsWhateverItHolds) {
    EXPECT_EQ(chinese_date_time_of("2026-03-01T18:30:00.000Z"), "2026年3月2日 02:30");
    EXPECT_EQ(chinese_date_of("2026-03-01T18:30:00.000Z"), "2026年3月2日");
    EXPECT_EQ(chinese_date_of("2026-05-09"), "2026年5月9日");
    EXPECT_EQ(chinese_date_time_of("2026-05-09"), "2026年5月9日");
    EXPECT_EQ(chinese_date_of(""), "");
    EXPECT_EQ(chinese_date_of("2026-05"), "2026-05");
}

TEST(BeijingTime, ParseInstantRefusesWhatIsNotAUtcTime) {
    for (const char* bad : {"2026-03-02 16:00:00Z", "2026-03-02T16:00:00", "2026-02-30T00:00:00Z",
                            "2026-03-02T24:00:00Z", "2026-03-02T16:60:00Z", "2026-03-02T16:00:00.Z",
                            "2026-03-02T16:00:00+08:00", "x"}) {
        auto parsed = parse_instant(bad);
        ASSERT_FALSE(parsed.ok()) << bad;
        EXPECT_EQ(parsed.error().code, "instant.format") << bad;
    }
    EXPECT_TRUE(parse_instant("2026-03-02T16:00:00.5Z").ok());
}
