// Publication and the national platform through the API on the real service, SQLite and
// PostgreSQL: a result not yet proven served on the pharmacy and the manufacturer is held back
// (its re-inspection window has not begun) and named with why; once served in March (the
// window of 7 working days long closed) a bureau's planner produces the list of nonconforming products for March, a
// second planner reviews and releases it with their password, the released list downloads
// as CSV (byte-order mark, Chinese), .xlsx (read back by python3-openpyxl) and PDF (read back
// by pdftotext); the platform's sample number is kept beside ours and refused a second time;
// the export in the platform's layout; bad input names its field; another jurisdiction's
// list and sample are missing ones.
#include "test_service.hpp"
#include "pdf_text.hpp"
#include "xlsx_cells.hpp"

#include "tests/unit/workflow/documents_seed.hpp"

#include "lims/api/json_text.hpp"

#include <Poco/JSON/Array.h>

#include <gtest/gtest.h>

namespace seed = lims::test::documents_seed;
using lims::domain::Role;
using lims::test::Backend;
using lims::test::Jurisdiction;
using lims::test::TestService;

namespace {

std::string pdf_text(const std::string& pdf) {
    std::string out = lims::testing::pdf_text(pdf);
    std::erase(out, ' ');
    std::erase(out, '\n');
    return out;
}

class PublicationRoutes : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        service = std::make_unique<TestService>(TestService::Options{.backend = GetParam()});
        const auto bureau = service->organisation(TestService::kBureauA);
        orgs = seed::seed_organisations(*service->database(), "PUB", bureau.id, bureau.path);
        // Issued 13 March 2026, nonconforming (assay 86.4 % against 90.0–110.0 %).
        seeded = seed::seed_documents(*service->database(), orgs, "PUB");
        service->addUser("planner_a2", TestService::kBureauA, {"planner"});
    }

    lims::test::HttpReply produce(lims::test::HttpClient& as, const std::string& from, const std::string& to) {
        auto body = lims::api::newObject();
        body->set("period_from", from);
        body->set("period_to", to);
        return as.post("/api/v1/publication-lists", body);
    }

    // The report served in person on the pharmacy and the manufacturer on Monday 16 March,
    // through the service routes (送达 with the signed receipt).
    void serveBoth(lims::test::HttpClient& as) {
        for (const std::string recipient : {"sampled_unit", "manufacturer"}) {
            auto body = lims::api::newObject();
            body->set("recipient", recipient);
            Poco::JSON::Array::Ptr documents = new Poco::JSON::Array;
            documents->add(std::string("inspection_report"));
            body->set("documents", documents);
            body->set("method", "in_person");
            auto prepared = as.post("/api/v1/reports/" + seeded.report_number + "/services", body);
            ASSERT_EQ(prepared.status, 201) << prepared.describe();
            auto evidence = lims::api::newObject();
            evidence->set("served_on", "2026-03-16");
            evidence->set("signed_by", "王店长");
            auto served = as.post(
                "/api/v1/document-services/" + prepared.json()->getValue<std::string>("number") + "/evidence", evidence);
            ASSERT_EQ(served.status, 201) << served.describe();
        }
    }

    std::unique_ptr<TestService> service;
    seed::Orgs orgs;
    seed::Seeded seeded;
};

}  // namespace

