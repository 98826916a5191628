// End to end through the review chain on a real store: a sample accepted at receipt (the
// sampling hook creates its tests), results entered by hand and from an instrument
// message, two-person review with signatures, a nonconforming report approved and issued,
// the notices with their deadlines, the case lead with its evidence, the public check of
// the report's hash; then a re-inspection that overturns the result and withdraws the lead.
#include "tests/support/pdf_text.hpp"
#include "tests/support/test_database.hpp"
#include "tests/unit/workflow/review_fixture.hpp"

#include "lims/domain/calendar/deadline.hpp"
#include "lims/store/case_lead_repository.hpp"
#include "lims/store/report_repository.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/store/test_repository.hpp"
#include "lims/workflow/documents/document_source.hpp"
#include "lims/workflow/documents/report_pdf.hpp"
#include "lims/workflow/review/notices.hpp"
#include "lims/workflow/review/receipt_hook.hpp"
#include "lims/workflow/review/record_result.hpp"
#include "lims/workflow/review/reinspection.hpp"
#include "lims/workflow/review/report.hpp"
#include "lims/workflow/review/review_result.hpp"
#include "lims/workflow/store_time.hpp"
#include "lims/workflow/sampling/on_receipt.hpp"

#include <set>

namespace lims::workflow::review::testing {
namespace {

// Runs on SQLite and on PostgreSQL (LIMS_TEST_PG; see tests/support/test_database.hpp).
class ReviewFlow : public ReviewTest, public ::testing::WithParamInterface<lims::test::Backend> {
protected:
    void SetUp() override {
        lims::test::requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        scratch_ = std::make_unique<lims::test::ScratchDatabase>(GetParam());
        ReviewTest::SetUp();
        sampling::clear_sample_accepted_handlers();
        install_receipt_hook();
    }
    void TearDown() override {
        sampling::clear_sample_accepted_handlers();
        ReviewTest::TearDown();  // releases the store's connections before the database is dropped
        scratch_.reset();
    }

    std::string database_url() override { return scratch_->url(); }
    std::unique_ptr<lims::test::ScratchDatabase> scratch_;

    // The receipt's transaction, as sampling::receive_sample runs it: the sample moves to
    // "received" and the accepted-sample handlers run in the same transaction.
    std::vector<store::TestRecord> receive(const domain::Sample& registered) {
        const Actor receiver{*actor.at("receiver").user_id, "receiver", domain::RoleSet{domain::Role::receiver},
                             org.at("SH-LAB").id, org.at("SH-LAB").path};
        must(db->write([&](store::Transaction& tx) -> domain::Result<int> {
            store::SampleRepository samples(tx);
            auto moved = samples.move_state(registered, registered.version, "received");
            if (!moved) return moved.error();
            store::SampleReceipt receipt;
            receipt.sample_id = moved->id;
            auto handled = sampling::on_sample_accepted({tx, receiver, *moved, receipt, std::nullopt});
            if (!handled) return handled.error();
            return 0;
        }));
        return must(db->read([&](store::Transaction& tx) -> domain::Result<std::vector<store::TestRecord>> {
            return store::TestRepository(tx).for_sample(registered.id, 1);
        }));
    }

    store::TestRecord get_test(std::int64_t id) {
        return must(db->read([&](store::Transaction& tx) { return store::TestRepository(tx).get(id); }));
    }

    void review_and_verify(std::int64_t test_id) {
        auto t = get_test(test_id);
        must(db->write([&](store::Transaction& tx) {
            return review_result(tx, {t.id, t.version, ReviewDecision::accept, "", signing()}, actor.at("analyst.a"), check);
        }));
        t = get_test(test_id);
        auto final_ = must(db->write([&](store::Transaction& tx) {
            return verify_result(tx, {t.id, t.version, signing()}, actor.at("reviewer"), check);
        }));
        ASSERT_EQ(final_.state, "final");
    }

    void manual(const store::TestRecord& t, const std::string& value, const std::string& unit) {
        must(db->write([&](store::Transaction& tx) {
            return record_result(tx, {t.id, value, unit, ResultSource::manual, std::nullopt, "", t.version},
                                 actor.at("analyst.a"));
        }));
    }

    IssuedReport report(std::int64_t sample_id) {
        auto draft = must(db->write([&](store::Transaction& tx) { return draft_report(tx, sample_id, actor.at("signatory")); }));
        auto approved = must(db->write([&](store::Transaction& tx) {
            return approve_report(tx, {draft.id, draft.version, signing()}, actor.at("signatory"), check);
        }));
        return must(db->write([&](store::Transaction& tx) {
            return issue_report(tx, calendar, {approved.id, approved.version, false}, actor.at("signatory"));
        }));
    }

