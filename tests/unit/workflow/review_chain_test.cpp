// The review chain against a real store: tests from the catalogue, results from manual
// entry and instruments, two-person review with signatures, judgement, the report and
// what a nonconforming report sets off (notices, case lead), with the refusals.
#include "tests/unit/workflow/review_fixture.hpp"

#include "lims/store/case_lead_repository.hpp"
#include "lims/store/notice_repository.hpp"
#include "lims/store/report_repository.hpp"
#include "lims/store/result_repository.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/store/test_repository.hpp"
#include "lims/workflow/review/create_tests.hpp"
#include "lims/workflow/review/notices.hpp"
#include "lims/workflow/review/record_result.hpp"
#include "lims/workflow/review/report.hpp"
#include "lims/workflow/review/review_result.hpp"
#include "lims/workflow/store_time.hpp"

#include "lims/domain/calendar/deadline.hpp"

namespace lims::workflow::review::testing {
namespace {

class ReviewChain : public ReviewTest {
protected:
    std::vector<store::TestRecord> tests_of(const domain::Sample& s) {
        return must(db->write([&](store::Transaction& tx) { return create_tests(tx, s.id, actor.at("receiver")); }));
    }

    store::TestRecord get_test(std::int64_t id) {
        return must(db->read([&](store::Transaction& tx) { return store::TestRepository(tx).get(id); }));
    }

    domain::Result<RecordedResult> enter(const store::TestRecord& t, const std::string& value, const std::string& unit,
                                         const std::string& who = "analyst.a") {
        return db->write([&](store::Transaction& tx) {
            return record_result(tx, {t.id, value, unit, ResultSource::manual, std::nullopt, "", std::nullopt},
                                 actor.at(who));
        });
    }

    domain::Result<store::TestRecord> accept(std::int64_t test_id, const std::string& who = "analyst.a",
                                             const std::string& password = kPassword) {
        const auto t = get_test(test_id);
        return db->write([&](store::Transaction& tx) {
            return review_result(tx, {test_id, t.version, ReviewDecision::accept, "", signing(password)}, actor.at(who),
                                 check);
        });
    }

    domain::Result<store::TestRecord> verify(std::int64_t test_id, const std::string& who = "reviewer",
                                             const std::string& password = kPassword) {
        const auto t = get_test(test_id);
        return db->write([&](store::Transaction& tx) {
            return verify_result(tx, {test_id, t.version, signing(password)}, actor.at(who), check);
        });
    }

    void finalise(const store::TestRecord& t, const std::string& value, const std::string& unit) {
        must(enter(t, value, unit));
        must(accept(t.id));
        auto v = must(verify(t.id));
        ASSERT_EQ(v.state, "final");
    }

    // A sample whose three results are final: assay and related substances as given.
    domain::Sample sample_with_results(const std::string& assay, const std::string& rs,
                                       std::optional<std::int64_t> entity = std::nullopt) {
        auto s = received_sample(std::nullopt, entity);
        auto tests = tests_of(s);
        finalise(tests[0], assay, "%");
        finalise(tests[1], rs, "%");
        finalise(tests[2], "符合规定", "");
        return s;
    }

    store::ReportRecord approved_report(const domain::Sample& s) {
        auto draft = must(db->write([&](store::Transaction& tx) { return draft_report(tx, s.id, actor.at("signatory")); }));
        return must(db->write([&](store::Transaction& tx) {
            return approve_report(tx, {draft.id, draft.version, signing()}, actor.at("signatory"), check);
        }));
    }

