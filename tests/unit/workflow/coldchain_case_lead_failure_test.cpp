// An excursion whose case lead cannot be opened (issue 19 item 1): a CDC in Jiangsu, whose
// bureau has no enforcement unit, breaks its cold chain. The readings and the excursion are
// evidence and are stored; the lead fails alone and becomes a case_lead_failed alarm on the
// unit, notified to its contacts; the minute job opens the lead once an enforcement unit
// exists and clears the alarm.
#include "coldchain_fixture.hpp"

#include "lims/store/excursion_repository.hpp"
#include "lims/workflow/coldchain/excursion_leads.hpp"

namespace lims::workflow::coldchain::testing {
namespace {

using namespace Poco::Data::Keywords;

class CaseLeadFailureTest : public ColdChainTest {
protected:
    void SetUp() override {
        ColdChainTest::SetUp();
        if (HasFatalFailure()) return;
        const auto site = add_site_without_enforcement_unit();
        js_bureau = site.bureau;
        js_office = site.office;
        nj_cdc = site.cdc;
        nj_fridge = site.fridge;
        nj_logger = must(db->write([&](store::Transaction& tx) {
                        return store::ReadingRepository(tx).create_logger("NJ-1", "sim", js_office, "test");
                    })).id;
        must(place_logger(*db, {nj_logger, nj_fridge, std::nullopt, kT0}, kT0, options));
    }

    std::vector<store::ExcursionRow> excursions() {
        store::ExcursionFilter f;
        f.logger_id = nj_logger;
        return must(db->read([&](store::Transaction& tx) { return store::ExcursionRepository(tx).list(f); }));
    }
    // The unit's case_lead_failed alarms: (id, detail, cleared_at_utc or -1).
    std::vector<std::tuple<std::int64_t, std::string, std::int64_t>> failed_alarms() {
        return must(db->read([&](store::Transaction& tx)
                                 -> store::StoreResult<std::vector<std::tuple<std::int64_t, std::string, std::int64_t>>> {
            std::vector<Poco::Int64> ids;
            std::vector<std::string> details;
            std::vector<Poco::Nullable<Poco::Int64>> cleared;
            tx.session() << "SELECT id, detail, cleared_at_utc FROM coldchain_alarms WHERE kind = 'case_lead_failed' "
                            "AND storage_unit_id = $1 ORDER BY id",
                bind(nj_fridge), into(ids), into(details), into(cleared), now;
            std::vector<std::tuple<std::int64_t, std::string, std::int64_t>> out;
            for (std::size_t i = 0; i < ids.size(); ++i)
                out.emplace_back(ids[i], details[i], cleared[i].isNull() ? -1 : cleared[i].value());
            return out;
        }));
    }