    domain::Sample registered_sample() {
        auto s = received_sample();
        // Back to "registered" so that the receipt below is the one that accepts it.
        return must(db->write([&](store::Transaction& tx) {
            return store::SampleRepository(tx).move_state(s, s.version, "registered");
        }));
    }
};

TEST_P(ReviewFlow, FromReceiptToANonconformingReportWithNoticesAndACaseLead) {
    auto sample = registered_sample();
    auto tests = receive(sample);
    ASSERT_EQ(tests.size(), 3u);

    // Assay by hand; related substances from the HPLC's HL7 message; appearance by hand.
    manual(tests[0], "98.7", "%");
    const std::string hl7 = "MSH|^~\\&|HPLC-2|LAB|LIMS|SH|20261123||ORU^R01|77|P|2.5\r"
                            "OBX|1|NM|RS^Related substances||0.62|%|≤0.5|H|||F\r";
    const auto raw = add_raw_message(hl7);
    must(db->write([&](store::Transaction& tx) {
        return record_result(tx, {tests[1].id, "0.62", "%", ResultSource::instrument, raw, "H", std::nullopt}, ingest);
    }));
    manual(tests[2], "符合规定", "");
    for (const auto& t : tests) review_and_verify(t.id);

    auto issued = report(sample.id);
    EXPECT_EQ(issued.report.conclusion, "does_not_conform");
    EXPECT_EQ(issued.report.state, "issued");
    EXPECT_NE(issued.report.content_json.find("不符合规定"), std::string::npos);

    // Notices: organiser, the sampled unit's bureau, the manufacturer's bureau; 2 working days.
    ASSERT_EQ(issued.notices.size(), 3u);
    const auto due = must(domain::deadline_for(calendar, {2, domain::DeadlineUnit::working_days},
                                               must(parse_store_time(*issued.report.issued_at))));
    std::set<std::int64_t> bureaus;
    for (const auto& n : issued.notices) {
        EXPECT_EQ(n.due_at, store_time(due));
        bureaus.insert(n.to_org_id.value_or(0));
        // What a bureau recognises a notice by, read with it: the sample, its product, the report.
        EXPECT_EQ(n.sample_number, sample.number);
        EXPECT_EQ(n.report_number, issued.report.number);
        EXPECT_TRUE(n.product_name && !n.product_name->empty());
    }
    EXPECT_EQ(bureaus, (std::set<std::int64_t>{org.at("SH").id, org.at("SH-PD").id, org.at("JS").id}));

    // The case lead for the enforcement unit over the pharmacy, with its evidence.
    ASSERT_TRUE(issued.case_lead);
    const auto& lead = *issued.case_lead;
    EXPECT_EQ(lead.assigned_org_id, org.at("SH-PD-ZF").id);
    EXPECT_EQ(lead.source, store::CaseLeadSource::nonconforming_result);
    ASSERT_EQ(lead.findings.size(), 1u);
    EXPECT_EQ(lead.findings[0].item, "有关物质");
    EXPECT_NE(lead.findings[0].detail.find("0.62"), std::string::npos);
    std::map<std::string, std::string> evidence;
    for (const auto& e : lead.evidence) evidence[e.kind] = e.ref;
    EXPECT_EQ(evidence.at("sample"), sample.number);
    EXPECT_EQ(evidence.at("custody"), sample.number);
    EXPECT_EQ(evidence.at("raw_message"), std::to_string(raw));
    EXPECT_EQ(evidence.at("report"), issued.report.number);

    // The district bureau acknowledges its notice; the organiser cannot acknowledge it for them.
    for (const auto& n : issued.notices) {
        if (n.to_org_id != org.at("SH-PD").id) continue;
        auto refused = db->write([&](store::Transaction& tx) {
            return acknowledge_notice(tx, {n.id, n.version, ""}, actor.at("sh.viewer"));
        });
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().code, "notice.not_recipient");
        auto ok = must(db->write([&](store::Transaction& tx) {
            return acknowledge_notice(tx, {n.id, n.version, ""}, actor.at("pd.viewer"));
        }));
        EXPECT_EQ(ok.state, "acknowledged");
    }