    IssuedReport issue(const store::ReportRecord& r, bool serious = false) {
        return must(db->write([&](store::Transaction& tx) {
            return issue_report(tx, calendar, {r.id, r.version, serious}, actor.at("signatory"));
        }));
    }
};

TEST_F(ReviewChain, TestsComeFromTheCatalogueLinesOfTheProduct) {
    auto s = received_sample();
    auto tests = tests_of(s);
    ASSERT_EQ(tests.size(), 3u);
    EXPECT_EQ(tests[0].test_code, "ASSAY");
    EXPECT_EQ(tests[0].test_name, "含量测定");
    EXPECT_EQ(tests[2].test_code, "APPEARANCE");
    for (const auto& t : tests) EXPECT_EQ(t.state, "pending");

    auto again = db->write([&](store::Transaction& tx) { return create_tests(tx, s.id, actor.at("receiver")); });
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, "review.tests_exist");
    EXPECT_EQ(count("SELECT count(*) FROM tests"), 3);
}

TEST_F(ReviewChain, CreatingTestsIsRefusedWithoutAProductOrItsLinesOrTheRole) {
    // A product the catalogue has no lines for (a line, once written, is never deleted).
    const auto bare = must(db->write([&](store::Transaction& tx) -> domain::Result<std::int64_t> {
        Poco::Int64 id = 0;
        const std::string at = tx.now_utc();
        tx.session() << "INSERT INTO products (name, category, storage_class, created_at, updated_at) VALUES "
                        "('无标准品种', 'drug', 'ambient', $1, $2) RETURNING id",
            bind(at), bind(at), into(id), now;
        return id;
    }));
    auto s = received_sample(bare);
    auto no_lines = db->write([&](store::Transaction& tx) { return create_tests(tx, s.id, actor.at("receiver")); });
    ASSERT_FALSE(no_lines);
    EXPECT_EQ(no_lines.error().code, "review.no_specification");

    auto unknown = db->write([&](store::Transaction& tx) { return create_tests(tx, 9999, actor.at("receiver")); });
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, "review.sample_not_found");

    auto s2 = received_sample();
    auto wrong_role = db->write([&](store::Transaction& tx) { return create_tests(tx, s2.id, actor.at("officer")); });
    ASSERT_FALSE(wrong_role);
    EXPECT_EQ(wrong_role.error().code, "transition.role_not_allowed");
    EXPECT_EQ(count("SELECT count(*) FROM tests"), 0);
}

TEST_F(ReviewChain, ManualAndInstrumentResultsGoThroughTheSamePath) {
    auto s = received_sample();
    auto tests = tests_of(s);
    auto manual = must(enter(tests[0], "98.7", "%"));
    EXPECT_EQ(manual.test_state, "pending_review");
    EXPECT_FALSE(manual.replaces_result_id);

    const auto raw = add_raw_message("MSH|^~\\&|HPLC|LAB|LIMS|...|ORU^R01|1|P|2.5\rOBX|1|NM|RS||0.31|%\r");
    auto instrument = must(db->write([&](store::Transaction& tx) {
        return record_result(tx, {tests[1].id, "0.31", "%", ResultSource::instrument, raw, "N", std::nullopt}, ingest);
    }));
    EXPECT_EQ(instrument.test_state, "pending_review");
    auto row = must(db->read([&](store::Transaction& tx) { return store::ResultRepository(tx).get(instrument.result_id); }));
    EXPECT_EQ(row.source, "instrument");
    EXPECT_EQ(row.raw_message_id, raw);
    EXPECT_EQ(row.conformity, "conforming");
    EXPECT_FALSE(row.entered_by);

    auto sample = must(db->read([&](store::Transaction& tx) { return store::SampleRepository(tx).get_by_id(s.id); }));
    EXPECT_EQ(sample.state, "in_testing");
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'result.record'"), 2);
}

