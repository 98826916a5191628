// The review routes over HTTP on the test harness: refusals come back as problems that
// say why (unknown record 404, missing If-Match 428, another role 403, a bad body 422),
// and a manual case lead opened by an enforcement officer lands in their unit; the list
// routes (worklist, notices, case leads) show the caller's whole subtree and nothing of
// another jurisdiction, on SQLite and PostgreSQL.
#include "tests/support/route_recipes.hpp"
#include "tests/support/test_service.hpp"

#include <Poco/Data/Session.h>

#include <algorithm>
#include <set>

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
    // A body id is a field: an unknown entity is refused as subject_entity_id, exactly like
    // another unit's (tests/e2e/matrix_test.cpp).
    auto unknown = officer.post("/api/v1/case-leads",
                                std::string(R"({"subject_entity_id":987654,"summary":"complaint"})"));
    EXPECT_EQ(unknown.status, 422) << unknown.describe();
    EXPECT_NE(unknown.body.find("subject_entity_id"), std::string::npos) << unknown.describe();

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

// The records of one jurisdiction's reported sample (the review recipes: documents_seed's
// sample under the side's bureau, shipped to its laboratory, leads assigned to its
// enforcement unit, notices to a bureau and an office of its own below the city bureau).
struct SideRecords {
    std::string notice_id;            // to an office two levels below the city bureau
    std::set<std::string> lead_numbers;
    std::string open_test_id;         // set back to "pending" so that it is on the worklist
};

SideRecords recordsOf(TestService& service, Jurisdiction side) {
    SideRecords r;
    r.notice_id = routeRecipes().at("/api/v1/notices/{id}/acknowledge").make(service, side).params.at("id");
    auto session = service.rawSession();
    Poco::Int64 sample = 0;
    session << "SELECT sample_id FROM notices WHERE id = " + r.notice_id, into(sample), now;
    std::vector<std::string> leads;
    session << "SELECT number FROM case_leads WHERE sample_id = $1", use(sample), into(leads), now;
    r.lead_numbers.insert(leads.begin(), leads.end());
    Poco::Int64 test = 0;
    session << "SELECT min(id) FROM tests WHERE sample_id = $1", use(sample), into(test), now;
    session << "UPDATE tests SET state = 'pending' WHERE id = $1", use(test), now;
    r.open_test_id = std::to_string(test);
    return r;
}

// The string form of `key` in each item of a list answer ({"items": [...]}).
std::set<std::string> listed(const HttpReply& reply, const std::string& key) {
    std::set<std::string> out;
    auto body = reply.json();
    if (!body || !body->has("items")) return out;
    auto items = body->getArray("items");
    for (std::size_t i = 0; i < items->size(); ++i) out.insert(items->getObject(i)->get(key).toString());
    return out;
}

bool includesAll(const std::set<std::string>& have, const std::set<std::string>& want) {
    return std::includes(have.begin(), have.end(), want.begin(), want.end());
}
bool includesNone(const std::set<std::string>& have, const std::set<std::string>& unwanted) {
    return std::none_of(unwanted.begin(), unwanted.end(), [&](const auto& x) { return have.count(x) > 0; });
}

class ReviewLists : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        service = std::make_unique<TestService>(TestService::Options{.backend = GetParam()});
        a = recordsOf(*service, Jurisdiction::A);
        b = recordsOf(*service, Jurisdiction::B);
    }

    HttpReply list(Role role, Jurisdiction side, const std::string& target) {
        auto reply = service->as(TestService::username(role, side)).get(target);
        EXPECT_EQ(reply.status, 200) << target << " as " << TestService::username(role, side) << ": " << reply.describe();
        return reply;
    }

    std::unique_ptr<TestService> service;
    SideRecords a, b;
};