    std::int64_t js_bureau = 0, js_office = 0, nj_cdc = 0, nj_logger = 0, nj_fridge = 0;
};

TEST_F(CaseLeadFailureTest, BreachWithoutEnforcementUnitIsStoredAlarmedAndItsLeadOpensOnceAUnitExists) {
    // One hour steady, eleven hours at 9.5 °C (the 10-hour heat rule fires), one hour steady.
    Profile p("NJ-1", kT0, 5 * kMin);
    p.hold(500, kHour).hold(950, 11 * kHour).hold(500, kHour);
    std::size_t stored = 0, failed = 0, opened = 0;
    for (std::size_t i = 0; i < p.readings().size(); i += 12) {
        std::vector<IncomingReading> part(p.readings().begin() + static_cast<std::ptrdiff_t>(i),
                                          p.readings().begin() + static_cast<std::ptrdiff_t>(std::min(p.readings().size(), i + 12)));
        auto r = ingest(part, part.back().at_utc);  // every batch commits: none fails over the lead
        stored += r.stored;
        failed += r.case_leads_failed;
        opened += r.case_leads_opened;
        EXPECT_EQ(r.rejected, 0u);
    }

    // The evidence: every reading, the excursion with its figures, no lead.
    EXPECT_EQ(stored, p.readings().size());
    EXPECT_EQ(count("SELECT count(*) FROM readings WHERE logger_id = " + std::to_string(nj_logger)),
              static_cast<std::int64_t>(p.readings().size()));
    EXPECT_EQ(failed, 1u);
    EXPECT_EQ(opened, 0u);
    auto xs = excursions();
    ASSERT_EQ(xs.size(), 1u);
    const auto& x = xs.front();
    EXPECT_EQ(x.kind, "heat");
    EXPECT_EQ(x.state, "closed");
    EXPECT_EQ(x.start_utc, kT0 + kHour);
    EXPECT_EQ(x.opened_at_utc, kT0 + 11 * kHour);
    EXPECT_EQ(x.end_utc, kT0 + 12 * kHour - 5 * kMin);
    EXPECT_EQ(x.max_centi_celsius, 950);
    EXPECT_EQ(x.time_out_of_range_s, 11 * kHour - 5 * kMin);
    ASSERT_TRUE(x.mkt_celsius);
    EXPECT_NEAR(*x.mkt_celsius, 9.5, 1e-6);
    EXPECT_FALSE(x.case_lead_id);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads"), 0);

    // The problem, visible: an alarm on the unit naming the reason, notified like any alarm
    // (three contacts: in-app, e-mail, SMS webhook), standing after the excursion closed.
    auto alarms = failed_alarms();
    ASSERT_EQ(alarms.size(), 1u);
    const auto& [alarm, detail, cleared] = alarms.front();
    EXPECT_NE(detail.find("case lead could not be opened: no enforcement unit at or above the jurisdiction of "
                          "regulated entity " + std::to_string(nj_cdc)),
              std::string::npos)
        << detail;
    EXPECT_NE(detail.find("case_lead.no_enforcement_unit"), std::string::npos) << detail;
    EXPECT_EQ(cleared, -1);
    EXPECT_EQ(count("SELECT count(*) FROM coldchain_alarms WHERE kind = 'case_lead_failed' AND excursion_id = " +
                    std::to_string(x.id) + " AND org_id = " + std::to_string(js_office) +
                    " AND since_utc = " + std::to_string(x.opened_at_utc)),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM alarm_notifications WHERE alarm_id = " + std::to_string(alarm)), 9);
    EXPECT_EQ(count("SELECT count(*) FROM coldchain_alarms WHERE kind = 'excursion' AND cleared_at_utc IS NOT NULL "
                    "AND excursion_id = " + std::to_string(x.id)),
              1);
    EXPECT_EQ(must(excursions_waiting_for_case_lead(*db)), 1u);

    // The minute job while the cause stands: tried, still failing, no second alarm.
    const std::int64_t later = kT0 + 13 * kHour;
    auto again = must(retry_excursion_case_leads(*db, later, options));
    EXPECT_EQ(again.waiting, 1u);
    EXPECT_EQ(again.opened, 0u);
    EXPECT_EQ(again.failed, 1u);
    EXPECT_EQ(again.alarms_raised, 0u);
    EXPECT_EQ(failed_alarms().size(), 1u);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads"), 0);

    // The cause fixed: an enforcement unit under the Jiangsu bureau. The next run opens the
    // lead for that unit, links it, and clears the alarm.
    const auto unit = must(db->write([&](store::Transaction& tx) {
                              return store::OrganisationRepository(tx).create(
                                  {"JS-ENF", "Jiangsu enforcement", domain::OrganisationKind::enforcement_unit, js_bureau,
                                   "320000"},
                                  "test");
                          })).id;
    const std::int64_t fixed = kT0 + 14 * kHour;
    auto done = must(retry_excursion_case_leads(*db, fixed, options));
    EXPECT_EQ(done.waiting, 1u);
    EXPECT_EQ(done.opened, 1u);
    EXPECT_EQ(done.failed, 0u);
    const auto linked = excursions().front();
    ASSERT_TRUE(linked.case_lead_id);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads WHERE source = 'cold_chain_break' AND id = " +
                    std::to_string(*linked.case_lead_id) + " AND assigned_org_id = " + std::to_string(unit) +
                    " AND entity_id = " + std::to_string(nj_cdc) + " AND logger_id = " + std::to_string(nj_logger)),
              1);
    EXPECT_EQ(std::get<2>(failed_alarms().front()), fixed);
    EXPECT_EQ(must(excursions_waiting_for_case_lead(*db)), 0u);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'excursion.case_lead' AND entity_id = '" +
                    std::to_string(x.id) + "'"),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'alarm.clear' AND entity_id = '" +
                    std::to_string(alarm) + "'"),
              1);

    // Nothing more to do afterwards.
    auto idle = must(retry_excursion_case_leads(*db, fixed + kMin, options));
    EXPECT_EQ(idle.waiting, 0u);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads"), 1);
}

