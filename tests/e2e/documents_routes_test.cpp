// The document and figure routes over HTTP on the real service (tests/support): the public
// report check, the PDFs (text checked with pdftotext), jurisdiction, the overdue list and
// the statistics with their CSV forms, and bad input of each kind.
#include "test_service.hpp"
#include "pdf_text.hpp"

#include "tests/unit/workflow/documents_seed.hpp"

#include "lims/api/json_text.hpp"
#include "lims/store/test_repository.hpp"
#include "lims/workflow/documents/document_source.hpp"
#include "lims/workflow/documents/report_document.hpp"
#include "lims/workflow/documents/verification_limiter.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

namespace seed = lims::test::documents_seed;
namespace docs = lims::workflow::documents;
using lims::test::Jurisdiction;
using lims::test::TestService;
using lims::test::Backend;

namespace {

using lims::testing::pdf_text;

// Runs on SQLite and on PostgreSQL (LIMS_TEST_PG; see tests/support/test_database.hpp).
class DocumentRoutes : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        service = std::make_unique<TestService>(TestService::Options{.backend = GetParam()});
        const auto bureau = service->organisation(TestService::kBureauA);
        orgs = seed::seed_organisations(*service->database(), "E2E", bureau.id, bureau.path);
        seeded = seed::seed_documents(*service->database(), orgs, "E2E");
        auto doc = service->database()->read([&](lims::store::Transaction& tx) {
            return docs::load_report_document(tx, seeded.report_number);
        });
        ASSERT_TRUE(doc.ok()) << doc.error().message;
        printed_prefix = docs::report_content_hash(*doc).substr(0, docs::kPrintedHashPrefixLength);
    }

    std::unique_ptr<TestService> service;
    seed::Orgs orgs;
    seed::Seeded seeded;
    std::string printed_prefix;
};

}  // namespace

TEST_P(DocumentRoutes, PublicCheckAnswersForARealReportWithoutLogin) {
    auto reply = service->anonymous().get("/verify/" + seeded.report_number + "?h=" + printed_prefix);
    ASSERT_EQ(reply.status, 200) << reply.describe();
    EXPECT_TRUE(reply.json()->getValue<bool>("verified"));
    EXPECT_EQ(reply.header("cache-control"), "no-store");
    // Nothing more than the answer: no particulars of the report.
    EXPECT_EQ(reply.body.find("阿莫西林"), std::string::npos);
    EXPECT_EQ(reply.body.find(seeded.sample_number), std::string::npos);
}

TEST_P(DocumentRoutes, AlteredHashAndUnknownNumberGetTheSameNeutralAnswer) {
    std::string altered = printed_prefix;
    altered[0] = altered[0] == 'a' ? 'b' : 'a';
    auto wrong = service->anonymous().get("/verify/" + seeded.report_number + "?h=" + altered);
    auto unknown = service->anonymous().get("/verify/BG2026-NONE-9999?h=" + printed_prefix);
    ASSERT_EQ(wrong.status, 200) << wrong.describe();
    ASSERT_EQ(unknown.status, 200) << unknown.describe();
    EXPECT_FALSE(wrong.json()->getValue<bool>("verified"));
    EXPECT_EQ(wrong.body, unknown.body);
}

TEST_P(DocumentRoutes, PublicCheckRefusesShortOrMalformedCheckValues) {
    auto shortish = service->anonymous().get("/verify/" + seeded.report_number + "?h=" + printed_prefix.substr(0, 8));
    EXPECT_EQ(shortish.status, 400) << shortish.describe();
    EXPECT_NE(shortish.body.find("at least 12"), std::string::npos);
    auto none = service->anonymous().get("/verify/" + seeded.report_number);
    EXPECT_EQ(none.status, 400);
    auto not_hex = service->anonymous().get("/verify/" + seeded.report_number + "?h=xyzxyzxyzxyzxyz");
    EXPECT_EQ(not_hex.status, 400);
}

