// The cold-chain API over a real service on loopback: storage units, contacts and
// placements, readings charted, alarms listed and acknowledged, the site status board,
// excursions and a trip verdict — all scoped to the caller's jurisdiction.
#include "test_service.hpp"

#include "lims/store/reading_repository.hpp"
#include "lims/workflow/coldchain/alarms.hpp"
#include "lims/workflow/coldchain/ingest.hpp"

#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>

#include <chrono>
#include <map>
#include <mutex>
#include <thread>

namespace lims::test {
namespace {

using domain::Role;
namespace cc = lims::workflow::coldchain;

constexpr std::int64_t kT0 = 1772409600;  // 2026-03-02T00:00:00Z

// Runs on SQLite and on PostgreSQL (LIMS_TEST_PG; see tests/support/test_database.hpp).
class ColdChainApiTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        service = std::make_unique<TestService>(TestService::Options{.backend = GetParam()});
        admin = service->as(TestService::username(Role::administrator, Jurisdiction::A));
        office = service->organisationId(TestService::kOfficeA1);
        auto logger = service->database()->write([&](store::Transaction& tx) {
            return store::ReadingRepository(tx).create_logger("TL-API", "sim", office, "test");
        });
        ASSERT_TRUE(logger) << logger.error().message;
        logger_id = logger->id;
    }

    std::int64_t create_unit() {
        Poco::JSON::Object::Ptr u = new Poco::JSON::Object;
        u->set("code", "A1-F1");
        u->set("name", "vaccine refrigerator");
        u->set("kind", "refrigerator");
        u->set("storage_class", "refrigerated");
        u->set("org_id", office);
        u->set("min_centi_celsius", 200);
        u->set("max_centi_celsius", 800);
        auto r = admin.post("/api/v1/coldchain/storage-units", u);
        EXPECT_EQ(r.status, 201) << r.describe();
        return r.json()->getValue<Poco::Int64>("id");
    }
    void add_contacts(int n) {
        for (int i = 0; i < n; ++i) {
            Poco::JSON::Object::Ptr c = new Poco::JSON::Object;
            c->set("org_id", office);
            c->set("name", "duty " + std::to_string(i));
            c->set("email", "duty" + std::to_string(i) + "@office.example");
            auto r = admin.post("/api/v1/coldchain/contacts", c);
            ASSERT_EQ(r.status, 201) << r.describe();
        }
    }
    HttpReply place(std::int64_t unit) {
        Poco::JSON::Object::Ptr p = new Poco::JSON::Object;
        p->set("storage_unit_id", unit);
        p->set("from_utc", kT0);
        return admin.post("/api/v1/coldchain/loggers/" + std::to_string(logger_id) + "/placements", p);
    }

    std::unique_ptr<TestService> service;
    HttpClient admin{0};
    std::int64_t office = 0;
    std::int64_t logger_id = 0;
};

