#include "lims/coldchain/logger_detector.hpp"
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
const LoggerId kLogger = "TL-0001";

std::shared_ptr<const RuleSet> refrigerated(RecordingContext context = RecordingContext::storage) {
    return std::make_shared<const RuleSet>(default_rules(StorageClass::refrigerated, context));
}

LoggerDetector make(std::shared_ptr<const RuleSet> rules = refrigerated(), UtcSeconds since = 0) {
    auto d = LoggerDetector::create(kLogger, std::move(rules), since);
    EXPECT_TRUE(d.ok());
    return std::move(d).value();
}

template <typename T>
std::vector<T> only(const std::vector<Event>& events) {
    std::vector<T> out;
    for (const auto& e : events)
        if (auto* p = std::get_if<T>(&e)) out.push_back(*p);
    return out;
}

TEST(LoggerDetector, SteadyFiveDegreesForADayReportsNothing) {
    auto d = make();
    auto readings = ProfileBuilder(kLogger, 0, kMin).hold(500, 24 * kHour).build();
    EXPECT_TRUE(run(d, readings).empty());
    EXPECT_FALSE(d.alarm());
    EXPECT_EQ(d.last_temperature(), 500);
}

TEST(LoggerDetector, TwentyMinuteSpikeToTwelveRaisesAndClearsAnAlarmButNoExcursion) {
    auto d = make();
    auto readings = ProfileBuilder(kLogger, 0, kMin).hold(500, kHour).hold(1200, 20 * kMin).hold(500, kHour).build();
    EXPECT_EQ(describe_all(run(d, readings)),
              (Strings{"alarm_raised TL-0001 at=3900 since=3600 above t=1200", "alarm_cleared TL-0001 at=4800 above"}));
}

TEST(LoggerDetector, ElevenHoursAtNineDegreesIsAHeatExcursion) {
    auto d = make();
    auto readings = ProfileBuilder(kLogger, 0, kMin).hold(500, kHour).hold(900, 11 * kHour).hold(500, kHour).build();
    auto events = run(d, readings);
    EXPECT_EQ(describe_all(events),
              (Strings{"alarm_raised TL-0001 at=3900 since=3600 above t=900",
                       "excursion_opened TL-0001 who_30dtr.heat at=39600 start=3600",
                       "alarm_cleared TL-0001 at=43200 above",
                       "excursion_closed TL-0001 who_30dtr.heat at=43200 3600..43140 min=900 max=900 out=39540 "
                       "n=660 mkt=9.000 returned_to_range"}));
    auto closed = only<ExcursionClosed>(events);
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].excursion.kind, ExcursionKind::heat);
    EXPECT_NEAR(closed[0].excursion.mkt_celsius, 9.0, 1e-9);
}

TEST(LoggerDetector, SeventyMinutesAtMinusOneIsAFreezeExcursion) {
    auto d = make();
    auto readings = ProfileBuilder(kLogger, 0, kMin).hold(500, kHour).hold(-100, 70 * kMin).hold(500, kHour).build();
    EXPECT_EQ(describe_all(run(d, readings)),
              (Strings{"alarm_raised TL-0001 at=3900 since=3600 below t=-100",
                       "excursion_opened TL-0001 who_30dtr.freeze at=7200 start=3600",
                       "alarm_cleared TL-0001 at=7800 below",
                       "excursion_closed TL-0001 who_30dtr.freeze at=7800 3600..7740 min=-100 max=-100 out=4140 "
                       "n=70 mkt=-1.000 returned_to_range"}));
}

TEST(LoggerDetector, SensorFaultIsReportedOnceAndClearedByAValidReading) {
    auto d = make();
    auto readings = ProfileBuilder(kLogger, 0, kMin).hold(500, kHour).fault(10 * kMin).hold(500, kHour).build();
    EXPECT_EQ(describe_all(run(d, readings)),
              (Strings{"sensor_fault TL-0001 at=3600", "sensor_fault_cleared TL-0001 at=4200"}));
    EXPECT_FALSE(d.sensor_fault());
}

// Issue 19: the offline alarm comes after one GSP recording interval (30 min in storage),
// not after the three that break "in a row".
TEST(LoggerDetector, SilentLoggerGoesOfflineAfterOneRecordingIntervalAndComesBack) {
    auto d = make();
    auto readings = ProfileBuilder(kLogger, 0, kMin).hold(500, kHour).build();  // last at 3540
    EXPECT_TRUE(run(d, readings).empty());
    std::vector<Event> events;
    d.tick(3540 + 1800, events);  // exactly one interval: not yet
    EXPECT_TRUE(events.empty());
    d.tick(3540 + 1800 + 1, events);
    d.tick(20000, events);  // reported once
    d.feed(Reading::temperature_at(kLogger, 21000, 500), 21000, events);
    EXPECT_EQ(describe_all(events),
              (Strings{"went_offline TL-0001 at=5340 last_seen=3540", "came_online TL-0001 at=21000"}));
}

