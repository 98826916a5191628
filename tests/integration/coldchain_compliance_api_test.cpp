// GET /api/v1/coldchain/recording-compliance over a real service on loopback: the office's
// own refrigerator and a CDC's, one recorded every 30 minutes and one with a silence, give
// one compliant and one non-compliant site with the gap's figures; another jurisdiction
// sees neither; bad periods are 422 naming the problem; the route is in the OpenAPI
// document with its roles.
#include "test_service.hpp"

#include "lims/store/reading_repository.hpp"
#include "lims/workflow/coldchain/ingest.hpp"

#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>

namespace lims::test {
namespace {

using domain::Role;
namespace cc = lims::workflow::coldchain;

constexpr std::int64_t kT0 = 1772409600;  // 2026-03-02T00:00:00Z
constexpr std::int64_t kMin = 60;
constexpr std::int64_t kHour = 3600;
const std::string kRoute = "/api/v1/coldchain/recording-compliance";

class ColdChainComplianceApiTest : public ::testing::Test {
protected:
    void SetUp() override {
        admin = service.as(TestService::username(Role::administrator, Jurisdiction::A));
        office = service.organisationId(TestService::kOfficeA1);
        auto made = service.database()->write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
            using namespace Poco::Data::Keywords;
            const std::string at = tx.now_utc();
            Poco::Int64 id = 0;
            tx.session() << "INSERT INTO regulated_entities (name, kind, jurisdiction_org_id, region_code, created_at, "
                            "updated_at) VALUES ('District CDC', 'cdc', $1, '310101', $2, $2) RETURNING id",
                bind(office), bind(at), into(id), now;
            cdc = id;
            store::ReadingRepository readings(tx);
            for (const char* serial : {"TL-OWN", "TL-CDC"}) {
                auto logger = readings.create_logger(serial, "sim", office, "test");
                if (!logger) return logger.error();
                loggers.push_back(logger->id);
            }
            return store::Done{};
        });
        ASSERT_TRUE(made) << made.error().message;
        for (int i = 0; i < 3; ++i) {
            add_contact(std::nullopt, i);
            add_contact(cdc, i);
        }
        own_unit = create_unit("A1-OWN", std::nullopt);
        cdc_unit = create_unit("A1-CDC", cdc);
        place(loggers[0], own_unit);
        place(loggers[1], cdc_unit);
    }

    std::int64_t create_unit(const std::string& code, std::optional<std::int64_t> entity) {
        Poco::JSON::Object::Ptr u = new Poco::JSON::Object;
        u->set("code", code);
        u->set("name", "vaccine refrigerator " + code);
        u->set("kind", "refrigerator");
        u->set("storage_class", "refrigerated");
        u->set("org_id", office);
        if (entity) u->set("entity_id", *entity);
        u->set("min_centi_celsius", 200);
        u->set("max_centi_celsius", 800);
        auto r = admin.post("/api/v1/coldchain/storage-units", u);
        EXPECT_EQ(r.status, 201) << r.describe();
        return r.json()->getValue<Poco::Int64>("id");
    }
    void add_contact(std::optional<std::int64_t> entity, int i) {
        Poco::JSON::Object::Ptr c = new Poco::JSON::Object;
        c->set("org_id", office);
        if (entity) c->set("entity_id", *entity);
        c->set("name", "duty " + std::to_string(i));
        c->set("email", "duty" + std::to_string(i) + "@site.example");
        auto r = admin.post("/api/v1/coldchain/contacts", c);
        ASSERT_EQ(r.status, 201) << r.describe();
    }
    void place(std::int64_t logger, std::int64_t unit) {
        Poco::JSON::Object::Ptr p = new Poco::JSON::Object;
        p->set("storage_unit_id", unit);
        p->set("from_utc", kT0);
        auto r = admin.post("/api/v1/coldchain/loggers/" + std::to_string(logger) + "/placements", p);
        ASSERT_EQ(r.status, 201) << r.describe();
    }
    std::string period(std::int64_t from, std::int64_t to) const {
        return kRoute + "?from=" + std::to_string(from) + "&to=" + std::to_string(to);
    }

    TestService service;
    HttpClient admin{0};
    std::int64_t office = 0;
    std::int64_t cdc = 0;
    std::int64_t own_unit = 0;
    std::int64_t cdc_unit = 0;
    std::vector<std::int64_t> loggers;
};

