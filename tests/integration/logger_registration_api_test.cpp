// Loggers as configured data through the API: an administrator registers a logger with
// its polling (register map by file or in-line, checked at once), lists the loggers of the
// jurisdiction page by page, reads one with its placement and polling, and changes it with
// If-Match. Bad input of every kind is refused naming the field, and writes nothing.
#include "test_service.hpp"

#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

namespace lims::test {
namespace {

using domain::Role;

const std::string kMapFile = std::string(LIMS_SOURCE_DIR) + "/fixtures/messages/modbus/freezer_logger.json";

Poco::JSON::Object::Ptr parse(const std::string& json) {
    Poco::JSON::Parser parser;
    return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

class LoggerRegistrationApi : public ::testing::Test {
protected:
    void SetUp() override {
        service = std::make_unique<TestService>();
        admin = service->as(TestService::username(Role::administrator, Jurisdiction::A));
        adminB = service->as(TestService::username(Role::administrator, Jurisdiction::B));
        // The office's sampler: same jurisdiction as the loggers, not an administrator.
        sampler = service->as(TestService::username(Role::sampler, Jurisdiction::A));
    }

    static Poco::JSON::Object::Ptr logger(const std::string& serial, Poco::JSON::Object::Ptr polling = nullptr) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("serial", serial);
        o->set("model", "FL-20");
        o->set("organisation_code", TestService::kOfficeA1);
        if (polling) o->set("polling", polling);
        return o;
    }

    static Poco::JSON::Object::Ptr polling(const std::string& map_file = kMapFile) {
        Poco::JSON::Object::Ptr p = new Poco::JSON::Object;
        p->set("transport", "modbus_tcp");
        p->set("address", "127.0.0.1:1502");
        p->set("unit_id", 3);
        if (!map_file.empty()) p->set("map_file", map_file);
        p->set("point", "chamber_temperature");
        p->set("interval_seconds", 30);
        p->set("timeout_ms", 800);
        p->set("retries", 1);
        return p;
    }

    static Poco::JSON::Object::Ptr inlineMap() {
        return parse(R"({"name": "TH-20", "points": [
            {"name": "temperature", "function": "holding_registers", "address": 0, "type": "int16",
             "scale": 0.1, "unit": "Cel", "fault_values": [-32768]},
            {"name": "battery", "function": "input_registers", "address": 10, "type": "uint16", "unit": "%"}]})");
    }

    static std::string errorFor(const HttpReply& reply, const std::string& field) {
        if (!reply.json() || !reply.json()->has("errors")) return "";
        auto errors = reply.json()->getArray("errors");
        for (std::size_t i = 0; i < errors->size(); ++i) {
            auto e = errors->getObject(static_cast<unsigned>(i));
            if (e->getValue<std::string>("field") == field) return e->getValue<std::string>("problem");
        }
        return "";
    }

    std::size_t listed(const HttpClient& who) {
        auto r = who.get("/api/v1/coldchain/loggers?limit=500");
        EXPECT_EQ(r.status, 200) << r.describe();
        return r.json() ? r.json()->getArray("items")->size() : 0;
    }

    std::unique_ptr<TestService> service;
    HttpClient admin{0}, adminB{0}, sampler{0};
};

TEST_F(LoggerRegistrationApi, RegisteredWithPollingByFileAndReadBack) {
    auto created = admin.post("/api/v1/coldchain/loggers", logger("FL-0001", polling()));
    ASSERT_EQ(created.status, 201) << created.describe();
    const auto id = created.json()->getValue<Poco::Int64>("id");
    EXPECT_EQ(created.header("location"), "/api/v1/coldchain/loggers/" + std::to_string(id));
    EXPECT_EQ(created.header("etag"), "\"1\"");
    EXPECT_EQ(created.json()->getValue<std::string>("serial"), "FL-0001");
    EXPECT_EQ(created.json()->getValue<std::string>("model"), "FL-20");
    EXPECT_EQ(created.json()->getValue<std::string>("organisation_code"), TestService::kOfficeA1);
    EXPECT_TRUE(created.json()->isNull("placement"));

    auto got = admin.get("/api/v1/coldchain/loggers/" + std::to_string(id));
    ASSERT_EQ(got.status, 200) << got.describe();
    auto p = got.json()->getObject("polling");
    ASSERT_TRUE(p) << got.body;
    EXPECT_EQ(p->getValue<std::string>("address"), "127.0.0.1:1502");
    EXPECT_EQ(p->getValue<int>("unit_id"), 3);
    EXPECT_EQ(p->getValue<std::string>("map_file"), kMapFile);
    EXPECT_EQ(p->getValue<int>("interval_seconds"), 30);
    EXPECT_EQ(p->getValue<int>("timeout_ms"), 800);
    EXPECT_EQ(p->getValue<int>("retries"), 1);
    // The polling route reads the same settings (its use case, not a copy).
    auto polled = admin.get("/api/v1/coldchain/loggers/" + std::to_string(id) + "/polling");
    ASSERT_EQ(polled.status, 200) << polled.describe();
    EXPECT_EQ(polled.json()->getValue<std::string>("logger"), "FL-0001");

    // People who are not administrators see the logger and its placement, not its polling.
    auto seen = sampler.get("/api/v1/coldchain/loggers/" + std::to_string(id));
    ASSERT_EQ(seen.status, 200) << seen.describe();
    EXPECT_FALSE(seen.json()->has("polling")) << seen.body;
    EXPECT_EQ(sampler.post("/api/v1/coldchain/loggers", logger("FL-NOPE")).status, 403);
    EXPECT_TRUE(service->auditChainIntact());
}

