// Service of documents (送达) through the API on the real service, SQLite and PostgreSQL:
// the recipients an issued report is owed to and their deadline, a service prepared in
// person with its 送达回证 (PDF read back with pdftotext, Beijing dates), the date of
// service recorded once with its evidence and the windows that run from it, the overdue
// list before and after, by post with a tracking number, bad input naming its field, and
// another jurisdiction's service answered as a missing one.
#include "test_service.hpp"
#include "pdf_text.hpp"

#include "tests/unit/workflow/documents_seed.hpp"

#include "lims/api/json_text.hpp"

#include <Poco/JSON/Array.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

namespace seed = lims::test::documents_seed;
using lims::domain::Role;
using lims::test::Backend;
using lims::test::Jurisdiction;
using lims::test::TestService;

namespace {

// CJK characters come out with or without spaces between them, and a cell's text wraps
// where its width ends: compare the text without either.
std::string pdf_text(const std::string& pdf) {
    std::string out = lims::testing::pdf_text(pdf);
    std::erase(out, ' ');
    std::erase(out, '\n');
    return out;
}

class ServiceRoutes : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        service = std::make_unique<TestService>(TestService::Options{.backend = GetParam()});
        const auto bureau = service->organisation(TestService::kBureauA);
        orgs = seed::seed_organisations(*service->database(), "SVC", bureau.id, bureau.path);
        // Issued Friday 13 March 2026 (11:00 Beijing), nonconforming: to be served on the
        // pharmacy and the manufacturer by the close of Friday 20 March (5 working days).
        seeded = seed::seed_documents(*service->database(), orgs, "SVC");
        reports = "/api/v1/reports/" + seeded.report_number + "/services";
    }

    lims::test::HttpReply prepare(lims::test::HttpClient& as, const std::string& recipient, const std::string& method,
                                  const std::string& address = "") {
        auto body = lims::api::newObject();
        body->set("recipient", recipient);
        Poco::JSON::Array::Ptr documents = new Poco::JSON::Array;
        documents->add(std::string("inspection_report"));
        documents->add(std::string("result_notification"));
        body->set("documents", documents);
        body->set("method", method);
        if (!address.empty()) body->set("address", address);
        return as.post(reports, body);
    }

    std::unique_ptr<TestService> service;
    seed::Orgs orgs;
    seed::Seeded seeded;
    std::string reports;
};

}  // namespace

