#include "lims/coldchain/mkt.hpp"
#include "lims/coldchain/rules.hpp"
#include "lims/coldchain/standards.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace lims::coldchain {
namespace {

TEST(Rules, DefaultRangesFollowTheDomainTable) {
    EXPECT_EQ(default_range(StorageClass::refrigerated), (TemperatureRange{200, 800}));
    EXPECT_EQ(default_range(StorageClass::frozen), (TemperatureRange{std::nullopt, -1500}));
    EXPECT_EQ(default_range(StorageClass::cool), (TemperatureRange{std::nullopt, 2000}));
    EXPECT_EQ(default_range(StorageClass::ambient), (TemperatureRange{1000, 3000}));
    EXPECT_TRUE(default_range(StorageClass::refrigerated).contains(200));
    EXPECT_TRUE(default_range(StorageClass::refrigerated).contains(800));
    EXPECT_FALSE(default_range(StorageClass::refrigerated).contains(801));
    EXPECT_FALSE(default_range(StorageClass::refrigerated).contains(199));
    EXPECT_TRUE(default_range(StorageClass::frozen).contains(-9000));
}

TEST(Rules, RefrigeratedDefaultsAreTheWhoRules) {
    auto r = default_rules(StorageClass::refrigerated);
    ASSERT_EQ(r.excursions.size(), 4u);
    EXPECT_EQ(r.excursions[0], (ExcursionRule{"who_30dtr.heat", Comparison::above, 800, 36000, Accumulation::consecutive}));
    EXPECT_EQ(r.excursions[1], (ExcursionRule{"who_30dtr.freeze", Comparison::at_or_below, -50, 3600, Accumulation::consecutive}));
    EXPECT_EQ(r.excursions[2].accumulation, Accumulation::cumulative);
    EXPECT_EQ(r.excursions[2].threshold, 3000);
    EXPECT_EQ(r.excursions[3].threshold, 4500);
    EXPECT_EQ(r.offline_after(), 3 * 1800);
    EXPECT_EQ(default_rules(StorageClass::refrigerated, RecordingContext::transport).offline_after(), 3 * 300);
    EXPECT_TRUE(validate(r).ok());
    for (auto c : {StorageClass::frozen, StorageClass::cool, StorageClass::ambient}) {
        EXPECT_TRUE(validate(default_rules(c)).ok()) << to_string(c);
    }
    EXPECT_EQ(default_rules(StorageClass::ambient).excursions.size(), 2u);
    EXPECT_EQ(default_rules(StorageClass::cool).excursions.size(), 1u);
}

TEST(Rules, ComparisonsIncludeOrExcludeTheThreshold) {
    ExcursionRule heat{"h", Comparison::above, 800, 0, Accumulation::consecutive};
    EXPECT_FALSE(heat.met_by(800));
    EXPECT_TRUE(heat.met_by(801));
    ExcursionRule freeze{"f", Comparison::at_or_below, -50, 0, Accumulation::consecutive};
    EXPECT_TRUE(freeze.met_by(-50));
    EXPECT_FALSE(freeze.met_by(-49));
    EXPECT_EQ(freeze.kind(), ExcursionKind::freeze);
    EXPECT_EQ((ExcursionRule{"x", Comparison::at_or_above, 3000, 0, {}}).met_by(3000), true);
    EXPECT_EQ((ExcursionRule{"x", Comparison::below, 1000, 0, {}}).met_by(1000), false);
}

TEST(Rules, ValidateNamesEachProblem) {
    auto expect = [](auto mutate, std::string_view code) {
        auto r = default_rules(StorageClass::refrigerated);
        mutate(r);
        auto s = validate(r);
        ASSERT_FALSE(s.ok()) << code;
        EXPECT_EQ(s.error().code, code);
        EXPECT_FALSE(s.error().message.empty());
    };
    expect([](RuleSet& r) { r.range.low = 900; }, "coldchain.rules.range_inverted");
    expect([](RuleSet& r) { r.range.high = 20000; }, "coldchain.rules.range_implausible");
    expect([](RuleSet& r) { r.range.low = -20000; }, "coldchain.rules.range_implausible");
    expect([](RuleSet& r) { r.alarm_confirmation = -1; }, "coldchain.rules.negative_confirmation");
    expect([](RuleSet& r) { r.recording_interval = -5; }, "coldchain.rules.recording_interval");
    expect([](RuleSet& r) { r.recording_interval = 400 * 86400; }, "coldchain.rules.recording_interval");
    expect([](RuleSet& r) { r.offline_after_intervals = 0; }, "coldchain.rules.offline_intervals");
    expect([](RuleSet& r) { r.max_backlog = -1; }, "coldchain.rules.time_window");
    expect([](RuleSet& r) { r.mkt_activation_over_r = std::nan(""); }, "coldchain.rules.mkt_activation");
    expect([](RuleSet& r) { r.mkt_activation_over_r = 0; }, "coldchain.rules.mkt_activation");
    expect([](RuleSet& r) { r.excursions[0].name.clear(); }, "coldchain.rules.unnamed_rule");
    expect([](RuleSet& r) { r.excursions[0].name = "a,b"; }, "coldchain.rules.rule_name");
    expect([](RuleSet& r) { r.excursions[1].name = r.excursions[0].name; }, "coldchain.rules.duplicate_rule");
    expect([](RuleSet& r) { r.excursions[0].threshold = 10001; }, "coldchain.rules.threshold_implausible");
    expect([](RuleSet& r) { r.excursions[0].duration = -1; }, "coldchain.rules.negative_duration");
}

TEST(Rules, FingerprintChangesWithAnythingThatShapesState) {
    const auto base = default_rules(StorageClass::refrigerated);
    EXPECT_EQ(fingerprint(base), fingerprint(default_rules(StorageClass::refrigerated)));
    auto a = base; a.alarm_confirmation += 1;
    auto b = base; b.excursions[2].accumulation = Accumulation::consecutive;
    auto c = base; c.range.low.reset();
    auto d = base; d.excursions.pop_back();
    auto e = base; e.recording_interval = 300;
    for (const auto& other : {a, b, c, d, e}) EXPECT_NE(fingerprint(base), fingerprint(other));
}

TEST(Mkt, ConstantTemperatureIsItsOwnMkt) {
    MktAccumulator m(standard::kMktActivationOverR);
    EXPECT_FALSE(m.celsius());
    for (int i = 0; i < 100; ++i) m.add(2500);
    EXPECT_NEAR(*m.celsius(), 25.0, 1e-9);
}

TEST(Mkt, FluctuationWeighsWarmReadingsMore) {
    // Hand-computed: 20 °C and 30 °C, ΔH/R = 10000 K.
    MktAccumulator m(standard::kMktActivationOverR);
    m.add(2000);
    m.add(3000);
    const double expected =
        10000.0 / -std::log((std::exp(-10000.0 / 293.15) + std::exp(-10000.0 / 303.15)) / 2) - 273.15;
    EXPECT_NEAR(*m.celsius(), expected, 1e-9);
    EXPECT_GT(*m.celsius(), 25.0);  // above the arithmetic mean
    EXPECT_NEAR(*m.celsius(), 26.26, 0.01);  // worked by hand: 10000 / 33.399 K
}

TEST(Mkt, ExtremePlausibleValuesStayFinite) {
    MktAccumulator cold(standard::kMktActivationOverR);
    cold.add(standard::kPlausibleLow);
    EXPECT_NEAR(*cold.celsius(), -100.0, 1e-6);
    MktAccumulator hot(standard::kMktActivationOverR);
    hot.add(standard::kPlausibleHigh);
    EXPECT_NEAR(*hot.celsius(), 100.0, 1e-6);
}

}  // namespace
}  // namespace lims::coldchain
