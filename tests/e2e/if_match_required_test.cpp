// Issue 15 item 4: the changes that were unconditional (quarantine assign and discard, an
// alarm's acknowledgement, a logger's polling) need the record's version like every other
// change: without If-Match they are 428 and change nothing; another jurisdiction's record
// is still the missing record's 404; with the current version they go through.
#include "route_recipes.hpp"
#include "test_service.hpp"

#include "lims/api/json_text.hpp"

#include <Poco/JSON/Array.h>

#include <gtest/gtest.h>

using lims::domain::Role;
using lims::test::Jurisdiction;
using lims::test::RouteRecord;
using lims::test::TestService;

namespace {

class IfMatchRequired : public ::testing::Test {
protected:
    RouteRecord make(const std::string& pattern, Jurisdiction side) {
        return lims::test::routeRecipes().at(pattern).make(service, side);
    }
    static std::string path(const std::string& pattern, const RouteRecord& r) {
        return lims::test::fillPattern(pattern, r.params);
    }
    static std::string body(const RouteRecord& r) { return lims::api::toJsonText(r.body); }

    TestService service;
};

TEST_F(IfMatchRequired, QuarantineResolutionsNeedTheEntrysVersion) {
    auto analyst = service.as(TestService::username(Role::analyst, Jurisdiction::A));
    for (const char* pattern : {"/api/v1/quarantine/{id}/assign", "/api/v1/quarantine/{id}/discard"}) {
        const auto record = make(pattern, Jurisdiction::A);
        const std::string entry = "/api/v1/quarantine/" + record.params.at("id");
        auto missing = analyst.post(path(pattern, record), body(record));
        EXPECT_EQ(missing.status, 428) << pattern << ": " << missing.describe();
        auto unchanged = analyst.get(entry);
        ASSERT_EQ(unchanged.status, 200) << unchanged.describe();
        EXPECT_EQ(unchanged.json()->getValue<std::string>("state"), "open") << pattern;
        // Another jurisdiction's entry: 404 whether or not If-Match is there.
        const auto other = make(pattern, Jurisdiction::B);
        EXPECT_EQ(analyst.post(path(pattern, other), body(other)).status, 404) << pattern;
        EXPECT_EQ(analyst.post(path(pattern, other), body(other), {{"If-Match", "\"1\""}}).status, 404) << pattern;
    }
    const auto record = make("/api/v1/quarantine/{id}/discard", Jurisdiction::A);
    const std::string entry = "/api/v1/quarantine/" + record.params.at("id");
    const std::string etag = analyst.get(entry).header("etag");
    auto discarded = analyst.post(path("/api/v1/quarantine/{id}/discard", record), body(record), {{"If-Match", etag}});
    ASSERT_EQ(discarded.status, 200) << discarded.describe();
    EXPECT_EQ(discarded.json()->getValue<std::string>("state"), "discarded");
    EXPECT_TRUE(service.auditChainIntact());
}

TEST_F(IfMatchRequired, AlarmAcknowledgementNeedsTheAlarmsVersion) {
    const std::string pattern = "/api/v1/coldchain/alarms/{id}/acknowledgement";
    auto admin = service.as(TestService::username(Role::administrator, Jurisdiction::A));
    const auto record = make(pattern, Jurisdiction::A);
    auto missing = admin.post(path(pattern, record), body(record));
    EXPECT_EQ(missing.status, 428) << missing.describe();
    Poco::Int64 version = 0;
    bool acknowledged = true;
    auto alarms = admin.get("/api/v1/coldchain/alarms");
    ASSERT_EQ(alarms.status, 200) << alarms.describe();
    auto items = alarms.json()->getArray("items");
    for (std::size_t i = 0; i < items->size(); ++i) {
        auto a = items->getObject(static_cast<unsigned>(i));
        if (std::to_string(a->getValue<Poco::Int64>("id")) != record.params.at("id")) continue;
        version = a->getValue<Poco::Int64>("version");
        acknowledged = a->has("acknowledged_by");
    }
    ASSERT_GT(version, 0) << alarms.body;
    EXPECT_FALSE(acknowledged) << "the 428 acknowledged the alarm: " << alarms.body;
    const auto other = make(pattern, Jurisdiction::B);
    EXPECT_EQ(admin.post(path(pattern, other), body(other)).status, 404);
    auto done = admin.post(path(pattern, record), body(record), {{"If-Match", "\"" + std::to_string(version) + "\""}});
    EXPECT_EQ(done.status, 200) << done.describe();
}

TEST_F(IfMatchRequired, LoggerPollingNeedsIfMatchOrIfNoneMatchStar) {
    const std::string pattern = "/api/v1/coldchain/loggers/{id}/polling";
    auto admin = service.as(TestService::username(Role::administrator, Jurisdiction::A));
    auto record = make(pattern, Jurisdiction::A);  // settings exist (version 1)
    record.body->set("map_file", std::string(LIMS_SOURCE_DIR) + "/fixtures/messages/modbus/freezer_logger.json");
    record.body->set("point", "chamber_temperature");
    auto missing = admin.put(path(pattern, record), body(record));
    EXPECT_EQ(missing.status, 428) << missing.describe();
    EXPECT_NE(missing.body.find("If-None-Match"), std::string::npos) << missing.body;
    EXPECT_EQ(admin.put(path(pattern, record), body(record), {{"If-None-Match", "*"}}).status, 409);
    const auto other = make(pattern, Jurisdiction::B);
    EXPECT_EQ(admin.put(path(pattern, other), body(other)).status, 404);
    const std::string etag = admin.get(path(pattern, record)).header("etag");
    auto replaced = admin.put(path(pattern, record), body(record), {{"If-Match", etag}});
    ASSERT_EQ(replaced.status, 200) << replaced.describe();
    EXPECT_NE(replaced.header("etag"), etag);
}

}  // namespace
