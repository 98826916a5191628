// The shipment screens' reads and the notice inbox in pages, over loopback as the people who
// use them (issue 13), on SQLite and PostgreSQL:
//  - GET /api/v1/shipments: the office sees the shipments it sent, the laboratory those to
//    receive, newest first in keyset pages, filtered by direction, state and sample; another
//    jurisdiction sees none; bad parameters are refused by name.
//  - GET /api/v1/laboratories: the active inspection centres, exactly what a shipment may be
//    sent to (a deactivated laboratory leaves the list and is refused as laboratory_id).
//  - GET /api/v1/shipments/{number}/transport-box: the bound box with its range and the
//    trip's logger with the readings stored over the trip; 404 outside the jurisdiction.
//  - GET /api/v1/notices: pages with the count of all that match, ?state=, ?overdue=.
#include "tests/support/sampling_values.hpp"
#include "tests/support/test_service.hpp"

#include "lims/domain/identifiers/credit_code.hpp"
#include "lims/domain/model/coldchain.hpp"
#include "lims/store/reading_repository.hpp"

#include <Poco/Data/Session.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <chrono>
#include <set>

using namespace lims;
using namespace lims::test;
using Poco::JSON::Array;
using Poco::JSON::Object;
using domain::Role;

namespace {

std::int64_t now_seconds() {
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

int this_year() {
    using namespace std::chrono;
    return static_cast<int>(year_month_day{floor<days>(system_clock::now() + hours(8))}.year());
}

Object::Ptr parse(const std::string& text) { return Poco::JSON::Parser().parse(text).extract<Object::Ptr>(); }

std::vector<std::string> values(const HttpReply& r, const std::string& key) {
    std::vector<std::string> out;
    auto j = r.json();
    if (!j || !j->has("items")) return {"(no items in " + r.describe() + ")"};
    auto items = j->getArray("items");
    for (std::size_t i = 0; i < items->size(); ++i)
        out.push_back(items->getObject(static_cast<unsigned>(i))->get(key).convert<std::string>());
    return out;
}

std::string first_error_field(const HttpReply& r) {
    auto j = r.json();
    if (!j || !j->has("errors") || j->getArray("errors")->size() == 0) return "(no errors[] in " + r.describe() + ")";
    return j->getArray("errors")->getObject(0)->getValue<std::string>("field");
}

class ShipmentListTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        service = std::make_unique<TestService>(TestService::Options{.backend = GetParam()});
    }

    std::unique_ptr<TestService> service;
    int seal_ = 0;

    static std::string user(Role role, Jurisdiction side = Jurisdiction::A) { return TestService::username(role, side); }

    void exec(const std::string& sql) {
        Poco::Data::Session s = service->rawSession();
        s << sql, Poco::Data::Keywords::now;
    }
    std::int64_t scalar(const std::string& sql) {
        Poco::Data::Session s = service->rawSession();
        Poco::Int64 n = 0;
        s << sql, Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
        return n;
    }

    std::string started_task() {
        const int y = this_year();
        const std::string year = std::to_string(y);
        auto plan = parse(R"({"code":"P-)" + year + R"(-SL","title":"Shipments","year":)" + year + R"(,"starts_on":")" + year +
                          R"(-01-01","ends_on":")" + year + R"(-12-31","quotas":[{"office_id":)" +
                          std::to_string(service->organisationId(TestService::kOfficeA1)) +
                          R"(,"category":"drug","focus":"antibiotics","quantity":9,"due_on":")" + year + R"(-12-01"}]})");
        auto created = service->as(user(Role::planner)).post("/api/v1/sampling-plans", plan);
        EXPECT_EQ(created.status, 201) << created.describe();
        auto published = service->as(user(Role::planner))
                             .post("/api/v1/sampling-plans/P-" + year + "-SL/publish", "", {{"If-Match", created.header("etag")}});
        EXPECT_EQ(published.status, 200) << published.describe();
        auto task = published.json()->getArray("tasks")->getObject(0);
        const std::string number = task->getValue<std::string>("number");
        auto started = service->as(user(Role::sampler))
                           .post("/api/v1/tasks/" + number + "/start", "",
                                 {{"If-Match", "\"" + std::to_string(task->getValue<std::int64_t>("version")) + "\""}});
        EXPECT_EQ(started.status, 200) << started.describe();
        return number;
    }

