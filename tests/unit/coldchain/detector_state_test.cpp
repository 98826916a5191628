// The saved state of a logger's detector restores exactly: cutting a long profile at any
// reading, saving, restoring and continuing gives the events of the uninterrupted run.
#include "lims/coldchain/detector.hpp"
#include "support/profiles.hpp"

#include <gtest/gtest.h>

namespace lims::coldchain {
namespace {

using testing::describe_all;
using testing::ProfileBuilder;

constexpr Seconds kMin = 60;
constexpr Seconds kHour = 3600;
const LoggerId kLogger = "CR-07";

std::shared_ptr<const RuleSet> rules() {
    return std::make_shared<const RuleSet>(default_rules(StorageClass::refrigerated, RecordingContext::transport));
}

// Every behaviour in one record: steady, spike, long heat, freeze, fault, silence, a heat
// run broken by a gap, cumulative heat at 30 °C, a single event at 45 °C, and duplicate,
// out-of-order and implausible readings mixed in. Transport interval: offline after 15 min.
std::vector<Reading> long_profile() {
    ProfileBuilder p(kLogger, 1'700'000'000, 2 * kMin);
    p.hold(500, 2 * kHour).hold(1200, 20 * kMin).hold(500, kHour);
    p.hold(900, 11 * kHour).hold(500, kHour);
    p.hold(-100, 70 * kMin).hold(500, kHour);
    p.fault(10 * kMin).hold(500, kHour);
    p.silence(40 * kMin).hold(500, kHour);
    p.hold(900, 4 * kHour).silence(30 * kMin).hold(900, 7 * kHour).hold(500, kHour);
    for (int i = 0; i < 6; ++i) p.hold(3000, 2 * kHour).hold(500, 30 * kMin);
    p.hold(4500, 70 * kMin).hold(600, kHour);
    auto readings = p.build();
    // Faults of delivery, inserted at fixed places.
    std::vector<Reading> mixed;
    for (std::size_t i = 0; i < readings.size(); ++i) {
        mixed.push_back(readings[i]);
        if (i % 97 == 5) mixed.push_back(readings[i]);                     // duplicate
        if (i % 89 == 7 && i > 0) mixed.push_back(readings[i - 1]);         // late
        if (i % 83 == 3) mixed.push_back(Reading::temperature_at(kLogger, readings[i].at + 1, 15000));
    }
    return mixed;
}

// The service's loop: feed each reading with now = its time, tick every reading.
void step(LoggerDetector& d, const Reading& r, std::vector<Event>& out) {
    d.tick(r.at, out);
    d.feed(r, r.at, out);
}

TEST(DetectorState, EveryCutPointRestoresToTheSameEvents) {
    const auto readings = long_profile();
    const auto shared_rules = rules();
    auto reference = LoggerDetector::create(kLogger, shared_rules, readings.front().at).value();
    std::vector<Event> expected;
    for (const auto& r : readings) step(reference, r, expected);
    reference.finish(readings.back().at, expected);

    // The profile really exercises everything.
    auto text = describe_all(expected);
    auto count = [&](std::string_view prefix) {
        return std::count_if(text.begin(), text.end(), [&](const std::string& s) { return s.starts_with(prefix); });
    };
    EXPECT_EQ(count("excursion_opened"), 4);  // heat, freeze, cumulative, single event
    EXPECT_EQ(count("excursion_closed"), 4);
    EXPECT_GE(count("went_offline"), 2);
    EXPECT_EQ(count("sensor_fault TL"), 0);
    EXPECT_EQ(count("sensor_fault CR-07"), 1);
    EXPECT_GT(count("reading_rejected"), 10);
    EXPECT_GT(count("reading_flagged"), 5);

    for (std::size_t cut = 0; cut <= readings.size(); ++cut) {
        auto first = LoggerDetector::create(kLogger, shared_rules, readings.front().at).value();
        std::vector<Event> events;
        for (std::size_t i = 0; i < cut; ++i) step(first, readings[i], events);
        const std::string saved = first.save();
        auto resumed = LoggerDetector::restore(kLogger, shared_rules, saved);
        ASSERT_TRUE(resumed.ok()) << "cut " << cut << ": " << resumed.error().message;
        LoggerDetector second = std::move(resumed).value();
        ASSERT_EQ(second.save(), saved) << "cut " << cut;
        for (std::size_t i = cut; i < readings.size(); ++i) step(second, readings[i], events);
        second.finish(readings.back().at, events);
        ASSERT_EQ(events, expected) << "cut " << cut;
    }
}

TEST(DetectorState, SavedStateIsCompactAndVersioned) {
    auto d = LoggerDetector::create(kLogger, rules(), 0).value();
    auto s = d.save();
    EXPECT_TRUE(s.starts_with("cc1,"));
    EXPECT_LT(s.size(), 200u);
}

TEST(DetectorState, RestoreRefusesAnotherVersion) {
    auto d = LoggerDetector::create(kLogger, rules(), 0).value();
    auto s = d.save();
    s[2] = '9';
    auto r = LoggerDetector::restore(kLogger, rules(), s);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "coldchain.state.version");
    EXPECT_EQ(LoggerDetector::restore(kLogger, rules(), "").error().code, "coldchain.state.version");
}

TEST(DetectorState, RestoreRefusesStateWrittenUnderOtherRules) {
    auto d = LoggerDetector::create(kLogger, rules(), 0).value();
    auto other = default_rules(StorageClass::refrigerated, RecordingContext::transport);
    other.excursions[0].duration += 60;
    auto r = LoggerDetector::restore(kLogger, std::make_shared<const RuleSet>(other), d.save());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "coldchain.state.rules_changed");
}

TEST(DetectorState, RestoreRefusesEveryTruncationAndTrailingData) {
    auto d = LoggerDetector::create(kLogger, rules(), 0).value();
    auto readings = ProfileBuilder(kLogger, 0, kMin).hold(900, 11 * kHour).build();
    for (const auto& r : readings) d.feed(r, r.at);
    const std::string s = d.save();
    for (std::size_t n = 0; n < s.size(); ++n) {
        if (s[n] != ',') continue;  // cutting inside a number may leave another valid number
        auto r = LoggerDetector::restore(kLogger, rules(), s.substr(0, n));
        ASSERT_FALSE(r.ok()) << "prefix of " << n << " characters restored";
        EXPECT_TRUE(r.error().code.starts_with("coldchain.state.")) << r.error().code;
    }
    EXPECT_EQ(LoggerDetector::restore(kLogger, rules(), s + ",0").error().code, "coldchain.state.malformed");
    EXPECT_EQ(LoggerDetector::restore(kLogger, rules(), s + ",").error().code, "coldchain.state.malformed");
}

TEST(DetectorState, RestoreRefusesGarbageFields) {
    auto d = LoggerDetector::create(kLogger, rules(), 0).value();
    const std::string s = d.save();
    // Replace each field in turn by something that is not a valid value for any field.
    std::vector<std::size_t> starts{0};
    for (std::size_t i = 0; i < s.size(); ++i)
        if (s[i] == ',') starts.push_back(i + 1);
    for (std::size_t k = 1; k < starts.size(); ++k) {
        const std::size_t b = starts[k];
        const std::size_t e = k + 1 < starts.size() ? starts[k + 1] - 1 : s.size();
        for (const char* bad : {"x", "", "-", "1e", "nan", "3"}) {
            std::string broken = s.substr(0, b) + bad + s.substr(e);
            if (broken == s) continue;
            auto r = LoggerDetector::restore(kLogger, rules(), broken);
            if (std::string_view(bad) == "3" && r.ok()) continue;  // 3 is a valid integer for time fields
            ASSERT_FALSE(r.ok()) << "field " << k << " = '" << bad << "' accepted";
        }
    }
}

TEST(DetectorState, FleetDetectorSavesAndRestoresByLogger) {
    Detector fleet;
    ASSERT_TRUE(fleet.watch(kLogger, rules(), 0).ok());
    auto readings = ProfileBuilder(kLogger, 0, kMin).hold(900, 5 * kHour).build();
    fleet.feed(readings, readings.back().at);
    auto saved = fleet.save(kLogger);
    ASSERT_TRUE(saved.ok());

    Detector after_restart;
    ASSERT_TRUE(after_restart.restore(kLogger, rules(), *saved).ok());
    auto rest = ProfileBuilder(kLogger, 5 * kHour, kMin).hold(900, 6 * kHour).build();
    auto events = after_restart.feed(rest, rest.back().at);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(describe(events[0]), "excursion_opened CR-07 who_30dtr.heat at=36000 start=0");
    EXPECT_EQ(after_restart.save("nobody").error().code, "coldchain.logger.not_watched");
    EXPECT_EQ(after_restart.restore(kLogger, rules(), "cc1,zz").error().code, "coldchain.state.malformed");
}

}  // namespace
}  // namespace lims::coldchain
