#include "lims/coldchain/shipment_verdict.hpp"
#include "support/profiles.hpp"

#include <gtest/gtest.h>

namespace lims::coldchain {
namespace {

using testing::ProfileBuilder;
constexpr Seconds kMin = 60;
constexpr Seconds kHour = 3600;
const LoggerId kLogger = "BOX-12";
const UtcSeconds kDeparture = 1'700'000'000;
const RuleSet kTransport = default_rules(StorageClass::refrigerated, RecordingContext::transport);

TEST(ShipmentVerdict, SteadyTripIsInRange) {
    auto trip = ProfileBuilder(kLogger, kDeparture, 5 * kMin).hold(500, 6 * kHour + 1).build();
    auto v = shipment_verdict(kLogger, trip, kTransport, kDeparture, kDeparture + 6 * kHour);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->outcome, ShipmentOutcome::in_range);
    EXPECT_EQ(v->readings, 73);
    EXPECT_TRUE(v->excursions.empty());
    EXPECT_TRUE(v->recording_gaps.empty());
    EXPECT_NEAR(*v->mkt_celsius, 5.0, 1e-9);
}

TEST(ShipmentVerdict, SpikeInTransitIsADeviationWithItsFigures) {
    auto trip = ProfileBuilder(kLogger, kDeparture, 2 * kMin)
                    .hold(500, 2 * kHour)
                    .hold(1100, 10 * kMin).at(1250).hold(1100, 8 * kMin)
                    .hold(500, 2 * kHour + 1)
                    .build();
    auto v = shipment_verdict(kLogger, trip, kTransport, kDeparture, trip.back().at);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->outcome, ShipmentOutcome::deviation);
    ASSERT_EQ(v->out_of_range.size(), 1u);
    EXPECT_EQ(v->out_of_range[0],
              (OutOfRangeStretch{kDeparture + 2 * kHour, kDeparture + 2 * kHour + 18 * kMin, RangeSide::above, 1250, 10}));
    EXPECT_EQ(v->maximum, 1250);
    EXPECT_EQ(v->minimum, 500);
    EXPECT_TRUE(v->excursions.empty());
}

TEST(ShipmentVerdict, LongHeatIsAnExcursionClosedAtReceiptIfStillOpen) {
    auto trip = ProfileBuilder(kLogger, kDeparture, 5 * kMin).hold(500, kHour).hold(950, 11 * kHour).build();
    const UtcSeconds receipt = trip.back().at + 60;
    auto v = shipment_verdict(kLogger, trip, kTransport, kDeparture, receipt);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->outcome, ShipmentOutcome::excursion);
    ASSERT_EQ(v->excursions.size(), 1u);
    const Excursion& x = v->excursions[0];
    EXPECT_EQ(x.rule, "who_30dtr.heat");
    EXPECT_EQ(x.start, kDeparture + kHour);
    EXPECT_EQ(x.end, trip.back().at);
    EXPECT_EQ(x.time_out_of_range, 11 * kHour - 5 * kMin);
    EXPECT_EQ(x.ended_by, ExcursionEnd::end_of_record);
    EXPECT_NEAR(x.mkt_celsius, 9.5, 1e-9);
}

TEST(ShipmentVerdict, SilenceFaultsAndRejectedReadingsMakeTheRecordIncomplete) {
    {
        auto v = shipment_verdict(kLogger, {}, kTransport, kDeparture, kDeparture + kHour);
        ASSERT_TRUE(v.ok());
        EXPECT_EQ(v->outcome, ShipmentOutcome::incomplete_record);
        EXPECT_EQ(v->silences.size(), 1u);
    }
    {  // the logger stopped an hour before receipt
        auto trip = ProfileBuilder(kLogger, kDeparture, 5 * kMin).hold(500, 3 * kHour).build();
        auto v = shipment_verdict(kLogger, trip, kTransport, kDeparture, kDeparture + 4 * kHour);
        ASSERT_TRUE(v.ok());
        EXPECT_EQ(v->outcome, ShipmentOutcome::incomplete_record);
        ASSERT_EQ(v->silences.size(), 1u);
        EXPECT_EQ(v->silences[0].last_seen, trip.back().at);
        ASSERT_EQ(v->recording_gaps.size(), 1u);
    }
    {
        auto trip = ProfileBuilder(kLogger, kDeparture, 5 * kMin).hold(500, kHour).fault(5 * kMin).hold(500, kHour + 1).build();
        auto v = shipment_verdict(kLogger, trip, kTransport, kDeparture, trip.back().at);
        ASSERT_TRUE(v.ok());
        EXPECT_EQ(v->outcome, ShipmentOutcome::incomplete_record);
        EXPECT_EQ(v->sensor_faults, 1);
    }
    {
        auto trip = ProfileBuilder(kLogger, kDeparture, 5 * kMin).hold(500, 2 * kHour + 1).build();
        trip.push_back(Reading::temperature_at(kLogger, kDeparture + 7, 20000));
        trip.push_back(trip[3]);  // an exact repeat is harmless
        auto v = shipment_verdict(kLogger, trip, kTransport, kDeparture, kDeparture + 2 * kHour);
        ASSERT_TRUE(v.ok());
        EXPECT_EQ(v->outcome, ShipmentOutcome::incomplete_record);
        ASSERT_EQ(v->rejected.size(), 1u);
        EXPECT_EQ(v->rejected[0].reason, ReadingIssue::implausible_temperature);
        EXPECT_EQ(v->duplicates, 1);
        EXPECT_EQ(v->readings, 25);
    }
}

TEST(ShipmentVerdict, ReadingsOutsideTheTripAndOrderDoNotMatter) {
    auto trip = ProfileBuilder(kLogger, kDeparture - 2 * kHour, 5 * kMin).hold(1500, 2 * kHour).hold(500, 3 * kHour).build();
    std::reverse(trip.begin(), trip.end());
    auto v = shipment_verdict(kLogger, trip, kTransport, kDeparture, kDeparture + 2 * kHour);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->outcome, ShipmentOutcome::in_range);
    EXPECT_EQ(v->maximum, 500);
}

TEST(ShipmentVerdict, BadInputIsNamed) {
    EXPECT_EQ(shipment_verdict(kLogger, {}, kTransport, 10, 5).error().code, "coldchain.shipment.receipt_before_departure");
    std::vector<Reading> other{Reading::temperature_at("BOX-99", kDeparture, 500)};
    EXPECT_EQ(shipment_verdict(kLogger, other, kTransport, kDeparture, kDeparture + 10).error().code,
              "coldchain.shipment.mixed_loggers");
    auto bad = kTransport;
    bad.recording_interval = 0;
    EXPECT_EQ(shipment_verdict(kLogger, {}, bad, 0, 10).error().code, "coldchain.rules.recording_interval");
}

}  // namespace
}  // namespace lims::coldchain