    // The public check answers for the real hash and refuses an altered one.
    ASSERT_TRUE(issued.report.content_sha256);
    const std::string prefix = issued.report.content_sha256->substr(0, 16);
    std::string altered = prefix;
    altered[0] = altered[0] == '0' ? '1' : '0';
    auto [real, wrong] = must(db->read([&](store::Transaction& tx) -> domain::Result<std::pair<bool, bool>> {
        auto a = documents::verify_report(tx, issued.report.number, prefix);
        auto b = documents::verify_report(tx, issued.report.number, altered);
        if (!a) return a.error();
        if (!b) return b.error();
        return std::pair{*a, *b};
    }));
    EXPECT_TRUE(real);
    EXPECT_FALSE(wrong);
}

TEST_P(ReviewFlow, AReinspectionThatConformsSupersedesTheReportAndWithdrawsTheLead) {
    auto sample = registered_sample();
    auto tests = receive(sample);
    manual(tests[0], "93.0", "%");  // below 95.0–105.0
    manual(tests[1], "0.2", "%");
    manual(tests[2], "符合规定", "");
    for (const auto& t : tests) review_and_verify(t.id);
    auto first = report(sample.id);
    ASSERT_TRUE(first.case_lead);

    // The manufacturer applies the day it receives the report.
    auto re = must(db->write([&](store::Transaction& tx) {
        return apply_reinspection(tx, calendar,
                                  {sample.id, Applicant::manufacturer, manufacturer, "苏州制药有限公司",
                                   must(parse_store_time(*first.report.issued_at))},
                                  actor.at("receiver"));
    }));
    ASSERT_EQ(re.tests.size(), 3u);
    manual(re.tests[0], "99.4", "%");
    manual(re.tests[1], "0.2", "%");
    manual(re.tests[2], "符合规定", "");
    for (const auto& t : re.tests) review_and_verify(t.id);
    auto second = report(sample.id);

    EXPECT_EQ(second.report.conclusion, "conforms");
    EXPECT_EQ(second.report.supersedes_report_id, first.report.id);
    ASSERT_TRUE(second.case_lead);
    EXPECT_EQ(second.case_lead->id, first.case_lead->id);
    EXPECT_EQ(second.case_lead->state, "withdrawn");
    EXPECT_EQ(second.case_lead->decision, "withdrawn");
    EXPECT_EQ(second.case_lead->reference, second.report.number);
    auto old = must(db->read([&](store::Transaction& tx) { return store::ReportRepository(tx).get(first.report.id); }));
    EXPECT_EQ(old.state, "superseded");
    EXPECT_EQ(count("SELECT count(*) FROM notices"), 3);  // the re-inspection sends none
    // Its completion is audited, naming the report that completed it (issue 15 item 4).
    EXPECT_EQ(count("SELECT count(*) FROM reinspections WHERE state = 'completed'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'reinspection.complete' AND entity_id = '" +
                    std::to_string(re.id) + "' AND after_json LIKE '%" + second.report.number + "%'"),
              1);
    // The re-inspection report names the laboratory that re-inspected (the original one,
    // for a drug with no designation) and the rule with its citation, as a reader sees it.
    auto doc = must(db->read([&](store::Transaction& tx) { return documents::load_report_document(tx, second.report.number); }));
    EXPECT_EQ(doc.reinspection_laboratory, "SH-LAB 名称（原检验机构）");
    EXPECT_EQ(doc.reinspection_rule, "《中华人民共和国药品管理法》第一百零二条");
    auto pdf = documents::render_report_pdf(doc);
    ASSERT_TRUE(pdf.ok()) << pdf.error().message;
    const auto text = lims::testing::pdf_text(*pdf);
    EXPECT_NE(text.find("复验机构"), std::string::npos) << text;
    EXPECT_NE(text.find("SH-LAB 名称"), std::string::npos) << text;
    EXPECT_NE(text.find("复验依据"), std::string::npos) << text;
    EXPECT_NE(text.find("第一百零二条"), std::string::npos) << text;
    EXPECT_NE(text.find(first.report.number), std::string::npos) << text;  // the report it replaces
    // The first report has neither.
    auto first_doc = must(db->read([&](store::Transaction& tx) { return documents::load_report_document(tx, first.report.number); }));
    EXPECT_TRUE(first_doc.reinspection_laboratory.empty());
    EXPECT_TRUE(first_doc.reinspection_rule.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, ReviewFlow, lims::test::kBothBackends, lims::test::backendName);

}  // namespace
}  // namespace lims::workflow::review::testing
