// Issue 19 items 3, 5 and 6 through the API on a real service, SQLite and PostgreSQL:
// excursion rules per storage unit and per product class (versioned, audited, the
// WHO/GSP defaults named; the excursion says which rule and version fired and why), a
// rule change closing what was open under the old rule, the site board saying "no data
// since …" at once with the offline alarm on the unit's configured delay, and polling
// settings that nothing acts on answering with a warning (body and /healthz).
#include "test_service.hpp"

#include "lims/store/reading_repository.hpp"
#include "lims/workflow/coldchain/ingest.hpp"
#include "lims/workflow/coldchain/placements.hpp"

#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <chrono>

namespace lims::test {
namespace {

using domain::Role;
namespace cc = lims::workflow::coldchain;

constexpr std::int64_t kT0 = 1772409600;  // 2026-03-02T00:00:00Z
constexpr std::int64_t kMin = 60;

std::int64_t wall_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Poco::JSON::Object::Ptr object(std::initializer_list<std::pair<std::string, Poco::Dynamic::Var>> fields) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    for (const auto& [k, v] : fields) o->set(k, v);
    return o;
}

Poco::JSON::Object::Ptr line(const std::string& name, const std::string& cmp, int threshold, std::int64_t duration,
                             const std::string& accumulation = "consecutive") {
    return object({{"name", name}, {"comparison", cmp}, {"threshold_centi_celsius", threshold}, {"duration_s", duration},
                   {"accumulation", accumulation}});
}

Poco::JSON::Object::Ptr rule(const std::string& reason, std::vector<Poco::JSON::Object::Ptr> lines = {}) {
    auto o = object({{"reason", reason}});
    if (!lines.empty()) {
        Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
        for (auto& l : lines) a->add(l);
        o->set("excursions", a);
    }
    return o;
}

std::string field_error(const HttpReply& reply) {
    if (!reply.json() || !reply.json()->has("errors")) return "";
    return reply.json()->getArray("errors")->getObject(0)->getValue<std::string>("field");
}

class ColdChainRulesApiTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        service = std::make_unique<TestService>(TestService::Options{.backend = GetParam()});
        admin = service->as(TestService::username(Role::administrator, Jurisdiction::A));
        root = service->as(TestService::kRootAdministrator);
        office = service->organisationId(TestService::kOfficeA1);
        auto logger = service->database()->write([&](store::Transaction& tx) {
            return store::ReadingRepository(tx).create_logger("TL-R19", "sim", office, "test");
        });
        ASSERT_TRUE(logger) << logger.error().message;
        logger_id = logger->id;
        unit = create_unit("A1-V1", "vaccine");
        for (int i = 0; i < 3; ++i) {
            auto r = admin.post("/api/v1/coldchain/contacts",
                                object({{"org_id", office}, {"name", "duty " + std::to_string(i)},
                                        {"email", "duty" + std::to_string(i) + "@office.example"}}));
            ASSERT_EQ(r.status, 201) << r.describe();
        }
    }

    std::int64_t create_unit(const std::string& code, const std::string& product_class) {
        auto u = object({{"code", code}, {"name", "vaccine refrigerator"}, {"kind", "refrigerator"},
                         {"storage_class", "refrigerated"}, {"org_id", office}, {"min_centi_celsius", 200},
                         {"max_centi_celsius", 800}});
        if (!product_class.empty()) u->set("product_class", product_class);
        auto r = admin.post("/api/v1/coldchain/storage-units", u);
        EXPECT_EQ(r.status, 201) << r.describe();
        if (!product_class.empty()) EXPECT_EQ(r.json()->getValue<std::string>("product_class"), product_class);
        return r.json()->getValue<Poco::Int64>("id");
    }
    void place(std::int64_t at) {
        auto r = admin.post("/api/v1/coldchain/loggers/" + std::to_string(logger_id) + "/placements",
                            object({{"storage_unit_id", unit}, {"from_utc", at}}));
        ASSERT_EQ(r.status, 201) << r.describe();
    }
    // One reading every 2 minutes from `from` while `t` < `to`, all at `centi`.
    std::int64_t hold(std::int64_t from, std::int64_t to, int centi) {
        std::vector<cc::IncomingReading> readings;
        std::int64_t t = from;
        for (; t < to; t += 2 * kMin) readings.push_back({"TL-R19", t, centi, std::nullopt});
        auto ingested = cc::ingest_readings(*service->database(), readings, t);
        EXPECT_TRUE(ingested) << ingested.error().message;
        return t;
    }
    std::string rules_path() const {
        return "/api/v1/coldchain/storage-units/" + std::to_string(unit) + "/excursion-rules";
    }
    Poco::JSON::Array::Ptr excursions() {
        auto r = admin.get("/api/v1/coldchain/excursions?storage_unit_id=" + std::to_string(unit));
        EXPECT_EQ(r.status, 200) << r.describe();
        return r.json()->getArray("items");
    }
    std::int64_t count(const std::string& sql) {
        auto session = service->rawSession();
        Poco::Int64 n = 0;
        session << sql, Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
        return n;
    }

    std::unique_ptr<TestService> service;
    HttpClient admin{0};
    HttpClient root{0};
    std::int64_t office = 0;
    std::int64_t logger_id = 0;
    std::int64_t unit = 0;
};