TEST_P(ColdChainApiTest, UnitPlacementReadingsAlarmsAndAcknowledgement) {
    const auto unit = create_unit();
    add_contacts(2);
    auto refused = place(unit);
    EXPECT_EQ(refused.status, 422) << refused.describe();
    add_contacts(1);
    auto placed = place(unit);
    ASSERT_EQ(placed.status, 201) << placed.describe();

    // A spike: 1 h at 5 °C, 20 min at 12 °C, 1 h at 5 °C, every 2 minutes.
    std::vector<cc::IncomingReading> readings;
    std::int64_t t = kT0 + 60;
    for (int i = 0; i < 30; ++i, t += 120) readings.push_back({"TL-API", t, 500, std::nullopt});
    for (int i = 0; i < 10; ++i, t += 120) readings.push_back({"TL-API", t, 1200, std::nullopt});
    for (int i = 0; i < 30; ++i, t += 120) readings.push_back({"TL-API", t, 500, std::nullopt});
    auto ingested = cc::ingest_readings(*service->database(), readings, t);
    ASSERT_TRUE(ingested) << ingested.error().message;
    EXPECT_EQ(ingested->alarms_raised, 1u);

    const std::string base = "/api/v1/coldchain/loggers/" + std::to_string(logger_id);
    auto chart = admin.get(base + "/readings?from=" + std::to_string(kT0) + "&to=" + std::to_string(t) + "&points=10");
    ASSERT_EQ(chart.status, 200) << chart.describe();
    auto buckets = chart.json()->getArray("buckets");
    ASSERT_LE(buckets->size(), 10u);
    int highest = 0;
    for (std::size_t i = 0; i < buckets->size(); ++i)
        highest = std::max(highest, buckets->getObject(static_cast<unsigned>(i))->getValue<int>("max_centi_celsius"));
    EXPECT_EQ(highest, 1200);
    EXPECT_EQ(admin.get(base + "/readings?from=" + std::to_string(kT0) + "&to=x").status, 422);
    EXPECT_EQ(admin.get(base + "/readings").status, 200);
    EXPECT_EQ(admin.get(base + "/readings?from=1&to=2&points=0").status, 422);

    auto gaps = admin.get(base + "/recording-gaps?from=" + std::to_string(kT0 + 60) + "&to=" + std::to_string(t - 120));
    ASSERT_EQ(gaps.status, 200) << gaps.describe();
    EXPECT_TRUE(gaps.json()->getValue<bool>("compliant")) << gaps.describe();

    auto alarms = admin.get("/api/v1/coldchain/alarms");
    ASSERT_EQ(alarms.status, 200) << alarms.describe();
    auto items = alarms.json()->getArray("items");
    ASSERT_EQ(items->size(), 1u);
    const auto alarm_id = items->getObject(0)->getValue<Poco::Int64>("id");
    const std::string alarm_etag = "\"" + std::to_string(items->getObject(0)->getValue<Poco::Int64>("version")) + "\"";
    EXPECT_EQ(items->getObject(0)->getValue<std::string>("kind"), "out_of_range");

    auto board = admin.get("/api/v1/coldchain/site-status");
    ASSERT_EQ(board.status, 200) << board.describe();
    auto row = board.json()->getArray("items")->getObject(0);
    // The spike's alarm cleared; the readings are of March, long over: "no data since" the last
    // one (issue 19: the board does not say "ok" for a logger that stopped).
    EXPECT_EQ(row->getValue<std::string>("state"), "no_data");
    EXPECT_EQ(row->getValue<Poco::Int64>("no_data_since_utc"), readings.back().at_utc);
    EXPECT_EQ(row->getValue<Poco::Int64>("last_reading_utc"), readings.back().at_utc);
    EXPECT_EQ(row->getValue<int>("last_centi_celsius"), 500);

    const std::string ack = "/api/v1/coldchain/alarms/" + std::to_string(alarm_id) + "/acknowledgement";
    auto empty = admin.post(ack, std::string(R"({"note":""})"), {{"If-Match", alarm_etag}});
    EXPECT_EQ(empty.status, 422) << empty.describe();
    // Without the alarm's version: 428, nothing acknowledged (issue 15 item 4).
    auto unconditional = admin.post(ack, std::string(R"({"note":"door left open"})"));
    EXPECT_EQ(unconditional.status, 428) << unconditional.describe();
    EXPECT_EQ(admin.get("/api/v1/coldchain/alarms").json()->getArray("items")->getObject(0)->getValue<Poco::Int64>("version"),
              items->getObject(0)->getValue<Poco::Int64>("version"));
    auto done = admin.post(ack, std::string(R"({"note":"door left open, closed at 01:25"})"), {{"If-Match", alarm_etag}});
    ASSERT_EQ(done.status, 200) << done.describe();
    EXPECT_EQ(done.json()->getValue<std::string>("acknowledgement_note"), "door left open, closed at 01:25");
    EXPECT_EQ(admin.post(ack, std::string(R"({"note":"again"})"), {{"If-Match", done.header("etag")}}).status, 409);

    // The other jurisdiction sees none of it.
    auto other = service->as(TestService::username(Role::administrator, Jurisdiction::B));
    EXPECT_EQ(other.get(base + "/readings?from=0&to=10").status, 404);
    EXPECT_EQ(other.get("/api/v1/coldchain/alarms").json()->getArray("items")->size(), 0u);
    EXPECT_EQ(other.get("/api/v1/coldchain/storage-units").json()->getArray("items")->size(), 0u);
    EXPECT_EQ(other.post("/api/v1/coldchain/alarms/" + std::to_string(alarm_id) + "/acknowledgement",
                         std::string(R"({"note":"x"})"))
                  .status,
              404);
    EXPECT_TRUE(service->auditChainIntact());
}