TEST_F(LoggerRegistrationApi, RegisteredWithAnInlineRegisterMapOrWithoutPolling) {
    auto p = polling("");
    p->set("register_map", inlineMap());
    p->set("point", "temperature");
    auto created = admin.post("/api/v1/coldchain/loggers", logger("TH-0001", p));
    ASSERT_EQ(created.status, 201) << created.describe();
    auto map = created.json()->getObject("polling")->getObject("register_map");
    ASSERT_TRUE(map) << created.body;
    EXPECT_EQ(map->getArray("points")->size(), 2u);
    EXPECT_EQ(created.json()->getObject("polling")->getValue<std::string>("map_file"), "");

    auto bare = admin.post("/api/v1/coldchain/loggers", logger("TH-0002"));
    ASSERT_EQ(bare.status, 201) << bare.describe();
    EXPECT_TRUE(bare.json()->isNull("polling"));
    const auto id = bare.json()->getValue<Poco::Int64>("id");
    EXPECT_EQ(admin.get("/api/v1/coldchain/loggers/" + std::to_string(id) + "/polling").status, 404);

    // The polling route takes an in-line map too, checked the same way.
    auto q = polling("");
    auto bad = inlineMap();
    bad->getArray("points")->getObject(0)->set("type", "int24");
    q->set("register_map", bad);
    q->set("point", "temperature");
    // Its first settings need If-None-Match: * (issue 15 item 4: never unconditional).
    EXPECT_EQ(admin.put("/api/v1/coldchain/loggers/" + std::to_string(id) + "/polling", q).status, 428);
    const lims::test::Headers first{{"If-None-Match", "*"}};
    auto refused = admin.put("/api/v1/coldchain/loggers/" + std::to_string(id) + "/polling", q, first);
    ASSERT_EQ(refused.status, 422) << refused.describe();
    EXPECT_NE(errorFor(refused, "register_map.points[0].type").find("\"int24\" is not boolean"), std::string::npos)
        << refused.body;
    q->set("register_map", inlineMap());
    auto set = admin.put("/api/v1/coldchain/loggers/" + std::to_string(id) + "/polling", q, first);
    ASSERT_EQ(set.status, 200) << set.describe();
    EXPECT_TRUE(set.json()->has("register_map")) << set.body;
}