    std::string registered_sample(const std::string& task) {
        ++seal_;
        auto b = parse(R"({
          "task_number": ")" + task + R"(",
          "entity": {"name": "Renmin Pharmacy", "credit_code": ")" + credit_code("MA1FL0001") + R"(", "kind": "pharmacy", "address": "1 Nanjing Rd"},
          "product": {"name": "Amoxicillin capsules", "category": "drug", "dosage_form": "capsule", "specification": "0.25 g x 24",
                      "manufacturer_name": "Maker Co.", "manufacturer_credit_code": ")" + credit_code("MA1FL0002") + R"("},
          "batch_number": "B24)" + std::to_string(seal_) + R"(", "production_date": "2025-01-15", "expiry_date": "2027-01-14",
          "quantity": "6", "unit": "box", "test_quantity": "4", "retained_quantity": "2",
          "storage_condition": "ambient",
          "seal_numbers": ["SL-)" + std::to_string(seal_) + R"(-1", "SL-)" + std::to_string(seal_) + R"(-2"],
          "sampler_user_ids": [)" + std::to_string(service->userId(user(Role::sampler))) + "," +
                        std::to_string(service->userId("sampler2_a")) + R"(],
          "sampled_at": ")" + utc_minutes_ago(60) + R"(",
          "sampling_place": "dispensary shelf 3"})");
        auto r = service->as(user(Role::sampler)).post("/api/v1/samples", b);
        EXPECT_EQ(r.status, 201) << r.describe();
        return r.json() ? r.json()->getValue<std::string>("number") : "";
    }

    HttpReply ship(const std::vector<std::string>& samples, std::int64_t lab, const std::string& logger = "") {
        Object::Ptr body = new Object;
        Array::Ptr list = new Array;
        for (const auto& s : samples) list->add(s);
        body->set("samples", list);
        body->set("laboratory_id", lab);
        body->set("carrier", "SF Express");
        if (!logger.empty()) body->set("logger_serial", logger);
        return service->as(user(Role::sampler)).post("/api/v1/shipments", body);
    }

    HttpReply dispatch(const HttpReply& created, const std::string& body = "{}") {
        const auto number = created.json()->getValue<std::string>("number");
        return service->as(user(Role::sampler))
            .post("/api/v1/shipments/" + number + "/dispatch", body,
                  {{"If-Match", created.header("etag")}, {"Content-Type", "application/json"}});
    }
};

}  // namespace

