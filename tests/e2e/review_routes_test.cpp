// The review routes over HTTP on the test harness: refusals come back as problems that
// say why (unknown record 404, missing If-Match 428, another role 403, a bad body 422),
// and a manual case lead opened by an enforcement officer lands in their unit.
#include "tests/support/route_recipes.hpp"
#include "tests/support/test_service.hpp"

#include <Poco/Data/Session.h>

namespace lims::test {
namespace {

using namespace Poco::Data::Keywords;
using domain::Role;

TEST(ReviewRoutes, RefusalsAreProblemsThatSayWhy) {
    TestService service;
    auto analyst = service.as(TestService::username(Role::analyst, Jurisdiction::A));
    auto missing = analyst.get("/api/v1/tests/999999");
    EXPECT_EQ(missing.status, 404) << missing.describe();
    EXPECT_EQ(missing.contentType.rfind("application/problem+json", 0), 0u) << missing.describe();

    // Existence and jurisdiction come before the precondition: an unknown test is a 404
    // with or without If-Match, as another jurisdiction's is (matrix_test.cpp).
    auto missing_post = analyst.post("/api/v1/tests/999999/results", std::string(R"({"value":"98.7","unit":"%"})"));
    EXPECT_EQ(missing_post.status, 404) << missing_post.describe();

    // The analyst's own laboratory's test (the matrix recipe) without If-Match: 428.
    const auto own = routeRecipes().at("/api/v1/tests/{id}/results").make(service, Jurisdiction::A);
    auto no_if_match = analyst.post(fillPattern("/api/v1/tests/{id}/results", own.params),
                                    std::string(R"({"value":"98.7","unit":"%"})"));
    EXPECT_EQ(no_if_match.status, 428) << no_if_match.describe();

    auto bad_body = analyst.post("/api/v1/tests/1/review", std::string(R"({"decision":"maybe"})"), {{"If-Match", "\"1\""}});
    EXPECT_EQ(bad_body.status, 422) << bad_body.describe();

    auto wrong_role = service.as(TestService::username(Role::sampler, Jurisdiction::A))
                          .post("/api/v1/tests/1/verify", std::string(R"({"password":"x"})"), {{"If-Match", "\"1\""}});
    EXPECT_EQ(wrong_role.status, 403) << wrong_role.describe();

    auto worklist = analyst.get("/api/v1/worklists/tests");
    EXPECT_EQ(worklist.status, 200) << worklist.describe();
}

TEST(ReviewRoutes, AnOfficerOpensAManualLeadForTheirUnitAndDeclineNeedsAReason) {
    TestService service;
    const auto unit = service.organisation(TestService::enforcementUnit(Jurisdiction::A));
    std::int64_t entity = 0;
    {
        auto session = service.database()->connect();
        Poco::Int64 id = 0;
        const std::string at = "2026-11-23T00:00:00.000Z";
        session.session() << "INSERT INTO regulated_entities (name, kind, jurisdiction_org_id, region_code, created_at, "
                             "updated_at) VALUES ('某药房', 'pharmacy', $1, $2, $3, $4) RETURNING id",
            bind(unit.id), bind(unit.region_code), bind(at), bind(at), into(id), now;
        entity = id;
    }
    auto officer = service.as(TestService::username(Role::enforcement_officer, Jurisdiction::A));
    auto unknown = officer.post("/api/v1/case-leads",
                                std::string(R"({"subject_entity_id":987654,"summary":"complaint"})"));
    EXPECT_EQ(unknown.status, 404) << unknown.describe();

    auto opened = officer.post("/api/v1/case-leads", std::string(R"({"subject_entity_id":)") + std::to_string(entity) +
                                                         R"(,"summary":"投诉","complaint_reference":"12315-42"})");
    ASSERT_EQ(opened.status, 201) << opened.describe();
    const auto number = opened.json()->getValue<std::string>("number");
    EXPECT_EQ(opened.json()->getValue<Poco::Int64>("assigned_org_id"), unit.id);

    auto accepted = officer.post("/api/v1/case-leads/" + number + "/steps", std::string(R"({"action":"accept"})"),
                                 {{"If-Match", opened.header("etag")}});
    ASSERT_EQ(accepted.status, 200) << accepted.describe();
    auto investigating = officer.post("/api/v1/case-leads/" + number + "/steps",
                                      std::string(R"({"action":"investigate"})"), {{"If-Match", accepted.header("etag")}});
    ASSERT_EQ(investigating.status, 200) << investigating.describe();
    auto no_reason = officer.post("/api/v1/case-leads/" + number + "/steps",
                                  std::string(R"({"action":"decline","approval":"局长批准"})"),
                                  {{"If-Match", investigating.header("etag")}});
    EXPECT_EQ(no_reason.status, 422) << no_reason.describe();
    EXPECT_NE(no_reason.body.find("reason"), std::string::npos) << no_reason.describe();
    auto stale = officer.post("/api/v1/case-leads/" + number + "/steps", std::string(R"({"action":"investigate"})"),
                              {{"If-Match", accepted.header("etag")}});
    EXPECT_EQ(stale.status, 409) << stale.describe();
}

}  // namespace
}  // namespace lims::test