TEST_F(ColdChainComplianceApiTest, SitesWithTheirGapsInTheCallersJurisdiction) {
    // The office's own fridge every 30 minutes for 8 h; the CDC's with 2 h of silence.
    std::vector<cc::IncomingReading> readings;
    for (std::int64_t t = kT0; t <= kT0 + 8 * kHour; t += 30 * kMin) {
        readings.push_back({"TL-OWN", t, 500, std::nullopt});
        if (t <= kT0 + 3 * kHour || t >= kT0 + 5 * kHour) readings.push_back({"TL-CDC", t, 450, std::nullopt});
    }
    auto ingested = cc::ingest_readings(*service.database(), readings, kT0 + 8 * kHour);
    ASSERT_TRUE(ingested) << ingested.error().message;

    auto reply = admin.get(period(kT0, kT0 + 8 * kHour));
    ASSERT_EQ(reply.status, 200) << reply.describe();
    auto body = reply.json();
    EXPECT_FALSE(body->getValue<bool>("compliant"));
    EXPECT_EQ(body->getValue<Poco::Int64>("from_utc"), kT0);
    auto sites = body->getArray("sites");
    ASSERT_EQ(sites->size(), 2u) << reply.describe();

    auto entity_site = sites->getObject(0);  // regulated entities first
    EXPECT_EQ(entity_site->getValue<Poco::Int64>("entity_id"), cdc);
    EXPECT_EQ(entity_site->getValue<std::string>("name"), "District CDC");
    EXPECT_FALSE(entity_site->getValue<bool>("compliant"));
    EXPECT_EQ(entity_site->getValue<Poco::Int64>("gaps"), 1);
    EXPECT_EQ(entity_site->getValue<Poco::Int64>("longest_gap_s"), 2 * kHour);
    auto placement = entity_site->getArray("placements")->getObject(0);
    EXPECT_EQ(placement->getValue<std::string>("logger_serial"), "TL-CDC");
    EXPECT_EQ(placement->getValue<Poco::Int64>("storage_unit_id"), cdc_unit);
    auto gap = placement->getArray("gaps")->getObject(0);
    EXPECT_EQ(gap->getValue<Poco::Int64>("from_utc"), kT0 + 3 * kHour);
    EXPECT_EQ(gap->getValue<Poco::Int64>("to_utc"), kT0 + 5 * kHour);
    EXPECT_EQ(gap->getValue<Poco::Int64>("allowed_s"), 30 * kMin);
    EXPECT_EQ(gap->getValue<std::string>("requirement"), "storage");

    auto own_site = sites->getObject(1);
    EXPECT_FALSE(own_site->has("entity_id"));
    EXPECT_EQ(own_site->getValue<Poco::Int64>("org_id"), office);
    EXPECT_TRUE(own_site->getValue<bool>("compliant"));
    EXPECT_EQ(own_site->getValue<Poco::Int64>("storage_units"), 1);
    EXPECT_EQ(own_site->getArray("placements")->getObject(0)->getValue<Poco::Int64>("records"), 17);
    EXPECT_EQ(own_site->getArray("unwatched_units")->size(), 0u);

    // The analysts' and samplers' view is the same report; the other jurisdiction's is empty.
    auto sampler = service.as(TestService::username(Role::sampler, Jurisdiction::A));
    EXPECT_EQ(sampler.get(period(kT0, kT0 + 8 * kHour)).status, 200);
    auto other = service.as(TestService::username(Role::administrator, Jurisdiction::B));
    auto theirs = other.get(period(kT0, kT0 + 8 * kHour));
    ASSERT_EQ(theirs.status, 200) << theirs.describe();
    EXPECT_EQ(theirs.json()->getArray("sites")->size(), 0u);
    EXPECT_TRUE(theirs.json()->getValue<bool>("compliant"));
    EXPECT_EQ(service.anonymous().get(period(kT0, kT0 + kHour)).status, 401);
    EXPECT_TRUE(service.auditChainIntact());
}

TEST_F(ColdChainComplianceApiTest, BadPeriodsAre422NamingTheProblem) {
    auto inverted = admin.get(period(kT0 + kHour, kT0));
    EXPECT_EQ(inverted.status, 422) << inverted.describe();
    EXPECT_NE(inverted.body.find("after its start"), std::string::npos) << inverted.body;
    auto too_long = admin.get(period(kT0, kT0 + 93 * 24 * kHour));
    EXPECT_EQ(too_long.status, 422) << too_long.describe();
    EXPECT_NE(too_long.body.find("92 days"), std::string::npos) << too_long.body;
    auto not_a_number = admin.get(kRoute + "?from=yesterday");
    EXPECT_EQ(not_a_number.status, 422) << not_a_number.describe();
    EXPECT_NE(not_a_number.body.find("from"), std::string::npos) << not_a_number.body;
    // Default period: the last day, in which nothing was recorded: every unit has one gap.
    auto last_day = admin.get(kRoute);
    ASSERT_EQ(last_day.status, 200) << last_day.describe();
    EXPECT_FALSE(last_day.json()->getValue<bool>("compliant"));
}

TEST_F(ColdChainComplianceApiTest, RouteIsInTheOpenApiDocument) {
    auto doc = admin.get("/api/v1/openapi.json");
    ASSERT_EQ(doc.status, 200) << doc.describe();
    auto paths = doc.json()->getObject("paths");
    ASSERT_TRUE(paths->has(kRoute)) << doc.body.substr(0, 200);
    auto get = paths->getObject(kRoute)->getObject("get");
    ASSERT_TRUE(get);
    EXPECT_EQ(get->getValue<std::string>("operationId"), "recordingComplianceBySite");
}

}  // namespace
}  // namespace lims::test