TEST_F(ReviewChain, BadResultsAreRefusedAndNothingIsWritten) {
    auto s = received_sample();
    auto tests = tests_of(s);
    struct Case {
        std::size_t test;
        std::string value, unit;
        std::string code;
    };
    for (const auto& c : std::vector<Case>{{0, "abc", "%", "review.value"},          // text against a range
                                           {0, "", "%", "review.value"},             // empty
                                           {0, "98.7", "mg", "review.unit"},         // wrong unit
                                           {2, "99.1", "", "review.value"},          // number against qualitative
                                           {0, "9.8.7", "%", "review.value"}}) {     // not a number
        auto r = enter(tests[c.test], c.value, c.unit);
        ASSERT_FALSE(r) << c.value;
        EXPECT_EQ(r.error().code, c.code) << c.value << ": " << r.error().message;
        // 422 naming the field the code names.
        EXPECT_EQ(r.error().kind, domain::ErrorKind::invalid);
        EXPECT_EQ(r.error().field, c.code == "review.unit" ? "unit" : "value");
    }
    auto no_raw = db->write([&](store::Transaction& tx) {
        return record_result(tx, {tests[1].id, "0.31", "%", ResultSource::instrument, std::nullopt, "", std::nullopt},
                             ingest);
    });
    ASSERT_FALSE(no_raw);
    EXPECT_EQ(no_raw.error().code, "review.raw_message_required");
    auto unknown_raw = db->write([&](store::Transaction& tx) {
        return record_result(tx, {tests[1].id, "0.31", "%", ResultSource::instrument, 777, "", std::nullopt}, ingest);
    });
    ASSERT_FALSE(unknown_raw);
    EXPECT_EQ(unknown_raw.error().code, "review.raw_message_unknown");
    auto stale = db->write([&](store::Transaction& tx) {
        return record_result(tx, {tests[0].id, "98.7", "%", ResultSource::manual, std::nullopt, "", 41}, actor.at("analyst.a"));
    });
    ASSERT_FALSE(stale);
    EXPECT_EQ(stale.error().code, "store.conflict");
    auto no_role = enter(tests[0], "98.7", "%", "officer");
    ASSERT_FALSE(no_role);
    EXPECT_EQ(no_role.error().code, "transition.role_not_allowed");
    EXPECT_EQ(count("SELECT count(*) FROM results"), 0);
    EXPECT_EQ(get_test(tests[0].id).state, "pending");
}

TEST_F(ReviewChain, AFinalResultTakesNoFurtherResult) {
    auto s = received_sample();
    auto tests = tests_of(s);
    finalise(tests[0], "98.7", "%");
    auto again = enter(tests[0], "99.0", "%");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, "review.test_final");
    EXPECT_EQ(again.error().kind, domain::ErrorKind::conflict);  // 409 by its kind, not the code table
    auto awaiting = enter(tests[1], "0.3", "%");
    ASSERT_TRUE(awaiting);
    auto second = enter(tests[1], "0.2", "%");
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, "review.result_awaiting_review");
}

TEST_F(ReviewChain, RetestMakesANewResultThatReplacesTheOld) {
    auto s = received_sample();
    auto tests = tests_of(s);
    auto first = must(enter(tests[0], "93.1", "%"));
    const auto t = get_test(tests[0].id);
    auto no_reason = db->write([&](store::Transaction& tx) {
        return review_result(tx, {t.id, t.version, ReviewDecision::order_retest, "", {}}, actor.at("analyst.a"), check);
    });
    ASSERT_FALSE(no_reason);
    EXPECT_EQ(no_reason.error().code, "transition.missing_record");
    auto retest = must(db->write([&](store::Transaction& tx) {
        return review_result(tx, {t.id, t.version, ReviewDecision::order_retest, "system suitability failed", {}},
                             actor.at("analyst.a"), check);
    }));
    EXPECT_EQ(retest.state, "retest_ordered");
    auto second = must(enter(tests[0], "98.2", "%"));
    EXPECT_EQ(second.replaces_result_id, first.result_id);
    EXPECT_EQ(second.test_state, "pending_review");
    EXPECT_EQ(count("SELECT count(*) FROM result_reviews WHERE decision = 'retest'"), 1);
}

