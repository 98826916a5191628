// The review chain's use cases behind the API's one door (issue 14): each takes the
// Database and the caller, owns its transaction and checks inside it that the caller's
// subtree holds the record named in the path; another jurisdiction's test, report,
// sample, notice or case lead is answered like a missing one and nothing is written. The
// lists and figures count only the caller's subtree; a caller without one sees nothing.
#include "tests/unit/workflow/review_fixture.hpp"

#include "lims/store/case_lead_repository.hpp"
#include "lims/store/report_repository.hpp"
#include "lims/store/test_repository.hpp"
#include "lims/workflow/case_leads/case_lead_access.hpp"
#include "lims/workflow/documents/document_access.hpp"
#include "lims/workflow/figures/figures_access.hpp"
#include "lims/workflow/review/create_tests.hpp"
#include "lims/workflow/review/notice_steps.hpp"
#include "lims/workflow/review/tests_and_reports.hpp"
#include "lims/workflow/review/visibility.hpp"

#include <chrono>

namespace lims::workflow::review::testing {
namespace {

class ReviewDoor : public ReviewTest {
protected:
    void SetUp() override {
        ReviewTest::SetUp();
        // Jiangsu's people hold every role they would need, but none of Shanghai's records.
        add_user("js.analyst", "JS", {"analyst", "reviewer"});
        add_user("js.signatory", "JS", {"signatory"});
        add_user("js.officer", "JS", {"enforcement_officer"});
        add_user("js.receiver", "JS", {"receiver"});
        nobody = actor.at("analyst.a");
        nobody.org_path.clear();
    }

    // A received sample of the district office, shipped to the laboratory (which thereby holds it).
    domain::Sample shipped_sample() {
        auto s = received_sample();
        must(db->write([&](store::Transaction& tx) -> domain::Result<int> {
            const std::string at = tx.now_utc(), number = "YS-" + s.number;
            const Poco::Int64 from = org.at("SH-PD-OFFICE").id, to = org.at("SH-LAB").id, sample = s.id;
            Poco::Int64 id = 0;
            tx.session() << "INSERT INTO shipments (number, from_org_id, to_org_id, state, created_at, updated_at) VALUES "
                            "($1, $2, $3, 'received', $4, $5) RETURNING id",
                bind(number), bind(from), bind(to), bind(at), bind(at), into(id), now;
            tx.session() << "INSERT INTO shipment_items (shipment_id, sample_id) VALUES ($1, $2)", bind(id), bind(sample),
                now;
            return 0;
        }));
        return s;
    }

    std::vector<store::TestRecord> tests_of(const domain::Sample& s) {
        return must(db->write([&](store::Transaction& tx) { return create_tests(tx, s.id, actor.at("receiver")); }));
    }

    store::TestRecord current(std::int64_t id) { return must(find_test(*db, actor.at("analyst.a"), std::to_string(id))); }

    void finalise(const store::TestRecord& t, const std::string& value, const std::string& unit) {
        must(enter_result(*db, {t.id, value, unit, ResultSource::manual, std::nullopt, "", current(t.id).version},
                          actor.at("analyst.a")));
        must(review_result(*db, {t.id, current(t.id).version, ReviewDecision::accept, "", signing()},
                           actor.at("analyst.a"), check));
        auto v = must(verify_result(*db, {t.id, current(t.id).version, signing()}, actor.at("reviewer"), check));
        ASSERT_EQ(v.state, "final");
    }

    static void expect_missing(const domain::Error& e, const std::string& message) {
        EXPECT_EQ(e.code, "review.record_not_found");
        EXPECT_EQ(e.kind, domain::ErrorKind::not_found);
        EXPECT_EQ(e.message, message);
    }

    std::int64_t audit_entries() { return count("SELECT COUNT(*) FROM audit_log"); }