TEST_P(ColdChainRulesApiTest, UnitRuleIsVersionedAuditedAndNamedOnTheExcursionItFires) {
    place(kT0);
    // Before any rule: the WHO/GSP default, named as such.
    auto before = admin.get(rules_path());
    ASSERT_EQ(before.status, 200) << before.describe();
    EXPECT_EQ(before.header("etag"), "\"0\"");
    auto in_force = before.json()->getObject("in_force");
    EXPECT_EQ(in_force->getValue<std::string>("source"), "default");
    EXPECT_NE(in_force->getValue<std::string>("label").find("WHO/GSP default for refrigerated storage"), std::string::npos);
    EXPECT_EQ(in_force->getValue<Poco::Int64>("offline_alarm_after_s"), 30 * kMin);
    EXPECT_EQ(in_force->getArray("excursions")->getObject(0)->getValue<std::string>("meaning"),
              "above 8.00 °C for 10 h in a row");
    auto defaults = admin.get("/api/v1/coldchain/excursion-rules/defaults");
    ASSERT_EQ(defaults.status, 200) << defaults.describe();
    EXPECT_EQ(defaults.json()->getArray("items")->size(), 8u);

    // Refused: no precondition, a spike with a duration, no reason, a sampler.
    auto body = rule("vaccines may not stay above 8 °C for 30 minutes (site SOP 4.2)", {line("unit.heat", ">", 800, 30 * kMin)});
    body->set("offline_alarm_after_s", 10 * kMin);
    EXPECT_EQ(admin.put(rules_path(), body).status, 428);
    auto spike = rule("spike", {line("unit.spike", ">=", 1500, 600, "spike")});
    auto refused = admin.put(rules_path(), spike, {{"If-None-Match", "*"}});
    EXPECT_EQ(refused.status, 422) << refused.describe();
    EXPECT_EQ(field_error(refused), "excursions[0].duration_s") << refused.describe();
    auto inverted = rule("inverted");
    inverted->set("min_centi_celsius", 900);
    auto bad_range = admin.put(rules_path(), inverted, {{"If-None-Match", "*"}});
    EXPECT_EQ(bad_range.status, 422) << bad_range.describe();
    auto sampler = service->as(TestService::username(Role::sampler, Jurisdiction::A));
    EXPECT_EQ(sampler.put(rules_path(), body, {{"If-None-Match", "*"}}).status, 403);
    auto other = service->as(TestService::username(Role::administrator, Jurisdiction::B));
    EXPECT_EQ(other.put(rules_path(), body, {{"If-None-Match", "*"}}).status, 404);

    auto set = admin.put(rules_path(), body, {{"If-None-Match", "*"}});
    ASSERT_EQ(set.status, 200) << set.describe();
    EXPECT_EQ(set.header("etag"), "\"1\"");
    auto v1 = set.json()->getArray("versions")->getObject(0);
    const auto v1_id = v1->getValue<Poco::Int64>("id");
    EXPECT_EQ(v1->getValue<std::string>("created_by"), TestService::username(Role::administrator, Jurisdiction::A));
    EXPECT_EQ(set.json()->getObject("in_force")->getValue<std::string>("source"), "storage_unit");
    EXPECT_EQ(set.json()->getObject("in_force")->getValue<Poco::Int64>("offline_alarm_after_s"), 10 * kMin);
    // A stale version is refused; nothing is edited in place.
    EXPECT_EQ(admin.put(rules_path(), body, {{"If-None-Match", "*"}}).status, 409);  // stale version (problems::staleVersion)
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'excursion_rule.set'"), 1);
    {
        auto raw = service->rawSession();
        EXPECT_ANY_THROW((raw << "UPDATE excursion_rules SET reason = 'x'", Poco::Data::Keywords::now));
        EXPECT_ANY_THROW((raw << "DELETE FROM excursion_rules", Poco::Data::Keywords::now));
    }

    // 40 minutes at 12 °C: an excursion under the unit's rule, not after 10 hours.
    std::int64_t t = hold(kT0 + kMin, kT0 + 30 * kMin, 500);
    t = hold(t, t + 40 * kMin, 1200);
    hold(t, t + 10 * kMin, 500);
    auto items = excursions();
    ASSERT_EQ(items->size(), 1u);
    auto x = items->getObject(0);
    EXPECT_EQ(x->getValue<std::string>("rule"), "unit.heat");
    EXPECT_EQ(x->getValue<std::string>("rule_source"), "storage_unit");
    EXPECT_EQ(x->getValue<Poco::Int64>("rule_version_id"), v1_id);
    EXPECT_EQ(x->getValue<std::string>("rule_detail"),
              "above 8.00 °C for 30 min in a row — storage unit A1-V1 rule, version 1");
    EXPECT_EQ(x->getValue<std::string>("state"), "closed");
}

