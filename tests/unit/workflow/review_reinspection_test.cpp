// Re-inspection (复验/复检): the application window of the sample's category, who may apply,
// once only, the re-inspection laboratory by the rules (drugs: the original or a designated
// one; cosmetics and devices: drawn from the directory, never the original), the retained
// portion tested through the same chain, the superseding report and the lead it settles.
#include "tests/unit/workflow/review_fixture.hpp"

#include "lims/store/case_lead_repository.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/store/report_repository.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/store/test_repository.hpp"
#include "lims/workflow/review/create_tests.hpp"
#include "lims/workflow/review/record_result.hpp"
#include "lims/workflow/review/reinspection.hpp"
#include "lims/workflow/review/reinspection_laboratories.hpp"
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

    domain::Result<Reinspection> apply_with(const domain::Sample& s, ReinspectionApplication app) {
        app.sample_id = s.id;
        app.applicant_name = "浦东仁和大药房";
        return db->write([&](store::Transaction& tx) { return apply_reinspection(tx, calendar, app, actor.at("receiver")); });
    }

    // Another inspection centre (a laboratory that may be listed or designated).
    LaboratoryRef add_laboratory(const std::string& code) {
        auto o = must(db->write([&](store::Transaction& tx) {
            return store::OrganisationRepository(tx).create(
                {code, code + " 检验所", domain::OrganisationKind::inspection_centre, org.at("SH").id, "310000"}, "test");
        }));
        return {o.id, o.code, o.name};
    }

    domain::Result<DirectoryEntry> list(const std::string& code, const std::string& category) {
        return list_reinspection_laboratory(*db, {code, category, "国家药监局公告2025年第1号"}, actor.at("admin"));
    }

    // A nonconforming first report on a product of `category`.
    std::pair<domain::Sample, IssuedReport> failed_sample_of(const std::string& category) {
        auto s = received_sample(add_product("某产品 " + category, category, manufacturer));
        auto tests = must(db->write([&](store::Transaction& tx) { return create_tests(tx, s.id, actor.at("receiver")); }));
        auto issued = report_on(s, tests, "90.0");
        EXPECT_EQ(issued.report.conclusion, "does_not_conform");
        return {s, issued};
    }

    domain::Instant issued_at(const IssuedReport& r) { return must(parse_store_time(*r.report.issued_at)); }
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
    // Received Fri 2 Oct; 3-7 Oct are National Day, 8, 9 (2), Sat 10 Oct make-up (3), 12-15 (7):
    // 7 working days (the shipped rule) end on Thursday 15 October, cited.
    EXPECT_NE(late.error().message.find("within 7 working days"), std::string::npos) << late.error().message;
    EXPECT_NE(late.error().message.find("第一百零二条"), std::string::npos) << late.error().message;
    EXPECT_NE(late.error().message.find("2026-10-15T16:00:00.000Z"), std::string::npos) << late.error().message;
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

TEST_F(Reinspections, DrugsGoToTheOriginalLaboratoryOrOneTheHigherBureauDesignates) {
    auto [s, issued] = failed_sample();
    auto re = must(apply_for(s, issued_at(issued)));
    EXPECT_EQ(re.category, "drug");
    EXPECT_EQ(re.rule_id, "reinspection.drug");
    EXPECT_EQ(re.rule, "7 个工作日");
    EXPECT_NE(re.citation.find("第一百零二条"), std::string::npos) << re.citation;
    EXPECT_EQ(re.laboratory.code, "SH-LAB");
    EXPECT_EQ(re.laboratory_basis, "original_laboratory");
    EXPECT_FALSE(re.draw);
    EXPECT_EQ(count("SELECT count(*) FROM reinspection_laboratory_draws"), 0);
    // Read back as registered.
    auto found = must(db->read([&](store::Transaction& tx) { return find_reinspection(tx, s.id); }));
    EXPECT_EQ(found.laboratory.code, "SH-LAB");
    EXPECT_EQ(found.rule_id, "reinspection.drug");
    EXPECT_EQ(found.citation, re.citation);
    EXPECT_EQ(found.deadline_at, re.deadline_at);

    // Designated by the higher bureau: needs the designation's reference and a laboratory.
    const auto other = add_laboratory("SH-LAB2");
    auto [s2, issued2] = failed_sample();
    ReinspectionApplication app;
    app.report_received_at = issued_at(issued2);
    app.designated_laboratory_code = "SH-LAB2";
    auto unreferenced = apply_with(s2, app);
    ASSERT_FALSE(unreferenced);
    EXPECT_EQ(unreferenced.error().code, "review.reinspection_designation");
    EXPECT_EQ(unreferenced.error().field, "designation_reference");
    app.designation_reference = "沪药监〔2026〕12号";
    app.designated_laboratory_code = "SH";
    auto bureau = apply_with(s2, app);
    ASSERT_FALSE(bureau);
    EXPECT_EQ(bureau.error().code, "review.reinspection_lab_kind");
    app.designated_laboratory_code = "NOPE";
    EXPECT_EQ(apply_with(s2, app).error().code, "review.reinspection_lab_not_found");
    EXPECT_EQ(count("SELECT count(*) FROM reinspections"), 1);
    app.designated_laboratory_code = "SH-LAB2";
    auto designated = must(apply_with(s2, app));
    EXPECT_EQ(designated.laboratory.id, other.id);
    EXPECT_EQ(designated.laboratory_basis, "designated_by_higher_bureau");
    EXPECT_EQ(designated.laboratory_reference, "沪药监〔2026〕12号");
}