TEST_F(ReviewChain, SigningWithAWrongPasswordIsRefusedAndNothingIsWritten) {
    auto s = received_sample();
    auto tests = tests_of(s);
    must(enter(tests[0], "98.7", "%"));
    auto wrong = accept(tests[0].id, "analyst.a", "not my password");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, "signature.password_mismatch");
    EXPECT_EQ(wrong.error().kind, domain::ErrorKind::forbidden);
    auto empty = accept(tests[0].id, "analyst.a", "");
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, "signature.password_required");
    EXPECT_EQ(count("SELECT count(*) FROM signatures"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM result_reviews"), 0);
    EXPECT_EQ(get_test(tests[0].id).state, "pending_review");

    auto ok = must(accept(tests[0].id));
    EXPECT_EQ(ok.state, "accepted");
    EXPECT_EQ(count("SELECT count(*) FROM signatures WHERE meaning = 'performed' AND length(content_sha256) = 64"), 1);
}

TEST_F(ReviewChain, NobodyVerifiesTheirOwnResult) {
    auto s = received_sample();
    auto tests = tests_of(s);
    // analyst.b holds both roles: enters, accepts, then tries to verify.
    must(enter(tests[0], "98.7", "%", "analyst.b"));
    must(accept(tests[0].id, "analyst.b"));
    const auto before = count("SELECT count(*) FROM signatures");
    auto own = verify(tests[0].id, "analyst.b");
    ASSERT_FALSE(own);
    EXPECT_EQ(own.error().code, "review.verifier_is_producer");
    EXPECT_EQ(own.error().kind, domain::ErrorKind::forbidden);
    EXPECT_NE(own.error().message.find("复核"), std::string::npos);
    EXPECT_EQ(count("SELECT count(*) FROM signatures"), before);
    EXPECT_EQ(get_test(tests[0].id).state, "accepted");

    // An instrument result accepted by analyst.b: the one who performed it cannot verify either.
    const auto raw = add_raw_message("OBX|1|NM|RS||0.2|%");
    must(db->write([&](store::Transaction& tx) {
        return record_result(tx, {tests[1].id, "0.2", "%", ResultSource::instrument, raw, "", std::nullopt}, ingest);
    }));
    must(accept(tests[1].id, "analyst.b"));
    auto performer = verify(tests[1].id, "analyst.b");
    ASSERT_FALSE(performer);
    EXPECT_EQ(performer.error().code, "review.verifier_is_producer");

    auto second_person = must(verify(tests[0].id, "reviewer"));
    EXPECT_EQ(second_person.state, "final");
    EXPECT_EQ(count("SELECT count(*) FROM signatures WHERE meaning = 'verified'"), 1);
}

TEST_F(ReviewChain, TwoPeopleActingOnOneTestAtOnceOneWinsTheOtherConflicts) {
    auto s = received_sample();
    auto tests = tests_of(s);
    must(enter(tests[0], "98.7", "%"));
    const auto seen = get_test(tests[0].id);
    auto first = db->write([&](store::Transaction& tx) {
        return review_result(tx, {seen.id, seen.version, ReviewDecision::accept, "", signing()}, actor.at("analyst.a"), check);
    });
    ASSERT_TRUE(first);
    auto second = db->write([&](store::Transaction& tx) {
        return review_result(tx, {seen.id, seen.version, ReviewDecision::reject, "wrong column", {}},
                             actor.at("analyst.b"), check);
    });
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, "store.conflict");
    EXPECT_EQ(get_test(tests[0].id).state, "accepted");
}