TEST_P(ServiceRoutes, ServedInPersonWithTheSignedReceiptThenTheWindowsRunFromThatDate) {
    auto planner = service->as(TestService::username(Role::planner, Jurisdiction::A));

    auto owed = planner.get(reports);
    ASSERT_EQ(owed.status, 200) << owed.describe();
    auto recipients = owed.json()->getArray("recipients");
    ASSERT_EQ(recipients->size(), 2U) << owed.body;
    EXPECT_EQ(recipients->getObject(0)->getValue<std::string>("recipient"), "sampled_unit");
    EXPECT_EQ(recipients->getObject(0)->getValue<std::string>("recipient_name"), "某某大药房第一分店");
    EXPECT_EQ(recipients->getObject(0)->getValue<std::string>("due_at"), "2026-03-20T16:00:00Z");
    EXPECT_TRUE(recipients->getObject(0)->isNull("served_on"));
    EXPECT_EQ(recipients->getObject(1)->getValue<std::string>("recipient_name"), "某某制药有限公司");
    // The statutory periods with their citations.
    auto periods = owed.json()->getArray("periods");
    ASSERT_EQ(periods->size(), 5U);
    EXPECT_EQ(periods->getObject(1)->getValue<std::string>("period"), "reinspection.drug");
    EXPECT_NE(periods->getObject(1)->getValue<std::string>("citation").find("药品管理法"), std::string::npos);

    auto overdue = planner.get("/api/v1/overdue?kind=service");
    ASSERT_EQ(overdue.status, 200) << overdue.describe();
    EXPECT_EQ(overdue.json()->getValue<int>("services"), 2);
    EXPECT_EQ(overdue.json()->getValue<int>("notices"), 0);

    auto made = prepare(planner, "sampled_unit", "in_person");
    ASSERT_EQ(made.status, 201) << made.describe();
    const std::string number = made.json()->getValue<std::string>("number");
    EXPECT_EQ(number.rfind("SD", 0), 0U);
    EXPECT_FALSE(made.json()->getValue<bool>("served"));
    EXPECT_EQ(made.json()->getValue<std::string>("recipient_address"), "某市某路1号");

    // The 送达回证 to print, sign and bring back.
    auto pdf = planner.get("/api/v1/document-services/" + number + "/receipt.pdf");
    ASSERT_EQ(pdf.status, 200) << pdf.describe();
    EXPECT_EQ(pdf.contentType, "application/pdf");
    auto text = pdf_text(pdf.body);
    for (const std::string expected : {std::string("送达回证"), number, std::string("某某大药房第一分店"),
                                       std::string("某市某路1号"), std::string("直接送达"),
                                       "检验报告书（报告编号" + seeded.report_number + "）",
                                       "检验结果告知书（样品编号" + seeded.sample_number + "）"})
        EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;

    // Served Monday 16 March, signed by the pharmacy's manager.
    auto body = lims::api::newObject();
    body->set("served_on", "2026-03-16");
    body->set("signed_by", "王店长");
    auto served = planner.post("/api/v1/document-services/" + number + "/evidence", body);
    ASSERT_EQ(served.status, 201) << served.describe();
    EXPECT_TRUE(served.json()->getValue<bool>("served"));
    auto evidence = served.json()->getObject("evidence");
    EXPECT_EQ(evidence->getValue<std::string>("served_on"), "2026-03-16");
    EXPECT_EQ(evidence->getValue<std::string>("evidence_kind"), "signed_receipt");
    EXPECT_EQ(evidence->getValue<std::string>("evidence_party"), "王店长");
    EXPECT_EQ(evidence->getValue<std::string>("recorded_by"), TestService::username(Role::planner, Jurisdiction::A));
    // A drug: 7 working days from Monday 16 March (17-20, 23-25), to the close of Wednesday
    // 25 March in Beijing (药品质量抽查检验管理办法's working-day reading, the shipped rule).
    auto windows = served.json()->getArray("windows");
    ASSERT_EQ(windows->size(), 1U);
    EXPECT_EQ(windows->getObject(0)->getValue<std::string>("period"), "reinspection.drug");
    EXPECT_EQ(windows->getObject(0)->getValue<std::string>("due_at"), "2026-03-25T16:00:00Z");
    EXPECT_EQ(windows->getObject(0)->getValue<std::string>("last_day"), "2026-03-25");

    // Once only; the first record stands.
    body->set("signed_by", "别人");
    auto again = planner.post("/api/v1/document-services/" + number + "/evidence", body);
    EXPECT_EQ(again.status, 409) << again.describe();
    EXPECT_NE(again.body.find("2026-03-16"), std::string::npos) << again.body;
    auto read = planner.get("/api/v1/document-services/" + number);
    ASSERT_EQ(read.status, 200) << read.describe();
    EXPECT_EQ(read.json()->getObject("evidence")->getValue<std::string>("evidence_party"), "王店长");

    // Printed again, the form carries the date of service in Beijing's way of writing it.
    auto filled = pdf_text(planner.get("/api/v1/document-services/" + number + "/receipt.pdf").body);
    EXPECT_NE(filled.find("送达日期：2026年3月16日"), std::string::npos) << filled;
    EXPECT_NE(filled.find("签收人：王店长"), std::string::npos) << filled;

    // Only the manufacturer is still owed the report.
    auto left = planner.get("/api/v1/overdue?kind=service");
    EXPECT_EQ(left.json()->getValue<int>("services"), 1);
    auto csv = planner.get("/api/v1/overdue?format=csv&kind=service");
    ASSERT_EQ(csv.status, 200);
    EXPECT_NE(csv.body.find("service," + seeded.report_number + "/manufacturer,"), std::string::npos) << csv.body;
    auto listed = planner.get(reports);
    EXPECT_EQ(listed.json()->getArray("recipients")->getObject(0)->getValue<std::string>("served_on"), "2026-03-16");
    EXPECT_EQ(listed.json()->getArray("services")->size(), 1U);
    EXPECT_TRUE(service->auditChainIntact());
}

