// Service of documents (送达): the clocks that run from a date of service and from issue
// (across the Spring Festival with its make-up Saturdays, National Day, and from late
// December into the provisional 2027), a real issued report served in person with the
// signed 送达回证, the evidence each method needs, the re-inspection window counted from the
// proven date of service, unserved recipients in the overdue scan, jurisdiction, and the
// 送达回证 PDF read back with pdftotext.
#include "tests/unit/workflow/review_fixture.hpp"
#include "tests/support/pdf_text.hpp"

#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/store/report_repository.hpp"
#include "lims/store/utc_time.hpp"
#include "lims/workflow/documents/service_of_documents.hpp"
#include "lims/workflow/figures/overdue.hpp"
#include "lims/workflow/review/create_tests.hpp"
#include "lims/workflow/review/record_result.hpp"
#include "lims/workflow/review/reinspection.hpp"
#include "lims/workflow/review/report.hpp"
#include "lims/workflow/review/review_result.hpp"
#include "lims/workflow/store_time.hpp"

#include <array>
#include <cstdio>
#include <fstream>

namespace lims::workflow::review::testing {
namespace {

namespace docs = lims::workflow::documents;

domain::Date day(const char* text) { return must(domain::parse_date(text)); }

std::string pdf_text(const std::string& pdf) {
    std::string out = lims::testing::pdf_text(pdf);
    std::erase(out, ' ');  // pdftotext puts spaces between CJK characters or not: compare without
    return out;
}

std::string squeezed(std::string s) {
    std::erase(s, ' ');
    return s;
}

// ---- the clocks ------------------------------------------------------------------------

class ServiceClocks : public ReviewTest {};

TEST_F(ServiceClocks, SevenWorkingDaysFromServiceCountTheMakeUpSaturdaysAndSkipTheSpringFestival) {
    // Served Friday 13 February 2026: Sat 14 Feb is a make-up working day (1), 15–23 Feb
    // are the Spring Festival, 24–27 Feb (2–5), Sat 28 Feb make-up (6), Mon 2 Mar (7).
    const auto& periods = docs::default_service_periods();
    auto due = must(docs::counted_from_service(calendar, *must(docs::reinspection_period(periods, "cosmetic")), day("2026-02-13")));
    EXPECT_EQ(domain::format_instant(due.due), "2026-03-02T16:00:00Z");  // close of 2 March in Beijing
    EXPECT_FALSE(due.provisional);
    EXPECT_EQ(must(docs::reinspection_period(periods, "device")), &periods.reinspection_device);
    EXPECT_EQ(must(docs::reinspection_period(periods, "cosmetic")), &periods.reinspection_cosmetic);
    EXPECT_EQ(must(docs::reinspection_period(periods, "vaccine")), &periods.reinspection_drug);
    EXPECT_EQ(must(docs::reinspection_period(periods, "tcm_decoction_piece")), &periods.reinspection_drug);
    // Never a default: a word that is no category is refused.
    EXPECT_EQ(docs::reinspection_period(periods, "").error().code, "review.reinspection_category");
    EXPECT_EQ(docs::reinspection_period(periods, "food").error().code, "review.reinspection_category");
}

TEST_F(ServiceClocks, SevenWorkingDaysForDrugsSkipNationalDayAndCountTheMakeUpSaturday) {
    // Served 30 September 2026: 1–7 October are National Day, Thu 8 (1), Fri 9 (2), Sat 10
    // is a make-up working day (3), 12–15 October (4–7): the close of Thursday 15 October.
    auto due = must(docs::counted_from_service(calendar, docs::default_service_periods().reinspection_drug, day("2026-09-30")));
    EXPECT_EQ(domain::format_instant(due.due), "2026-10-15T16:00:00Z");
    // The day of service itself is not counted: served in the small hours of Beijing's
    // 30 September is the same date.
    EXPECT_EQ(domain::beijing_date(docs::start_of_service_day(day("2026-09-30"))), day("2026-09-30"));
}

TEST_F(ServiceClocks, FromLateDecemberIntoTheProvisional2027) {
    // Served Monday 28 December 2026: 29, 30, 31 Dec (1–3); 1 Jan 2027 is New Year's Day
    // (statutory, in the provisional file); 4–7 Jan (4–7). Counted through a provisional year.
    auto due = must(docs::counted_from_service(calendar, docs::default_service_periods().authenticity_objection,
                                               day("2026-12-28")));
    EXPECT_EQ(domain::format_instant(due.due), "2027-01-07T16:00:00Z");
    EXPECT_TRUE(due.provisional);
}

TEST_F(ServiceClocks, EveryPeriodHasItsCitationAndItsStartingEvent) {
    const auto& periods = docs::default_service_periods();
    for (const auto* p : periods.all()) EXPECT_FALSE(p->citation.empty()) << p->key;
    EXPECT_EQ(periods.service.starts_at, "report_issued");
    for (const auto* p : {&periods.reinspection_drug, &periods.reinspection_cosmetic, &periods.reinspection_device,
                          &periods.authenticity_objection})
        EXPECT_EQ(p->starts_at, "document_served") << p->key;
    EXPECT_NE(periods.reinspection_cosmetic.citation.find("第五十八条"), std::string::npos);
    EXPECT_NE(periods.reinspection_device.citation.find("第七十五条"), std::string::npos);
    EXPECT_EQ(docs::describe_in_chinese(periods.reinspection_drug.rule), "7 个工作日");
    EXPECT_EQ(docs::describe_in_chinese(periods.service.rule), "5 个工作日");
}

// ---- serving a real report ---------------------------------------------------------------

class ServiceOfDocuments : public ReviewTest {
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
        must(db->write([&](store::Transaction& tx) {
            return verify_result(tx, {t.id, accepted.version, signing()}, actor.at("reviewer"), check);
        }));
    }