TEST_P(ColdChainRulesApiTest, ARuleChangeClosesWhatWasOpenAndTheNextExcursionNamesTheNewVersion) {
    place(kT0);
    ASSERT_EQ(admin.put(rules_path(), rule("30 min", {line("unit.heat", ">", 800, 30 * kMin)}), {{"If-None-Match", "*"}}).status,
              200);
    std::int64_t t = hold(kT0 + kMin, kT0 + 40 * kMin, 1200);  // opened after 30 min, still warm
    auto open = excursions();
    ASSERT_EQ(open->size(), 1u);
    EXPECT_EQ(open->getObject(0)->getValue<std::string>("state"), "open");

    auto changed = admin.put(rules_path(), rule("one hour, as the vaccine's SmPC allows", {line("unit.heat", ">", 800, 3600)}),
                             {{"If-Match", "\"1\""}});
    ASSERT_EQ(changed.status, 200) << changed.describe();
    const auto v2_id = changed.json()->getArray("versions")->getObject(1)->getValue<Poco::Int64>("id");
    auto closed = excursions();
    ASSERT_EQ(closed->size(), 1u);
    EXPECT_EQ(closed->getObject(0)->getValue<std::string>("state"), "closed");
    EXPECT_EQ(closed->getObject(0)->getValue<std::string>("ended_by"), "end_of_record");

    // Still warm: the new version counts afresh from the next reading and opens after an hour.
    hold(t, t + 70 * kMin, 1200);
    auto after = excursions();
    ASSERT_EQ(after->size(), 2u);
    EXPECT_EQ(after->getObject(1)->getValue<Poco::Int64>("rule_version_id"), v2_id);
    EXPECT_NE(after->getObject(1)->getValue<std::string>("rule_detail").find("for 1 h in a row — storage unit A1-V1 rule, version 2"),
              std::string::npos);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'detector.reset'"), 0);
}

