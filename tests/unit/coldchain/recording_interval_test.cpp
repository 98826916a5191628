#include "lims/coldchain/recording_interval.hpp"
#include "support/profiles.hpp"

#include <gtest/gtest.h>

namespace lims::coldchain {
namespace {

using testing::ProfileBuilder;
constexpr Seconds kMin = 60;
const LoggerId kLogger = "FR-3";
const TemperatureRange kRange = default_range(StorageClass::refrigerated);

TEST(RecordingInterval, StorageEveryThirtyMinutesIsCompliantThirtyOneIsNot) {
    auto ok = ProfileBuilder(kLogger, 0, 30 * kMin).hold(500, 24 * 3600 + 1).build();  // 0 .. 86400
    auto gaps = recording_gaps(kLogger, ok, RecordingContext::storage, kRange, 0, 86400);
    ASSERT_TRUE(gaps.ok());
    EXPECT_TRUE(gaps->empty());

    auto late = ProfileBuilder(kLogger, 0, 30 * kMin).hold(500, 3600).silence(kMin).hold(500, 3600).build();
    gaps = recording_gaps(kLogger, late, RecordingContext::storage, kRange, 0, late.back().at);
    ASSERT_TRUE(gaps.ok());
    ASSERT_EQ(gaps->size(), 1u);
    EXPECT_EQ((*gaps)[0], (RecordingGap{kLogger, 1800, 3660, 1800, RecordingRequirement::storage}));
    EXPECT_EQ((*gaps)[0].length(), 1860);
}

TEST(RecordingInterval, TransportNeedsFiveMinutes) {
    auto readings = ProfileBuilder(kLogger, 0, 6 * kMin).hold(500, 3600).build();
    auto gaps = recording_gaps(kLogger, readings, RecordingContext::transport, kRange, 0, readings.back().at);
    ASSERT_TRUE(gaps.ok());
    EXPECT_EQ(gaps->size(), readings.size() - 1);
    EXPECT_EQ(gaps->front().requirement, RecordingRequirement::transport);
    EXPECT_EQ(gaps->front().allowed, 300);
}

TEST(RecordingInterval, OutOfRangeNeedsTwoMinutesAfterTheOutOfRangeReading) {
    auto readings = ProfileBuilder(kLogger, 0, 2 * kMin).hold(500, 10 * kMin).build();
    readings.push_back(Reading::temperature_at(kLogger, 600, 900));   // out of range
    readings.push_back(Reading::temperature_at(kLogger, 721, 900));   // 2 min 1 s later: a gap
    readings.push_back(Reading::temperature_at(kLogger, 841, 500));   // 2 min: fine
    readings.push_back(Reading::temperature_at(kLogger, 2600, 500));  // back in range: 30 min allowed
    auto gaps = recording_gaps(kLogger, readings, RecordingContext::storage, kRange, 0, 2600);
    ASSERT_TRUE(gaps.ok());
    ASSERT_EQ(gaps->size(), 1u);
    EXPECT_EQ((*gaps)[0], (RecordingGap{kLogger, 600, 721, 120, RecordingRequirement::out_of_range}));
}

TEST(RecordingInterval, PeriodEdgesFaultsAndEmptyRecordsCount) {
    // No readings: the whole period is one gap.
    auto gaps = recording_gaps(kLogger, {}, RecordingContext::storage, kRange, 0, 7200);
    ASSERT_TRUE(gaps.ok());
    EXPECT_EQ(*gaps, (std::vector<RecordingGap>{{kLogger, 0, 7200, 1800, RecordingRequirement::storage}}));

    // Faults record no temperature; readings outside the period and duplicates are ignored;
    // order does not matter.
    std::vector<Reading> readings{
        Reading::temperature_at(kLogger, 3600, 500), Reading::temperature_at(kLogger, 1000, 500),
        Reading::temperature_at(kLogger, 1000, 500), Reading::fault_at(kLogger, 2200),
        Reading::temperature_at(kLogger, -50000, 500), Reading::temperature_at(kLogger, 2500, 50000)};
    gaps = recording_gaps(kLogger, readings, RecordingContext::storage, kRange, 0, 3600);
    ASSERT_TRUE(gaps.ok());
    EXPECT_EQ(*gaps, (std::vector<RecordingGap>{{kLogger, 1000, 3600, 1800, RecordingRequirement::storage}}));
}

TEST(RecordingInterval, BadInputIsNamed) {
    std::vector<Reading> mixed{Reading::temperature_at(kLogger, 0, 500), Reading::temperature_at("other", 1, 500)};
    EXPECT_EQ(recording_gaps(kLogger, mixed, RecordingContext::storage, kRange, 0, 10).error().code,
              "coldchain.recording.mixed_loggers");
    EXPECT_EQ(recording_gaps(kLogger, {}, RecordingContext::storage, kRange, 10, 0).error().code,
              "coldchain.recording.inverted_period");
    RecordingLimits zero;
    zero.out_of_range = 0;
    EXPECT_EQ(recording_gaps(kLogger, {}, RecordingContext::storage, kRange, 0, 10, zero).error().code,
              "coldchain.recording.limit");
}

}  // namespace
}  // namespace lims::coldchain