    // A nonconforming issued report (assay 90.0 against 95.0–105.0) on a sample of `product_id`.
    std::pair<domain::Sample, IssuedReport> issued(std::optional<std::int64_t> product_id = std::nullopt) {
        auto s = received_sample(product_id);
        auto tests = must(db->write([&](store::Transaction& tx) { return create_tests(tx, s.id, actor.at("receiver")); }));
        finalise(tests[0], "90.0", "%");
        finalise(tests[1], "0.3", "%");
        finalise(tests[2], "符合规定", "");
        auto draft = must(db->write([&](store::Transaction& tx) { return draft_report(tx, s.id, actor.at("signatory")); }));
        auto approved = must(db->write([&](store::Transaction& tx) {
            return approve_report(tx, {draft.id, draft.version, signing()}, actor.at("signatory"), check);
        }));
        auto out = must(db->write([&](store::Transaction& tx) {
            return issue_report(tx, calendar, {approved.id, approved.version, false}, actor.at("signatory"));
        }));
        return {s, out};
    }

    void set_issued_at(std::int64_t report_id, const std::string& at) {
        must(db->write([&](store::Transaction& tx) -> domain::Result<int> {
            tx.session() << "UPDATE reports SET issued_at = $1 WHERE id = $2", bind(at), bind(report_id), now;
            return 0;
        }));
    }

    domain::Result<docs::DocumentService> prepare(const std::string& report, docs::Recipient who,
                                                  docs::ServiceMethod how = docs::ServiceMethod::in_person,
                                                  const std::string& address = "", const std::string& as = "receiver") {
        docs::NewService in{report, who, {docs::ServedDocument::inspection_report, docs::ServedDocument::result_notification},
                            how, address};
        return docs::prepare_service(*db, calendar, in, actor.at(as));
    }

    domain::Result<docs::DocumentService> serve_in_person(const std::string& number, domain::Date on,
                                                          const std::string& signer = "张店长") {
        docs::ServiceEvidence e;
        e.service_number = number;
        e.served_on = on;
        e.signed_by = signer;
        return docs::record_service_evidence(*db, calendar, e, actor.at("receiver"));
    }