TEST_F(LoggerRegistrationApi, BadRegistrationsAreRefusedNamingTheFieldAndWriteNothing) {
    ASSERT_EQ(admin.post("/api/v1/coldchain/loggers", logger("FL-TAKEN")).status, 201);
    const auto before = listed(admin);

    auto taken = admin.post("/api/v1/coldchain/loggers", logger("FL-TAKEN"));
    EXPECT_EQ(taken.status, 409) << taken.describe();

    auto elsewhere = logger("FL-ELSEWHERE");
    elsewhere->set("organisation_code", TestService::kOfficeB1);
    auto outside = admin.post("/api/v1/coldchain/loggers", elsewhere);
    EXPECT_EQ(outside.status, 422) << outside.describe();
    EXPECT_NE(errorFor(outside, "organisation_code"), "") << outside.body;

    const std::string absent = std::string(LIMS_SOURCE_DIR) + "/fixtures/messages/modbus/nonexistent.json";
    auto missing = admin.post("/api/v1/coldchain/loggers", logger("FL-NOMAP", polling(absent)));
    EXPECT_EQ(missing.status, 422) << missing.describe();
    EXPECT_NE(errorFor(missing, "polling.map_file").find("cannot read " + absent), std::string::npos) << missing.body;

    auto invalid = admin.post(
        "/api/v1/coldchain/loggers",
        logger("FL-INVALID", polling(std::string(LIMS_SOURCE_DIR) + "/fixtures/messages/modbus/invalid_map.json")));
    EXPECT_EQ(invalid.status, 422) << invalid.describe();
    EXPECT_NE(errorFor(invalid, "polling.map_file").find("invalid_map.json is not a usable register map: "),
              std::string::npos)
        << invalid.body;

    auto point = polling();
    point->set("point", "door_switch");
    auto noPoint = admin.post("/api/v1/coldchain/loggers", logger("FL-POINT", point));
    EXPECT_EQ(noPoint.status, 422) << noPoint.describe();
    EXPECT_NE(errorFor(noPoint, "polling.point").find("no point \"door_switch\""), std::string::npos) << noPoint.body;

    auto both = polling();
    both->set("register_map", inlineMap());
    auto twoMaps = admin.post("/api/v1/coldchain/loggers", logger("FL-BOTH", both));
    EXPECT_EQ(twoMaps.status, 422) << twoMaps.describe();
    EXPECT_NE(errorFor(twoMaps, "polling.map_file").find("exactly one"), std::string::npos) << twoMaps.body;
    auto noMap = admin.post("/api/v1/coldchain/loggers", logger("FL-NONE", polling("")));
    EXPECT_EQ(noMap.status, 422) << noMap.describe();

    auto celsius = polling("");
    auto humidityOnly = parse(R"({"points": [{"name": "humidity", "function": "holding_registers", "address": 2,
                                              "type": "uint16", "scale": 0.1, "unit": "%RH"}]})");
    celsius->set("register_map", humidityOnly);
    celsius->remove("point");
    auto noCelsius = admin.post("/api/v1/coldchain/loggers", logger("FL-RH", celsius));
    EXPECT_EQ(noCelsius.status, 422) << noCelsius.describe();
    EXPECT_NE(errorFor(noCelsius, "polling.point").find("no point in Cel"), std::string::npos) << noCelsius.body;

    auto address = polling();
    address->set("address", "no-port-here");
    auto badAddress = admin.post("/api/v1/coldchain/loggers", logger("FL-ADDR", address));
    EXPECT_EQ(badAddress.status, 422) << badAddress.describe();
    EXPECT_NE(badAddress.body.find("no-port-here"), std::string::npos) << badAddress.body;

    auto unit = polling();
    unit->set("unit_id", 248);
    EXPECT_EQ(admin.post("/api/v1/coldchain/loggers", logger("FL-UNIT", unit)).status, 422);
    auto serial = logger("FL 0001/x");
    EXPECT_EQ(admin.post("/api/v1/coldchain/loggers", serial).status, 422);
    auto extra = logger("FL-EXTRA");
    extra->set("colour", "blue");
    EXPECT_EQ(admin.post("/api/v1/coldchain/loggers", extra).status, 422);

    EXPECT_EQ(listed(admin), before);  // none of them left a logger behind
    EXPECT_TRUE(service->auditChainIntact());
}

TEST_F(LoggerRegistrationApi, ListsArePagedAndScopedToTheJurisdiction) {
    for (const char* serial : {"PG-1", "PG-2", "PG-3"})
        ASSERT_EQ(admin.post("/api/v1/coldchain/loggers", logger(serial)).status, 201);
    auto other = logger("PG-B");
    other->set("organisation_code", TestService::kOfficeB1);
    auto b = adminB.post("/api/v1/coldchain/loggers", other);
    ASSERT_EQ(b.status, 201) << b.describe();

    std::vector<std::string> serials;
    std::string target = "/api/v1/coldchain/loggers?limit=2";
    for (int pages = 0; pages < 10; ++pages) {
        auto page = admin.get(target);
        ASSERT_EQ(page.status, 200) << page.describe();
        auto items = page.json()->getArray("items");
        EXPECT_LE(items->size(), 2u);
        for (std::size_t i = 0; i < items->size(); ++i)
            serials.push_back(items->getObject(static_cast<unsigned>(i))->getValue<std::string>("serial"));
        if (page.json()->isNull("next_cursor")) break;
        std::string cursor;
        Poco::URI::encode(page.json()->getValue<std::string>("next_cursor"), "+/=&", cursor);
        target = "/api/v1/coldchain/loggers?limit=2&cursor=" + cursor;
    }
    EXPECT_EQ(serials, (std::vector<std::string>{"PG-1", "PG-2", "PG-3"}));

    // B's logger is not in A's list and reads as missing to A.
    const auto idB = b.json()->getValue<Poco::Int64>("id");
    EXPECT_EQ(admin.get("/api/v1/coldchain/loggers/" + std::to_string(idB)).status, 404);
    EXPECT_EQ(adminB.get("/api/v1/coldchain/loggers/" + std::to_string(idB)).status, 200);
    EXPECT_EQ(admin.get("/api/v1/coldchain/loggers/999999").status, 404);
    EXPECT_EQ(admin.get("/api/v1/coldchain/loggers/abc").status, 404);
    EXPECT_EQ(admin.get("/api/v1/coldchain/loggers?limit=0").status, 422);
}