TEST_F(Reinspections, CosmeticsDrawTheirLaboratoryAtRandomFromTheDirectoryNeverTheOriginal) {
    const auto lab2 = add_laboratory("SH-LAB2");
    const auto lab3 = add_laboratory("SH-LAB3");
    must(list("SH-LAB", "cosmetic"));  // the original laboratory is listed too: it is left out
    must(list("SH-LAB2", "cosmetic"));
    must(list("SH-LAB3", "cosmetic"));
    must(list("SH-LAB2", "device"));
    auto [s, issued] = failed_sample_of("cosmetic");

    // Designating is for drugs: a cosmetic's laboratory is drawn.
    ReinspectionApplication app;
    app.report_received_at = issued_at(issued);
    app.designated_laboratory_code = "SH-LAB2";
    app.designation_reference = "x";
    auto refused = apply_with(s, app);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, "review.reinspection_designation");

    app.designated_laboratory_code.reset();
    app.designation_reference.clear();
    app.draw_seed = 5;  // 5 mod 2 candidates = index 1: SH-LAB3
    auto re = must(apply_with(s, app));
    EXPECT_EQ(re.category, "cosmetic");
    EXPECT_EQ(re.rule_id, "reinspection.cosmetic");
    EXPECT_NE(re.citation.find("化妆品监督管理条例"), std::string::npos);
    EXPECT_NE(re.citation.find("第五十八条"), std::string::npos);
    EXPECT_EQ(re.laboratory_basis, "drawn_from_directory");
    ASSERT_TRUE(re.draw);
    EXPECT_EQ(re.draw->excluded.code, "SH-LAB");
    ASSERT_EQ(re.draw->candidates.size(), 2U);
    EXPECT_EQ(re.draw->candidates[0].id, lab2.id);
    EXPECT_EQ(re.draw->candidates[1].id, lab3.id);
    EXPECT_EQ(re.draw->chosen_index, 1U);
    EXPECT_EQ(re.laboratory.id, lab3.id);

    // Kept so it can be recounted: candidates, seed, index; audited; never changed.
    auto kept = must(db->read([&](store::Transaction& tx) { return find_reinspection(tx, s.id); }));
    ASSERT_TRUE(kept.draw);
    EXPECT_EQ(kept.draw->seed, 5U);
    EXPECT_EQ(seed_hex(kept.draw->seed), "0000000000000005");
    EXPECT_EQ(kept.draw->candidates.size(), 2U);
    EXPECT_EQ(kept.draw->chosen().id, lab3.id);
    EXPECT_EQ(kept.laboratory.id, lab3.id);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'reinspection.laboratory_drawn'"), 1);
    auto changed = db->write([&](store::Transaction& tx) -> domain::Result<int> {
        tx.session() << "UPDATE reinspection_laboratory_draws SET chosen_index = 0", now;
        return 0;
    });
    EXPECT_FALSE(changed);
}

