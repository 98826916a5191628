// GET /api/v1/sampling-plans: the plans a caller may see, newest first, with their quota
// lines' totals; another bureau's plans are left out; an office sees the plans with a quota
// line for it; keyset pages; ?year= and ?state= filters; bad parameters named.
#include "test_service.hpp"

#include <gtest/gtest.h>

using lims::domain::Role;
using lims::test::Jurisdiction;
using lims::test::TestService;

namespace {

std::string planBody(const std::string& code, int year, std::int64_t office, int quantity) {
    const std::string y = std::to_string(year);
    return R"({"code":")" + code + R"(","title":")" + y + R"(年药品质量监督抽检计划","year":)" + y +
           R"(,"starts_on":")" + y + R"(-01-01","ends_on":")" + y + R"(-12-31","quotas":[{"office_id":)" +
           std::to_string(office) + R"(,"category":"drug","focus":"集采中选药品","quantity":)" + std::to_string(quantity) +
           R"(,"due_on":")" + y + R"(-11-30"}]})";
}

std::vector<std::string> codesOf(const lims::test::HttpReply& reply) {
    std::vector<std::string> out;
    auto items = reply.json()->getArray("items");
    for (std::size_t i = 0; i < items->size(); ++i) out.push_back(items->getObject(static_cast<unsigned>(i))->getValue<std::string>("code"));
    return out;
}

struct Plans {
    TestService service;
    Plans() {
        auto a = service.as(TestService::username(Role::planner, Jurisdiction::A));
        auto b = service.as(TestService::username(Role::planner, Jurisdiction::B));
        const auto officeA = service.organisationId(TestService::office(Jurisdiction::A));
        const auto officeB = service.organisationId(TestService::office(Jurisdiction::B));
        for (const auto& [client, body] : std::vector<std::pair<lims::test::HttpClient*, std::string>>{
                 {&a, planBody("A-2029", 2029, officeA, 12)},
                 {&a, planBody("A-2030", 2030, officeA, 20)},
                 {&b, planBody("B-2030", 2030, officeB, 7)}}) {
            auto created = client->post("/api/v1/sampling-plans", body);
            if (created.status != 201) throw std::runtime_error("plan: " + created.describe());
        }
    }
};

}  // namespace

TEST(PlanListRoutes, APlannerSeesTheBureausPlansNewestFirstWithTotals) {
    Plans plans;
    auto planner = plans.service.as(TestService::username(Role::planner, Jurisdiction::A));
    auto reply = planner.get("/api/v1/sampling-plans");
    ASSERT_EQ(reply.status, 200) << reply.describe();
    EXPECT_EQ(codesOf(reply), (std::vector<std::string>{"A-2030", "A-2029"})) << reply.body;  // not B's
    auto first = reply.json()->getArray("items")->getObject(0);
    EXPECT_EQ(first->getValue<std::string>("title"), "2030年药品质量监督抽检计划");
    EXPECT_EQ(first->getValue<std::string>("state"), "draft");
    EXPECT_EQ(first->getValue<int>("year"), 2030);
    EXPECT_EQ(first->getValue<std::string>("starts_on"), "2030-01-01");
    EXPECT_EQ(first->getValue<int>("quota_lines"), 1);
    EXPECT_EQ(first->getValue<int>("quantity"), 20);
    EXPECT_EQ(first->getValue<int>("registered"), 0);
    EXPECT_TRUE(reply.json()->isNull("next_cursor"));

    // Planner B sees only B's; an office's sampler sees the plans with a line for it; the
    // bureau's viewer sees the bureau's.
    auto b = plans.service.as(TestService::username(Role::planner, Jurisdiction::B)).get("/api/v1/sampling-plans");
    ASSERT_EQ(b.status, 200) << b.describe();
    EXPECT_EQ(codesOf(b), (std::vector<std::string>{"B-2030"}));
    auto sampler = plans.service.as(TestService::username(Role::sampler, Jurisdiction::A)).get("/api/v1/sampling-plans");
    ASSERT_EQ(sampler.status, 200) << sampler.describe();
    EXPECT_EQ(codesOf(sampler), (std::vector<std::string>{"A-2030", "A-2029"}));
    auto viewer = plans.service.as(TestService::username(Role::bureau_viewer, Jurisdiction::B)).get("/api/v1/sampling-plans");
    ASSERT_EQ(viewer.status, 200) << viewer.describe();
    EXPECT_EQ(codesOf(viewer), (std::vector<std::string>{"B-2030"}));
    // Who does not read plans.
    auto receiver = plans.service.as(TestService::username(Role::receiver, Jurisdiction::A)).get("/api/v1/sampling-plans");
    EXPECT_EQ(receiver.status, 403) << receiver.describe();
}

TEST(PlanListRoutes, PagesAndFilters) {
    Plans plans;
    auto planner = plans.service.as(TestService::username(Role::planner, Jurisdiction::A));
    auto page1 = planner.get("/api/v1/sampling-plans?limit=1");
    ASSERT_EQ(page1.status, 200) << page1.describe();
    EXPECT_EQ(codesOf(page1), (std::vector<std::string>{"A-2030"}));
    ASSERT_FALSE(page1.json()->isNull("next_cursor")) << page1.body;
    auto page2 = planner.get("/api/v1/sampling-plans?limit=1&cursor=" + page1.json()->getValue<std::string>("next_cursor"));
    ASSERT_EQ(page2.status, 200) << page2.describe();
    EXPECT_EQ(codesOf(page2), (std::vector<std::string>{"A-2029"}));
    EXPECT_TRUE(page2.json()->isNull("next_cursor")) << page2.body;

    auto year = planner.get("/api/v1/sampling-plans?year=2029");
    ASSERT_EQ(year.status, 200) << year.describe();
    EXPECT_EQ(codesOf(year), (std::vector<std::string>{"A-2029"}));
    auto plan = planner.get("/api/v1/sampling-plans/A-2029");
    ASSERT_EQ(plan.status, 200) << plan.describe();
    auto published = planner.post("/api/v1/sampling-plans/A-2029/publish", "", {{"If-Match", plan.header("etag")}});
    ASSERT_EQ(published.status, 200) << published.describe();
    auto state = planner.get("/api/v1/sampling-plans?state=published");
    ASSERT_EQ(state.status, 200) << state.describe();
    EXPECT_EQ(codesOf(state), (std::vector<std::string>{"A-2029"}));
    auto drafts = planner.get("/api/v1/sampling-plans?state=draft");
    EXPECT_EQ(codesOf(drafts), (std::vector<std::string>{"A-2030"}));

    auto badState = planner.get("/api/v1/sampling-plans?state=open");
    EXPECT_EQ(badState.status, 422) << badState.describe();
    EXPECT_NE(badState.body.find("\"state\""), std::string::npos) << badState.body;
    auto badYear = planner.get("/api/v1/sampling-plans?year=20x9");
    EXPECT_EQ(badYear.status, 422) << badYear.describe();
    EXPECT_NE(badYear.body.find("\"year\""), std::string::npos) << badYear.body;
    auto badCursor = planner.get("/api/v1/sampling-plans?cursor=bm90LWEtY3Vyc29y");
    EXPECT_EQ(badCursor.status, 422) << badCursor.describe();
    auto unknown = planner.get("/api/v1/sampling-plans?office=1");
    EXPECT_EQ(unknown.status, 400) << unknown.describe();
}