TEST_F(ReviewChain, ApprovingAReportWithAResultPendingIsRefused) {
    auto s = received_sample();
    auto tests = tests_of(s);
    finalise(tests[0], "98.7", "%");
    finalise(tests[1], "0.3", "%");
    must(enter(tests[2], "符合规定", ""));
    auto early = db->write([&](store::Transaction& tx) { return draft_report(tx, s.id, actor.at("signatory")); });
    ASSERT_FALSE(early);
    EXPECT_EQ(early.error().code, "review.results_pending");
    EXPECT_NE(early.error().message.find("APPEARANCE"), std::string::npos);

    must(accept(tests[2].id));
    must(verify(tests[2].id));
    auto draft = must(db->write([&](store::Transaction& tx) { return draft_report(tx, s.id, actor.at("signatory")); }));
    // A result is retracted after the draft (before issue): approval must see it.
    must(db->write([&](store::Transaction& tx) {
        const auto t = store::TestRepository(tx).get(tests[1].id);
        return store::TestRepository(tx).set_state(t->id, t->version, "retracted", "test.retract", "calculation error",
                                                   "reviewer");
    }));
    const auto signatures = count("SELECT count(*) FROM signatures");
    auto approve = db->write([&](store::Transaction& tx) {
        return approve_report(tx, {draft.id, draft.version, signing()}, actor.at("signatory"), check);
    });
    ASSERT_FALSE(approve);
    EXPECT_EQ(approve.error().code, "review.results_pending");
    EXPECT_EQ(count("SELECT count(*) FROM signatures"), signatures);
    EXPECT_EQ(count("SELECT count(*) FROM reports WHERE state = 'draft'"), 1);
}

TEST_F(ReviewChain, ApprovalNeedsTheSignatoryAndTheirPassword) {
    auto s = sample_with_results("98.7", "0.3");
    auto draft = must(db->write([&](store::Transaction& tx) { return draft_report(tx, s.id, actor.at("analyst.a")); }));
    auto by_analyst = db->write([&](store::Transaction& tx) {
        return approve_report(tx, {draft.id, draft.version, signing()}, actor.at("analyst.a"), check);
    });
    ASSERT_FALSE(by_analyst);
    EXPECT_EQ(by_analyst.error().code, "transition.role_not_allowed");
    auto wrong = db->write([&](store::Transaction& tx) {
        return approve_report(tx, {draft.id, draft.version, signing("guess")}, actor.at("signatory"), check);
    });
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, "signature.password_mismatch");
    EXPECT_EQ(count("SELECT count(*) FROM signatures WHERE entity_type = 'report'"), 0);
    auto ok = must(db->write([&](store::Transaction& tx) {
        return approve_report(tx, {draft.id, draft.version, signing()}, actor.at("signatory"), check);
    }));
    EXPECT_EQ(ok.state, "approved");
    EXPECT_EQ(count("SELECT count(*) FROM signatures WHERE entity_type = 'report' AND meaning = 'approved'"), 1);
}

