// Issue 19 items 3 and 5 in the pure rules: the offline alarm comes after one GSP
// recording interval by default (not three), a rule says what it means in words, and a
// detector carries over to new rules keeping what the logger did.
#include "lims/coldchain/logger_detector.hpp"
#include "lims/coldchain/rules.hpp"
#include "lims/coldchain/standards.hpp"
#include "support/profiles.hpp"

#include <gtest/gtest.h>

namespace lims::coldchain {
namespace {

using testing::describe_all;
using testing::ProfileBuilder;
using testing::run;
using Strings = std::vector<std::string>;

constexpr Seconds kMin = 60;
constexpr Seconds kHour = 3600;
const LoggerId kLogger = "TL-0019";

std::shared_ptr<const RuleSet> shared(RuleSet r) { return std::make_shared<const RuleSet>(std::move(r)); }

TEST(RuleVersions, OfflineAlarmDefaultsToTheGspRecordingInterval) {
    EXPECT_EQ(default_rules(StorageClass::refrigerated).offline_alarm_after, 30 * kMin);
    EXPECT_EQ(default_rules(StorageClass::refrigerated, RecordingContext::transport).offline_alarm_after, 5 * kMin);
    EXPECT_EQ(default_rules(StorageClass::frozen).offline_alarm_after, 30 * kMin);
    // The record-gap rule ("in a row" broken) stays at three intervals.
    EXPECT_EQ(default_rules(StorageClass::refrigerated).offline_after(), 90 * kMin);
}

TEST(RuleVersions, SilentLoggerIsOfflineAfterThirtyMinutesNotNinety) {
    auto d = LoggerDetector::create(kLogger, shared(default_rules(StorageClass::refrigerated)), 0).value();
    EXPECT_TRUE(run(d, ProfileBuilder(kLogger, 0, kMin).hold(500, 10 * kMin).build()).empty());
    std::vector<Event> events;
    d.tick(540 + 30 * kMin, events);  // exactly one interval: not yet
    EXPECT_TRUE(events.empty());
    d.tick(540 + 30 * kMin + 1, events);
    EXPECT_EQ(describe_all(events), (Strings{"went_offline TL-0019 at=2340 last_seen=540"}));
}

TEST(RuleVersions, OfflineAlarmDelayIsConfigurable) {
    RuleSet r = default_rules(StorageClass::refrigerated);
    r.offline_alarm_after = 2 * kMin;
    auto d = LoggerDetector::create(kLogger, shared(r), 0).value();
    std::vector<Event> events;
    d.feed(Reading::temperature_at(kLogger, 100, 500), 100, events);
    d.tick(100 + 121, events);
    EXPECT_EQ(describe_all(events), (Strings{"went_offline TL-0019 at=220 last_seen=100"}));
    r.offline_alarm_after = 59;
    EXPECT_EQ(validate(r).error().code, "coldchain.rules.offline_alarm_after");
    r.offline_alarm_after = 8 * 24 * kHour;
    EXPECT_EQ(validate(r).error().code, "coldchain.rules.offline_alarm_after");
    EXPECT_NE(fingerprint(default_rules(StorageClass::refrigerated)), fingerprint(RuleSet(r)));
}

TEST(RuleVersions, ARuleSaysWhatItMeans) {
    const auto r = default_rules(StorageClass::refrigerated);
    EXPECT_EQ(describe(r.excursions[0]), "above 8.00 °C for 10 h in a row");
    EXPECT_EQ(describe(r.excursions[1]), "at or below -0.50 °C for 1 h in a row");
    EXPECT_EQ(describe(r.excursions[2]), "at or above 30.00 °C for 10 h in all (cumulative)");
    EXPECT_EQ(describe(ExcursionRule{"spike", Comparison::at_or_above, 1500, 0, Accumulation::consecutive}),
              "at or above 15.00 °C at any single reading (spike)");
    EXPECT_EQ(describe(ExcursionRule{"x", Comparison::below, 200, 90 * kMin + 5, Accumulation::consecutive}),
              "below 2.00 °C for 1 h 30 min 5 s in a row");
}

TEST(RuleVersions, DetectorCarriesOverToNewRulesKeepingWhatTheLoggerDid) {
    auto old_rules = shared(default_rules(StorageClass::refrigerated));
    auto d = LoggerDetector::create(kLogger, old_rules, 0).value();
    // Two hours at 12 °C: alarm raised, heat run under way (not yet 10 h).
    auto events = run(d, ProfileBuilder(kLogger, 0, kMin).hold(1200, 2 * kHour).build());
    ASSERT_EQ(describe_all(events).size(), 1u);
    const std::string saved = d.save();

    RuleSet strict = default_rules(StorageClass::refrigerated);
    strict.excursions = {{"unit.heat", Comparison::above, 800, 30 * kMin, Accumulation::consecutive}};
    auto new_rules = shared(strict);
    EXPECT_EQ(LoggerDetector::restore(kLogger, new_rules, saved).error().code, "coldchain.state.rules_changed");
    auto carried = LoggerDetector::carry_over(kLogger, new_rules, saved);
    ASSERT_TRUE(carried.ok()) << carried.error().message;
    EXPECT_EQ(carried->last_reading_at(), 2 * kHour - kMin);
    EXPECT_EQ(carried->alarm(), RangeSide::above);  // still raised: no reading in range yet
    // The new rule counts from its first reading: 30 min later it opens.
    std::vector<Event> out;
    for (Seconds t = 2 * kHour; t <= 2 * kHour + 30 * kMin; t += kMin)
        carried->feed(Reading::temperature_at(kLogger, t, 1200), t, out);
    EXPECT_EQ(describe_all(out), (Strings{"excursion_opened TL-0019 unit.heat at=9000 start=7200"}));
    EXPECT_FALSE(LoggerDetector::carry_over(kLogger, new_rules, "cc1,zz").ok());
    EXPECT_FALSE(LoggerDetector::carry_over(kLogger, new_rules, saved + ",1").ok());
}

}  // namespace
}  // namespace lims::coldchain