TEST_P(ColdChainApiTest, BadBodiesAreRefusedNamingTheField) {
    const auto unit = create_unit();
    Poco::JSON::Object::Ptr both = new Poco::JSON::Object;
    both->set("storage_unit_id", unit);
    both->set("shipment_id", 1);
    both->set("from_utc", kT0);
    EXPECT_EQ(admin.post("/api/v1/coldchain/loggers/" + std::to_string(logger_id) + "/placements", both).status, 422);
    auto bad_kind = admin.post("/api/v1/coldchain/storage-units",
                               std::string(R"({"code":"X","name":"x","kind":"oven","storage_class":"refrigerated",)"
                                           R"("org_id":1,"min_centi_celsius":200,"max_centi_celsius":800})"));
    EXPECT_EQ(bad_kind.status, 422) << bad_kind.describe();
    EXPECT_NE(bad_kind.body.find("kind"), std::string::npos);
    EXPECT_EQ(admin.get("/api/v1/coldchain/loggers/999999/placements").status, 404);
    EXPECT_EQ(admin.get("/api/v1/coldchain/shipments/999999/verdict").status, 404);
    // Only administrators register units.
    auto sampler = service->as(TestService::username(Role::sampler, Jurisdiction::A));
    EXPECT_EQ(sampler.post("/api/v1/coldchain/storage-units", std::string("{}")).status, 403);
}

// Two nodes on one database deliver and escalate at the same moment (issue 17; on
// PostgreSQL as a cluster runs): each e-mail is sent once, the alarm moves up one level once.
class SlowChannel final : public cc::NotificationChannel {
public:
    domain::Result<void> deliver(const store::NotificationRow& n) override {
        std::this_thread::sleep_for(std::chrono::milliseconds(150));  // both nodes have read the due rows by now
        std::lock_guard lock(mutex);
        ++sends[n.id];
        return {};
    }
    std::mutex mutex;
    std::map<std::int64_t, int> sends;
};

TEST_P(ColdChainApiTest, TwoNodesDeliverEachAlarmMessageOnceAndEscalateOnce) {
    const auto unit = create_unit();
    add_contacts(3);
    ASSERT_EQ(place(unit).status, 201);
    std::vector<cc::IncomingReading> readings;
    std::int64_t t = kT0 + 60;
    for (int i = 0; i < 30; ++i, t += 120) readings.push_back({"TL-API", t, 500, std::nullopt});
    for (int i = 0; i < 10; ++i, t += 120) readings.push_back({"TL-API", t, 1200, std::nullopt});
    auto ingested = cc::ingest_readings(*service->database(), readings, t);
    ASSERT_TRUE(ingested) << ingested.error().message;
    ASSERT_EQ(ingested->alarms_raised, 1u);

    const auto& db = service->database();
    auto other = store::Database::open(
        std::string(db->dialect() == store::Dialect::sqlite ? "sqlite:" : "postgresql:") + db->display_name());
    ASSERT_TRUE(other) << other.error().message;
    SlowChannel email;
    const std::int64_t now = t + 60;
    domain::Result<cc::DeliveryReport> a = domain::make_error("test.unset", "not run");
    domain::Result<cc::DeliveryReport> b = domain::make_error("test.unset", "not run");
    std::thread second([&] { b = cc::deliver_notifications(**other, {&email, nullptr}, now); });
    a = cc::deliver_notifications(*db, {&email, nullptr}, now);
    second.join();
    ASSERT_TRUE(a) << a.error().message;
    ASSERT_TRUE(b) << b.error().message;
    EXPECT_EQ(a->sent + b->sent, 3u);
    EXPECT_EQ(email.sends.size(), 3u);
    for (const auto& [id, n] : email.sends) EXPECT_EQ(n, 1) << "notification " << id;

    // Escalation from both nodes once nobody acknowledged: one level up, once.
    const std::int64_t late = now + 7 * 24 * 3600;
    domain::Result<std::size_t> ea = domain::make_error("test.unset", "not run");
    domain::Result<std::size_t> eb = domain::make_error("test.unset", "not run");
    std::thread third([&] { eb = cc::escalate_alarms(**other, late); });
    ea = cc::escalate_alarms(*db, late);
    third.join();
    ASSERT_TRUE(ea) << ea.error().message;
    ASSERT_TRUE(eb) << eb.error().message;
    EXPECT_EQ(*ea + *eb, 1u);
    auto alarms = admin.get("/api/v1/coldchain/alarms");
    ASSERT_EQ(alarms.status, 200) << alarms.describe();
    EXPECT_EQ(alarms.json()->getArray("items")->getObject(0)->getValue<int>("escalation_level"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, ColdChainApiTest, kBothBackends, backendName);

}  // namespace
}  // namespace lims::test