    domain::Date today() { return domain::beijing_date(must(parse_store_time(store::utc_now()))); }

    domain::Result<figures::OverdueScan> services_overdue(const char* at) {
        figures::OverdueQuery q;
        q.now = must(parse_store_time(at));
        return db->read([&](store::Transaction& tx) { return figures::scan_overdue(tx, calendar, q); });
    }
};

TEST_F(ServiceOfDocuments, InPersonWithTheSignedReceiptOnceAudited) {
    auto [sample, out] = issued();
    auto prepared = must(prepare(out.report.number, docs::Recipient::sampled_unit));
    EXPECT_EQ(prepared.number.rfind("SD" + std::to_string(domain::year_of(today())) + "-", 0), 0U) << prepared.number;
    EXPECT_EQ(prepared.recipient_name, "浦东仁和大药房");
    EXPECT_EQ(prepared.documents.size(), 2U);
    EXPECT_EQ(prepared.serving_org_name, "SH-LAB 名称");
    EXPECT_FALSE(prepared.proof);
    EXPECT_TRUE(prepared.windows.empty());

    auto served = must(serve_in_person(prepared.number, today()));
    ASSERT_TRUE(served.proof);
    EXPECT_EQ(served.proof->served_on, domain::format_date(today()));
    EXPECT_EQ(served.proof->evidence_kind, "signed_receipt");
    EXPECT_EQ(served.proof->evidence_reference, prepared.number);
    EXPECT_EQ(served.proof->evidence_party, "张店长");
    EXPECT_EQ(served.proof->recorded_by, "receiver");
    // The sampled unit may apply for re-inspection within 7 days of service (a drug).
    ASSERT_EQ(served.windows.size(), 1U);
    EXPECT_EQ(served.windows[0].key, "reinspection.drug");
    const auto expected = must(docs::counted_from_service(calendar, docs::default_service_periods().reinspection_drug, today()));
    EXPECT_EQ(served.windows[0].due_at, domain::format_instant(expected.due));
    EXPECT_NE(served.windows[0].citation.find("第一百零二条"), std::string::npos);

    // Once: a second record is refused and nothing is added.
    auto again = serve_in_person(prepared.number, today(), "李四");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, "service.already_proven");
    EXPECT_EQ(again.error().kind, domain::ErrorKind::conflict);
    EXPECT_EQ(count("SELECT count(*) FROM document_service_proofs"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'document_service.prepare'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'document_service.served'"), 1);
    // Facts: the database refuses to change them.
    auto changed = db->write([&](store::Transaction& tx) -> domain::Result<int> {
        tx.session() << "UPDATE document_service_proofs SET served_on = '2020-01-01'", now;
        return 0;
    });
    EXPECT_FALSE(changed);

    // The manufacturer is told its objection window too.
    auto maker = must(prepare(out.report.number, docs::Recipient::manufacturer));
    EXPECT_EQ(maker.recipient_name, "苏州制药有限公司");
    auto maker_served = must(serve_in_person(maker.number, today()));
    ASSERT_EQ(maker_served.windows.size(), 2U);
    EXPECT_EQ(maker_served.windows[1].key, "objection.authenticity");
}

TEST_F(ServiceOfDocuments, EachMethodNeedsItsEvidenceAndADateBetweenIssueAndToday) {
    auto [sample, out] = issued();
    auto prepared = must(prepare(out.report.number, docs::Recipient::sampled_unit));
    auto early = serve_in_person(prepared.number, today() - std::chrono::days(400));
    ASSERT_FALSE(early);
    EXPECT_EQ(early.error().code, "service.served_before_issue");
    EXPECT_EQ(early.error().field, "served_on");
    auto future = serve_in_person(prepared.number, today() + std::chrono::days(1));
    ASSERT_FALSE(future);
    EXPECT_EQ(future.error().code, "service.served_in_future");
    auto unsigned_ = serve_in_person(prepared.number, today(), "");
    ASSERT_FALSE(unsigned_);
    EXPECT_EQ(unsigned_.error().field, "signed_by");

    auto posted = must(prepare(out.report.number, docs::Recipient::manufacturer, docs::ServiceMethod::post,
                               "江苏省苏州市工业园区星湖街 1 号"));
    docs::ServiceEvidence e;
    e.service_number = posted.number;
    e.served_on = today();
    e.carrier = "中国邮政 EMS";
    auto no_tracking = docs::record_service_evidence(*db, calendar, e, actor.at("receiver"));
    ASSERT_FALSE(no_tracking);
    EXPECT_EQ(no_tracking.error().field, "tracking_number");
    e.tracking_number = "EMS 123";
    auto bad_tracking = docs::record_service_evidence(*db, calendar, e, actor.at("receiver"));
    ASSERT_FALSE(bad_tracking);
    EXPECT_EQ(bad_tracking.error().code, "service.tracking_number");
    EXPECT_EQ(count("SELECT count(*) FROM document_service_proofs"), 0);
    e.tracking_number = "EA123456789CN";
    auto by_post = must(docs::record_service_evidence(*db, calendar, e, actor.at("receiver")));
    EXPECT_EQ(by_post.proof->evidence_kind, "postal_record");
    EXPECT_EQ(by_post.proof->evidence_reference, "EA123456789CN");
    EXPECT_EQ(by_post.recipient_address, "江苏省苏州市工业园区星湖街 1 号");

    // Electronic service needs the address the recipient agreed to; by post, one to post to.
    auto electronic = prepare(out.report.number, docs::Recipient::sampled_unit, docs::ServiceMethod::electronic);
    ASSERT_FALSE(electronic);
    EXPECT_EQ(electronic.error().field, "address");
    auto no_address = prepare(out.report.number, docs::Recipient::sampled_unit, docs::ServiceMethod::post);
    ASSERT_FALSE(no_address);  // the pharmacy has no registered address in this fixture
    EXPECT_EQ(no_address.error().code, "service.address_required");
    auto mailed = must(prepare(out.report.number, docs::Recipient::sampled_unit, docs::ServiceMethod::electronic,
                               "renhe@example.cn"));
    docs::ServiceEvidence r;
    r.service_number = mailed.number;
    r.served_on = today();
    auto no_receipt = docs::record_service_evidence(*db, calendar, r, actor.at("receiver"));
    ASSERT_FALSE(no_receipt);
    EXPECT_EQ(no_receipt.error().field, "receipt_reference");
    r.receipt_reference = "MSG-20261207-0001";
    auto received = must(docs::record_service_evidence(*db, calendar, r, actor.at("receiver")));
    EXPECT_EQ(received.proof->evidence_party, "renhe@example.cn");
}

TEST_F(ServiceOfDocuments, RecipientsTheSampleDoesNotNameAreRefused) {
    // A product known by its label only: the manufacturer is served by name, its bureau is unknown.
    const auto labelled = add_product("布洛芬缓释胶囊", "drug", std::nullopt);
    auto [sample, out] = issued(labelled);
    auto maker = must(prepare(out.report.number, docs::Recipient::manufacturer));
    EXPECT_EQ(maker.recipient_name, "苏州制药有限公司");
    auto bureau = prepare(out.report.number, docs::Recipient::manufacturer_bureau);
    ASSERT_FALSE(bureau);
    EXPECT_EQ(bureau.error().code, "service.recipient_unknown");
    EXPECT_EQ(bureau.error().field, "recipient");
    // With the manufacturer registered, its bureau is the one that answers for it.
    auto [s2, registered] = issued();
    auto its_bureau = must(prepare(registered.report.number, docs::Recipient::manufacturer_bureau));
    EXPECT_EQ(its_bureau.recipient_name, "JS 名称");
}

TEST_F(ServiceOfDocuments, OthersReportsAreMissingAndOnlyPeopleServe) {
    auto [sample, out] = issued();
    auto hidden = prepare(out.report.number, docs::Recipient::sampled_unit, docs::ServiceMethod::in_person, "", "js.viewer");
    ASSERT_FALSE(hidden);
    EXPECT_EQ(hidden.error().kind, domain::ErrorKind::not_found);
    auto prepared = must(prepare(out.report.number, docs::Recipient::sampled_unit));
    auto found = docs::find_service(*db, calendar, prepared.number, actor.at("js.viewer"));
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().code, "service.not_found");
    EXPECT_FALSE(docs::report_services(*db, calendar, out.report.number, actor.at("js.viewer")));
    EXPECT_TRUE(docs::find_service(*db, calendar, prepared.number, actor.at("sh.viewer")));  // the province sees it
    docs::NewService in{out.report.number, docs::Recipient::sampled_unit, {docs::ServedDocument::inspection_report},
                        docs::ServiceMethod::in_person, ""};
    auto system = docs::prepare_service(*db, calendar, in, ingest);
    ASSERT_FALSE(system);
    EXPECT_EQ(system.error().kind, domain::ErrorKind::forbidden);
    in.documents = {docs::ServedDocument::inspection_report, docs::ServedDocument::inspection_report};
    auto twice = docs::prepare_service(*db, calendar, in, actor.at("receiver"));
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().field, "documents");
}

