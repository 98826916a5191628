// Case leads: opening by hand or from a cold-chain break (the enforcement unit found by
// the subject's jurisdiction, the 15-working-day clock), the steps to a decision with
// their required reason, receiving body and approval, and the one extension.
#include "tests/unit/workflow/review_fixture.hpp"

#include "lims/domain/calendar/deadline.hpp"
#include "lims/store/case_lead_repository.hpp"
#include "lims/workflow/case_leads/case_lead_transitions.hpp"
#include "lims/workflow/case_leads/open_case_lead.hpp"
#include "lims/workflow/store_time.hpp"

namespace lims::workflow::review::testing {
namespace {

using case_leads::CaseLeadStep;

class CaseLeads : public ReviewTest {
protected:
    // Received on Monday 2026-06-01 (Beijing 10:00); 15 working days (Dragon Boat 19 June off) run to 23 June.
    domain::Instant june_first() { return must(parse_store_time("2026-06-01T02:00:00Z")); }

    domain::Result<store::CaseLeadRecord> open_manual(std::int64_t subject, const std::string& who = "officer") {
        case_leads::NewCaseLead lead;
        lead.source = store::CaseLeadSource::manual;
        lead.subject_entity_id = subject;
        lead.summary = "投诉: 药房销售过期药品";
        lead.findings = {{"complaint", "citizen complaint 12315-2026-0042"}};
        lead.evidence = {{"complaint", "12315-2026-0042", "complaint record"}};
        lead.received_at = june_first();
        return db->write([&](store::Transaction& tx) {
            return case_leads::open_case_lead(tx, calendar, lead, actor.at(who));
        });
    }

    domain::Result<store::CaseLeadRecord> step(const store::CaseLeadRecord& lead, const std::string& action,
                                               const std::string& reason = "", const std::string& body = "",
                                               const std::string& approval = "", const std::string& who = "officer") {
        return db->write([&](store::Transaction& tx) {
            return case_leads::take_step(tx, CaseLeadStep{lead.id, lead.version, action, reason, body, approval},
                                         actor.at(who));
        });
    }
};

TEST_F(CaseLeads, AManualLeadGoesToTheEnforcementUnitOverTheSubjectWithA15WorkingDayClock) {
    auto lead = must(open_manual(pharmacy));
    EXPECT_EQ(lead.assigned_org_id, org.at("SH-PD-ZF").id);
    EXPECT_EQ(lead.state, "open");
    EXPECT_EQ(lead.received_at, "2026-06-01T02:00:00.000Z");
    // 15 working days after Mon 1 June, skipping the Dragon Boat holiday (19 June): 23 June,
    // due at the close of that day in Beijing (16:00 UTC).
    EXPECT_EQ(lead.deadline_at, "2026-06-23T16:00:00.000Z");
    EXPECT_EQ(lead.number.substr(0, 6), "XS2026");
    ASSERT_EQ(lead.evidence.size(), 1u);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'case_lead.open'"), 1);
}

TEST_F(CaseLeads, AColdChainBreakOpensALeadWithTheExcursionFigures) {
    case_leads::NewCaseLead lead;
    lead.source = store::CaseLeadSource::cold_chain_break;
    lead.subject_entity_id = pharmacy;
    lead.findings = {{"heat excursion", "max 12.4 °C, 11 h above 8 °C"}};
    lead.evidence = {{"excursion", "17", "logger excursion"}, {"readings", "LOGGER-9:2026-06-01", "readings"}};
    const Actor system{std::nullopt, "system:coldchain", domain::RoleSet{domain::Role::ingest_service}, std::nullopt};
    auto opened = must(db->write([&](store::Transaction& tx) { return case_leads::open_case_lead(tx, calendar, lead, system); }));
    EXPECT_EQ(opened.source, store::CaseLeadSource::cold_chain_break);
    ASSERT_EQ(opened.findings.size(), 1u);
    EXPECT_EQ(opened.findings[0].detail, "max 12.4 °C, 11 h above 8 °C");
    EXPECT_EQ(opened.evidence.size(), 2u);
}

TEST_F(CaseLeads, OpeningIsRefusedWithoutASubjectOrAUnitOrTheRole) {
    auto none = open_manual(0);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, "case_lead.subject_required");
    auto unknown = open_manual(4242);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, "case_lead.subject_unknown");
    // The Jiangsu manufacturer: no enforcement unit at or above its jurisdiction.
    auto no_unit = open_manual(manufacturer);
    ASSERT_FALSE(no_unit);
    EXPECT_EQ(no_unit.error().code, "case_lead.no_enforcement_unit");
    auto role = open_manual(pharmacy, "analyst.a");
    ASSERT_FALSE(role);
    EXPECT_EQ(role.error().code, "transition.role_not_allowed");
    EXPECT_EQ(count("SELECT count(*) FROM case_leads"), 0);
}