TEST_P(DocumentRoutes, PublicCheckIsRateLimitedPerAddress) {
    int limited = 0;
    for (int i = 0; i < docs::VerificationLimiter::kDefaultPerMinute + 5; ++i) {
        auto reply = service->anonymous().get("/verify/BG-X?h=" + printed_prefix);
        if (reply.status == 429) {
            ++limited;
            EXPECT_FALSE(reply.header("retry-after").empty());
        }
    }
    EXPECT_EQ(limited, 5);
}

TEST_P(DocumentRoutes, ReportPdfCarriesTheNumberAndTheConclusion) {
    auto reply = service->as(TestService::kRootAdministrator).get("/api/v1/reports/" + seeded.report_number + "/pdf");
    ASSERT_EQ(reply.status, 200) << reply.describe();
    EXPECT_EQ(reply.contentType, "application/pdf");
    EXPECT_EQ(reply.body.substr(0, 5), "%PDF-");
    const auto text = pdf_text(reply.body);
    EXPECT_NE(text.find(seeded.report_number), std::string::npos) << text;
    EXPECT_NE(text.find("结果不符合规定"), std::string::npos) << text;
    // Issued 2026-03-13T03:00Z: dates in Beijing time as official documents write them.
    EXPECT_NE(text.find("2026年3月13日"), std::string::npos) << text;
    EXPECT_EQ(text.find("2026-03-"), std::string::npos) << text;
}

// Issue 14: the catalogue's owner edits the specification line a test of an issued report
// was judged against. The change is a new version of the line; the test keeps the version
// it was judged against, so the issued verdict, the PDF and the public check are unchanged,
// and the database refuses an edit of the line in place.
TEST_P(DocumentRoutes, EditingASpecificationLineAfterIssueChangesNeitherTheVerdictNorThePdf) {
    auto owner = service->as(TestService::kRootAdministrator);
    const std::string pdf_path = "/api/v1/reports/" + seeded.report_number + "/pdf";
    auto before = owner.get(pdf_path);
    ASSERT_EQ(before.status, 200) << before.describe();
    const auto text_before = pdf_text(before.body);
    ASSERT_NE(text_before.find("结果不符合规定"), std::string::npos) << text_before;
    ASSERT_NE(text_before.find("90.0"), std::string::npos) << text_before;

    // The assay line (90.0–110.0 %; the result 86.4 does not conform) becomes 80.0–120.0.
    std::int64_t line_id = 0;
    auto found = service->database()->read([&](lims::store::Transaction& tx) -> lims::store::StoreResult<lims::store::Done> {
        Poco::Int64 id = 0;
        tx.session() << "SELECT spec_line_id FROM tests WHERE id = $1", Poco::Data::Keywords::bind(seeded.assay_test_id),
            Poco::Data::Keywords::into(id), Poco::Data::Keywords::now;
        line_id = id;
        return lims::store::Done{};
    });
    ASSERT_TRUE(found) << found.error().message;
    const std::string line_path = "/api/v1/specification-lines/" + std::to_string(line_id);
    auto line = owner.get(line_path);
    ASSERT_EQ(line.status, 200) << line.describe();
    auto body = lims::api::newObject();
    for (const char* key : {"test_code", "item", "unit", "basis"}) body->set(key, line.json()->getValue<std::string>(key));
    body->set("requirement", "80.0–120.0");
    auto edited = owner.put(line_path, body, {{"If-Match", line.header("etag")}});
    ASSERT_EQ(edited.status, 200) << edited.describe();
    EXPECT_EQ(edited.json()->getValue<std::string>("lower_limit"), "80.0");
    EXPECT_EQ(edited.json()->getValue<int>("version"), 2);

    // The test keeps version 1 and its report reads as issued.
    auto kept = service->database()->read([&](lims::store::Transaction& tx) {
        return lims::store::TestRepository(tx).get(seeded.assay_test_id);
    });
    ASSERT_TRUE(kept) << kept.error().message;
    EXPECT_EQ(kept->spec_line_version, std::optional<std::int64_t>(1));
    auto after = owner.get(pdf_path);
    ASSERT_EQ(after.status, 200) << after.describe();
    const auto text_after = pdf_text(after.body);
    EXPECT_EQ(text_after, text_before);
    EXPECT_NE(text_after.find("结果不符合规定"), std::string::npos) << text_after;
    EXPECT_EQ(text_after.find("80.0"), std::string::npos) << text_after;
    auto report = service->as(TestService::username(lims::domain::Role::bureau_viewer, Jurisdiction::A))
                      .get("/api/v1/reports/" + seeded.report_number);
    ASSERT_EQ(report.status, 200) << report.describe();
    EXPECT_EQ(report.json()->getValue<std::string>("conclusion"), "does_not_conform") << report.describe();
    // The printed check value still verifies: the report's canonical content is the issued one.
    auto check = service->anonymous().get("/verify/" + seeded.report_number + "?h=" + printed_prefix);
    ASSERT_EQ(check.status, 200) << check.describe();
    EXPECT_TRUE(check.json()->getValue<bool>("verified")) << check.describe();

    // Nothing edits a line in place, not even SQL that bypasses the use case.
    auto in_place = service->database()->write([&](lims::store::Transaction& tx) -> lims::store::StoreResult<lims::store::Done> {
        tx.session() << "UPDATE specification_lines SET upper_limit = '999' WHERE id = $1",
            Poco::Data::Keywords::bind(line_id), Poco::Data::Keywords::now;
        return lims::store::Done{};
    });
    EXPECT_FALSE(in_place) << "an update that keeps the version was accepted";
    auto history = owner.get(line_path + "?version=1");
    ASSERT_EQ(history.status, 200) << history.describe();
    EXPECT_EQ(history.json()->getValue<std::string>("lower_limit"), "90.0");
}