TEST_F(LoggerRegistrationApi, UpdatesNeedIfMatchAndAreAudited) {
    auto created = admin.post("/api/v1/coldchain/loggers", logger("UP-1"));
    ASSERT_EQ(created.status, 201) << created.describe();
    const std::string path = "/api/v1/coldchain/loggers/" + std::to_string(created.json()->getValue<Poco::Int64>("id"));
    Poco::JSON::Object::Ptr change = new Poco::JSON::Object;
    change->set("model", "FL-20 Pro");
    change->set("organisation_code", TestService::kOfficeA1);

    EXPECT_EQ(admin.put(path, change).status, 428);
    // A stale version is the API's 409 stale-version problem (conventions.hpp).
    auto stale = admin.put(path, change, {{"If-Match", "\"7\""}});
    EXPECT_EQ(stale.status, 409) << stale.describe();
    EXPECT_NE(stale.body.find("urn:lims:problem:stale-version"), std::string::npos) << stale.body;
    auto changed = admin.put(path, change, {{"If-Match", created.header("etag")}});
    ASSERT_EQ(changed.status, 200) << changed.describe();
    EXPECT_EQ(changed.json()->getValue<std::string>("model"), "FL-20 Pro");
    EXPECT_EQ(changed.header("etag"), "\"2\"");
    // The old version is stale now.
    EXPECT_EQ(admin.put(path, change, {{"If-Match", created.header("etag")}}).status, 409);

    Poco::JSON::Object::Ptr away = new Poco::JSON::Object(*change);
    away->set("organisation_code", TestService::kOfficeB1);
    auto refused = admin.put(path, away, {{"If-Match", changed.header("etag")}});
    EXPECT_EQ(refused.status, 422) << refused.describe();
    EXPECT_EQ(admin.get(path).json()->getValue<std::string>("organisation_code"), TestService::kOfficeA1);

    // B's administrator cannot see it to change it.
    EXPECT_EQ(adminB.put(path, change, {{"If-Match", changed.header("etag")}}).status, 404);

    Poco::Int64 audited = 0;
    auto session = service->rawSession();
    session << "SELECT count(*) FROM audit_log WHERE entity_type = 'logger' AND entity_id = 'UP-1' AND action IN "
               "('logger.create', 'logger.update')",
        Poco::Data::Keywords::into(audited), Poco::Data::Keywords::now;
    EXPECT_EQ(audited, 2);
    EXPECT_TRUE(service->auditChainIntact());
}

TEST_F(LoggerRegistrationApi, TheCurrentPlacementShowsAfterThePlacementRoute) {
    auto created = admin.post("/api/v1/coldchain/loggers", logger("PL-1"));
    ASSERT_EQ(created.status, 201) << created.describe();
    const std::string path = "/api/v1/coldchain/loggers/" + std::to_string(created.json()->getValue<Poco::Int64>("id"));
    const auto office = service->organisationId(TestService::kOfficeA1);
    auto unit = parse(R"({"code": "A1-F9", "name": "vaccine refrigerator", "kind": "refrigerator",
                          "storage_class": "refrigerated", "min_centi_celsius": 200, "max_centi_celsius": 800})");
    unit->set("org_id", office);
    auto u = admin.post("/api/v1/coldchain/storage-units", unit);
    ASSERT_EQ(u.status, 201) << u.describe();
    for (int i = 0; i < 3; ++i) {  // alarms need three designated people per site
        Poco::JSON::Object::Ptr c = new Poco::JSON::Object;
        c->set("org_id", office);
        c->set("name", "duty " + std::to_string(i));
        c->set("email", "duty" + std::to_string(i) + "@office.example");
        ASSERT_EQ(admin.post("/api/v1/coldchain/contacts", c).status, 201);
    }
    Poco::JSON::Object::Ptr place = new Poco::JSON::Object;
    place->set("storage_unit_id", u.json()->getValue<Poco::Int64>("id"));
    place->set("from_utc", 1772409600);
    auto placed = admin.post(path + "/placements", place);
    ASSERT_EQ(placed.status, 201) << placed.describe();

    auto got = admin.get(path);
    ASSERT_EQ(got.status, 200) << got.describe();
    auto placement = got.json()->getObject("placement");
    ASSERT_TRUE(placement) << got.body;
    EXPECT_EQ(placement->getValue<Poco::Int64>("storage_unit_id"), u.json()->getValue<Poco::Int64>("id"));
    EXPECT_EQ(placement->getValue<Poco::Int64>("from_utc"), 1772409600);
}

}  // namespace
}  // namespace lims::test
