#include "lims/coldchain/detector.hpp"
#include "support/profiles.hpp"

#include <gtest/gtest.h>

namespace lims::coldchain {
namespace {

std::shared_ptr<const RuleSet> storage() {
    return std::make_shared<const RuleSet>(default_rules(StorageClass::refrigerated));
}

TEST(Detector, RoutesReadingsToTheirLoggers) {
    Detector fleet;
    ASSERT_TRUE(fleet.watch("A", storage(), 0).ok());
    ASSERT_TRUE(fleet.watch("B", storage(), 0).ok());
    std::vector<Reading> batch;
    for (UtcSeconds t = 0; t <= 600; t += 60) {
        batch.push_back(Reading::temperature_at("A", t, 500));
        batch.push_back(Reading::temperature_at("B", t, 1500));
    }
    auto events = fleet.feed(batch, 600);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(describe(events[0]), "alarm_raised B at=300 since=0 above t=1500");
    EXPECT_EQ(fleet.find("A")->last_temperature(), 500);
    EXPECT_EQ(fleet.find("B")->alarm(), RangeSide::above);
}

TEST(Detector, UnknownLoggerIsRejectedWithItsName) {
    Detector fleet;
    std::vector<Event> events;
    fleet.feed(Reading::temperature_at("ghost", 10, 500), 10, events);
    ASSERT_EQ(events.size(), 1u);
    const auto& rejected = std::get<ReadingRejected>(events[0]);
    EXPECT_EQ(rejected.reason, ReadingIssue::unknown_logger);
    EXPECT_NE(rejected.detail.find("ghost"), std::string::npos);
}

TEST(Detector, WatchingTwiceOrWithBadRulesFails) {
    Detector fleet;
    ASSERT_TRUE(fleet.watch("A", storage(), 0).ok());
    EXPECT_EQ(fleet.watch("A", storage(), 0).error().code, "coldchain.logger.already_watched");
    auto bad = default_rules(StorageClass::ambient);
    bad.range.low = 4000;
    EXPECT_EQ(fleet.watch("B", std::make_shared<const RuleSet>(bad), 0).error().code, "coldchain.rules.range_inverted");
    EXPECT_EQ(fleet.size(), 1u);
    EXPECT_TRUE(fleet.forget("A"));
    EXPECT_FALSE(fleet.forget("A"));
}

TEST(Detector, TickReportsEverySilentLoggerOnce) {
    Detector fleet;
    ASSERT_TRUE(fleet.watch("A", storage(), 0).ok());
    ASSERT_TRUE(fleet.watch("B", storage(), 0).ok());
    std::vector<Event> ignored;
    fleet.feed(Reading::temperature_at("A", 1000, 500), 1000, ignored);
    // The offline alarm delay: one 30-minute storage recording interval (issue 19).
    EXPECT_EQ(fleet.tick(1801).size(), 1u);  // B: silent since watching began at 0
    EXPECT_EQ(fleet.tick(2801).size(), 1u);  // A
    EXPECT_TRUE(fleet.tick(99999).empty());
}

}  // namespace
}  // namespace lims::coldchain