TEST(LoggerDetector, LoggerThatNeverReportsGoesOfflineFromWhenWatchingBegan) {
    auto d = make(refrigerated(RecordingContext::transport), 1000);
    std::vector<Event> events;
    d.tick(1000 + 300, events);  // transport: one 5-minute interval
    EXPECT_TRUE(events.empty());
    d.tick(1000 + 301, events);
    EXPECT_EQ(describe_all(events), (Strings{"went_offline TL-0001 at=1300 last_seen=1000"}));
}

TEST(LoggerDetector, SilenceSeenOnlyInTheReadingsReportsOfflineAndOnlineTogether) {
    auto d = make(refrigerated(RecordingContext::transport));  // offline alarm after 5 min
    auto readings = ProfileBuilder(kLogger, 0, kMin).hold(500, 10 * kMin).silence(20 * kMin).hold(500, 5 * kMin).build();
    EXPECT_EQ(describe_all(run(d, readings)),
              (Strings{"went_offline TL-0001 at=840 last_seen=540", "came_online TL-0001 at=1800"}));
}

TEST(LoggerDetector, ExactlyTenHoursAboveEightIsAnExcursionOneMinuteLessIsNot) {
    {
        auto d = make();
        // readings at 0 .. 36000 inclusive: 10 h from first to last
        auto readings = ProfileBuilder(kLogger, 0, kMin).hold(801, 10 * kHour + kMin).hold(500, kMin).build();
        auto opened = only<ExcursionOpened>(run(d, readings));
        ASSERT_EQ(opened.size(), 1u);
        EXPECT_EQ(opened[0].at, 36000);
        EXPECT_EQ(opened[0].rule, "who_30dtr.heat");
    }
    {
        auto d = make();
        auto readings = ProfileBuilder(kLogger, 0, kMin).hold(801, 10 * kHour).hold(500, kMin).build();
        auto events = run(d, readings);
        EXPECT_TRUE(only<ExcursionOpened>(events).empty());
        EXPECT_TRUE(only<ExcursionClosed>(events).empty());
    }
}

TEST(LoggerDetector, ExactlyEightDegreesIsNeitherAlarmNorHeat) {
    auto d = make();
    auto readings = ProfileBuilder(kLogger, 0, kMin).hold(800, 12 * kHour).build();
    EXPECT_TRUE(run(d, readings).empty());
}

TEST(LoggerDetector, ExactlyMinusHalfADegreeCountsAsFreezeMinusPointFourNineDoesNot) {
    {
        auto d = make();
        auto readings = ProfileBuilder(kLogger, 0, kMin).hold(-50, 61 * kMin).hold(500, kMin).build();
        auto opened = only<ExcursionOpened>(run(d, readings));
        ASSERT_EQ(opened.size(), 1u);
        EXPECT_EQ(opened[0].rule, "who_30dtr.freeze");
        EXPECT_EQ(opened[0].at, 3600);
    }
    {
        auto d = make();
        auto readings = ProfileBuilder(kLogger, 0, kMin).hold(-49, 3 * kHour).hold(500, kMin).build();
        auto events = run(d, readings);
        EXPECT_TRUE(only<ExcursionOpened>(events).empty());
        EXPECT_EQ(only<AlarmRaised>(events).size(), 1u);  // still below 2 °C
    }
}

TEST(LoggerDetector, CumulativeIndicatorAddsStretchesAtOrAboveThirty) {
    auto d = make();
    ProfileBuilder p(kLogger, 0, 10 * kMin);
    // five stretches of 2 h at exactly 30 °C (1 h 50 min each, first to last) then one more
    for (int i = 0; i < 6; ++i) p.hold(3000, 2 * kHour).hold(500, kHour);
    auto events = run(d, p.build());
    auto opened = only<ExcursionOpened>(events);
    ASSERT_EQ(opened.size(), 1u);
    EXPECT_EQ(opened[0].rule, "who_indicator.heat_cumulative");
    EXPECT_EQ(opened[0].start, 0);
    // 6 × 6600 s = 39600 ≥ 36000; reached within the sixth stretch (starts at 5 × 3 h)
    EXPECT_EQ(opened[0].at, 5 * 3 * kHour + (36000 - 5 * 6600));
    auto closed = only<ExcursionClosed>(events);
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].excursion.time_out_of_range, 6 * 6600);
    EXPECT_EQ(closed[0].excursion.accumulation, Accumulation::cumulative);
    EXPECT_EQ(closed[0].excursion.end, 5 * 3 * kHour + 6600);
    EXPECT_EQ(closed[0].excursion.readings, 6 * 12);
    EXPECT_EQ(only<AlarmRaised>(events).size(), 6u);
}