TEST_F(ReviewChain, RoundingDecidesTheVerdictAndAConformingReportSendsNothing) {
    // 0.54 rounds to 0.5 (conforms to ≤ 0.5); 95.04 rounds to 95.0 (conforms).
    auto s = sample_with_results("95.04", "0.54");
    auto issued = issue(approved_report(s));
    EXPECT_EQ(issued.report.state, "issued");
    EXPECT_EQ(issued.report.conclusion, "conforms");
    EXPECT_TRUE(issued.notices.empty());
    EXPECT_FALSE(issued.case_lead);
    EXPECT_EQ(count("SELECT count(*) FROM notices"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads"), 0);
    ASSERT_TRUE(issued.report.content_sha256);
    EXPECT_EQ(issued.report.content_sha256->size(), 64u);
    auto sample = must(db->read([&](store::Transaction& tx) { return store::SampleRepository(tx).get_by_id(s.id); }));
    EXPECT_EQ(sample.state, "reported");
}

TEST_F(ReviewChain, ANonconformingReportSendsThreeNoticesDueInTwoWorkingDays) {
    // 0.55 rounds to 0.6 against ≤ 0.5: does not conform.
    auto s = sample_with_results("98.7", "0.55");
    auto issued = issue(approved_report(s));
    EXPECT_EQ(issued.report.conclusion, "does_not_conform");
    ASSERT_EQ(issued.notices.size(), 3u);
    const auto at = must(parse_store_time(*issued.report.issued_at));
    const auto due = must(domain::deadline_for(calendar, {2, domain::DeadlineUnit::working_days}, at));
    std::map<std::string, store::NoticeRecord> by;
    for (const auto& n : issued.notices) {
        by[n.recipient] = n;
        EXPECT_EQ(n.due_at, store_time(due));
        EXPECT_EQ(n.state, "sent");
        EXPECT_FALSE(n.external);
    }
    EXPECT_EQ(by.at("organising_bureau").to_org_id, org.at("SH").id);
    EXPECT_EQ(by.at("sampled_unit_bureau").to_org_id, org.at("SH-PD").id);
    EXPECT_EQ(by.at("manufacturer_bureau").to_org_id, org.at("JS").id);  // 320505 → province 320000

    ASSERT_TRUE(issued.case_lead);
    const auto& lead = *issued.case_lead;
    EXPECT_EQ(lead.assigned_org_id, org.at("SH-PD-ZF").id);
    EXPECT_EQ(lead.state, "open");
    EXPECT_EQ(lead.entity_id, pharmacy);
    EXPECT_EQ(lead.manufacturer_entity_id, manufacturer);
    EXPECT_EQ(lead.batch_number, "B2401");
    ASSERT_EQ(lead.findings.size(), 1u);
    EXPECT_EQ(lead.findings[0].item, "有关物质");
    std::set<std::string> kinds;
    for (const auto& e : lead.evidence) kinds.insert(e.kind);
    EXPECT_EQ(kinds, (std::set<std::string>{"sample", "custody", "report"}));
    const auto received = must(parse_store_time(lead.received_at));
    EXPECT_EQ(lead.deadline_at,
              store_time(must(domain::deadline_for(calendar, {15, domain::DeadlineUnit::working_days}, received))));
}

// Issue 19: what follows from a result (the lead) fails alone; the issued report and its
// notices stand, the failure is audited and counted, and the lead opens once it can.
TEST_F(ReviewChain, AReportIsIssuedWhenItsCaseLeadCannotBeOpenedAndTheLeadFollowsOnceItCan) {
    // A pharmacy in Jiangsu, whose bureau has no enforcement unit.
    const auto js_pharmacy = add_entity("苏州平安大药房", "pharmacy", org.at("JS").id, "320505");
    auto s = sample_with_results("98.7", "0.55", js_pharmacy);
    auto issued = issue(approved_report(s));
    EXPECT_EQ(issued.report.state, "issued");
    EXPECT_EQ(issued.report.conclusion, "does_not_conform");
    // The organising bureau, and Jiangsu once as the sampled unit's and the manufacturer's bureau.
    EXPECT_EQ(issued.notices.size(), 2u);
    EXPECT_FALSE(issued.case_lead);
    ASSERT_TRUE(issued.case_lead_problem);
    EXPECT_EQ(issued.case_lead_problem->code, "case_lead.no_enforcement_unit");
    EXPECT_EQ(count("SELECT count(*) FROM reports WHERE state = 'issued'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM notices"), 2);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'report.case_lead_failed' AND entity_id = '" +
                    issued.report.number + "'"),
              1);
    EXPECT_EQ(must(reports_waiting_for_case_lead(*db)), 1u);

    // The cause stands: the minute job tries and counts it as still failing.
    auto still = must(retry_report_case_leads(*db, calendar));
    EXPECT_EQ(still.waiting, 1u);
    EXPECT_EQ(still.failed, 1u);
    EXPECT_EQ(still.opened, 0u);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads"), 0);

    // The province sets up its enforcement unit: the next run opens the lead, once.
    must(db->write([&](store::Transaction& tx) {
        return store::OrganisationRepository(tx).create(
            {"JS-ZF", "江苏执法总队", domain::OrganisationKind::enforcement_unit, org.at("JS").id, "320000"}, "test");
    }));
    auto fixed = must(retry_report_case_leads(*db, calendar));
    EXPECT_EQ(fixed.opened, 1u);
    EXPECT_EQ(fixed.failed, 0u);
    EXPECT_EQ(must(reports_waiting_for_case_lead(*db)), 0u);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads WHERE report_id = " + std::to_string(issued.report.id) +
                    " AND entity_id = " + std::to_string(js_pharmacy)),
              1);
    auto again = must(retry_report_case_leads(*db, calendar));
    EXPECT_EQ(again.waiting, 0u);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads"), 1);
}

