// GET /api/v1/regions: the one list of region names, which the screens compose names from
// (lims/web/src/util/regions.ts) as the figures do (domain/identifiers/region_names.hpp).
#include "test_service.hpp"

#include "lims/api/json_text.hpp"
#include "lims/domain/identifiers/region_names.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

using lims::domain::Role;
using lims::test::Jurisdiction;
using lims::test::TestService;

namespace {

TEST(RegionRoutes, EveryPersonReadsTheWholeListTheFiguresAreNamedWith) {
    TestService service;
    auto sampler = service.as(TestService::username(Role::sampler, Jurisdiction::A));
    auto reply = sampler.get("/api/v1/regions");
    ASSERT_EQ(reply.status, 200) << reply.describe();
    EXPECT_EQ(reply.header("cache-control"), "private, max-age=86400");
    auto items = reply.json()->getArray("items");
    ASSERT_EQ(items->size(), lims::domain::detail::kRegionNameCount);
    std::map<std::string, std::string> names;
    for (std::size_t i = 0; i < items->size(); ++i) {
        auto item = items->getObject(static_cast<unsigned>(i));
        names[item->getValue<std::string>("code")] = item->getValue<std::string>("name");
    }
    EXPECT_EQ(names.size(), items->size()) << "a code listed twice";
    // What a screen composes 上海市浦东新区 and 浙江省杭州市西湖区 from.
    EXPECT_EQ(names.at("31"), "上海市");
    EXPECT_EQ(names.at("3101"), "市辖区");
    EXPECT_EQ(names.at("310115"), "浦东新区");
    EXPECT_EQ(names.at("3301"), "杭州市");
    EXPECT_EQ(names.at("330106"), "西湖区");
    EXPECT_EQ(names.at("82"), "澳门特别行政区");
    EXPECT_EQ(lims::domain::region_name("310115"), "上海市浦东新区");
    EXPECT_NE(reply.json()->getValue<std::string>("source").find("2023"), std::string::npos);
}

TEST(RegionRoutes, NobodyReadsItWithoutSigningIn) {
    TestService service;
    auto reply = service.anonymous().get("/api/v1/regions");
    EXPECT_EQ(reply.status, 401) << reply.describe();
}

}  // namespace