TEST(LoggerDetector, SingleEventIndicatorAtFortyFiveResetsWhenTheTemperatureDrops) {
    auto d = make();
    auto readings = ProfileBuilder(kLogger, 0, 5 * kMin)
                        .hold(4500, 55 * kMin + 5 * kMin)  // 0..3300: 55 min
                        .hold(4400, 5 * kMin)              // breaks the single-event timer
                        .hold(4500, 65 * kMin)             // 3900..7500: 60 min
                        .hold(500, 5 * kMin)
                        .build();
    auto events = run(d, readings);
    auto opened = only<ExcursionOpened>(events);
    std::vector<std::string> rules;
    for (auto& o : opened) rules.push_back(o.rule);
    EXPECT_EQ(rules, (Strings{"who_indicator.heat_single"}));
    EXPECT_EQ(opened[0].start, 3900);
    EXPECT_EQ(opened[0].at, 7500);
}

TEST(LoggerDetector, GapLongerThanOfflineThresholdBreaksInARow) {
    auto d = make();  // "in a row" broken after 90 min
    auto readings =
        ProfileBuilder(kLogger, 0, kMin).hold(900, 6 * kHour).silence(2 * kHour).hold(900, 6 * kHour).hold(500, kMin).build();
    auto events = run(d, readings);
    EXPECT_TRUE(only<ExcursionOpened>(events).empty());
    EXPECT_EQ(only<AlarmRaised>(events).size(), 1u);  // stays raised across the gap
    EXPECT_EQ(only<WentOffline>(events).size(), 1u);
    EXPECT_EQ(only<AlarmCleared>(events).size(), 1u);
}

TEST(LoggerDetector, GapWithinTheThresholdDoesNotBreakInARow) {
    auto d = make();
    auto readings =
        ProfileBuilder(kLogger, 0, kMin).hold(900, 6 * kHour).silence(89 * kMin).hold(900, 6 * kHour).build();
    auto events = run(d, readings);
    EXPECT_EQ(only<ExcursionOpened>(events).size(), 1u);
    // The silence is an offline alarm (over 30 min) that clears, but no record gap.
    EXPECT_EQ(only<WentOffline>(events).size(), 1u);
    EXPECT_TRUE(only<ExcursionClosed>(events).empty());
}

TEST(LoggerDetector, GapDuringAnOpenExcursionClosesItAtTheLastReadingBeforeTheGap) {
    auto d = make();
    auto readings = ProfileBuilder(kLogger, 0, kMin).hold(900, 11 * kHour).silence(2 * kHour).hold(900, kHour).build();
    auto closed = only<ExcursionClosed>(run(d, readings));
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].excursion.ended_by, ExcursionEnd::record_gap);
    EXPECT_EQ(closed[0].excursion.end, 11 * kHour - kMin);
    EXPECT_EQ(closed[0].at, 13 * kHour);
}

TEST(LoggerDetector, FinishClosesAnOpenExcursionAsEndOfRecord) {
    auto d = make();
    auto readings = ProfileBuilder(kLogger, 0, kMin).hold(900, 11 * kHour).build();
    auto events = run(d, readings);
    d.finish(11 * kHour, events);
    auto closed = only<ExcursionClosed>(events);
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].excursion.ended_by, ExcursionEnd::end_of_record);
    std::vector<Event> again;
    d.finish(11 * kHour, again);
    EXPECT_TRUE(again.empty());
}

TEST(LoggerDetector, FaultReadingsNeitherExtendNorBreakARun) {
    auto d = make();
    auto readings = ProfileBuilder(kLogger, 0, kMin).hold(900, 5 * kHour).fault(80 * kMin).hold(900, 5 * kHour).build();
    auto events = run(d, readings);
    auto opened = only<ExcursionOpened>(events);
    ASSERT_EQ(opened.size(), 1u);
    EXPECT_EQ(opened[0].start, 0);
    EXPECT_EQ(opened[0].at, 36000);
}

TEST(LoggerDetector, DuplicatesAreTakenOnceAndConflictsRejected) {
    auto d = make();
    std::vector<Event> events;
    d.feed(Reading::temperature_at(kLogger, 0, 1200), 0, events);
    d.feed(Reading::temperature_at(kLogger, 300, 1200), 300, events);  // raises the alarm
    d.feed(Reading::temperature_at(kLogger, 300, 1200), 300, events);
    d.feed(Reading::temperature_at(kLogger, 300, 1300), 300, events);
    EXPECT_EQ(describe_all(events), (Strings{"alarm_raised TL-0001 at=300 since=0 above t=1200",
                                             "reading_rejected TL-0001 at=300 reading.duplicate",
                                             "reading_rejected TL-0001 at=300 reading.conflicting_duplicate"}));
}

