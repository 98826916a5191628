#include "lims/coldchain/series.hpp"
#include "support/profiles.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace lims::coldchain {
namespace {

using testing::ProfileBuilder;
constexpr Seconds kMin = 60;
const LoggerId kLogger = "TL-5";

TEST(Downsample, ThirtyDaysToAThousandBucketsKeepsAOneMinuteSpike) {
    auto readings = ProfileBuilder(kLogger, 0, kMin).hold(500, 30 * 86400).build();
    readings[12345].temperature = 2500;  // a single minute
    readings[40000].temperature = -300;
    auto buckets = downsample(readings, 0, 30 * 86400, 1000);
    ASSERT_TRUE(buckets.ok());
    EXPECT_LE(buckets->size(), 1000u);
    EXPECT_GE(buckets->size(), 990u);
    std::int64_t total = 0;
    Centidegrees hi = -10000;
    Centidegrees lo = 10000;
    for (const auto& b : *buckets) {
        total += b.count;
        hi = std::max(hi, *b.maximum);
        lo = std::min(lo, *b.minimum);
        EXPECT_LT(b.from, b.to);
    }
    EXPECT_EQ(total, static_cast<std::int64_t>(readings.size()));
    EXPECT_EQ(hi, 2500);
    EXPECT_EQ(lo, -300);
}

TEST(Downsample, BucketsCarryMinMaxMeanAndFaults) {
    std::vector<Reading> readings{Reading::temperature_at(kLogger, 0, 500), Reading::temperature_at(kLogger, 10, 700),
                                  Reading::temperature_at(kLogger, 20, 601), Reading::fault_at(kLogger, 30),
                                  Reading::temperature_at(kLogger, 150, -5), Reading::temperature_at(kLogger, 160, -6),
                                  Reading::temperature_at(kLogger, 170, 99999),  // impossible: not charted
                                  Reading::temperature_at(kLogger, 400, 500)};   // outside [0, 200)
    auto buckets = downsample(readings, 0, 200, 2);
    ASSERT_TRUE(buckets.ok());
    ASSERT_EQ(buckets->size(), 2u);
    const auto& a = (*buckets)[0];
    EXPECT_EQ(a.from, 0);
    EXPECT_EQ(a.to, 100);
    EXPECT_EQ(a.count, 3);
    EXPECT_EQ(a.sensor_faults, 1);
    EXPECT_EQ(a.minimum, 500);
    EXPECT_EQ(a.maximum, 700);
    EXPECT_EQ(a.mean(), 600);  // 1801 / 3 = 600.33
    const auto& b = (*buckets)[1];
    EXPECT_EQ(b.count, 2);
    EXPECT_EQ(b.mean(), -6);  // -5.5 rounds away from zero
    EXPECT_EQ(b.sum, -11);
}

TEST(Downsample, EmptyBucketsAreLeftOutAndLastBucketIsClipped) {
    std::vector<Reading> readings{Reading::temperature_at(kLogger, 0, 500), Reading::temperature_at(kLogger, 99, 500)};
    auto buckets = downsample(readings, 0, 100, 3);  // width 34: [0,34) [34,68) [68,100)
    ASSERT_TRUE(buckets.ok());
    ASSERT_EQ(buckets->size(), 2u);
    EXPECT_EQ((*buckets)[1].from, 68);
    EXPECT_EQ((*buckets)[1].to, 100);
}

TEST(Downsample, BadInputIsNamed) {
    EXPECT_EQ(downsample({}, 10, 10, 5).error().code, "coldchain.series.empty_period");
    EXPECT_EQ(downsample({}, 0, 10, 0).error().code, "coldchain.series.no_buckets");
    EXPECT_EQ(downsample({}, std::numeric_limits<UtcSeconds>::min(), std::numeric_limits<UtcSeconds>::max(), 10)
                  .error()
                  .code,
              "coldchain.series.period_too_long");
    std::vector<Reading> mixed{Reading::temperature_at("a", 0, 1), Reading::temperature_at("b", 0, 1)};
    EXPECT_EQ(downsample(mixed, 0, 10, 5).error().code, "coldchain.series.mixed_loggers");
}

TEST(Thin, OldReadingsBecomeFiveMinuteAggregatesExceptEvidence) {
    // 1-minute readings over 2 h; cutoff at 1 h; an excursion window 20:30..24:00.
    auto readings = ProfileBuilder(kLogger, 0, kMin).hold(500, 7200).build();
    for (auto& r : readings)
        if (r.at >= 1230 && r.at <= 1440) r.temperature = 900;
    readings[3].temperature = 650;
    readings.push_back(Reading::fault_at(kLogger, 601));
    std::vector<EvidenceWindow> evidence{{1230, 1440}};
    auto thinned = thin(readings, 3600, evidence);
    ASSERT_TRUE(thinned.ok());

    // Buckets [1200,1500) touched by the window stay raw (5 readings), as does the fault
    // and everything from the cutoff on (60 readings).
    EXPECT_EQ(thinned->raw.size(), 5u + 1u + 60u);
    EXPECT_TRUE(std::is_sorted(thinned->raw.begin(), thinned->raw.end(),
                               [](const Reading& a, const Reading& b) { return a.at < b.at; }));
    for (const auto& r : readings) {
        if (r.at >= 1230 && r.at <= 1440) {
            EXPECT_NE(std::find(thinned->raw.begin(), thinned->raw.end(), r), thinned->raw.end()) << r.at;
        }
    }
    ASSERT_EQ(thinned->aggregates.size(), 11u);  // 12 buckets before the cutoff, one protected
    const auto& first = thinned->aggregates.front();
    EXPECT_EQ(first.from, 0);
    EXPECT_EQ(first.to, 300);
    EXPECT_EQ(first.count, 5);
    EXPECT_EQ(first.maximum, 650);
    EXPECT_EQ(first.minimum, 500);
    EXPECT_EQ(first.sum, 4 * 500 + 650);
    std::int64_t total = 0;
    for (const auto& b : thinned->aggregates) total += b.count;
    EXPECT_EQ(total + static_cast<std::int64_t>(thinned->raw.size()), static_cast<std::int64_t>(readings.size()));
}

TEST(Thin, BucketStraddlingTheCutoffStaysRawAndNegativeTimesAlign) {
    std::vector<Reading> readings{Reading::temperature_at(kLogger, -301, 500), Reading::temperature_at(kLogger, -1, 500),
                                  Reading::temperature_at(kLogger, 100, 500)};
    auto thinned = thin(readings, 200, {});
    ASSERT_TRUE(thinned.ok());
    ASSERT_EQ(thinned->aggregates.size(), 2u);
    EXPECT_EQ(thinned->aggregates[0].from, -600);
    EXPECT_EQ(thinned->aggregates[1].from, -300);
    EXPECT_EQ(thinned->raw.size(), 1u);
}

TEST(Thin, BadInputIsNamed) {
    std::vector<EvidenceWindow> inverted{{10, 0}};
    EXPECT_EQ(thin({}, 0, inverted).error().code, "coldchain.series.inverted_window");
    std::vector<Reading> mixed{Reading::temperature_at("a", 0, 1), Reading::temperature_at("b", 0, 1)};
    EXPECT_EQ(thin(mixed, 1000, {}).error().code, "coldchain.series.mixed_loggers");
}

}  // namespace
}  // namespace lims::coldchain