TEST_F(ServiceOfDocuments, TheReinspectionWindowRunsFromTheProvenDateOfService) {
    auto [sample, out] = issued();
    set_issued_at(out.report.id, "2026-10-01T02:00:00.000Z");
    auto apply = [&](const std::string& received) {
        return db->write([&](store::Transaction& tx) {
            return apply_reinspection(tx, calendar,
                                      {sample.id, Applicant::sampled_unit, std::nullopt, "浦东仁和大药房",
                                       must(parse_store_time(received))},
                                      actor.at("receiver"));
        });
    };
    // Stated as received on 2 October and nothing proven: 7 days closed long ago.
    auto late = apply("2026-10-02T02:00:00Z");
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error().code, "review.reinspection_late");

    // Proven served on the manufacturer only: the sampled unit's window still runs from its own receipt.
    auto maker = must(prepare(out.report.number, docs::Recipient::manufacturer));
    must(serve_in_person(maker.number, today()));
    EXPECT_FALSE(apply("2026-10-02T02:00:00Z"));

    // Proven served on the sampled unit today: the window counts from today, whatever was stated.
    auto unit = must(prepare(out.report.number, docs::Recipient::sampled_unit));
    must(serve_in_person(unit.number, today()));
    auto applied = must(apply("2026-10-02T02:00:00Z"));
    const auto expected = must(docs::counted_from_service(calendar, docs::default_service_periods().reinspection_drug, today()));
    EXPECT_EQ(applied.deadline_at, store_time(expected.due));
    EXPECT_EQ(count("SELECT window_service_id FROM reinspections WHERE id = " + std::to_string(applied.id)), unit.id);
}