TEST_F(Reinspections, ADeviceWithNoLaboratoryButTheOriginalInTheDirectoryIsRefusedByName) {
    must(list("SH-LAB", "device"));
    add_laboratory("SH-LAB2");
    must(list("SH-LAB2", "cosmetic"));  // another category does not count
    auto [s, issued] = failed_sample_of("device");
    ReinspectionApplication app;
    app.report_received_at = issued_at(issued);
    const auto audit_before = count("SELECT count(*) FROM audit_log");
    auto none = apply_with(s, app);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, "review.reinspection_no_laboratory");
    EXPECT_NE(none.error().message.find("device"), std::string::npos) << none.error().message;
    EXPECT_NE(none.error().message.find("SH-LAB"), std::string::npos) << none.error().message;
    EXPECT_EQ(count("SELECT count(*) FROM reinspections"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log"), audit_before);

    // Listed, then delisted: the directory is its latest entry; the history stays.
    must(list("SH-LAB2", "device"));
    must(delist_reinspection_laboratory(*db, {"SH-LAB2", "device", "国家药监局公告2026年第3号"}, actor.at("admin")));
    EXPECT_EQ(apply_with(s, app).error().code, "review.reinspection_no_laboratory");
    must(list("SH-LAB2", "device"));
    auto re = must(apply_with(s, app));
    EXPECT_EQ(re.rule_id, "reinspection.device");
    EXPECT_NE(re.citation.find("第七十五条"), std::string::npos);
    EXPECT_EQ(re.laboratory.code, "SH-LAB2");
    EXPECT_EQ(count("SELECT count(*) FROM reinspection_laboratory_entries WHERE organisation_id = " +
                    std::to_string(re.laboratory.id) + " AND category = 'device'"),
              3);
}

TEST_F(Reinspections, TheCategoryComesFromTheSampleNeverADefault) {
    auto [s, issued] = failed_sample();
    // A sample with neither a catalogue product nor a label: no rule can be chosen.
    must(db->write([&](store::Transaction& tx) -> domain::Result<int> {
        tx.session() << "UPDATE samples SET product_id = NULL WHERE id = $1", bind(s.id), now;
        return 0;
    }));
    auto unknown = apply_for(s, issued_at(issued));
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, "review.reinspection_category");
    // Registered from its label: the label's category is the sample's.
    add_laboratory("SH-LAB2");
    must(list("SH-LAB2", "device"));
    must(db->write([&](store::Transaction& tx) -> domain::Result<int> {
        tx.session() << "INSERT INTO sample_labels (sample_id, category, manufacturer_name, manufacturer_credit_code) "
                        "VALUES ($1, 'device', '苏州器械有限公司', '91320505MA1XXXXXX0')",
            bind(s.id), now;
        return 0;
    }));
    // The device rule is chosen and its laboratory drawn; the round-2 tests then need the
    // catalogue product (linking it is the receipt's step, issue 16 item 2), and the whole
    // application rolls back with nothing written.
    auto unlinked = apply_for(s, issued_at(issued));
    ASSERT_FALSE(unlinked);
    EXPECT_EQ(unlinked.error().code, "review.no_product") << unlinked.error().message;
    EXPECT_EQ(count("SELECT count(*) FROM reinspections"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM reinspection_laboratory_draws"), 0);
    // Linked to a catalogue product again, the product's category is the sample's.
    must(db->write([&](store::Transaction& tx) -> domain::Result<int> {
        tx.session() << "UPDATE samples SET product_id = $1 WHERE id = $2", bind(product), bind(s.id), now;
        return 0;
    }));
    auto re = must(apply_for(s, issued_at(issued)));
    EXPECT_EQ(re.category, "drug");
    EXPECT_EQ(re.rule_id, "reinspection.drug");
}

TEST_F(Reinspections, TheDirectoryIsKeptByAdministratorsWithItsHistory) {
    add_laboratory("SH-LAB2");
    auto entry = must(list("SH-LAB2", "cosmetic"));
    EXPECT_EQ(entry.action, "listed");
    EXPECT_EQ(entry.recorded_by, "admin");
    EXPECT_EQ(list("SH-LAB2", "cosmetic").error().code, "review.reinspection_lab_listed");
    EXPECT_EQ(list("SH", "cosmetic").error().code, "review.reinspection_lab_kind");
    EXPECT_EQ(list("NOPE", "cosmetic").error().code, "review.reinspection_lab_not_found");
    EXPECT_EQ(list("SH-LAB2", "food").error().code, "review.reinspection_lab_category");
    EXPECT_EQ(list_reinspection_laboratory(*db, {"SH-LAB2", "device", ""}, actor.at("admin")).error().code,
              "review.reinspection_lab_basis");
    EXPECT_EQ(delist_reinspection_laboratory(*db, {"SH-LAB2", "device", "x"}, actor.at("admin")).error().code,
              "review.reinspection_lab_not_listed");
    auto directory = must(reinspection_directory(*db, std::string("cosmetic")));
    ASSERT_EQ(directory.size(), 1U);
    EXPECT_EQ(directory[0].laboratory.code, "SH-LAB2");
    EXPECT_EQ(directory[0].basis, "国家药监局公告2025年第1号");
    EXPECT_TRUE(must(reinspection_directory(*db, std::string("device"))).empty());
    EXPECT_EQ(reinspection_directory(*db, std::string("food")).error().code, "review.reinspection_lab_category");
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'reinspection_laboratory.listed'"), 1);
    auto changed = db->write([&](store::Transaction& tx) -> domain::Result<int> {
        tx.session() << "DELETE FROM reinspection_laboratory_entries", now;
        return 0;
    });
    EXPECT_FALSE(changed);
}

}  // namespace
}  // namespace lims::workflow::review::testing
