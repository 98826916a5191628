// GET /api/v1/coldchain/shipments/{id}/verdict names the range the trip was judged against,
// so that the receipt's chart draws that band instead of guessing it from the samples:
// 2–8 °C without a transport box; the box's own range once the shipment travels in one.
#include "route_recipes.hpp"
#include "test_service.hpp"

#include <gtest/gtest.h>

using lims::domain::Role;
using lims::test::Jurisdiction;
using lims::test::TestService;

TEST(TripRange, TheVerdictNamesTheRangeItJudgedAgainst) {
    TestService service;
    const auto shipment = lims::test::routeRecipes().at("/api/v1/coldchain/shipments/{id}/verdict").make(service, Jurisdiction::A).params.at("id");
    auto admin = service.as(TestService::kRootAdministrator);
    const std::string verdict = "/api/v1/coldchain/shipments/" + shipment + "/verdict?receipt_utc=1772413200";

    auto plain = admin.get(verdict);
    ASSERT_EQ(plain.status, 200) << plain.describe();
    auto range = plain.json()->getObject("range");
    ASSERT_TRUE(range) << plain.body;
    EXPECT_EQ(range->getValue<int>("min_centi_celsius"), 200) << plain.body;
    EXPECT_EQ(range->getValue<int>("max_centi_celsius"), 800) << plain.body;

    // A freezer box for frozen samples: −25 to −15 °C.
    const auto office = service.organisationId(TestService::office(Jurisdiction::A));
    auto box = admin.post("/api/v1/coldchain/storage-units",
                          R"({"code":"BOX-FZ-01","name":"冷冻运输箱1号","kind":"transport_box","storage_class":"frozen","org_id":)" +
                              std::to_string(office) + R"(,"min_centi_celsius":-2500,"max_centi_celsius":-1500})");
    ASSERT_EQ(box.status, 201) << box.describe();
    const auto boxId = box.json()->getValue<std::int64_t>("id");
    auto bound = admin.post("/api/v1/coldchain/shipments/" + shipment + "/transport-box",
                            R"({"storage_unit_id":)" + std::to_string(boxId) + R"(,"at_utc":1772409600})");
    ASSERT_EQ(bound.status, 204) << bound.describe();

    auto frozen = admin.get(verdict);
    ASSERT_EQ(frozen.status, 200) << frozen.describe();
    range = frozen.json()->getObject("range");
    ASSERT_TRUE(range) << frozen.body;
    EXPECT_EQ(range->getValue<int>("min_centi_celsius"), -2500) << frozen.body;
    EXPECT_EQ(range->getValue<int>("max_centi_celsius"), -1500) << frozen.body;
}