TEST_F(ServiceOfDocuments, AServiceProvenLongAgoClosesTheWindowWhateverTheApplicantSays) {
    auto [sample, out] = issued();
    set_issued_at(out.report.id, "2026-10-01T02:00:00.000Z");
    auto unit = must(prepare(out.report.number, docs::Recipient::sampled_unit));
    must(serve_in_person(unit.number, day("2026-10-02")));
    auto late = db->write([&](store::Transaction& tx) {
        return apply_reinspection(tx, calendar,
                                  {sample.id, Applicant::sampled_unit, std::nullopt, "浦东仁和大药房",
                                   must(parse_store_time(store::utc_now()))},
                                  actor.at("receiver"));
    });
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error().code, "review.reinspection_late");
    EXPECT_NE(late.error().message.find("served on 2026-10-02, 送达回证 " + unit.number), std::string::npos)
        << late.error().message;
    // Served 2 October: 3–7 October are National Day, 8, 9 (2), Saturday 10 October is worked (3),
    // 12–15 October (7): the window of 7 working days closed at the end of 15 October.
    EXPECT_NE(late.error().message.find("2026-10-15T16:00:00"), std::string::npos) << late.error().message;
}

TEST_F(ServiceOfDocuments, UnservedRecipientsAreOverdueAfterFiveWorkingDaysFromIssue) {
    auto [sample, out] = issued();
    // Issued Wednesday 30 September 2026 (10:00 Beijing): 8 and 9 October (1, 2), Saturday
    // 10 October is a make-up working day (3), 12 and 13 October (4, 5): due at the close of
    // 13 October; the National Day holiday (1–7 October) does not count.
    set_issued_at(out.report.id, "2026-09-30T02:00:00.000Z");
    auto before = must(services_overdue("2026-10-13T15:59:59Z"));
    EXPECT_TRUE(before.services.empty());
    auto after = must(services_overdue("2026-10-13T16:00:00Z"));
    ASSERT_EQ(after.services.size(), 2U);
    EXPECT_EQ(after.services[0].reference, out.report.number + "/sampled_unit");
    EXPECT_EQ(after.services[0].org_name, "浦东仁和大药房");
    EXPECT_EQ(after.services[0].due_at, "2026-10-13T16:00:00Z");
    EXPECT_EQ(after.services[1].reference, out.report.number + "/manufacturer");
    EXPECT_EQ(after.services[1].state, "unserved");

    // Prepared is not served: only the evidence takes a recipient off the list.
    auto unit = must(prepare(out.report.number, docs::Recipient::sampled_unit));
    EXPECT_EQ(must(services_overdue("2026-10-14T02:00:00Z")).services.size(), 2U);
    must(serve_in_person(unit.number, day("2026-10-12")));
    auto left = must(services_overdue("2026-10-14T02:00:00Z"));
    ASSERT_EQ(left.services.size(), 1U);
    EXPECT_EQ(left.services[0].reference, out.report.number + "/manufacturer");
    const auto table = figures::overdue_table(left);
    ASSERT_FALSE(table.rows.empty());
    EXPECT_EQ(table.rows.back()[0], "service");

    auto listed = must(docs::report_services(*db, calendar, out.report.number, actor.at("receiver")));
    ASSERT_EQ(listed.obligations.size(), 2U);
    EXPECT_EQ(listed.obligations[0].served_on.value_or(""), "2026-10-12");
    EXPECT_FALSE(listed.obligations[1].served_on);
    ASSERT_EQ(listed.services.size(), 1U);
    EXPECT_EQ(listed.services[0].number, unit.number);
}