TEST_P(ShipmentListTest, OfficeSeesItsShipmentsSentAndTheLaboratoryThoseToReceiveInPages) {
    const auto task = started_task();
    const auto lab = service->organisationId(TestService::kLabA);
    std::vector<std::string> numbers, samples;
    for (int i = 0; i < 3; ++i) {
        samples.push_back(registered_sample(task));
        auto created = ship({samples.back()}, lab);
        ASSERT_EQ(created.status, 201) << created.describe();
        numbers.push_back(created.json()->getValue<std::string>("number"));
        if (i == 1) ASSERT_EQ(dispatch(created).status, 200);
    }
    const std::vector<std::string> newest_first{numbers[2], numbers[1], numbers[0]};

    auto office = service->as(user(Role::sampler));
    auto all = office.get("/api/v1/shipments");
    ASSERT_EQ(all.status, 200) << all.describe();
    EXPECT_EQ(values(all, "number"), newest_first);
    auto first = all.json()->getArray("items")->getObject(0);
    EXPECT_EQ(first->getValue<std::string>("laboratory_name"), service->organisation(TestService::kLabA).name);
    EXPECT_EQ(first->getValue<std::string>("from_organisation_name"), service->organisation(TestService::kOfficeA1).name);
    EXPECT_EQ(first->getValue<std::int64_t>("laboratory_id"), lab);
    EXPECT_EQ(first->getArray("samples")->getObject(0)->getValue<std::string>("sample_number"), samples[2]);
    EXPECT_EQ(values(office.get("/api/v1/shipments?direction=sent"), "number"), newest_first);
    EXPECT_TRUE(values(office.get("/api/v1/shipments?direction=incoming"), "number").empty());

    // Pages of two, then the rest; the cursor is the service's own.
    auto page1 = office.get("/api/v1/shipments?limit=2");
    ASSERT_EQ(page1.status, 200) << page1.describe();
    EXPECT_EQ(values(page1, "number"), (std::vector<std::string>{numbers[2], numbers[1]}));
    ASSERT_FALSE(page1.json()->isNull("next_cursor"));
    auto page2 = office.get("/api/v1/shipments?limit=2&cursor=" + page1.json()->getValue<std::string>("next_cursor"));
    ASSERT_EQ(page2.status, 200) << page2.describe();
    EXPECT_EQ(values(page2, "number"), (std::vector<std::string>{numbers[0]}));
    EXPECT_TRUE(page2.json()->isNull("next_cursor"));

    // The laboratory: shipments to receive, by state and by sample.
    auto receiver = service->as(user(Role::receiver));
    EXPECT_EQ(values(receiver.get("/api/v1/shipments?direction=incoming"), "number"), newest_first);
    EXPECT_TRUE(values(receiver.get("/api/v1/shipments?direction=sent"), "number").empty());
    EXPECT_EQ(values(receiver.get("/api/v1/shipments?direction=incoming&state=in_transit"), "number"),
              (std::vector<std::string>{numbers[1]}));
    EXPECT_EQ(values(receiver.get("/api/v1/shipments?state=ready"), "number"), (std::vector<std::string>{numbers[2], numbers[0]}));
    EXPECT_EQ(values(receiver.get("/api/v1/shipments?sample_number=" + samples[0]), "number"),
              (std::vector<std::string>{numbers[0]}));

    // The other jurisdiction sees none of them; the bureau above sees them all.
    EXPECT_TRUE(values(service->as(user(Role::receiver, Jurisdiction::B)).get("/api/v1/shipments"), "number").empty());
    EXPECT_TRUE(values(service->as(user(Role::sampler, Jurisdiction::B)).get("/api/v1/shipments"), "number").empty());
    EXPECT_EQ(values(service->as(user(Role::bureau_viewer)).get("/api/v1/shipments"), "number"), newest_first);

    // Refusals: by name, never a 5xx; a role that does not read shipments is 403.
    auto bad_direction = office.get("/api/v1/shipments?direction=outgoing");
    EXPECT_EQ(bad_direction.status, 422) << bad_direction.describe();
    EXPECT_EQ(first_error_field(bad_direction), "direction");
    auto bad_state = office.get("/api/v1/shipments?state=lost");
    EXPECT_EQ(bad_state.status, 422) << bad_state.describe();
    EXPECT_EQ(first_error_field(bad_state), "state");
    EXPECT_EQ(office.get("/api/v1/shipments?colour=red").status, 400);
    auto crafted = office.get("/api/v1/shipments?cursor=bm90LWEtY3Vyc29y");
    EXPECT_EQ(crafted.status, 422) << crafted.describe();
    EXPECT_EQ(first_error_field(crafted), "cursor");
    EXPECT_EQ(office.get("/api/v1/shipments?limit=0").status, 422);
    EXPECT_EQ(service->as(user(Role::analyst)).get("/api/v1/shipments").status, 403);
}