TEST_F(ReviewChain, SeriousRiskNoticesAreDueIn24Hours) {
    auto s = sample_with_results("88.0", "0.3");
    auto issued = issue(approved_report(s), true);
    ASSERT_FALSE(issued.notices.empty());
    const auto at = must(parse_store_time(*issued.report.issued_at));
    for (const auto& n : issued.notices) {
        EXPECT_TRUE(n.serious_risk);
        EXPECT_EQ(n.due_at, store_time(at + std::chrono::hours{24}));
    }
}

TEST_F(ReviewChain, AManufacturerOutsideTheSystemGetsAnOutboundNotice) {
    const auto gd_maker = add_entity("深圳某药业", "manufacturer", org.at("JS").id, "440305");
    const auto gd_product = add_product("头孢克肟片", "drug", gd_maker);
    auto s = received_sample(gd_product);
    auto tests = tests_of(s);
    finalise(tests[0], "90.0", "%");
    finalise(tests[1], "0.3", "%");
    finalise(tests[2], "符合规定", "");
    auto issued = issue(approved_report(s));
    ASSERT_EQ(issued.notices.size(), 3u);
    const auto external = std::find_if(issued.notices.begin(), issued.notices.end(),
                                       [](const store::NoticeRecord& n) { return n.external; });
    ASSERT_NE(external, issued.notices.end());
    EXPECT_EQ(external->recipient, "manufacturer_bureau");
    EXPECT_FALSE(external->to_org_id);
    EXPECT_EQ(external->external_region_code, "440305");
}

TEST_F(ReviewChain, OnlyTheReceivingBureauAcknowledgesItsNotice) {
    auto s = sample_with_results("98.7", "0.9");
    auto issued = issue(approved_report(s));
    store::NoticeRecord pd;
    for (const auto& n : issued.notices)
        if (n.recipient == "sampled_unit_bureau") pd = n;
    auto other = db->write([&](store::Transaction& tx) {
        return acknowledge_notice(tx, {pd.id, pd.version, ""}, actor.at("js.viewer"));
    });
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().code, "notice.not_recipient");
    // The parent bureau is not the recipient either: notices go to the named bureau.
    auto parent = db->write([&](store::Transaction& tx) {
        return acknowledge_notice(tx, {pd.id, pd.version, ""}, actor.at("sh.viewer"));
    });
    ASSERT_FALSE(parent);
    EXPECT_EQ(parent.error().code, "notice.not_recipient");
    EXPECT_EQ(count("SELECT count(*) FROM notices WHERE state = 'acknowledged'"), 0);

    auto ok = must(db->write([&](store::Transaction& tx) {
        return acknowledge_notice(tx, {pd.id, pd.version, ""}, actor.at("pd.viewer"));
    }));
    EXPECT_EQ(ok.state, "acknowledged");
    EXPECT_EQ(ok.acknowledged_by, actor.at("pd.viewer").user_id);
    auto twice = db->write([&](store::Transaction& tx) {
        return acknowledge_notice(tx, {ok.id, ok.version, ""}, actor.at("pd.viewer"));
    });
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().code, "transition.not_allowed");
}