// The site of the fixture has its enforcement unit: the lead opens with the excursion, no
// case_lead_failed alarm, nothing waits.
TEST_F(CaseLeadFailureTest, WithAnEnforcementUnitTheLeadOpensWithTheExcursionAndNothingWaits) {
    Profile p("TL-1", kT0, 5 * kMin);
    p.hold(500, kHour).hold(950, 11 * kHour);
    auto r = ingest(p.readings(), p.now());
    EXPECT_EQ(r.case_leads_opened, 1u);
    EXPECT_EQ(r.case_leads_failed, 0u);
    EXPECT_EQ(count("SELECT count(*) FROM coldchain_alarms WHERE kind = 'case_lead_failed'"), 0);
    EXPECT_EQ(must(excursions_waiting_for_case_lead(*db)), 0u);
    EXPECT_EQ(must(retry_excursion_case_leads(*db, p.now(), options)).waiting, 0u);
    // The officer reads Beijing time (issue 16): warm from 01:00 UTC, confirmed at 11:00 UTC.
    auto summary = must(db->read([&](store::Transaction& tx) -> domain::Result<std::string> {
        std::string text;
        tx.session() << "SELECT summary FROM case_leads", Poco::Data::Keywords::into(text), Poco::Data::Keywords::now;
        return text;
    }));
    // In Chinese, as everything on the lead's page.
    EXPECT_NE(summary.find("冷链温度超标（温度过高"), std::string::npos) << summary;
    EXPECT_NE(summary.find("自2026年3月2日 09:00起，2026年3月2日 19:00确认（北京时间）"), std::string::npos) << summary;
    EXPECT_EQ(summary.find("storage unit"), std::string::npos) << summary;
}

// Without a calendar the ingest opens no lead (its clock needs one); the minute job, which
// has the service's calendar, opens it.
TEST_F(CaseLeadFailureTest, AnExcursionStoredWithoutACalendarGetsItsLeadFromTheMinuteJob) {
    ColdChainOptions no_calendar = options;
    no_calendar.calendar = nullptr;
    Profile p("TL-1", kT0, 5 * kMin);
    p.hold(500, kHour).hold(950, 11 * kHour);
    auto r = must(ingest_readings(*db, p.readings(), p.now(), no_calendar));
    EXPECT_EQ(r.excursions_opened, 1u);
    EXPECT_EQ(r.case_leads_opened + r.case_leads_failed, 0u);
    EXPECT_EQ(must(excursions_waiting_for_case_lead(*db)), 1u);
    auto done = must(retry_excursion_case_leads(*db, p.now(), options));
    EXPECT_EQ(done.opened, 1u);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads WHERE assigned_org_id = " + std::to_string(enforcement)), 1);
    EXPECT_EQ(count("SELECT count(*) FROM coldchain_alarms WHERE kind = 'case_lead_failed'"), 0);
}

}  // namespace
}  // namespace lims::workflow::coldchain::testing