TEST_P(ShipmentListTest, LaboratoriesAreTheActiveInspectionCentresAShipmentMayGoTo) {
    auto office = service->as(user(Role::sampler));
    auto labs = office.get("/api/v1/laboratories");
    ASSERT_EQ(labs.status, 200) << labs.describe();
    const auto codes = values(labs, "code");
    const std::set<std::string> listed(codes.begin(), codes.end());
    EXPECT_EQ(listed, (std::set<std::string>{TestService::kLabA, TestService::kLabB}));
    auto a = labs.json()->getArray("items")->getObject(0);
    EXPECT_TRUE(a->has("id") && a->has("name") && a->has("region_code"));

    // Pages of one.
    auto one = office.get("/api/v1/laboratories?limit=1");
    ASSERT_EQ(one.status, 200) << one.describe();
    ASSERT_EQ(values(one, "code").size(), 1u);
    auto rest = office.get("/api/v1/laboratories?limit=1&cursor=" + one.json()->getValue<std::string>("next_cursor"));
    ASSERT_EQ(rest.status, 200) << rest.describe();
    EXPECT_EQ(values(rest, "code").size(), 1u);
    EXPECT_NE(values(rest, "code"), values(one, "code"));

    // A deactivated laboratory leaves the list, and a shipment to it is refused by field.
    const auto lab_b = service->organisationId(TestService::kLabB);
    exec("UPDATE organisations SET active = 0 WHERE id = " + std::to_string(lab_b));
    EXPECT_EQ(values(office.get("/api/v1/laboratories"), "code"), (std::vector<std::string>{TestService::kLabA}));
    const auto sample = registered_sample(started_task());
    const auto before = scalar("SELECT count(*) FROM shipments");
    auto refused = ship({sample}, lab_b);
    EXPECT_EQ(refused.status, 422) << refused.describe();
    EXPECT_EQ(first_error_field(refused), "laboratory_id");
    auto not_a_lab = ship({sample}, service->organisationId(TestService::kBureauA));
    EXPECT_EQ(first_error_field(not_a_lab), "laboratory_id");
    EXPECT_EQ(scalar("SELECT count(*) FROM shipments"), before);
    EXPECT_EQ(ship({sample}, service->organisationId(TestService::kLabA)).status, 201);

    EXPECT_EQ(service->as(user(Role::analyst)).get("/api/v1/laboratories").status, 403);
    EXPECT_EQ(office.get("/api/v1/laboratories?kind=bureau").status, 400);
}

