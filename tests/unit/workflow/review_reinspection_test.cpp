// Re-inspection (复验): the application window, who may apply, once only, the retained
// portion tested through the same chain, the superseding report and the lead it settles.
#include "tests/unit/workflow/review_fixture.hpp"

#include "lims/store/case_lead_repository.hpp"
#include "lims/store/report_repository.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/store/test_repository.hpp"
#include "lims/workflow/review/create_tests.hpp"
#include "lims/workflow/review/record_result.hpp"
#include "lims/workflow/review/reinspection.hpp"
#include "lims/workflow/review/report.hpp"
#include "lims/workflow/review/review_result.hpp"
#include "lims/workflow/store_time.hpp"

namespace lims::workflow::review::testing {
namespace {

class Reinspections : public ReviewTest {
protected:
    void finalise(const store::TestRecord& t, const std::string& value, const std::string& unit) {
        auto recorded = must(db->write([&](store::Transaction& tx) {
            return record_result(tx, {t.id, value, unit, ResultSource::manual, std::nullopt, "", std::nullopt},
                                 actor.at("analyst.a"));
        }));
        auto accepted = must(db->write([&](store::Transaction& tx) {
            return review_result(tx, {t.id, recorded.test_version, ReviewDecision::accept, "", signing()},
                                 actor.at("analyst.a"), check);
        }));
        auto final_ = must(db->write([&](store::Transaction& tx) {
            return verify_result(tx, {t.id, accepted.version, signing()}, actor.at("reviewer"), check);
        }));
        ASSERT_EQ(final_.state, "final");
    }

    IssuedReport report_on(const domain::Sample& s, const std::vector<store::TestRecord>& tests,
                           const std::string& assay) {
        finalise(tests[0], assay, "%");
        finalise(tests[1], "0.3", "%");
        finalise(tests[2], "符合规定", "");
        auto draft = must(db->write([&](store::Transaction& tx) { return draft_report(tx, s.id, actor.at("signatory")); }));
        auto approved = must(db->write([&](store::Transaction& tx) {
            return approve_report(tx, {draft.id, draft.version, signing()}, actor.at("signatory"), check);
        }));
        return must(db->write([&](store::Transaction& tx) {
            return issue_report(tx, calendar, {approved.id, approved.version, false}, actor.at("signatory"));
        }));
    }

    // A nonconforming first report (assay 90.0 against 95.0–105.0) with its case lead.
    std::pair<domain::Sample, IssuedReport> failed_sample() {
        auto s = received_sample();
        auto tests = must(db->write([&](store::Transaction& tx) { return create_tests(tx, s.id, actor.at("receiver")); }));
        auto issued = report_on(s, tests, "90.0");
        EXPECT_EQ(issued.report.conclusion, "does_not_conform");
        EXPECT_TRUE(issued.case_lead);
        return {s, issued};
    }

    domain::Result<Reinspection> apply_for(const domain::Sample& s, domain::Instant received,
                                           Applicant who = Applicant::sampled_unit,
                                           std::optional<std::int64_t> entity = std::nullopt) {
        return db->write([&](store::Transaction& tx) {
            return apply_reinspection(tx, calendar, {s.id, who, entity, "浦东仁和大药房", received}, actor.at("receiver"));
        });
    }
};

TEST_F(Reinspections, ALateApplicationIsRefusedWithTheDeadlineAndNothingIsWritten) {
    auto [s, issued] = failed_sample();
    // The report went out on 1 October and was received the next day: the 7-day window
    // for drugs (药品管理法 第一百零二条) closed long before today.
    must(db->write([&](store::Transaction& tx) -> domain::Result<int> {
        tx.session() << "UPDATE reports SET issued_at = '2026-10-01T02:00:00.000Z' WHERE id = $1",
            bind(issued.report.id), now;
        return 0;
    }));
    const auto audit_before = count("SELECT count(*) FROM audit_log");
    auto late = apply_for(s, must(parse_store_time("2026-10-02T02:00:00Z")));
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error().code, "review.reinspection_late");
    // Received Fri 2 Oct; 7 days end Fri 9 Oct, a working day (the holiday ended on the 7th).
    EXPECT_NE(late.error().message.find("within 7 days"), std::string::npos) << late.error().message;
    EXPECT_NE(late.error().message.find("2026-10-09T16:00:00.000Z"), std::string::npos) << late.error().message;
    EXPECT_EQ(count("SELECT count(*) FROM reinspections"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM tests WHERE round = 2"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log"), audit_before);
    auto sample = must(db->read([&](store::Transaction& tx) { return store::SampleRepository(tx).get_by_id(s.id); }));
    EXPECT_EQ(sample.state, "reported");
}

TEST_F(Reinspections, OnlyTheSampledUnitOrTheManufacturerAppliesAndOnlyOnce) {
    auto [s, issued] = failed_sample();
    const auto received = must(parse_store_time(*issued.report.issued_at));
    auto stranger = apply_for(s, received, Applicant::sampled_unit, manufacturer);
    ASSERT_FALSE(stranger);
    EXPECT_EQ(stranger.error().code, "review.reinspection_applicant");
    auto before_issue = apply_for(s, received - std::chrono::hours{48});
    ASSERT_FALSE(before_issue);
    EXPECT_EQ(before_issue.error().code, "review.reinspection_received_at");
    auto ok = must(apply_for(s, received, Applicant::manufacturer, manufacturer));
    EXPECT_EQ(ok.tests.size(), 3u);
    for (const auto& t : ok.tests) EXPECT_EQ(t.round, 2);
    auto twice = apply_for(s, received);
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().code, "review.reinspection_repeated");
}

TEST_F(Reinspections, AConformingReinspectionSupersedesTheReportAndWithdrawsTheLead) {
    auto [s, first] = failed_sample();
    auto re = must(apply_for(s, must(parse_store_time(*first.report.issued_at))));
    auto sample = must(db->read([&](store::Transaction& tx) { return store::SampleRepository(tx).get_by_id(s.id); }));
    EXPECT_EQ(sample.state, "in_reinspection");

    auto second = report_on(s, re.tests, "99.2");
    EXPECT_EQ(second.report.round, 2);
    EXPECT_EQ(second.report.conclusion, "conforms");
    EXPECT_EQ(second.report.supersedes_report_id, first.report.id);
    EXPECT_TRUE(second.notices.empty());
    ASSERT_TRUE(second.case_lead);
    EXPECT_EQ(second.case_lead->state, "withdrawn");
    EXPECT_EQ(second.case_lead->reference, second.report.number);

    auto old = must(db->read([&](store::Transaction& tx) { return store::ReportRepository(tx).get(first.report.id); }));
    EXPECT_EQ(old.state, "superseded");
    EXPECT_EQ(count("SELECT count(*) FROM reinspections WHERE state = 'completed'"), 1);
    sample = must(db->read([&](store::Transaction& tx) { return store::SampleRepository(tx).get_by_id(s.id); }));
    EXPECT_EQ(sample.state, "reported");
}

TEST_F(Reinspections, ANonconformingReinspectionLeavesTheLeadGoing) {
    auto [s, first] = failed_sample();
    auto re = must(apply_for(s, must(parse_store_time(*first.report.issued_at))));
    auto second = report_on(s, re.tests, "91.0");
    EXPECT_EQ(second.report.conclusion, "does_not_conform");
    EXPECT_FALSE(second.case_lead);
    auto lead = must(db->read([&](store::Transaction& tx) { return store::CaseLeadRepository(tx).get(first.case_lead->id); }));
    EXPECT_EQ(lead.state, "open");
}

}  // namespace
}  // namespace lims::workflow::review::testing
