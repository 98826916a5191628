// Who reads a sample's evidence files, through the API on SQLite and PostgreSQL: the office
// that registered the sample (its sampler attaches a photo), and the enforcement unit that
// holds a case lead opened on that sample (it verifies the lead with the sampling evidence,
// though the sample is the office's); another jurisdiction's enforcement unit, which holds
// no lead on it, learns nothing, and the lead's unit still cannot attach to the sample.
#include "test_service.hpp"

#include "tests/unit/workflow/documents_seed.hpp"

#include "lims/domain/text/sha256.hpp"

#include <Poco/Base64Encoder.h>

#include <gtest/gtest.h>

#include <sstream>

namespace seed = lims::test::documents_seed;
using lims::domain::Role;
using lims::test::Backend;
using lims::test::Jurisdiction;
using lims::test::TestService;

namespace {

std::string base64(const std::string& bytes) {
    std::ostringstream out;
    Poco::Base64Encoder enc(out);
    enc.rdbuf()->setLineLength(0);
    enc << bytes;
    enc.close();
    return out.str();
}

class EvidenceAccess : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        service = std::make_unique<TestService>(TestService::Options{.backend = GetParam()});
        // documents_seed's reported sample, registered by its own office under bureau A; its
        // case leads held by enforcement unit A (not in the office's subtree).
        const auto bureau = service->organisation(TestService::bureau(Jurisdiction::A));
        auto& db = *service->database();
        orgs = seed::seed_organisations(db, "EVD", bureau.id, bureau.path);
        seeded = seed::seed_documents(db, orgs, "EVD");
        const auto unit = service->organisationId(TestService::enforcementUnit(Jurisdiction::A));
        seed::exec(db, "UPDATE case_leads SET assigned_org_id = " + seed::n(unit) + " WHERE number LIKE 'XS-EVD-%'");
        service->addUser("sampler_evd", "EVD-OFFICE", {"sampler"});
    }

    std::unique_ptr<TestService> service;
    seed::Orgs orgs;
    seed::Seeded seeded;
};

}  // namespace

TEST_P(EvidenceAccess, TheUnitHoldingALeadOnTheSampleReadsItsEvidenceAndNobodyElseDoes) {
    const std::string at = "/api/v1/samples/" + seeded.sample_number + "/attachments";
    const std::string photo = std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", 11) + "shelf" + "\xFF\xD9";
    auto sampler = service->as("sampler_evd");
    auto up = sampler.post(at, R"({"purpose":"on_site_photo","file_name":"货架.jpg","content_base64":")" + base64(photo) +
                                   R"("})");
    ASSERT_EQ(up.status, 201) << up.describe();
    const std::string sha = lims::domain::sha256_hex(photo);

    // The lead's unit reads the list and the file, as a download.
    auto officer = service->as(TestService::username(Role::enforcement_officer, Jurisdiction::A));
    auto list = officer.get(at);
    ASSERT_EQ(list.status, 200) << list.describe();
    ASSERT_EQ(list.json()->getArray("items")->size(), 1U) << list.body;
    EXPECT_EQ(list.json()->getArray("items")->getObject(0)->getValue<std::string>("sha256"), sha);
    auto file = officer.get(at + "/" + sha);
    ASSERT_EQ(file.status, 200) << file.describe();
    EXPECT_EQ(file.body, photo);
    EXPECT_EQ(file.header("content-disposition").rfind("attachment;", 0), 0U) << file.header("content-disposition");
    // Reading is not attaching: the sample's purposes are the sampler's and the receiver's.
    auto attach = officer.post(at, R"({"purpose":"on_site_photo","content_base64":")" + base64(photo) + R"("})");
    EXPECT_NE(attach.status, 201) << attach.describe();

    // Another side's enforcement unit holds no lead on it: the sample does not exist for it.
    auto other = service->as(TestService::username(Role::enforcement_officer, Jurisdiction::B));
    EXPECT_EQ(other.get(at).status, 404);
    EXPECT_EQ(other.get(at + "/" + sha).status, 404);

    // With its leads moved to side B's unit, side A's unit reads nothing any more.
    const auto unit_b = service->organisationId(TestService::enforcementUnit(Jurisdiction::B));
    seed::exec(*service->database(),
               "UPDATE case_leads SET assigned_org_id = " + seed::n(unit_b) + " WHERE number LIKE 'XS-EVD-%'");
    EXPECT_EQ(officer.get(at).status, 404);
    EXPECT_EQ(other.get(at).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, EvidenceAccess, lims::test::kBothBackends, lims::test::backendName);