TEST_P(ShipmentListTest, TheReceiverReadsTheTransportBoxAndTheTripsLogger) {
    const auto task = started_task();
    const auto office_id = service->organisationId(TestService::kOfficeA1);
    const std::string stamp = "'2026-01-01T00:00:00.000Z'";
    exec("INSERT INTO loggers (serial, model, org_id, created_at, updated_at) VALUES ('SL-TRIP-1', 'T', " +
         std::to_string(office_id) + ", " + stamp + ", " + stamp + ")");
    exec("INSERT INTO storage_units (code, org_id, name, kind, storage_class, min_centi_celsius, max_centi_celsius, "
         "created_at, updated_at) VALUES ('SL-BOX-1', " + std::to_string(office_id) +
         ", 'Cool box 1', 'transport_box', 'refrigerated', 200, 800, " + stamp + ", " + stamp + ")");
    const auto box_id = scalar("SELECT id FROM storage_units WHERE code = 'SL-BOX-1'");
    const auto logger_id = scalar("SELECT id FROM loggers WHERE serial = 'SL-TRIP-1'");

    // Without a box or a logger: both null.
    auto plain = ship({registered_sample(task)}, service->organisationId(TestService::kLabA));
    ASSERT_EQ(plain.status, 201) << plain.describe();
    auto none = service->as(user(Role::receiver)).get("/api/v1/shipments/" + plain.json()->getValue<std::string>("number") + "/transport-box");
    ASSERT_EQ(none.status, 200) << none.describe();
    EXPECT_TRUE(none.json()->isNull("box"));
    EXPECT_TRUE(none.json()->isNull("logger"));
    // A logger placed in it through the cold chain's placements (not named when it was made)
    // is the trip's logger.
    exec("INSERT INTO loggers (serial, model, org_id, created_at, updated_at) VALUES ('SL-TRIP-2', 'T', " +
         std::to_string(office_id) + ", " + stamp + ", " + stamp + ")");
    for (const std::string who : {"duty", "head", "quality"}) {  // the GSP annex: alarms reach three people
        Object::Ptr contact = new Object;
        contact->set("org_id", office_id);
        contact->set("name", who);
        contact->set("email", who + "@office.example.cn");
        auto added = service->as(TestService::kRootAdministrator).post("/api/v1/coldchain/contacts", contact);
        ASSERT_LT(added.status, 300) << added.describe();
    }
    Object::Ptr place = new Object;
    place->set("shipment_id", plain.json()->getValue<std::int64_t>("id"));
    place->set("from_utc", now_seconds() - 900);
    auto placed = service->as(TestService::kRootAdministrator)
                      .post("/api/v1/coldchain/loggers/" + std::to_string(scalar("SELECT id FROM loggers WHERE serial = 'SL-TRIP-2'")) +
                                "/placements", place);
    ASSERT_LT(placed.status, 300) << placed.describe();
    auto placed_trip = service->as(user(Role::receiver)).get("/api/v1/shipments/" + plain.json()->getValue<std::string>("number") + "/transport-box");
    ASSERT_EQ(placed_trip.status, 200) << placed_trip.describe();
    ASSERT_FALSE(placed_trip.json()->isNull("logger")) << placed_trip.body;
    EXPECT_EQ(placed_trip.json()->getObject("logger")->getValue<std::string>("serial"), "SL-TRIP-2");
    EXPECT_EQ(placed_trip.json()->getObject("logger")->getValue<std::int64_t>("placed_from_utc"), place->getValue<std::int64_t>("from_utc"));

    // With both: bound, dispatched, readings over the trip.
    auto created = ship({registered_sample(task)}, service->organisationId(TestService::kLabA), "SL-TRIP-1");
    ASSERT_EQ(created.status, 201) << created.describe();
    const auto number = created.json()->getValue<std::string>("number");
    const auto shipment_id = created.json()->getValue<std::int64_t>("id");
    auto ready = service->as(user(Role::sampler)).get("/api/v1/shipments/" + number + "/transport-box");
    ASSERT_EQ(ready.status, 200) << ready.describe();
    EXPECT_EQ(ready.json()->getObject("logger")->getValue<std::string>("serial"), "SL-TRIP-1");
    EXPECT_TRUE(ready.json()->getObject("logger")->isNull("placed_from_utc"));  // not yet dispatched
    Object::Ptr bind = new Object;
    bind->set("storage_unit_id", box_id);
    bind->set("at_utc", now_seconds() - 1800);
    auto bound = service->as(user(Role::sampler)).post("/api/v1/coldchain/shipments/" + std::to_string(shipment_id) + "/transport-box", bind);
    ASSERT_EQ(bound.status, 204) << bound.describe();
    ASSERT_EQ(dispatch(created, R"({"departed_at":")" + utc_minutes_ago(20) + "\"}").status, 200);  // readings so far
    const auto from = scalar("SELECT from_utc FROM logger_placements WHERE shipment_id = " + std::to_string(shipment_id));
    auto stored = service->database()->write([&](store::Transaction& tx) {
        std::vector<domain::Reading> readings{{logger_id, from + 10, 450, 0}, {logger_id, from + 310, 520, 0}};
        return store::ReadingRepository(tx).insert(readings);
    });
    ASSERT_TRUE(stored) << stored.error().message;

    auto trip = service->as(user(Role::receiver)).get("/api/v1/shipments/" + number + "/transport-box");
    ASSERT_EQ(trip.status, 200) << trip.describe();
    auto box = trip.json()->getObject("box");
    ASSERT_TRUE(box) << trip.body;
    EXPECT_EQ(box->getValue<std::string>("code"), "SL-BOX-1");
    EXPECT_EQ(box->getValue<std::string>("storage_class"), "refrigerated");
    EXPECT_EQ(box->getValue<int>("min_centi_celsius"), 200);
    EXPECT_EQ(box->getValue<int>("max_centi_celsius"), 800);
    auto logger = trip.json()->getObject("logger");
    ASSERT_TRUE(logger) << trip.body;
    EXPECT_EQ(logger->getValue<std::int64_t>("placed_from_utc"), from);
    EXPECT_TRUE(logger->isNull("placed_to_utc"));
    EXPECT_EQ(logger->getValue<int>("readings"), 2);
    EXPECT_EQ(logger->getValue<std::int64_t>("first_reading_utc"), from + 10);
    EXPECT_EQ(logger->getValue<std::int64_t>("last_reading_utc"), from + 310);
    EXPECT_EQ(trip.json()->getValue<std::string>("state"), "in_transit");

    // Another jurisdiction: as if it did not exist.
    auto other = service->as(user(Role::receiver, Jurisdiction::B)).get("/api/v1/shipments/" + number + "/transport-box");
    EXPECT_EQ(other.status, 404) << other.describe();
    EXPECT_EQ(service->as(user(Role::receiver)).get("/api/v1/shipments/S1999-000001/transport-box").status, 404);
}