TEST_F(CaseLeads, TheLeadIsWorkedToADecisionAndClosed) {
    auto lead = must(open_manual(pharmacy));
    lead = must(step(lead, "accept"));
    lead = must(step(lead, "investigate"));
    EXPECT_EQ(lead.state, "investigating");
    lead = must(step(lead, "file", "", "", "局长 张三 2026-06-10 批准"));
    EXPECT_EQ(lead.state, "filed");
    EXPECT_EQ(lead.decision, "filed");
    lead = must(step(lead, "close"));
    EXPECT_EQ(lead.state, "closed");
    EXPECT_EQ(count("SELECT count(*) FROM revisions WHERE entity_type = 'case_lead'"), 5);
}

TEST_F(CaseLeads, DecliningNeedsAReasonAndTransferringNeedsTheReceivingBody) {
    auto lead = must(open_manual(pharmacy));
    lead = must(step(lead, "accept"));
    lead = must(step(lead, "investigate"));
    const auto version = lead.version;

    auto no_reason = step(lead, "decline", "", "", "局长批准");
    ASSERT_FALSE(no_reason);
    EXPECT_EQ(no_reason.error().code, "transition.missing_record");
    EXPECT_NE(no_reason.error().message.find("reason"), std::string::npos);
    auto no_body = step(lead, "transfer", "", "", "局长批准");
    ASSERT_FALSE(no_body);
    EXPECT_EQ(no_body.error().code, "transition.missing_record");
    EXPECT_NE(no_body.error().message.find("receiving_body"), std::string::npos);
    auto no_approval = step(lead, "file");
    ASSERT_FALSE(no_approval);
    EXPECT_EQ(no_approval.error().code, "transition.missing_record");
    auto current = must(db->read([&](store::Transaction& tx) { return store::CaseLeadRepository(tx).get(lead.id); }));
    EXPECT_EQ(current.version, version);
    EXPECT_EQ(current.state, "investigating");

    auto transferred = must(step(lead, "transfer", "", "浦东公安分局", "局长批准"));
    EXPECT_EQ(transferred.state, "transferred");
    EXPECT_EQ(transferred.receiving_body, "浦东公安分局");
}

TEST_F(CaseLeads, OnlyTheResponsibleUnitWorksTheLeadAndStaleVersionsConflict) {
    add_user("js.officer", "JS", {"enforcement_officer"});
    auto lead = must(open_manual(pharmacy));
    auto outsider = step(lead, "accept", "", "", "", "js.officer");
    ASSERT_FALSE(outsider);
    EXPECT_EQ(outsider.error().code, "case_lead.not_responsible");
    auto accepted = must(step(lead, "accept"));
    auto stale = step(lead, "accept");  // the version seen before
    ASSERT_FALSE(stale);
    EXPECT_EQ(stale.error().code, "store.conflict");
    auto withdraw = step(accepted, "withdraw", "", "", "");
    ASSERT_FALSE(withdraw);  // only a conforming re-inspection withdraws
}

TEST_F(CaseLeads, OneExtensionOf15WorkingDaysWithItsApproval) {
    auto lead = must(open_manual(pharmacy));
    auto no_approval = db->write([&](store::Transaction& tx) {
        return case_leads::extend_deadline(tx, calendar, {lead.id, lead.version, ""}, actor.at("officer"));
    });
    ASSERT_FALSE(no_approval);
    EXPECT_EQ(no_approval.error().code, "case_lead.approval_required");
    auto extended = must(db->write([&](store::Transaction& tx) {
        return case_leads::extend_deadline(tx, calendar, {lead.id, lead.version, "局长 张三 批准延期"}, actor.at("officer"));
    }));
    EXPECT_TRUE(extended.extended);
    const auto expected = must(domain::deadline_for(calendar, {30, domain::DeadlineUnit::working_days}, june_first()));
    EXPECT_EQ(extended.deadline_at, store_time(expected));
    auto again = db->write([&](store::Transaction& tx) {
        return case_leads::extend_deadline(tx, calendar, {extended.id, extended.version, "再次"}, actor.at("officer"));
    });
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, "case_lead.extension_used");
}

TEST_F(CaseLeads, OverdueLeadsAreListed) {
    auto lead = must(open_manual(pharmacy));
    auto page = must(db->read([&](store::Transaction& tx) {
        store::CaseLeadQuery q;
        q.due_before = "2026-07-01T00:00:00.000Z";
        return store::CaseLeadRepository(tx).list(q);
    }));
    ASSERT_EQ(page.items.size(), 1u);
    EXPECT_EQ(page.items[0].number, lead.number);
    auto early = must(db->read([&](store::Transaction& tx) {
        store::CaseLeadQuery q;
        q.due_before = "2026-06-10T00:00:00.000Z";
        return store::CaseLeadRepository(tx).list(q);
    }));
    EXPECT_TRUE(early.items.empty());
}

}  // namespace
}  // namespace lims::workflow::review::testing