TEST_P(DocumentRoutes, ReportPdfKeepsToTheJurisdiction) {
    auto other = service->as(TestService::username(lims::domain::Role::bureau_viewer, Jurisdiction::B))
                     .get("/api/v1/reports/" + seeded.report_number + "/pdf");
    EXPECT_EQ(other.status, 404) << other.describe();
    auto unknown = service->as(TestService::kRootAdministrator).get("/api/v1/reports/BG-NONE/pdf");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(other.json()->getValue<std::string>("type"), unknown.json()->getValue<std::string>("type"));
    auto anonymous = service->anonymous().get("/api/v1/reports/" + seeded.report_number + "/pdf");
    EXPECT_EQ(anonymous.status, 401);
}

TEST_P(DocumentRoutes, SamplingRecordPdf) {
    auto reply = service->as(TestService::kRootAdministrator)
                     .get("/api/v1/samples/" + seeded.sample_number + "/sampling-record.pdf");
    ASSERT_EQ(reply.status, 200) << reply.describe();
    const auto text = pdf_text(reply.body);
    EXPECT_NE(text.find("抽样记录及凭证"), std::string::npos);
    EXPECT_NE(text.find(seeded.sample_number), std::string::npos);
    // Sampled at 02:00 UTC: 10:00 in Beijing, as official documents write it (issue 16).
    EXPECT_NE(text.find("2026年3月2日 10:00"), std::string::npos) << text;
    EXPECT_EQ(text.find("02:00:00"), std::string::npos) << text;
    auto unknown = service->as(TestService::kRootAdministrator).get("/api/v1/samples/D-NONE/sampling-record.pdf");
    EXPECT_EQ(unknown.status, 404);
}