TEST_P(ShipmentListTest, NoticesComeInPagesWithTheirCountAndFilters) {
    const auto bureau = service->organisationId(TestService::kBureauA);
    const auto bureau_b = service->organisationId(TestService::kBureauB);
    const std::string stamp = "'2026-01-01T00:00:00.000Z'";
    auto notice = [&](const std::string& number, std::int64_t to, const std::string& state, const std::string& due) {
        exec("INSERT INTO notices (number, recipient, to_org_id, state, due_at, version, created_at, updated_at) VALUES ('" +
             number + "', 'organising_bureau', " + std::to_string(to) + ", '" + state + "', '" + due + "', 1, " + stamp +
             ", " + stamp + ")");
    };
    notice("TZ-P-1", bureau, "sent", "2020-01-01T00:00:00Z");  // overdue
    notice("TZ-P-2", bureau, "acknowledged", "2020-01-01T00:00:00Z");
    notice("TZ-P-3", bureau, "sent", "2099-01-01T00:00:00Z");
    notice("TZ-P-4", bureau_b, "sent", "2020-01-01T00:00:00Z");  // another jurisdiction's

    auto viewer = service->as(user(Role::bureau_viewer));
    auto page1 = viewer.get("/api/v1/notices?limit=2");
    ASSERT_EQ(page1.status, 200) << page1.describe();
    EXPECT_EQ(values(page1, "number"), (std::vector<std::string>{"TZ-P-1", "TZ-P-2"}));
    EXPECT_EQ(page1.json()->getValue<int>("count"), 3);
    ASSERT_FALSE(page1.json()->isNull("next_cursor"));
    auto page2 = viewer.get("/api/v1/notices?limit=2&cursor=" + page1.json()->getValue<std::string>("next_cursor"));
    ASSERT_EQ(page2.status, 200) << page2.describe();
    EXPECT_EQ(values(page2, "number"), (std::vector<std::string>{"TZ-P-3"}));
    EXPECT_EQ(page2.json()->getValue<int>("count"), 3);  // all that match, not what is left
    EXPECT_TRUE(page2.json()->isNull("next_cursor"));

    auto open = viewer.get("/api/v1/notices?state=sent");
    EXPECT_EQ(values(open, "number"), (std::vector<std::string>{"TZ-P-1", "TZ-P-3"}));
    EXPECT_EQ(open.json()->getValue<int>("count"), 2);
    EXPECT_EQ(values(viewer.get("/api/v1/notices?overdue=true"), "number"), (std::vector<std::string>{"TZ-P-1"}));
    EXPECT_EQ(values(service->as(user(Role::bureau_viewer, Jurisdiction::B)).get("/api/v1/notices"), "number"),
              (std::vector<std::string>{"TZ-P-4"}));

    auto bad_state = viewer.get("/api/v1/notices?state=lost");
    EXPECT_EQ(bad_state.status, 422) << bad_state.describe();
    EXPECT_EQ(first_error_field(bad_state), "state");
    EXPECT_EQ(first_error_field(viewer.get("/api/v1/notices?overdue=yes")), "overdue");
    EXPECT_EQ(first_error_field(viewer.get("/api/v1/notices?cursor=bm90LWEtY3Vyc29y")), "cursor");
    EXPECT_EQ(viewer.get("/api/v1/notices?sample=1").status, 400);
    EXPECT_EQ(service->as(user(Role::sampler)).get("/api/v1/notices").status, 403);
}

INSTANTIATE_TEST_SUITE_P(Backends, ShipmentListTest, kBothBackends, backendName);