TEST(LoggerDetector, OutOfOrderReadingIsFlaggedAndDoesNotChangeState) {
    auto d = make();
    std::vector<Event> events;
    d.feed(Reading::temperature_at(kLogger, 600, 500), 600, events);
    auto before = d.save();
    d.feed(Reading::temperature_at(kLogger, 300, -2000), 600, events);
    EXPECT_EQ(d.save(), before);
    EXPECT_EQ(describe_all(events), (Strings{"reading_flagged TL-0001 at=300 reading.out_of_order"}));
}

TEST(LoggerDetector, ImplausibleValuesAndBadTimesAreRejectedAndNeverRaiseAnything) {
    auto d = make();
    std::vector<Event> events;
    const UtcSeconds now = 100 * 86400;
    for (UtcSeconds t = now - 12 * kHour; t < now; t += kMin) {
        d.feed(Reading::temperature_at(kLogger, t, 10001), now, events);
        d.feed(Reading::temperature_at(kLogger, t, -10001), now, events);
    }
    d.feed(Reading::temperature_at(kLogger, now + 301, 900), now, events);
    d.feed(Reading::temperature_at(kLogger, now - 90 * 86400 - 1, 900), now, events);
    for (const auto& e : events) {
        ASSERT_TRUE(std::holds_alternative<ReadingRejected>(e)) << describe(e);
    }
    EXPECT_EQ(std::get<ReadingRejected>(events[0]).reason, ReadingIssue::implausible_temperature);
    EXPECT_EQ(std::get<ReadingRejected>(events[events.size() - 2]).reason, ReadingIssue::time_in_future);
    EXPECT_EQ(std::get<ReadingRejected>(events.back()).reason, ReadingIssue::time_too_old);
    EXPECT_FALSE(d.last_reading_at());

    // The bounds themselves are accepted.
    std::vector<Event> accepted;
    d.feed(Reading::temperature_at(kLogger, now + 300, 10000), now, accepted);
    d.feed(Reading::temperature_at(kLogger, now + 301, -10000), now + 1, accepted);
    d.feed(Reading::temperature_at(kLogger, now + 302, 500), now + 90 * 86400 + 302, accepted);
    EXPECT_TRUE(only<ReadingRejected>(accepted).empty());
    EXPECT_EQ(d.last_reading_at(), now + 302);
}

TEST(LoggerDetector, ReadingOfAnotherLoggerIsRejected) {
    auto d = make();
    auto events = d.feed(Reading::temperature_at("TL-9999", 0, 500), 0);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(std::get<ReadingRejected>(events[0]).reason, ReadingIssue::unknown_logger);
}

TEST(LoggerDetector, AlarmSwitchingSidesClearsOneAndRaisesTheOther) {
    auto d = make();
    auto readings = ProfileBuilder(kLogger, 0, kMin).hold(1000, 10 * kMin).hold(100, 10 * kMin).build();
    EXPECT_EQ(describe_all(run(d, readings)),
              (Strings{"alarm_raised TL-0001 at=300 since=0 above t=1000", "alarm_cleared TL-0001 at=600 above",
                       "alarm_raised TL-0001 at=900 since=600 below t=100"}));
}

TEST(LoggerDetector, CreateRefusesInvalidRules) {
    auto rules = default_rules(StorageClass::refrigerated);
    rules.recording_interval = 0;
    auto d = LoggerDetector::create(kLogger, std::make_shared<const RuleSet>(rules), 0);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.error().code, "coldchain.rules.recording_interval");
    EXPECT_EQ(LoggerDetector::create(kLogger, nullptr, 0).error().code, "coldchain.rules.missing");
    EXPECT_EQ(LoggerDetector::create("", refrigerated(), 0).error().code, "coldchain.logger.empty_id");
}

TEST(LoggerDetector, FrozenStorageUsesItsOwnLimit) {
    auto rules = std::make_shared<const RuleSet>(frozen_rules(standard::kFrozenHighMinus20));
    auto d = make(rules);
    auto readings = ProfileBuilder(kLogger, 0, 10 * kMin).hold(-2500, kHour).hold(-1800, 11 * kHour).hold(-2500, kHour).build();
    auto events = run(d, readings);
    auto closed = only<ExcursionClosed>(events);
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].excursion.rule, "range.above");
    EXPECT_EQ(closed[0].excursion.maximum, -1800);
    EXPECT_EQ(only<AlarmRaised>(events).size(), 1u);
}

}  // namespace
}  // namespace lims::coldchain