TEST_P(ColdChainRulesApiTest, ProductClassRuleReachesTheClassesUnitsAndOnlyTheTopOrganisationSetsIt) {
    const std::string path = "/api/v1/coldchain/product-classes/vaccine/refrigerated/excursion-rules";
    auto body = rule("national vaccine rule: 8 °C for 2 h", {line("vaccine.heat", ">", 800, 2 * 3600)});
    auto local = admin.put(path, body, {{"If-None-Match", "*"}});
    EXPECT_EQ(local.status, 403) << local.describe();
    EXPECT_EQ(root.put("/api/v1/coldchain/product-classes/beer/refrigerated/excursion-rules", body,
                       {{"If-None-Match", "*"}}).status, 422);
    auto set = root.put(path, body, {{"If-None-Match", "*"}});
    ASSERT_EQ(set.status, 200) << set.describe();
    EXPECT_EQ(set.json()->getArray("storage_units")->size(), 1u);
    auto seen = admin.get(path);
    ASSERT_EQ(seen.status, 200) << seen.describe();
    EXPECT_EQ(seen.json()->getArray("versions")->size(), 1u);

    auto unit_rules = admin.get(rules_path());
    auto in_force = unit_rules.json()->getObject("in_force");
    EXPECT_EQ(in_force->getValue<std::string>("source"), "product_class");
    EXPECT_EQ(in_force->getArray("excursions")->getObject(0)->getValue<std::string>("name"), "vaccine.heat");
    // A unit holding nothing said keeps the default.
    unit = create_unit("A1-X1", "");
    EXPECT_EQ(admin.get(rules_path()).json()->getObject("in_force")->getValue<std::string>("source"), "default");

    // The unit's own rule, then withdrawn: back to the product class's.
    unit = unit - 1;
    auto own = admin.put(rules_path(), rule("tighter here", {line("unit.heat", ">", 800, 600)}), {{"If-None-Match", "*"}});
    ASSERT_EQ(own.status, 200) << own.describe();
    EXPECT_EQ(own.json()->getObject("in_force")->getValue<std::string>("source"), "storage_unit");
    auto withdraw = rule("the SOP no longer asks for it");
    withdraw->set("withdraw", true);
    auto back = admin.put(rules_path(), withdraw, {{"If-Match", "\"1\""}});
    ASSERT_EQ(back.status, 200) << back.describe();
    EXPECT_EQ(back.json()->getObject("in_force")->getValue<std::string>("source"), "product_class");
    EXPECT_EQ(back.json()->getArray("versions")->size(), 2u);
    EXPECT_EQ(admin.put(rules_path(), withdraw, {{"If-Match", "\"2\""}}).status, 409);
}