TEST_P(DocumentRoutes, OverdueListAndItsCsv) {
    auto admin = service->as(TestService::kRootAdministrator);
    auto reply = admin.get("/api/v1/overdue");
    ASSERT_EQ(reply.status, 200) << reply.describe();
    // The seeded deadlines are all in spring 2026, so by the clock of any run after that
    // each list has its one overdue record.
    EXPECT_EQ(reply.json()->getValue<int>("tests"), 1);
    EXPECT_EQ(reply.json()->getValue<int>("notices"), 1);
    EXPECT_EQ(reply.json()->getValue<int>("case_leads"), 1);
    // The issued report is owed to the pharmacy and the manufacturer, neither proven served (送达).
    EXPECT_EQ(reply.json()->getValue<int>("services"), 2);
    auto csv = admin.get("/api/v1/overdue?format=csv");
    ASSERT_EQ(csv.status, 200);
    EXPECT_EQ(csv.contentType.rfind("text/csv", 0), 0U);
    EXPECT_EQ(csv.body.rfind("\xEF\xBB\xBFkind,reference,", 0), 0U) << csv.body;
    EXPECT_NE(csv.body.find("notice,TZ-E2E-2,"), std::string::npos);
    auto only_leads = admin.get("/api/v1/overdue?kind=case_lead");
    EXPECT_EQ(only_leads.json()->getValue<int>("tests"), 0);
    EXPECT_EQ(only_leads.json()->getValue<int>("case_leads"), 1);
    EXPECT_EQ(only_leads.json()->getValue<int>("services"), 0);
    EXPECT_EQ(admin.get("/api/v1/overdue?kind=samples").status, 400);
    EXPECT_EQ(admin.get("/api/v1/overdue?format=xml").status, 400);
    EXPECT_EQ(admin.get("/api/v1/overdue?colour=red").status, 400);
    auto other = service->as(TestService::username(lims::domain::Role::bureau_viewer, Jurisdiction::B)).get("/api/v1/overdue");
    ASSERT_EQ(other.status, 200);
    EXPECT_EQ(other.json()->getValue<int>("tests"), 0);
}

TEST_P(DocumentRoutes, StatisticsWithFiltersAndCsv) {
    auto admin = service->as(TestService::kRootAdministrator);
    auto reply = admin.get("/api/v1/statistics?period=2026&category=drug");
    ASSERT_EQ(reply.status, 200) << reply.describe();
    auto samples = reply.json()->getObject("samples");
    EXPECT_EQ(samples->getValue<int>("samples"), 2);
    EXPECT_EQ(samples->getValue<int>("nonconforming"), 1);
    auto leads = reply.json()->getObject("case_leads");
    EXPECT_EQ(leads->getObject("conversion_rate")->getValue<int>("numerator"), 2);
    EXPECT_EQ(leads->getObject("conversion_rate")->getValue<int>("denominator"), 3);

    auto csv = admin.get("/api/v1/statistics?format=csv");
    ASSERT_EQ(csv.status, 200);
    EXPECT_NE(csv.body.find("case_conversion_rate,2,3,0.6667\r\n"), std::string::npos) << csv.body;

    auto grouped = admin.get("/api/v1/statistics/samples?group_by=manufacturer&format=csv");
    ASSERT_EQ(grouped.status, 200) << grouped.describe();
    EXPECT_NE(grouped.body.find("某某制药有限公司,2,1,0,1,0.0000,1.0000"), std::string::npos) << grouped.body;
    auto by_age = admin.get("/api/v1/statistics/case-leads");
    ASSERT_EQ(by_age.status, 200);
    EXPECT_EQ(by_age.json()->getArray("items")->size(), 4U);

    EXPECT_EQ(admin.get("/api/v1/statistics?category=food").status, 400);
    EXPECT_EQ(admin.get("/api/v1/statistics?from=2026-02-30").status, 400);
    EXPECT_EQ(admin.get("/api/v1/statistics?period=2026&from=2026-01-01").status, 400);
    EXPECT_EQ(admin.get("/api/v1/statistics/samples?group_by=colour").status, 400);
    EXPECT_EQ(admin.get("/api/v1/statistics?office=abc").status, 400);
    EXPECT_EQ(service->anonymous().get("/api/v1/statistics").status, 401);
    EXPECT_TRUE(service->auditChainIntact());
}

INSTANTIATE_TEST_SUITE_P(Backends, DocumentRoutes, lims::test::kBothBackends, lims::test::backendName);