TEST_P(ServiceRoutes, ByPostWithTheTrackingNumberAndBadInputNamesItsField) {
    auto receiver = service->as(TestService::kRootAdministrator);
    auto made = prepare(receiver, "manufacturer", "post", "某省某市工业园区1号");
    ASSERT_EQ(made.status, 201) << made.describe();
    const std::string evidence = "/api/v1/document-services/" + made.json()->getValue<std::string>("number") + "/evidence";

    auto no_tracking = receiver.post(evidence, R"({"served_on": "2026-03-17", "carrier": "中国邮政 EMS"})");
    EXPECT_EQ(no_tracking.status, 422) << no_tracking.describe();
    EXPECT_NE(no_tracking.body.find("tracking_number"), std::string::npos) << no_tracking.body;
    auto before_issue = receiver.post(evidence, R"({"served_on": "2026-03-12", "carrier": "EMS", "tracking_number": "EA123456789CN"})");
    EXPECT_EQ(before_issue.status, 422) << before_issue.describe();
    EXPECT_NE(before_issue.body.find("served_on"), std::string::npos) << before_issue.body;
    auto not_a_date = receiver.post(evidence, R"({"served_on": "2026-02-30", "carrier": "EMS", "tracking_number": "EA123456789CN"})");
    EXPECT_EQ(not_a_date.status, 422) << not_a_date.describe();
    auto posted = receiver.post(evidence, R"({"served_on": "2026-03-17", "carrier": "中国邮政 EMS", "tracking_number": "EA123456789CN"})");
    ASSERT_EQ(posted.status, 201) << posted.describe();
    EXPECT_EQ(posted.json()->getObject("evidence")->getValue<std::string>("evidence_kind"), "postal_record");
    // The manufacturer is told its re-inspection and objection windows.
    EXPECT_EQ(posted.json()->getArray("windows")->size(), 2U);

    auto bad_recipient = receiver.post(reports, R"({"recipient": "neighbour", "documents": ["inspection_report"], "method": "post"})");
    EXPECT_EQ(bad_recipient.status, 422) << bad_recipient.describe();
    auto no_documents = receiver.post(reports, R"({"recipient": "sampled_unit", "documents": [], "method": "in_person"})");
    EXPECT_EQ(no_documents.status, 422) << no_documents.describe();
    auto electronic = receiver.post(reports, R"({"recipient": "sampled_unit", "documents": ["inspection_report"], "method": "electronic"})");
    EXPECT_EQ(electronic.status, 422) << electronic.describe();
    EXPECT_NE(electronic.body.find("address"), std::string::npos) << electronic.body;
    auto unknown = receiver.post("/api/v1/reports/JB2026-NONE/services",
                                 R"({"recipient": "sampled_unit", "documents": ["inspection_report"], "method": "in_person"})");
    EXPECT_EQ(unknown.status, 404) << unknown.describe();
    EXPECT_EQ(receiver.get("/api/v1/document-services/SD2026-999999").status, 404);
}

TEST_P(ServiceRoutes, AnotherJurisdictionsServiceIsAMissingOne) {
    auto planner = service->as(TestService::username(Role::planner, Jurisdiction::A));
    auto made = prepare(planner, "sampled_unit", "in_person");
    ASSERT_EQ(made.status, 201) << made.describe();
    const std::string number = made.json()->getValue<std::string>("number");
    auto other = service->as(TestService::username(Role::planner, Jurisdiction::B));
    EXPECT_EQ(other.get("/api/v1/document-services/" + number).status, 404);
    EXPECT_EQ(other.get("/api/v1/document-services/" + number + "/receipt.pdf").status, 404);
    EXPECT_EQ(other.get(reports).status, 404);
    auto refused = other.post("/api/v1/document-services/" + number + "/evidence",
                              R"({"served_on": "2026-03-16", "signed_by": "王店长"})");
    EXPECT_EQ(refused.status, 404) << refused.describe();
    // A sampler serves nothing.
    auto sampler = service->as(TestService::username(Role::sampler, Jurisdiction::A));
    EXPECT_EQ(prepare(sampler, "sampled_unit", "in_person").status, 403);
}

INSTANTIATE_TEST_SUITE_P(Backends, ServiceRoutes, lims::test::kBothBackends, lims::test::backendName);