TEST_P(ColdChainRulesApiTest, BoardSaysNoDataSinceAtOnceAndOfflineComesOnTheUnitsDelay) {
    const std::int64_t now = wall_now();
    // The placement's start defaults to now (item 6): placed a while ago explicitly here.
    place(now - 3600);
    hold(now - 40 * kMin, now - 5 * kMin, 500);  // the last reading about 6 minutes ago
    const std::int64_t last = now - 6 * kMin;
    auto board = admin.get("/api/v1/coldchain/site-status");
    ASSERT_EQ(board.status, 200) << board.describe();
    auto row = board.json()->getArray("items")->getObject(0);
    EXPECT_EQ(row->getValue<std::string>("state"), "ok") << board.describe();  // within the 30-minute default
    EXPECT_FALSE(row->has("no_data_since_utc"));

    auto quick = rule("the fridge's logger reports every minute; 3 minutes without is a failure");
    quick->set("offline_alarm_after_s", 3 * kMin);
    ASSERT_EQ(admin.put(rules_path(), quick, {{"If-None-Match", "*"}}).status, 200);
    board = admin.get("/api/v1/coldchain/site-status");
    row = board.json()->getArray("items")->getObject(0);
    EXPECT_EQ(row->getValue<std::string>("state"), "no_data") << board.describe();
    EXPECT_EQ(row->getValue<Poco::Int64>("no_data_since_utc"), last);
    EXPECT_EQ(row->getValue<Poco::Int64>("stale_after_s"), 3 * kMin);

    // The offline tick raises the alarm on the unit's delay, not after 90 minutes.
    auto raised = cc::tick_loggers(*service->database(), wall_now());
    ASSERT_TRUE(raised) << raised.error().message;
    EXPECT_EQ(*raised, 1u);
    board = admin.get("/api/v1/coldchain/site-status");
    row = board.json()->getArray("items")->getObject(0);
    EXPECT_EQ(row->getValue<std::string>("state"), "offline") << board.describe();
    EXPECT_EQ(row->getValue<Poco::Int64>("no_data_since_utc"), last);
}

TEST_P(ColdChainRulesApiTest, PollingNothingActsOnAnswersWithAWarningAndHealthSaysSo) {
    // A placement without from_utc starts now.
    const std::int64_t before = wall_now();
    auto placed = admin.post("/api/v1/coldchain/loggers/" + std::to_string(logger_id) + "/placements",
                             object({{"storage_unit_id", unit}}));
    ASSERT_EQ(placed.status, 201) << placed.describe();
    EXPECT_GE(placed.json()->getValue<Poco::Int64>("from_utc"), before);
    EXPECT_LE(placed.json()->getValue<Poco::Int64>("from_utc"), wall_now());

    auto polling = object({{"transport", "modbus_tcp"}, {"address", "127.0.0.1:1502"}, {"unit_id", 3},
                           {"map_file", std::string(LIMS_SOURCE_DIR) + "/fixtures/messages/modbus/freezer_logger.json"},
                           {"point", "chamber_temperature"}, {"interval_seconds", 60}});
    const std::string path = "/api/v1/coldchain/loggers/" + std::to_string(logger_id) + "/polling";
    auto set = admin.put(path, polling, {{"If-None-Match", "*"}});
    ASSERT_EQ(set.status, 200) << set.describe();
    EXPECT_FALSE(set.json()->has("serial")) << set.describe();  // line settings are for modbus_rtu
    auto warnings = set.json()->getArray("warnings");
    ASSERT_EQ(warnings->size(), 1u) << set.describe();
    EXPECT_EQ(warnings->getObject(0)->getValue<std::string>("code"), "coldchain.polling.not_polled");
    EXPECT_NE(warnings->getObject(0)->getValue<std::string>("message").find("lims.drivers.enabled is false"),
              std::string::npos);
    auto health = service->anonymous().get("/healthz");
    ASSERT_EQ(health.status, 200) << health.describe();
    EXPECT_NE(health.body.find("coldchain.polling_not_served"), std::string::npos) << health.describe();
    EXPECT_NE(health.body.find("TL-R19"), std::string::npos) << health.describe();

    // A gateway delivers its readings: nothing to warn about.
    const std::int64_t t = wall_now();
    std::vector<cc::IncomingReading> readings{{"TL-R19", t - 30, 450, std::nullopt}};
    ASSERT_TRUE(cc::ingest_readings(*service->database(), readings, t));
    auto got = admin.get(path);
    ASSERT_EQ(got.status, 200) << got.describe();
    EXPECT_EQ(got.json()->getArray("warnings")->size(), 0u) << got.describe();
    EXPECT_EQ(service->anonymous().get("/healthz").body.find("coldchain.polling_not_served"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, ColdChainRulesApiTest, kBothBackends, backendName);

}  // namespace
}  // namespace lims::test