    Actor nobody;
};

TEST_F(ReviewDoor, AnotherJurisdictionsTestIsMissingToItsUseCasesAndNothingIsWritten) {
    auto s = shipped_sample();
    auto tests = tests_of(s);
    const auto& t = tests[0];
    const auto key = std::to_string(t.id);
    const auto before = audit_entries();

    auto seen = find_test(*db, actor.at("js.analyst"), key);
    ASSERT_FALSE(seen);
    expect_missing(seen.error(), "There is no test " + key + ".");
    auto entered = enter_result(*db, {t.id, "98.7", "%", ResultSource::manual, std::nullopt, "", t.version},
                                actor.at("js.analyst"));
    ASSERT_FALSE(entered);
    expect_missing(entered.error(), "There is no test " + key + ".");
    EXPECT_EQ(count("SELECT COUNT(*) FROM results"), 0);
    EXPECT_EQ(audit_entries(), before);

    // A key that is no id, and an id of no test, are answered the same way.
    auto bad = find_test(*db, actor.at("analyst.a"), "abc");
    ASSERT_FALSE(bad);
    expect_missing(bad.error(), "There is no test abc.");
    auto none = find_test(*db, actor.at("analyst.a"), "999999");
    ASSERT_FALSE(none);
    expect_missing(none.error(), "There is no test 999999.");

    // The laboratory's analyst enters it; Jiangsu's reviewer can neither accept nor verify it.
    auto recorded = must(enter_result(*db, {t.id, "98.7", "%", ResultSource::manual, std::nullopt, "", t.version},
                                      actor.at("analyst.a")));
    EXPECT_EQ(recorded.test_state, "pending_review");
    const auto after_entry = audit_entries();
    auto accepted = review_result(*db, {t.id, recorded.test_version, ReviewDecision::accept, "", signing()},
                                  actor.at("js.analyst"), check);
    ASSERT_FALSE(accepted);
    expect_missing(accepted.error(), "There is no test " + key + ".");
    EXPECT_EQ(audit_entries(), after_entry);
    must(review_result(*db, {t.id, recorded.test_version, ReviewDecision::accept, "", signing()}, actor.at("analyst.a"),
                       check));
    const auto after_acceptance = audit_entries();
    auto verified = verify_result(*db, {t.id, current(t.id).version, signing()}, actor.at("js.analyst"), check);
    ASSERT_FALSE(verified);
    expect_missing(verified.error(), "There is no test " + key + ".");
    EXPECT_EQ(current(t.id).state, "accepted");
    EXPECT_EQ(audit_entries(), after_acceptance);
}

TEST_F(ReviewDoor, TheWorklistHoldsTheCallersSubtreeOnly) {
    auto s = shipped_sample();
    auto tests = tests_of(s);
    auto mine = must(list_test_worklist(*db, actor.at("analyst.a"), {}, 0, 2));
    ASSERT_EQ(mine.items.size(), 2u);
    ASSERT_TRUE(mine.next_after_id);
    auto rest = must(list_test_worklist(*db, actor.at("analyst.a"), {}, *mine.next_after_id, 2));
    ASSERT_EQ(rest.items.size(), 1u);
    EXPECT_FALSE(rest.next_after_id);
    EXPECT_EQ(rest.items[0].id, tests[2].id);
    TestWorklistFilter by_code;
    by_code.test_code = "RS";
    auto rs = must(list_test_worklist(*db, actor.at("analyst.a"), by_code, 0, 50));
    ASSERT_EQ(rs.items.size(), 1u);
    EXPECT_EQ(rs.items[0].test_code, "RS");
    EXPECT_TRUE(must(list_test_worklist(*db, actor.at("js.analyst"), {}, 0, 50)).items.empty());
    // No path: the repository's prefix would match every organisation; the use case answers nothing.
    EXPECT_TRUE(must(list_test_worklist(*db, nobody, {}, 0, 50)).items.empty());
}

TEST_F(ReviewDoor, TheReportStepsTheNoticeTheLeadAndReinspectionRefuseAnotherJurisdiction) {
    auto s = shipped_sample();
    auto tests = tests_of(s);
    finalise(tests[0], "98.7", "%");
    finalise(tests[1], "0.55", "%");  // rounds to 0.6 against ≤ 0.5: does not conform
    finalise(tests[2], "符合规定", "");

    const auto before_draft = audit_entries();
    auto refused_draft = draft_report(*db, s.number, actor.at("js.signatory"));
    ASSERT_FALSE(refused_draft);
    expect_missing(refused_draft.error(), "There is no sample " + s.number + ".");
    EXPECT_EQ(count("SELECT COUNT(*) FROM reports"), 0);
    EXPECT_EQ(audit_entries(), before_draft);
    auto unknown = draft_report(*db, "NO-SUCH-SAMPLE", actor.at("signatory"));
    ASSERT_FALSE(unknown);
    expect_missing(unknown.error(), "There is no sample NO-SUCH-SAMPLE.");

    auto draft = must(draft_report(*db, s.number, actor.at("signatory")));
    auto seen = find_report(*db, actor.at("js.signatory"), draft.number);
    ASSERT_FALSE(seen);
    expect_missing(seen.error(), "There is no report " + draft.number + ".");
    EXPECT_EQ(must(find_report(*db, actor.at("signatory"), draft.number)).id, draft.id);

    auto refused_approval = approve_report(*db, draft.number, {0, draft.version, signing()}, actor.at("js.signatory"), check);
    ASSERT_FALSE(refused_approval);
    expect_missing(refused_approval.error(), "There is no report " + draft.number + ".");
    auto approved = must(approve_report(*db, draft.number, {0, draft.version, signing()}, actor.at("signatory"), check));
    EXPECT_EQ(approved.state, "approved");
    EXPECT_EQ(approved.id, draft.id);

    auto refused_issue = issue_report(*db, calendar, approved.number, {0, approved.version, false}, actor.at("js.signatory"));
    ASSERT_FALSE(refused_issue);
    expect_missing(refused_issue.error(), "There is no report " + approved.number + ".");
    EXPECT_EQ(must(find_report(*db, actor.at("signatory"), approved.number)).state, "approved");
    EXPECT_EQ(count("SELECT COUNT(*) FROM notices"), 0);
    auto issued = must(issue_report(*db, calendar, approved.number, {0, approved.version, false}, actor.at("signatory")));
    ASSERT_EQ(issued.notices.size(), 3u);
    ASSERT_TRUE(issued.case_lead);

    // The notice to the district bureau: not Jiangsu's to acknowledge, the district's own.
    store::NoticeRecord pd;
    for (const auto& n : issued.notices)
        if (n.recipient == "sampled_unit_bureau") pd = n;
    const auto key = std::to_string(pd.id);
    auto refused_ack = acknowledge_notice(*db, {pd.id, pd.version, ""}, actor.at("js.viewer"));
    ASSERT_FALSE(refused_ack);
    expect_missing(refused_ack.error(), "There is no notice " + key + ".");
    auto acked = must(acknowledge_notice(*db, {pd.id, pd.version, ""}, actor.at("pd.viewer")));
    EXPECT_EQ(acked.state, "acknowledged");

    // The case lead: the district's enforcement unit's, not Jiangsu's.
    const auto& lead = *issued.case_lead;
    auto hidden_lead = case_leads::find_case_lead(*db, actor.at("js.officer"), lead.number);
    ASSERT_FALSE(hidden_lead);
    expect_missing(hidden_lead.error(), "There is no case lead " + lead.number + ".");
    EXPECT_EQ(must(case_leads::find_case_lead(*db, actor.at("officer"), lead.number)).id, lead.id);
    const auto before_step = audit_entries();
    auto refused_step = case_leads::take_step(*db, lead.number, {0, lead.version, "accept", "", "", ""}, actor.at("js.officer"));
    ASSERT_FALSE(refused_step);
    expect_missing(refused_step.error(), "There is no case lead " + lead.number + ".");
    auto refused_extension =
        case_leads::extend_deadline(*db, calendar, lead.number, {0, lead.version, "head, ref 1"}, actor.at("js.officer"));
    ASSERT_FALSE(refused_extension);
    expect_missing(refused_extension.error(), "There is no case lead " + lead.number + ".");
    EXPECT_EQ(audit_entries(), before_step);
    auto accepted = must(case_leads::take_step(*db, lead.number, {0, lead.version, "accept", "", "", ""}, actor.at("officer")));
    EXPECT_EQ(accepted.state, "accepted");
    EXPECT_EQ(accepted.id, lead.id);

    auto mine = must(case_leads::list_case_leads(*db, actor.at("officer"), {}, 0, 50));
    ASSERT_EQ(mine.items.size(), 1u);
    EXPECT_EQ(mine.items[0].number, lead.number);
    EXPECT_TRUE(must(case_leads::list_case_leads(*db, actor.at("js.officer"), {}, 0, 50)).items.empty());
    EXPECT_TRUE(must(case_leads::list_case_leads(*db, nobody, {}, 0, 50)).items.empty());

    // Re-inspection of the sample: not Jiangsu's receiver's to register.
    ReinspectionApplication app;
    app.applicant = Applicant::sampled_unit;
    app.applicant_name = "浦东仁和大药房";
    app.report_received_at = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto before_re = audit_entries();
    auto refused_re = apply_reinspection(*db, calendar, s.number, app, actor.at("js.receiver"));
    ASSERT_FALSE(refused_re);
    expect_missing(refused_re.error(), "There is no sample " + s.number + ".");
    EXPECT_EQ(count("SELECT COUNT(*) FROM reinspections"), 0);
    EXPECT_EQ(audit_entries(), before_re);

    // The report's PDF: another jurisdiction's is missing (before anything is rendered).
    auto pdf = documents::report_pdf(*db, actor.at("js.signatory"), issued.report.number);
    ASSERT_FALSE(pdf);
    EXPECT_EQ(pdf.error().code, "documents.report_not_found");
    auto record = documents::sampling_record_pdf(*db, actor.at("js.signatory"), s.number);
    ASSERT_FALSE(record);
    EXPECT_EQ(record.error().code, "documents.sample_not_found");
}

TEST_F(ReviewDoor, FiguresCountTheCallersSubtreeAndNothingForACallerWithoutOne) {
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    received_sample();
    auto sh = must(figures::compute_statistics(*db, calendar, actor.at("sh.viewer"), {}, now));
    EXPECT_EQ(sh.samples.samples, 1);
    auto js = must(figures::compute_statistics(*db, calendar, actor.at("js.viewer"), {}, now));
    EXPECT_EQ(js.samples.samples, 0);
    auto expect_refused = [](const auto& result) {
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().code, "figures.no_jurisdiction");
        EXPECT_EQ(result.error().kind, domain::ErrorKind::forbidden);
    };
    expect_refused(figures::scan_overdue(*db, calendar, nobody, now));
    expect_refused(figures::compute_statistics(*db, calendar, nobody, {}, now));
    expect_refused(figures::sample_figures_by(*db, calendar, nobody, {}, "category", now));
    EXPECT_TRUE(must(figures::scan_overdue(*db, calendar, actor.at("sh.viewer"), now)).tests.empty());
}

}  // namespace
}  // namespace lims::workflow::review::testing