TEST_P(ReviewLists, NoticesOfTheWholeSubtreeAndNoneOfAnotherJurisdiction) {
    // The notice goes to an office below BUREAU-A: the city bureau's viewer sees it (it
    // used to see only notices addressed to BUREAU-A itself).
    for (Role role : {Role::bureau_viewer, Role::administrator, Role::planner}) {
        const auto seen_by_a = listed(list(role, Jurisdiction::A, "/api/v1/notices"), "id");
        EXPECT_TRUE(seen_by_a.count(a.notice_id)) << domain::to_string(role) << " of A misses A's notice";
        EXPECT_FALSE(seen_by_a.count(b.notice_id)) << domain::to_string(role) << " of A sees B's notice";
        const auto seen_by_b = listed(list(role, Jurisdiction::B, "/api/v1/notices"), "id");
        EXPECT_TRUE(seen_by_b.count(b.notice_id)) << domain::to_string(role) << " of B misses B's notice";
        EXPECT_FALSE(seen_by_b.count(a.notice_id)) << domain::to_string(role) << " of B sees A's notice";
    }
    // An organisation outside the subtree (LAB-A's signatory is a sibling of the office): none.
    const auto lab = listed(list(Role::signatory, Jurisdiction::A, "/api/v1/notices"), "id");
    EXPECT_FALSE(lab.count(a.notice_id));
    EXPECT_FALSE(lab.count(b.notice_id));
    // The province sees both.
    auto province = service->as(TestService::kRootAdministrator).get("/api/v1/notices");
    EXPECT_TRUE(includesAll(listed(province, "id"), {a.notice_id, b.notice_id})) << province.describe();
}

TEST_P(ReviewLists, CaseLeadsOfTheWholeSubtreeAndNoneOfAnotherJurisdiction) {
    ASSERT_FALSE(a.lead_numbers.empty());
    ASSERT_FALSE(b.lead_numbers.empty());
    for (Role role : {Role::administrator, Role::enforcement_officer}) {
        // Administrators of a city bureau used to see every lead of the province.
        const auto seen_by_a = listed(list(role, Jurisdiction::A, "/api/v1/case-leads?limit=200"), "number");
        EXPECT_TRUE(includesAll(seen_by_a, a.lead_numbers)) << domain::to_string(role) << " of A misses A's leads";
        EXPECT_TRUE(includesNone(seen_by_a, b.lead_numbers)) << domain::to_string(role) << " of A sees B's leads";
        const auto seen_by_b = listed(list(role, Jurisdiction::B, "/api/v1/case-leads?limit=200"), "number");
        EXPECT_TRUE(includesAll(seen_by_b, b.lead_numbers)) << domain::to_string(role) << " of B misses B's leads";
        EXPECT_TRUE(includesNone(seen_by_b, a.lead_numbers)) << domain::to_string(role) << " of B sees A's leads";
    }
    auto province = service->as(TestService::kRootAdministrator).get("/api/v1/case-leads?limit=200");
    EXPECT_TRUE(includesAll(listed(province, "number"), a.lead_numbers)) << province.describe();
    EXPECT_TRUE(includesAll(listed(province, "number"), b.lead_numbers)) << province.describe();
}

TEST_P(ReviewLists, TheWorklistHoldsTheLaboratorysOwnTestsOnly) {
    for (Role role : {Role::analyst, Role::reviewer, Role::signatory}) {
        // The worklist used to list every laboratory's open tests.
        const auto seen_by_a = listed(list(role, Jurisdiction::A, "/api/v1/worklists/tests?limit=200"), "id");
        EXPECT_TRUE(seen_by_a.count(a.open_test_id)) << domain::to_string(role) << " of A misses A's test";
        EXPECT_FALSE(seen_by_a.count(b.open_test_id)) << domain::to_string(role) << " of A sees B's test";
        const auto seen_by_b = listed(list(role, Jurisdiction::B, "/api/v1/worklists/tests?limit=200"), "id");
        EXPECT_TRUE(seen_by_b.count(b.open_test_id)) << domain::to_string(role) << " of B misses B's test";
        EXPECT_FALSE(seen_by_b.count(a.open_test_id)) << domain::to_string(role) << " of B sees A's test";
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, ReviewLists, kBothBackends, backendName);

}  // namespace
}  // namespace lims::test