TEST_F(ReviewChain, OverdueNoticesAreListedAndCounted) {
    auto s = sample_with_results("98.7", "0.9");
    auto issued = issue(approved_report(s));
    const auto far = store_time(must(parse_store_time(issued.notices[0].due_at)) + std::chrono::seconds{1});
    auto [listed, counted, none] = must(db->read([&](store::Transaction& tx) -> domain::Result<std::tuple<std::size_t, std::int64_t, std::int64_t>> {
        store::NoticeRepository notices(tx);
        store::NoticeQuery overdue;
        overdue.overdue_at = far;
        store::NoticeQuery early;
        early.overdue_at = *issued.report.issued_at;
        return std::tuple{notices.list(overdue).size(), notices.count(overdue), notices.count(early)};
    }));
    EXPECT_EQ(listed, 3u);
    EXPECT_EQ(counted, 3);
    EXPECT_EQ(none, 0);
}

TEST_F(ReviewChain, WorklistsByInstrumentAndByTest) {
    auto s = received_sample();
    auto tests = tests_of(s);
    const auto instrument = must(db->write([&](store::Transaction& tx) -> domain::Result<std::int64_t> {
        Poco::Int64 id = 0;
        const std::string at = tx.now_utc();
        tx.session() << "INSERT INTO instruments (code, org_id, name, protocol, created_at, updated_at) "
                        "VALUES ('HPLC-2', $1, 'HPLC', 'hl7', $2, $3) RETURNING id",
            bind(org.at("SH-LAB").id), bind(at), bind(at), into(id), now;
        return static_cast<std::int64_t>(id);
    }));
    must(db->write([&](store::Transaction& tx) {
        return store::TestRepository(tx).assign(tests[1].id, tests[1].version, actor.at("analyst.a").user_id, instrument,
                                                "receiver");
    }));
    auto [by_instrument, by_test, all, finished] =
        must(db->read([&](store::Transaction& tx) -> domain::Result<std::tuple<store::TestPage, store::TestPage, store::TestPage, store::TestPage>> {
            store::TestRepository repo(tx);
            store::WorklistQuery q1;
            q1.instrument_id = instrument;
            store::WorklistQuery q2;
            q2.test_code = "ASSAY";
            store::WorklistQuery q3;
            q3.limit = 2;
            store::WorklistQuery q4;
            q4.states = {"final"};
            return std::tuple{*repo.worklist(q1), *repo.worklist(q2), *repo.worklist(q3), *repo.worklist(q4)};
        }));
    ASSERT_EQ(by_instrument.items.size(), 1u);
    EXPECT_EQ(by_instrument.items[0].test_code, "RS");
    ASSERT_EQ(by_test.items.size(), 1u);
    EXPECT_EQ(by_test.items[0].id, tests[0].id);
    EXPECT_EQ(all.items.size(), 2u);
    EXPECT_EQ(all.next_after_id, tests[1].id);
    EXPECT_TRUE(finished.items.empty());
}

TEST_F(ReviewChain, TwoSignatoriesApprovingOneReportAtOnceOneGets409) {
    add_user("signatory.2", "SH-LAB", {"signatory"});
    auto s = sample_with_results("98.7", "0.3");
    auto draft = must(db->write([&](store::Transaction& tx) { return draft_report(tx, s.id, actor.at("signatory")); }));
    auto first = db->write([&](store::Transaction& tx) {
        return approve_report(tx, {draft.id, draft.version, signing()}, actor.at("signatory"), check);
    });
    ASSERT_TRUE(first);
    auto second = db->write([&](store::Transaction& tx) {
        return approve_report(tx, {draft.id, draft.version, signing()}, actor.at("signatory.2"), check);
    });
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, "store.conflict");
    EXPECT_EQ(count("SELECT count(*) FROM signatures WHERE entity_type = 'report'"), 1);
}

}  // namespace
}  // namespace lims::workflow::review::testing