TEST_P(PublicationRoutes, ProducedReviewedReleasedAndDownloadedAsCsvXlsxAndPdf) {
    auto planner = service->as(TestService::username(Role::planner, Jurisdiction::A));
    auto second = service->as("planner_a2");

    // Not proven served on the pharmacy: its window to apply for re-inspection has not begun.
    auto early = produce(planner, "2026-03-01", "2026-03-31");
    ASSERT_EQ(early.status, 201) << early.describe();
    EXPECT_EQ(early.json()->getArray("entries")->size(), 0U) << early.body;
    ASSERT_EQ(early.json()->getArray("withheld")->size(), 1U) << early.body;
    auto held = early.json()->getArray("withheld")->getObject(0);
    EXPECT_EQ(held->getValue<std::string>("report_number"), seeded.report_number);
    EXPECT_EQ(held->getValue<std::string>("reason"), "not_served");
    EXPECT_EQ(held->getValue<std::string>("party"), "sampled_unit");
    EXPECT_EQ(held->getValue<std::string>("rule"), "reinspection.drug");
    EXPECT_TRUE(held->isNull("until"));
    EXPECT_EQ(early.json()->getArray("withheld_reports")->getElement<std::string>(0), seeded.report_number);

    ASSERT_NO_FATAL_FAILURE(serveBoth(planner));
    auto made = produce(planner, "2026-03-01", "2026-03-31");
    ASSERT_EQ(made.status, 201) << made.describe();
    const std::string number = made.json()->getValue<std::string>("number");
    EXPECT_EQ(made.json()->getValue<std::string>("state"), "draft");
    EXPECT_EQ(made.json()->getArray("withheld")->size(), 0U) << made.body;
    auto entries = made.json()->getArray("entries");
    ASSERT_EQ(entries->size(), 1U) << made.body;
    auto e = entries->getObject(0);
    EXPECT_EQ(e->getValue<std::string>("report_number"), seeded.report_number);
    EXPECT_EQ(e->getValue<std::string>("product_name"), "阿莫西林胶囊");
    EXPECT_EQ(e->getValue<std::string>("manufacturer"), "某某制药有限公司");
    EXPECT_EQ(e->getValue<std::string>("specification"), "0.25g");
    EXPECT_EQ(e->getValue<std::string>("batch_number"), "240501");
    EXPECT_EQ(e->getValue<std::string>("sampled_unit"), "某某大药房第一分店");
    EXPECT_EQ(e->getValue<std::string>("laboratory"), "某省药品检验研究院");
    EXPECT_EQ(e->getValue<std::string>("report_date"), "2026-03-13");
    EXPECT_NE(e->getValue<std::string>("failing_items").find("含量测定（检验结果：86.4%"), std::string::npos)
        << e->getValue<std::string>("failing_items");

    // Not yet: no CSV of a draft; the producer neither reviews nor releases.
    EXPECT_EQ(planner.get("/api/v1/publication-lists/" + number + "/list.csv").status, 409);
    auto review = lims::api::newObject();
    review->set("decision", "reviewed");
    review->set("password", TestService::kPassword);
    auto own = planner.post("/api/v1/publication-lists/" + number + "/review", review);
    EXPECT_EQ(own.status, 403) << own.describe();
    EXPECT_NE(own.body.find("another person reviews and releases it"), std::string::npos) << own.body;

    auto reviewed = second.post("/api/v1/publication-lists/" + number + "/review", review);
    ASSERT_EQ(reviewed.status, 200) << reviewed.describe();
    EXPECT_EQ(reviewed.json()->getValue<std::string>("state"), "reviewed");
    auto release = lims::api::newObject();
    release->set("password", TestService::kPassword);
    auto released = second.post("/api/v1/publication-lists/" + number + "/release", release);
    ASSERT_EQ(released.status, 200) << released.describe();
    EXPECT_EQ(released.json()->getValue<std::string>("state"), "released");
    EXPECT_EQ(released.json()->getArray("steps")->size(), 2U);
    // Released once: a second release is a conflict.
    EXPECT_EQ(second.post("/api/v1/publication-lists/" + number + "/release", release).status, 409);

    auto csv = planner.get("/api/v1/publication-lists/" + number + "/list.csv");
    ASSERT_EQ(csv.status, 200) << csv.describe();
    EXPECT_EQ(csv.contentType, "text/csv; charset=utf-8");
    EXPECT_EQ(csv.body.rfind("\xEF\xBB\xBF序号,标示产品名称,标示生产企业", 0), 0U) << csv.body;
    EXPECT_NE(csv.body.find("1,阿莫西林胶囊,某某制药有限公司,0.25g,240501,某某大药房第一分店"), std::string::npos)
        << csv.body;

    auto xlsx = planner.get("/api/v1/publication-lists/" + number + "/list.xlsx");
    ASSERT_EQ(xlsx.status, 200) << xlsx.describe();
    EXPECT_EQ(xlsx.contentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const auto cells = lims::testing::xlsx_cells(xlsx.body);
    EXPECT_NE(cells.find("不符合规定产品\t2\t2\tstr\t阿莫西林胶囊\n"), std::string::npos) << cells;
    EXPECT_NE(cells.find("不符合规定产品\t2\t5\tstr\t240501\n"), std::string::npos) << cells;
    EXPECT_NE(cells.find("名单信息\t2\t2\tstr\t" + number + "\n"), std::string::npos) << cells;

    auto pdf = planner.get("/api/v1/publication-lists/" + number + "/list.pdf");
    ASSERT_EQ(pdf.status, 200) << pdf.describe();
    EXPECT_EQ(pdf.contentType, "application/pdf");
    const auto text = pdf_text(pdf.body);
    for (const auto& expected : {std::string("不符合规定产品信息公开名单"), "名单编号：" + number,
                                       std::string("阿莫西林胶囊"), std::string("240501"),
                                       std::string("批准发布：planner_a2")})
        EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;

    // The bureau's viewers read it; the list of lists shows it.
    auto viewer = service->as(TestService::username(Role::bureau_viewer, Jurisdiction::A));
    auto lists = viewer.get("/api/v1/publication-lists");
    ASSERT_EQ(lists.status, 200) << lists.describe();
    // Newest first: the released list (one entry), then the early draft that held it back.
    ASSERT_EQ(lists.json()->getArray("items")->size(), 2U);
    EXPECT_EQ(lists.json()->getArray("items")->getObject(0)->getValue<std::string>("number"), number);
    EXPECT_EQ(lists.json()->getArray("items")->getObject(0)->getValue<int>("entries"), 1);
    EXPECT_EQ(lists.json()->getArray("items")->getObject(1)->getValue<int>("entries"), 0);

    // A correction is a new version; the released one stays as it was.
    auto why = lims::api::newObject();
    why->set("reason", "更正标示生产企业名称");
    auto corrected = planner.post("/api/v1/publication-lists/" + number + "/corrections", why);
    ASSERT_EQ(corrected.status, 201) << corrected.describe();
    EXPECT_EQ(corrected.json()->getValue<int>("list_version"), 2);
    EXPECT_EQ(corrected.json()->getValue<std::string>("supersedes"), number);
    EXPECT_EQ(planner.get("/api/v1/publication-lists/" + number).json()->getValue<std::string>("state"), "released");
    EXPECT_TRUE(service->auditChainIntact());
}

TEST_P(PublicationRoutes, ReturnedWithAReasonAndBadInputNamesItsField) {
    auto planner = service->as(TestService::username(Role::planner, Jurisdiction::A));
    auto second = service->as("planner_a2");
    auto bad = produce(planner, "2026-13-01", "2026-03-31");
    EXPECT_EQ(bad.status, 422) << bad.describe();
    EXPECT_NE(bad.body.find("period_from"), std::string::npos) << bad.body;
    auto backwards = produce(planner, "2026-03-31", "2026-03-01");
    EXPECT_EQ(backwards.status, 422) << backwards.describe();
    EXPECT_NE(backwards.body.find("publication.period_order"), std::string::npos) << backwards.body;

    auto made = produce(planner, "2026-03-01", "2026-03-31");
    ASSERT_EQ(made.status, 201) << made.describe();
    const std::string number = made.json()->getValue<std::string>("number");
    auto returned = lims::api::newObject();
    returned->set("decision", "returned");
    returned->set("password", TestService::kPassword);
    auto silent = second.post("/api/v1/publication-lists/" + number + "/review", returned);
    EXPECT_EQ(silent.status, 422) << silent.describe();
    EXPECT_NE(silent.body.find("reason"), std::string::npos) << silent.body;
    returned->set("reason", "被抽样单位名称待核实");
    auto ok = second.post("/api/v1/publication-lists/" + number + "/review", returned);
    ASSERT_EQ(ok.status, 200) << ok.describe();
    EXPECT_EQ(ok.json()->getValue<std::string>("state"), "returned");
    EXPECT_EQ(ok.json()->getArray("steps")->getObject(0)->getValue<std::string>("reason"), "被抽样单位名称待核实");
    // A viewer cannot produce.
    auto viewer = service->as(TestService::username(Role::bureau_viewer, Jurisdiction::A));
    EXPECT_EQ(produce(viewer, "2026-03-01", "2026-03-31").status, 403);
}

TEST_P(PublicationRoutes, ThePlatformNumberBesideOursAndTheExportInThePlatformsLayout) {
    auto planner = service->as(TestService::username(Role::planner, Jurisdiction::A));
    const std::string numbers = "/api/v1/samples/" + seeded.sample_number + "/platform-numbers";
    auto body = lims::api::newObject();
    body->set("platform", "nmpa_drug");
    body->set("platform_number", "YP2026000001");
    auto set = planner.post(numbers, body);
    ASSERT_EQ(set.status, 201) << set.describe();
    EXPECT_EQ(set.json()->getArray("numbers")->getObject(0)->getValue<std::string>("platform_number"), "YP2026000001");
    EXPECT_TRUE(set.json()->getArray("numbers")->getObject(0)->getValue<bool>("current"));
    auto taken = planner.post("/api/v1/samples/" + seeded.unreported_sample_number + "/platform-numbers", body);
    EXPECT_EQ(taken.status, 409) << taken.describe();
    body->set("platform_number", "YP 1");
    auto bad = planner.post("/api/v1/samples/" + seeded.unreported_sample_number + "/platform-numbers", body);
    EXPECT_EQ(bad.status, 422) << bad.describe();
    EXPECT_NE(bad.body.find("platform_number"), std::string::npos) << bad.body;

    auto samples = planner.get("/api/v1/platform-export/samples.csv?sampled_from=2026-03-01&sampled_to=2026-03-31");
    ASSERT_EQ(samples.status, 200) << samples.describe();
    EXPECT_EQ(samples.body.rfind("\xEF\xBB\xBF平台抽样单编号,本系统样品编号", 0), 0U) << samples.body;
    EXPECT_NE(samples.body.find("YP2026000001," + seeded.sample_number + ","), std::string::npos) << samples.body;
    EXPECT_NE(samples.body.find("," + seeded.unreported_sample_number + ","), std::string::npos) << samples.body;
    auto results = planner.get("/api/v1/platform-export/results.csv?sampled_from=2026-03-01&sampled_to=2026-03-31");
    ASSERT_EQ(results.status, 200) << results.describe();
    EXPECT_NE(results.body.find("YP2026000001," + seeded.sample_number + "," + seeded.report_number + ",2,含量测定"),
              std::string::npos)
        << results.body;
    auto xlsx = planner.get("/api/v1/platform-export/export.xlsx?sampled_from=2026-03-01&sampled_to=2026-03-31");
    ASSERT_EQ(xlsx.status, 200) << xlsx.describe();
    const auto cells = lims::testing::xlsx_cells(xlsx.body);
    EXPECT_NE(cells.find("抽样信息\t2\t1\tstr\tYP2026000001\n"), std::string::npos) << cells;
    EXPECT_NE(cells.find("检验结果\t3\t5\tstr\t含量测定\n"), std::string::npos) << cells;
    auto missing = planner.get("/api/v1/platform-export/samples.csv?sampled_to=2026-03-31");
    EXPECT_EQ(missing.status, 422) << missing.describe();
    EXPECT_NE(missing.body.find("sampled_from"), std::string::npos) << missing.body;
    EXPECT_TRUE(service->auditChainIntact());
}

TEST_P(PublicationRoutes, AnotherJurisdictionsListAndSampleAreMissingOnes) {
    auto planner = service->as(TestService::username(Role::planner, Jurisdiction::A));
    ASSERT_NO_FATAL_FAILURE(serveBoth(planner));
    auto made = produce(planner, "2026-03-01", "2026-03-31");
    ASSERT_EQ(made.status, 201) << made.describe();
    EXPECT_EQ(made.json()->getArray("entries")->size(), 1U) << made.body;
    const std::string number = made.json()->getValue<std::string>("number");
    auto other = service->as(TestService::username(Role::planner, Jurisdiction::B));
    EXPECT_EQ(other.get("/api/v1/publication-lists/" + number).status, 404);
    EXPECT_EQ(other.get("/api/v1/publication-lists/" + number + "/list.pdf").status, 404);
    auto review = lims::api::newObject();
    review->set("decision", "reviewed");
    review->set("password", TestService::kPassword);
    EXPECT_EQ(other.post("/api/v1/publication-lists/" + number + "/review", review).status, 404);
    EXPECT_EQ(other.get("/api/v1/publication-lists").json()->getArray("items")->size(), 0U);
    // B's own list of March has nothing of A's.
    auto own = produce(other, "2026-03-01", "2026-03-31");
    ASSERT_EQ(own.status, 201) << own.describe();
    EXPECT_EQ(own.json()->getArray("entries")->size(), 0U);
    EXPECT_EQ(own.json()->getArray("withheld")->size(), 0U) << own.body;
    EXPECT_EQ(other.get("/api/v1/samples/" + seeded.sample_number + "/platform-numbers").status, 404);
    auto export_b = other.get("/api/v1/platform-export/samples.csv?sampled_from=2026-03-01&sampled_to=2026-03-31");
    ASSERT_EQ(export_b.status, 200) << export_b.describe();
    EXPECT_EQ(export_b.body.find(seeded.sample_number), std::string::npos) << export_b.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, PublicationRoutes, lims::test::kBothBackends, lims::test::backendName);