TEST_F(ServiceOfDocuments, TheReceiptPrintsTheServiceInBeijingTime) {
    auto [sample, out] = issued();
    auto prepared = must(prepare(out.report.number, docs::Recipient::sampled_unit));
    auto blank = pdf_text(must(docs::service_receipt_pdf(*db, prepared.number, actor.at("receiver"))));
    for (const std::string& expected :
         {std::string("送 达 回 证"), prepared.number, std::string("浦东仁和大药房"), std::string("直接送达"),
          "检验报告书（报告编号 " + out.report.number + "）", std::string("检验结果告知书"),
          std::string("受送达人（签名或盖章）"), std::string("扫码登记送达结果"),
          domain::chinese_date_time_of(prepared.created_at) + "（北京时间）"})
        EXPECT_NE(blank.find(squeezed(expected)), std::string::npos) << expected << "\n" << blank;
    EXPECT_NE(blank.find("送达后由登记人填写"), std::string::npos) << blank;

    must(serve_in_person(prepared.number, today()));
    auto filled = pdf_text(must(docs::service_receipt_pdf(*db, prepared.number, actor.at("receiver"))));
    EXPECT_NE(filled.find(squeezed("送达日期：" + domain::chinese_date(today()))), std::string::npos) << filled;
    EXPECT_NE(filled.find("签收人：张店长"), std::string::npos) << filled;
    EXPECT_FALSE(docs::service_receipt_pdf(*db, prepared.number, actor.at("js.viewer")));
}

}  // namespace
}  // namespace lims::workflow::review::testing
