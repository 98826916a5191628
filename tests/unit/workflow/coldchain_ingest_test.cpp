// Cold-chain ingest driven by the logger simulator's profiles (steady, short spike, long
// heat, freeze, sensor fault, silent): exactly the expected alarms, excursions and case
// leads, none extra; the detector's state survives a restart between every batch; bad
// input is refused or flagged with a reason and never raises anything.
#include "coldchain_fixture.hpp"

#include "lims/store/excursion_repository.hpp"

namespace lims::workflow::coldchain::testing {
namespace {

using Strings = std::vector<std::string>;

class ColdChainIngestTest : public ColdChainTest {};

TEST_F(ColdChainIngestTest, SteadyProfileRaisesNothing) {
    Profile p("TL-1", kT0 + kMin, 5 * kMin);
    p.hold(500, 48 * kHour);
    auto r = ingest(p.readings(), p.now());
    EXPECT_EQ(r.received, p.readings().size());
    EXPECT_EQ(r.stored, p.readings().size());
    EXPECT_EQ(r.rejected + r.flagged + r.duplicates, 0u);
    EXPECT_TRUE(alarms().empty());
    EXPECT_EQ(count("SELECT count(*) FROM excursions"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM readings"), static_cast<std::int64_t>(p.readings().size()));
}

TEST_F(ColdChainIngestTest, ShortSpikeRaisesOneAlarmThatClearsAndNoExcursion) {
    Profile p("TL-1", kT0 + kMin, 2 * kMin);
    p.hold(500, kHour).hold(1200, 20 * kMin).hold(500, kHour);
    auto r = ingest(p.readings(), p.now());
    EXPECT_EQ(r.alarms_raised, 1u);
    EXPECT_EQ(alarms(), Strings({"out_of_range:above"}));
    EXPECT_EQ(count("SELECT count(*) FROM coldchain_alarms WHERE cleared_at_utc IS NOT NULL"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM excursions"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads"), 0);
}

TEST_F(ColdChainIngestTest, LongHeatOpensOneExcursionWithFiguresAndOneCaseLead) {
    Profile p("TL-1", kT0 + kMin, 5 * kMin);
    p.hold(500, kHour).hold(1000, 11 * kHour).hold(500, kHour);
    auto r = ingest(p.readings(), p.now());
    EXPECT_EQ(r.excursions_opened, 1u);
    EXPECT_EQ(r.excursions_closed, 1u);
    EXPECT_EQ(r.case_leads_opened, 1u);
    EXPECT_EQ(alarms(), Strings({"out_of_range:above", "excursion"}));
    auto xs = must(db->read([](store::Transaction& tx) { return store::ExcursionRepository(tx).list({}); }));
    ASSERT_EQ(xs.size(), 1u);
    const auto& x = xs.front();
    EXPECT_EQ(x.rule, "who_30dtr.heat");
    EXPECT_EQ(x.state, "closed");
    EXPECT_EQ(x.start_utc, kT0 + kMin + kHour);
    EXPECT_EQ(*x.end_utc, kT0 + kMin + kHour + 11 * kHour - 5 * kMin);
    EXPECT_EQ(*x.min_centi_celsius, 1000);
    EXPECT_EQ(*x.max_centi_celsius, 1000);
    EXPECT_EQ(*x.time_out_of_range_s, 11 * kHour - 5 * kMin);
    EXPECT_NEAR(*x.mkt_celsius, 10.0, 1e-6);
    EXPECT_EQ(x.ended_by, "returned_to_range");
    ASSERT_TRUE(x.case_lead_id);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads WHERE source = 'cold_chain_break' AND entity_id = " +
                    std::to_string(cdc) + " AND assigned_org_id = " + std::to_string(enforcement)),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM coldchain_alarms WHERE kind = 'excursion' AND cleared_at_utc IS NOT NULL"), 1);
}

TEST_F(ColdChainIngestTest, FreezeOpensOneFreezeExcursion) {
    Profile p("TL-1", kT0 + kMin, 2 * kMin);
    p.hold(500, kHour).hold(-100, 70 * kMin).hold(500, kHour);
    auto r = ingest(p.readings(), p.now());
    EXPECT_EQ(r.excursions_opened, 1u);
    EXPECT_EQ(r.case_leads_opened, 1u);
    EXPECT_EQ(alarms(), Strings({"out_of_range:below", "excursion"}));
    EXPECT_EQ(count("SELECT count(*) FROM excursions WHERE kind = 'freeze' AND rule = 'who_30dtr.freeze'"), 1);
}

TEST_F(ColdChainIngestTest, SensorFaultRaisesOneFaultAlarmClearedWhenReadingsReturn) {
    Profile p("TL-1", kT0 + kMin, 5 * kMin);
    p.hold(500, kHour).fault(30 * kMin).hold(500, kHour);
    auto r = ingest(p.readings(), p.now());
    EXPECT_EQ(r.stored, p.readings().size());
    EXPECT_EQ(alarms(), Strings({"sensor_fault"}));
    EXPECT_EQ(count("SELECT count(*) FROM coldchain_alarms WHERE cleared_at_utc IS NOT NULL"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM readings WHERE flags = 1"), 6);
    EXPECT_EQ(count("SELECT count(*) FROM excursions"), 0);
}

// Issue 19: offline after one GSP recording interval (30 min in storage), not three.
TEST_F(ColdChainIngestTest, SilentLoggerGoesOfflineOnceAfterOneInterval) {
    Profile p("TL-1", kT0 + kMin, 30 * kMin);
    p.hold(500, 3 * kHour);
    ingest(p.readings(), p.now());
    const std::int64_t last = p.readings().back().at_utc;
    EXPECT_EQ(must(tick_loggers(*db, last + 30 * kMin, options)), 0u);  // exactly one interval: not yet
    EXPECT_EQ(must(tick_loggers(*db, last + 30 * kMin + 1, options)), 1u);
    EXPECT_EQ(must(tick_loggers(*db, last + 5 * kHour, options)), 0u);  // still offline, not again
    EXPECT_EQ(alarms(), Strings({"offline"}));
    ingest({{"TL-1", last + 6 * kHour, 500, std::nullopt}}, last + 6 * kHour);
    EXPECT_EQ(count("SELECT count(*) FROM coldchain_alarms WHERE kind = 'offline' AND cleared_at_utc = " +
                    std::to_string(last + 6 * kHour)),
              1);
    EXPECT_EQ(alarms(), Strings({"offline"}));
}

// The same long heat and freeze, fed in batches with a restart between every batch, gives
// exactly what one batch gives: no excursion missed, none doubled.
TEST_F(ColdChainIngestTest, RestartBetweenEveryBatchNeitherMissesNorDoubles) {
    Profile p("TL-1", kT0 + kMin, 5 * kMin);
    p.hold(500, kHour).hold(1000, 11 * kHour).hold(500, kHour).hold(-100, 70 * kMin).hold(500, kHour);
    for (std::size_t batch : {1u, 7u, 50u}) {
        SCOPED_TRACE("batch " + std::to_string(batch));
        TearDown();
        SetUp();
        auto total = ingest_in_batches(p.readings(), batch, true);
        EXPECT_EQ(total.stored, p.readings().size());
        EXPECT_EQ(total.excursions_opened, 2u);
        EXPECT_EQ(total.excursions_closed, 2u);
        EXPECT_EQ(total.case_leads_opened, 2u);
        EXPECT_EQ(alarms(), Strings({"out_of_range:above", "excursion", "out_of_range:below", "excursion"}));
        EXPECT_EQ(count("SELECT count(*) FROM case_leads"), 2);
        EXPECT_EQ(count("SELECT count(*) FROM excursions WHERE state = 'closed' AND case_lead_id IS NOT NULL"), 2);
        EXPECT_EQ(count("SELECT time_out_of_range_s FROM excursions WHERE kind = 'heat'"), 11 * kHour - 5 * kMin);
    }
}

TEST_F(ColdChainIngestTest, ReplayedBatchIsTakenOnceAndRaisesNothingMore) {
    Profile p("TL-1", kT0 + kMin, 5 * kMin);
    p.hold(500, kHour).hold(1000, 11 * kHour).hold(500, kHour);
    ingest(p.readings(), p.now());
    auto again = ingest(p.readings(), p.now() + kMin);
    EXPECT_EQ(again.stored, 0u);
    EXPECT_EQ(again.duplicates, p.readings().size());
    EXPECT_EQ(again.rejected + again.flagged + again.alarms_raised + again.excursions_opened, 0u);
    EXPECT_EQ(count("SELECT count(*) FROM excursions"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads"), 1);
    EXPECT_EQ(alarms().size(), 2u);
}

TEST_F(ColdChainIngestTest, BadReadingsAreRefusedOrFlaggedWithReasonsAndRaiseNothing) {
    const std::int64_t now = kT0 + 10 * kHour;
    std::vector<IncomingReading> batch{
        {"TL-1", kT0 + kHour, 500, std::nullopt},                   // 0 ok
        {"TL-404", kT0 + kHour, 500, std::nullopt},                 // 1 unknown logger
        {"TL-1", now + 10 * kMin, 500, std::nullopt},               // 2 future
        {"TL-1", now - 100 * 24 * kHour, 500, std::nullopt},        // 3 too old
        IncomingReading::from_text("TL-1", kT0 + 2 * kHour, "abc"),  // 4 not numeric
        {"TL-1", kT0 + 3 * kHour, 15000, std::nullopt},              // 5 impossible heat
        {"TL-1", kT0 + 4 * kHour, -12000, std::nullopt},             // 6 impossible cold
        {"TL-1", kT0 + kHour, 500, std::nullopt},                    // 7 duplicate in batch
        {"TL-1", kT0 + kHour, 600, std::nullopt},                    // 8 conflicting in batch
        {"", kT0 + kHour, 500, std::nullopt},                        // 9 no logger
        {"TL-1", kT0 + 90 * kMin, 500, std::nullopt},                // 10 ok
    };
    auto r = ingest(batch, now);
    EXPECT_EQ(r.stored, 2u);
    EXPECT_EQ(r.duplicates, 1u);
    EXPECT_EQ(r.rejected, 8u);
    std::map<std::size_t, std::string> codes;
    for (const auto& p : r.problems) codes[p.index] = p.code;
    EXPECT_EQ(codes, (std::map<std::size_t, std::string>{{1, "reading.unknown_logger"},
                                                         {2, "reading.time_in_future"},
                                                         {3, "reading.time_too_old"},
                                                         {4, "reading.not_numeric"},
                                                         {5, "reading.implausible_temperature"},
                                                         {6, "reading.implausible_temperature"},
                                                         {8, "reading.conflicting_duplicate"},
                                                         {9, "reading.missing_logger"}}));
    EXPECT_EQ(count("SELECT count(*) FROM reading_rejections"), 8);
    EXPECT_EQ(count("SELECT count(*) FROM reading_rejections WHERE value_text = 'abc' AND reason = 'reading.not_numeric'"), 1);
    // The first good reading came an hour after the placement: offline (over the 30-minute
    // GSP interval) and back at once. Nothing comes of the bad readings.
    EXPECT_EQ(alarms(), Strings({"offline"}));

    // Late readings: one already stored with another value (refused), one new (flagged, kept, not evaluated).
    auto late = ingest({{"TL-1", kT0 + kHour, 700, std::nullopt}, {"TL-1", kT0 + 70 * kMin, 1500, std::nullopt}}, now);
    EXPECT_EQ(late.rejected, 1u);
    EXPECT_EQ(late.flagged, 1u);
    EXPECT_EQ(late.stored, 1u);
    ASSERT_EQ(late.problems.size(), 2u);
    EXPECT_EQ(late.problems[0].code, "reading.conflicting_duplicate");
    EXPECT_EQ(late.problems[1].code, "reading.out_of_order");
    EXPECT_TRUE(late.problems[1].stored);
    EXPECT_EQ(count("SELECT count(*) FROM readings WHERE flags = 256"), 1);
    EXPECT_EQ(alarms(), Strings({"offline"}));
}

TEST_F(ColdChainIngestTest, ImpossibleValuesInsideAHeatRunCannotMakeAnExcursion) {
    // 9 hours above 8 °C then readings of 150 °C: refused, so "10 hours in a row" is not reached.
    Profile p("TL-1", kT0 + kMin, 5 * kMin);
    p.hold(1000, 9 * kHour).hold(15000, 2 * kHour).hold(500, kHour);
    auto r = ingest(p.readings(), p.now());
    EXPECT_EQ(r.rejected, static_cast<std::size_t>(2 * kHour / (5 * kMin)));
    EXPECT_EQ(r.excursions_opened, 0u);
    EXPECT_EQ(count("SELECT count(*) FROM excursions"), 0);
}

TEST_F(ColdChainIngestTest, UnplacedLoggerReadingsAreKeptButNotEvaluated) {
    must(db->write([&](store::Transaction& tx) { return store::ReadingRepository(tx).create_logger("TL-2", "sim", office, "test"); }));
    auto r = ingest({{"TL-2", kT0 + kHour, 1500, std::nullopt}}, kT0 + kHour);
    EXPECT_EQ(r.stored, 1u);
    EXPECT_EQ(r.flagged, 1u);
    EXPECT_EQ(r.problems.at(0).code, "reading.unplaced");
    EXPECT_TRUE(alarms().empty());
}

TEST_F(ColdChainIngestTest, PlacingNeedsThreeDesignatedContacts) {
    store::StorageUnitRow room;
    room.code = "LAB-CR1";
    room.org_id = lab;
    room.name = "cold room";
    room.kind = "cold_room";
    room.storage_class = "refrigerated";
    room.min_centi_celsius = 200;
    room.max_centi_celsius = 800;
    auto unit = must(register_storage_unit(*db, room, "test"));
    add_contacts(lab, std::nullopt, 2);
    auto refused = place_logger(*db, {logger_id, unit.id, std::nullopt, kT0 + kHour}, kT0 + kHour, options);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, "coldchain.site.contacts");
    add_contacts(lab, std::nullopt, 1);
    auto placed = must(place_logger(*db, {logger_id, unit.id, std::nullopt, kT0 + kHour}, kT0 + kHour, options));
    auto history = must(db->read([&](store::Transaction& tx) { return store::StorageUnitRepository(tx).placements(logger_id); }));
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[0].storage_unit_id, fridge_id);
    EXPECT_EQ(history[0].to_utc, kT0 + kHour);
    EXPECT_EQ(history[1].id, placed.id);
    EXPECT_FALSE(history[1].to_utc);
}

TEST_F(ColdChainIngestTest, MovingALoggerClosesAnOpenExcursionAtTheMove) {
    Profile p("TL-1", kT0 + kMin, 5 * kMin);
    p.hold(1000, 11 * kHour);
    ingest(p.readings(), p.now());
    EXPECT_EQ(count("SELECT count(*) FROM excursions WHERE state = 'open'"), 1);
    must(end_logger_placement(*db, logger_id, p.now(), p.now(), options));
    EXPECT_EQ(count("SELECT count(*) FROM excursions WHERE state = 'closed' AND ended_by = 'end_of_record'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads"), 1);
}

TEST(ColdChainReadingText, ParsesNumbersAndKeepsWhatIsNot) {
    EXPECT_EQ(IncomingReading::from_text("L", 1, "4.25").centi_celsius, 425);
    EXPECT_EQ(IncomingReading::from_text("L", 1, "+7.5").centi_celsius, 750);
    EXPECT_EQ(IncomingReading::from_text("L", 1, "-18").centi_celsius, -1800);
    for (const char* bad : {"", "abc", "4,2", "nan", "inf", "1e3", "5 C", "--1"}) {
        auto r = IncomingReading::from_text("L", 1, bad);
        EXPECT_FALSE(r.centi_celsius) << bad;
        EXPECT_EQ(r.unreadable_value, std::string(bad));
    }
}

}  // namespace
}  // namespace lims::workflow::coldchain::testing
