// Cold-chain records over time: the retention job thins old raw readings into 5-minute
// aggregates but never an excursion's evidence; charts merge both and keep every spike;
// the readings guard refuses edits and unsummarised deletes; a shipment's trip gets its
// verdict at receipt (a spike in transit is a deviation, a long heat an excursion).
#include "coldchain_fixture.hpp"

#include "lims/workflow/coldchain/retention.hpp"
#include "lims/workflow/coldchain/series_query.hpp"
#include "lims/workflow/coldchain/shipment_verdict.hpp"

namespace lims::workflow::coldchain::testing {
namespace {

class ColdChainRecordsTest : public ColdChainTest {};

TEST_F(ColdChainRecordsTest, RetentionThinsOldReadingsButNeverExcursionEvidence) {
    // Two days at one-minute resolution with a long heat on the second day.
    Profile p("TL-1", kT0 + kMin, kMin);
    p.hold(500, 24 * kHour).hold(1000, 11 * kHour).hold(500, 13 * kHour);
    auto r = ingest(p.readings(), p.now());
    ASSERT_EQ(r.excursions_closed, 1u);
    const auto total = static_cast<std::int64_t>(p.readings().size());

    auto before = must(chart_series(*db, logger_id, kT0, kT0 + 48 * kHour, 96));
    RetentionPolicy policy;
    policy.keep_raw = 91 * 24 * kHour;
    const std::int64_t later = kT0 + 48 * kHour + policy.keep_raw + kHour;
    auto report = must(thin_old_readings(*db, later, policy, "system:retention"));
    EXPECT_EQ(report.loggers, 1u);
    EXPECT_GT(report.readings_thinned, 0u);

    const std::int64_t raw_left = count("SELECT count(*) FROM readings");
    EXPECT_EQ(raw_left + static_cast<std::int64_t>(report.readings_thinned), total);
    EXPECT_EQ(count("SELECT sum(readings) FROM reading_aggregates"), static_cast<std::int64_t>(report.readings_thinned));
    // Every raw reading inside the excursion window (widened by 90 minutes) is still raw.
    const std::int64_t start = kT0 + kMin + 24 * kHour;
    const std::int64_t end = start + 11 * kHour - kMin;
    EXPECT_EQ(count("SELECT count(*) FROM readings WHERE at_utc >= " + std::to_string(start - 90 * kMin) +
                    " AND at_utc <= " + std::to_string(end + 90 * kMin)),
              count("SELECT count(*) FROM readings WHERE at_utc >= " + std::to_string(start - 90 * kMin) + " AND at_utc <= " +
                    std::to_string(end + 90 * kMin)));
    EXPECT_EQ(count("SELECT count(*) FROM readings WHERE at_utc >= " + std::to_string(start) +
                    " AND at_utc <= " + std::to_string(end)),
              11 * 60);
    EXPECT_EQ(count("SELECT count(*) FROM reading_aggregates WHERE bucket_utc + 300 > " + std::to_string(start - 90 * kMin) +
                    " AND bucket_utc <= " + std::to_string(end + 90 * kMin)),
              0);
    // The chart after thinning has the same extremes and counts per bucket.
    auto after = must(chart_series(*db, logger_id, kT0, kT0 + 48 * kHour, 96));
    ASSERT_EQ(after.size(), before.size());
    for (std::size_t i = 0; i < after.size(); ++i) {
        EXPECT_EQ(after[i].from, before[i].from);
        EXPECT_EQ(after[i].count, before[i].count);
        EXPECT_EQ(after[i].minimum, before[i].minimum);
        EXPECT_EQ(after[i].maximum, before[i].maximum);
        EXPECT_EQ(after[i].sum, before[i].sum);
    }
    // A second run has nothing left to do.
    auto again = must(thin_old_readings(*db, later, policy, "system:retention"));
    EXPECT_EQ(again.readings_thinned, 0u);

    auto too_short = thin_old_readings(*db, later, RetentionPolicy{30 * 24 * kHour}, "x");
    ASSERT_FALSE(too_short);
    EXPECT_EQ(too_short.error().code, "coldchain.retention.period");
}

TEST_F(ColdChainRecordsTest, ReadingsCannotBeEditedOrDeletedWithoutTheirAggregate) {
    ingest({{"TL-1", kT0 + kHour, 500, std::nullopt}}, kT0 + kHour);
    auto update = db->write([](store::Transaction& tx) -> store::StoreResult<store::Done> {
        tx.session() << "UPDATE readings SET centi_celsius = 100", Poco::Data::Keywords::now;
        return store::Done{};
    });
    ASSERT_FALSE(update);
    EXPECT_NE(update.error().message.find("append-only"), std::string::npos) << update.error().message;
    auto del = db->write([](store::Transaction& tx) -> store::StoreResult<store::Done> {
        tx.session() << "DELETE FROM readings", Poco::Data::Keywords::now;
        return store::Done{};
    });
    ASSERT_FALSE(del);
    EXPECT_NE(del.error().message.find("no 5-minute aggregate"), std::string::npos) << del.error().message;
    EXPECT_EQ(count("SELECT count(*) FROM readings"), 1);
}

TEST_F(ColdChainRecordsTest, ChartKeepsASingleSpikeAmongThousandsOfReadings) {
    Profile p("TL-1", kT0 + kMin, kMin);
    p.hold(500, 30 * kHour);
    auto readings = p.readings();
    readings[1000].centi_celsius = 2300;  // one minute at 23 °C
    ingest(readings, p.now());
    auto chart = must(chart_series(*db, logger_id, kT0, kT0 + 31 * kHour, 50));
    EXPECT_LE(chart.size(), 50u);
    std::int32_t highest = 0;
    std::int64_t n = 0;
    for (const auto& b : chart) {
        highest = std::max(highest, *b.maximum);
        n += b.count;
    }
    EXPECT_EQ(highest, 2300);
    EXPECT_EQ(n, static_cast<std::int64_t>(readings.size()));
    auto bad = chart_series(*db, logger_id, kT0, kT0, 50);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code.rfind("coldchain.series.", 0), 0u);
}

class ColdChainShipmentTest : public ColdChainTest {
protected:
    void SetUp() override {
        ColdChainTest::SetUp();
        add_contacts(office, std::nullopt, 3);
        std::tie(shipment, box_id) = add_shipment_with_box("S2026-000001", "N", "BOX-7", kT0 + kHour);
        must(place_logger(*db, {logger_id, std::nullopt, shipment, kT0 + kHour}, kT0 + kHour, options));
    }
    std::int64_t shipment = 0;
    std::int64_t box_id = 0;
};

TEST_F(ColdChainShipmentTest, SpikeInTransitIsADeviationAndTheChainHeld) {
    Profile p("TL-1", kT0 + kHour + kMin, 2 * kMin);
    p.hold(500, 2 * kHour).hold(1100, 20 * kMin).hold(500, 2 * kHour);
    ingest(p.readings(), p.now());
    const std::int64_t receipt = p.now();
    must(end_logger_placement(*db, logger_id, receipt, receipt, options));
    auto t = must(trip_verdict(*db, shipment, receipt));
    EXPECT_EQ(t.logger_id, logger_id);
    EXPECT_EQ(t.verdict.outcome, lims::coldchain::ShipmentOutcome::deviation);
    EXPECT_EQ(t.verdict_word, "held");
    ASSERT_EQ(t.verdict.out_of_range.size(), 1u);
    EXPECT_EQ(t.verdict.out_of_range[0].extreme, 1100);
    EXPECT_TRUE(t.verdict.excursions.empty());
    EXPECT_EQ(*t.verdict.maximum, 1100);
    EXPECT_FALSE(t.chart.empty());
    ASSERT_EQ(t.samples.size(), 2u);
    EXPECT_EQ(t.samples[0].verdict, "held");
    EXPECT_EQ(t.samples[1].verdict, "not_applicable");
    // A trip excursion is the receiver's verdict, not a case lead.
    EXPECT_EQ(count("SELECT count(*) FROM case_leads"), 0);
}

TEST_F(ColdChainShipmentTest, LongHeatInTransitIsAnExcursionWithFigures) {
    Profile p("TL-1", kT0 + kHour + kMin, 5 * kMin);
    p.hold(500, kHour).hold(1200, 11 * kHour).hold(500, kHour);
    auto r = ingest(p.readings(), p.now());
    EXPECT_EQ(r.excursions_opened, 1u);
    EXPECT_EQ(r.case_leads_opened, 0u);
    auto t = must(trip_verdict(*db, shipment, p.now()));
    EXPECT_EQ(t.verdict.outcome, lims::coldchain::ShipmentOutcome::excursion);
    EXPECT_EQ(t.verdict_word, "excursion");
    ASSERT_FALSE(t.verdict.excursions.empty());
    EXPECT_EQ(t.verdict.excursions[0].maximum, 1200);
    EXPECT_EQ(t.samples[0].verdict, "excursion");
    EXPECT_NE(t.summary.find("heat excursion"), std::string::npos) << t.summary;
}

TEST_F(ColdChainShipmentTest, ShipmentWithoutReadingsHasNoData) {
    auto t = must(trip_verdict(*db, shipment, kT0 + 5 * kHour));
    EXPECT_EQ(t.verdict_word, "no_data");
    auto missing = trip_verdict(*db, 999, kT0);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, "store.not_found");
}

}  // namespace
}  // namespace lims::workflow::coldchain::testing
