// GET /api/v1/worklists/results: a test's newest result with its requirement, the value
// rounded to the line's digits and the item verdict, the raw message it came from; another
// jurisdiction's test is left out as if it did not exist; malformed ids are named.
#include "route_recipes.hpp"
#include "test_service.hpp"

#include <gtest/gtest.h>

using lims::domain::Role;
using lims::test::Jurisdiction;
using lims::test::TestService;

namespace {

std::string assayTestOf(TestService& service, Jurisdiction side) {
    // The review recipe: documents_seed's reported sample, shipped to the side's
    // laboratory, with its assay (90.0–110.0 %, one place) at 86.4 %.
    return lims::test::routeRecipes().at("/api/v1/tests/{id}").make(service, side).params.at("id");
}

}  // namespace

TEST(ResultRoutes, AResultComesWithItsRequirementRoundedValueAndVerdict) {
    TestService service;
    const auto own = assayTestOf(service, Jurisdiction::A);
    const auto other = assayTestOf(service, Jurisdiction::B);
    auto analyst = service.as(TestService::username(Role::analyst, Jurisdiction::A));
    auto reply = analyst.get("/api/v1/worklists/results?test_id=" + own + "," + other);
    ASSERT_EQ(reply.status, 200) << reply.describe();
    auto items = reply.json()->getArray("items");
    ASSERT_EQ(items->size(), 1U) << reply.body;  // jurisdiction B's test is not there
    auto item = items->getObject(0);
    EXPECT_EQ(item->getValue<std::string>("test_id"), own);
    EXPECT_EQ(item->getValue<std::string>("test_code"), "ASSAY");
    EXPECT_EQ(item->getValue<std::string>("item"), "含量测定");
    EXPECT_FALSE(item->getValue<std::string>("sample_number").empty());
    EXPECT_NE(item->getValue<std::string>("requirement").find("90.0"), std::string::npos) << reply.body;
    EXPECT_EQ(item->getValue<int>("decimal_places"), 1);
    EXPECT_EQ(item->getValue<std::string>("rounded"), "86.4");
    EXPECT_EQ(item->getValue<std::string>("verdict"), "does_not_conform");
    auto result = item->getObject("result");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->getValue<std::string>("value"), "86.4");
    EXPECT_EQ(result->getValue<std::string>("unit"), "%");
    EXPECT_EQ(result->getValue<std::string>("source"), "manual");
    EXPECT_TRUE(result->isNull("raw_message_id"));

    // Jurisdiction B's own analyst sees theirs.
    auto b = service.as(TestService::username(Role::analyst, Jurisdiction::B)).get("/api/v1/worklists/results?test_id=" + other);
    ASSERT_EQ(b.status, 200) << b.describe();
    EXPECT_EQ(b.json()->getArray("items")->size(), 1U);
}

TEST(ResultRoutes, IdsAreCheckedAndNamed) {
    TestService service;
    auto analyst = service.as(TestService::username(Role::analyst, Jurisdiction::A));
    auto missing = analyst.get("/api/v1/worklists/results");
    EXPECT_EQ(missing.status, 422) << missing.describe();
    auto bad = analyst.get("/api/v1/worklists/results?test_id=1,x7");
    ASSERT_EQ(bad.status, 422) << bad.describe();
    EXPECT_NE(bad.body.find("test_id[1]"), std::string::npos) << bad.body;
    auto unknownParam = analyst.get("/api/v1/worklists/results?test=1");
    EXPECT_EQ(unknownParam.status, 400) << unknownParam.describe();
    std::string many = "1";
    for (int i = 2; i <= 201; ++i) many += "," + std::to_string(i);
    auto tooMany = analyst.get("/api/v1/worklists/results?test_id=" + many);
    EXPECT_EQ(tooMany.status, 422) << tooMany.describe();
    auto nothing = analyst.get("/api/v1/worklists/results?test_id=999999");
    ASSERT_EQ(nothing.status, 200) << nothing.describe();
    EXPECT_EQ(nothing.json()->getArray("items")->size(), 0U);
    auto sampler = service.as(TestService::username(Role::sampler, Jurisdiction::A)).get("/api/v1/worklists/results?test_id=1");
    EXPECT_EQ(sampler.status, 403) << sampler.describe();
}
