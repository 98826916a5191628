// The role x jurisdiction matrix: every route of the assembled route table (whatever the
// areas add; nothing is listed here by hand) is called without a token (401), with the
// wrong token scope (403), as each role the route does not declare (403), and, for
// routes whose path names a record, by an allowed user of jurisdiction A on a record of
// jurisdiction B (404: another jurisdiction's record is never admitted to exist). Ids in
// request bodies (kBodyIds) naming jurisdiction B's record are refused as their field (422)
// and write nothing; an ingest token of jurisdiction A posting for B's instruments and
// loggers is refused as for unknown ones and writes nothing.
#include "route_recipes.hpp"
#include "test_service.hpp"

#include "lims/api/json_text.hpp"
#include "lims/store/reading_repository.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/Data/Session.h>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <set>
#include <sstream>

using lims::api::AuthRequirement;
using lims::api::Route;
using lims::domain::Role;
using lims::test::Jurisdiction;
using lims::test::RouteRecord;
using lims::test::TestService;

namespace {

// Authenticated routes meant for every caller; any other route must declare its roles.
const std::set<std::string> kOpenToEveryRole{"getMe", "logout", "getMetrics"};

class MatrixTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { service = new TestService(); }
    static void TearDownTestSuite() {
        delete service;
        service = nullptr;
    }

    static std::string describe(const Route& r) { return r.method + " " + r.pattern + " (" + r.operationId + ")"; }

    static lims::test::HttpReply call(const Route& r, const std::string& path, const std::string& token,
                                      const std::string& body = "{}") {
        const bool sendsBody = r.body.has_value();
        return service->withToken(token).request(r.method, path, sendsBody ? body : "");
    }

    static TestService* service;
};

TestService* MatrixTest::service = nullptr;

TEST_F(MatrixTest, EveryRouteRefusesAMissingToken) {
    for (const auto& r : service->router().routes()) {
        if (r.auth == AuthRequirement::Public) continue;
        auto reply = call(r, lims::test::fillPattern(r.pattern, {}), "");
        EXPECT_EQ(reply.status, 401) << describe(r) << ": " << reply.describe();
        EXPECT_NE(reply.contentType.find("application/problem+json"), std::string::npos) << describe(r);
    }
}

TEST_F(MatrixTest, UserAndIngestTokensStayOnTheirOwnRoutes) {
    const std::string ingest = service->serviceToken(TestService::username(Role::ingest_service, Jurisdiction::A));
    const std::string person = service->login(TestService::kRootAdministrator);
    int checked = 0;
    for (const auto& r : service->router().routes()) {
        const std::string path = lims::test::fillPattern(r.pattern, {});
        if (r.auth == AuthRequirement::User) {
            auto reply = call(r, path, ingest);
            EXPECT_EQ(reply.status, 403) << describe(r) << " with an ingest token: " << reply.describe();
            ++checked;
        } else if (r.auth == AuthRequirement::Ingest) {
            auto reply = call(r, path, person);
            EXPECT_EQ(reply.status, 403) << describe(r) << " with a user token: " << reply.describe();
            ++checked;
        }
    }
    EXPECT_GT(checked, 0);
}

TEST_F(MatrixTest, EveryAuthenticatedRouteDeclaresItsRoles) {
    for (const auto& r : service->router().routes()) {
        if (r.auth == AuthRequirement::Public || kOpenToEveryRole.count(r.operationId)) continue;
        EXPECT_FALSE(r.roles.empty()) << describe(r)
                                      << " declares no roles, so every role may call it: set Route::roles "
                                         "(the 9th field, e.g. {domain::Role::sampler}) in the route's add_*_routes";
    }
}

TEST_F(MatrixTest, RolesTheRouteDoesNotDeclareGet403) {
    for (const auto& r : service->router().routes()) {
        if (r.auth != AuthRequirement::User || r.roles.empty()) continue;
        const std::string path = lims::test::fillPattern(r.pattern, {});
        for (Role role : lims::domain::kAllRoles) {
            if (role == Role::ingest_service || r.roles.contains(role)) continue;
            const std::string user = TestService::username(role, Jurisdiction::A);
            auto reply = call(r, path, service->login(user));
            EXPECT_EQ(reply.status, 403) << describe(r) << " as " << user << ": " << reply.describe();
        }
    }
}

TEST_F(MatrixTest, AnotherJurisdictionsRecordIsNotFound) {
    const auto& recipes = lims::test::routeRecipes();
    for (const auto& r : service->router().routes()) {
        if (r.auth != AuthRequirement::User || lims::test::patternParameters(r.pattern).empty()) continue;
        auto recipe = recipes.find(r.pattern);
        if (recipe == recipes.end()) {
            ADD_FAILURE() << lims::test::missingRecipeMessage(r.method, r.pattern);
            continue;
        }
        if (recipe->second.shared) continue;
        // The caller: jurisdiction A, holding a role the route admits.
        Role caller = Role::administrator;
        for (Role role : lims::domain::kAllRoles) {
            if (role != Role::ingest_service && (r.roles.empty() || r.roles.contains(role))) {
                caller = role;
                break;
            }
        }
        const std::string token = service->login(TestService::username(caller, Jurisdiction::A));
        RouteRecord other = recipe->second.make(*service, Jurisdiction::B);
        const std::string body = other.body ? lims::api::toJsonText(other.body) : std::string("{}");
        auto reply = call(r, lims::test::fillPattern(r.pattern, other.params), token, body);
        EXPECT_EQ(reply.status, 404) << describe(r) << " as " << TestService::username(caller, Jurisdiction::A)
                                     << " on jurisdiction B's record: " << reply.describe();
        if (r.method == "GET") {
            // The same caller reads jurisdiction A's record: the recipe made a real one.
            RouteRecord own = recipe->second.readable ? recipe->second.readable(*service, Jurisdiction::A)
                                                      : recipe->second.make(*service, Jurisdiction::A);
            auto mine = call(r, lims::test::fillPattern(r.pattern, own.params), token);
            EXPECT_EQ(mine.status / 100, 2) << describe(r) << " on jurisdiction A's own record: " << mine.describe();
        }
    }
}

// ---- ids in bodies ---------------------------------------------------------------------

std::int64_t countRows(TestService& service, const std::string& query) {
    Poco::Int64 n = -1;
    auto session = service.database()->connect();
    session.session() << query, Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
    return n;
}

// A regulated entity under the side's enforcement unit (whose officers open its leads).
std::int64_t regulatedEntity(TestService& service, Jurisdiction side) {
    const auto unit = service.organisation(TestService::enforcementUnit(side));
    Poco::Int64 id = 0;
    auto session = service.database()->connect();
    const std::string at = "2026-11-23T00:00:00.000Z";
    session.session() << "INSERT INTO regulated_entities (name, kind, jurisdiction_org_id, region_code, created_at, "
                         "updated_at) VALUES ('矩阵药房', 'pharmacy', $1, $2, $3, $4) RETURNING id",
        Poco::Data::Keywords::bind(unit.id), Poco::Data::Keywords::bind(unit.region_code), Poco::Data::Keywords::bind(at),
        Poco::Data::Keywords::bind(at), Poco::Data::Keywords::into(id), Poco::Data::Keywords::now;
    return id;
}

// One body id: the route, the caller's role, a body naming a record of the given side, and
// the table a success would write to.
struct BodyId {
    std::string method, path, field;
    Role caller;
    std::function<std::string(TestService&, Jurisdiction)> body;
    std::string written;  // SELECT count(*) ... that a success raises
};

const std::vector<BodyId>& bodyIds() {
    static const std::vector<BodyId> ids{
        {"POST", "/api/v1/case-leads", "subject_entity_id", Role::enforcement_officer,
         [](TestService& s, Jurisdiction side) {
             return R"({"subject_entity_id":)" + std::to_string(regulatedEntity(s, side)) + R"(,"summary":"矩阵"})";
         },
         "SELECT count(*) FROM case_leads"},
    };
    return ids;
}

TEST_F(MatrixTest, ABodyIdOfAnotherJurisdictionIsRefusedAsItsFieldAndWritesNothing) {
    for (const auto& id : bodyIds()) {
        const auto client = service->as(TestService::username(id.caller, Jurisdiction::A));
        const std::string what = id.method + " " + id.path + " " + id.field;
        const auto rows = countRows(*service, id.written);
        const auto audit = countRows(*service, "SELECT count(*) FROM audit_log");
        auto other = client.request(id.method, id.path, id.body(*service, Jurisdiction::B),
                                    {{"Content-Type", "application/json"}});
        EXPECT_EQ(other.status, 422) << what << " naming jurisdiction B's record: " << other.describe();
        EXPECT_NE(other.body.find(id.field), std::string::npos) << what << ": " << other.describe();
        EXPECT_EQ(countRows(*service, id.written), rows) << what;
        EXPECT_EQ(countRows(*service, "SELECT count(*) FROM audit_log"), audit) << what;
        // The same caller naming its own jurisdiction's record succeeds: the refusal was the id's.
        auto own = client.request(id.method, id.path, id.body(*service, Jurisdiction::A),
                                  {{"Content-Type", "application/json"}});
        EXPECT_EQ(own.status / 100, 2) << what << " naming jurisdiction A's record: " << own.describe();
        EXPECT_EQ(countRows(*service, id.written), rows + 1) << what;
    }
}

// ---- ingest tokens of another organisation -----------------------------------------------

std::string base64(const std::string& bytes) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    return out.str();
}

std::string observationsBody(const std::string& instrument, const std::string& raw) {
    return R"({"messages":[{"instrument":")" + instrument + R"(","protocol":"hl7","raw_base64":")" + base64(raw) +
           R"(","received_at":"2026-11-23T08:00:00Z","observations":[{"test_code":"ASSAY","specimen_id":"S-1",)"
           R"("value":"99.1","number":"99.1","status":"F"}]}]})";
}

TEST_F(MatrixTest, AnIngestTokenIsRefusedAnotherOrganisationsInstrumentsAndLoggersAndWritesNothing) {
    const auto& recipes = lims::test::routeRecipes();
    const auto gateway = service->withToken(
        service->serviceToken(TestService::username(Role::ingest_service, Jurisdiction::A)));
    static int key = 0;
    auto post = [&](const std::string& path, const std::string& body) {
        return gateway.request("POST", path, body,
                               {{"Content-Type", "application/json"},
                                {"Idempotency-Key", "matrix-ingest-" + std::to_string(++key)}});
    };

    // Observations: jurisdiction B's instrument is answered exactly as an unregistered one.
    const std::string theirs = recipes.at("/api/v1/instruments/{code}").make(*service, Jurisdiction::B).params.at("code");
    const auto raw = countRows(*service, "SELECT count(*) FROM raw_messages");
    const auto results = countRows(*service, "SELECT count(*) FROM results");
    const auto quarantined = countRows(*service, "SELECT count(*) FROM quarantine");
    auto refused = post("/api/v1/ingest/observations", observationsBody(theirs, "MSH|MATRIX|" + theirs + "\r"));
    auto unknown = post("/api/v1/ingest/observations", observationsBody("NO-SUCH-INSTRUMENT", "MSH|MATRIX|none\r"));
    ASSERT_EQ(refused.status, 200) << refused.describe();
    ASSERT_EQ(unknown.status, 200) << unknown.describe();
    auto first = [](const lims::test::HttpReply& r) { return r.json()->getArray("messages")->getObject(0); };
    EXPECT_EQ(first(refused)->getValue<std::string>("status"), "refused") << refused.describe();
    EXPECT_EQ(first(refused)->getValue<std::string>("code"), first(unknown)->getValue<std::string>("code"));
    EXPECT_EQ(first(refused)->getValue<std::string>("reason"),
              "instrument " + theirs + " is not registered; message refused");
    EXPECT_EQ(countRows(*service, "SELECT count(*) FROM raw_messages"), raw);
    EXPECT_EQ(countRows(*service, "SELECT count(*) FROM results"), results);
    EXPECT_EQ(countRows(*service, "SELECT count(*) FROM quarantine"), quarantined);
    // Their host query too (GET /ingest/orders has checked since it was written).
    auto orders = gateway.get("/api/v1/ingest/orders?instrument=" + theirs + "&specimen=S-1");
    EXPECT_EQ(orders.status, 404) << orders.describe();
    // The gateway's own laboratory's instrument is taken: the refusal was the jurisdiction's.
    const std::string mine = recipes.at("/api/v1/instruments/{code}").make(*service, Jurisdiction::A).params.at("code");
    const auto raw_before_mine = countRows(*service, "SELECT count(*) FROM raw_messages");  // the recipe ingests one
    auto taken = post("/api/v1/ingest/observations", observationsBody(mine, "MSH|MATRIX|" + mine + "\r"));
    ASSERT_EQ(taken.status, 200) << taken.describe();
    EXPECT_EQ(first(taken)->getValue<std::string>("status"), "committed") << taken.describe();
    EXPECT_EQ(countRows(*service, "SELECT count(*) FROM raw_messages"), raw_before_mine + 1);

    // Readings: a logger of jurisdiction B's laboratory is refused as an unregistered one;
    // nothing of it is stored.
    auto loggerAt = [&](Jurisdiction side) {
        static int n = 0;
        const std::string serial = std::string("TL-MATRIX-") + (side == Jurisdiction::A ? "A" : "B") + std::to_string(++n);
        auto made = service->database()->write([&](lims::store::Transaction& tx) {
            return lims::store::ReadingRepository(tx).create_logger(
                serial, "sim", service->organisationId(TestService::laboratory(side)), "matrix");
        });
        if (!made) throw std::runtime_error(made.error().message);
        return serial;
    };
    const std::string their_logger = loggerAt(Jurisdiction::B);
    const auto readings = countRows(*service, "SELECT count(*) FROM readings");
    const auto a_minute_ago = std::chrono::duration_cast<std::chrono::seconds>(
                                  std::chrono::system_clock::now().time_since_epoch()).count() - 60;
    auto reading = [&](const std::string& serial) {
        return R"({"readings":[{"logger":")" + serial + R"(","at_utc":)" + std::to_string(a_minute_ago) +
               R"(,"centi_celsius":450}]})";
    };
    auto refused_readings = post("/api/v1/ingest/readings", reading(their_logger));
    ASSERT_EQ(refused_readings.status, 200) << refused_readings.describe();
    EXPECT_EQ(refused_readings.json()->getValue<int>("stored"), 0) << refused_readings.describe();
    auto problem = refused_readings.json()->getArray("problems")->getObject(0);
    EXPECT_EQ(problem->getValue<std::string>("code"), "reading.unknown_logger");
    EXPECT_EQ(problem->getValue<std::string>("detail"), "logger '" + their_logger + "' is not registered");
    EXPECT_EQ(countRows(*service, "SELECT count(*) FROM readings"), readings);
    // A logger of the gateway's own laboratory: its reading is stored.
    auto taken_readings = post("/api/v1/ingest/readings", reading(loggerAt(Jurisdiction::A)));
    ASSERT_EQ(taken_readings.status, 200) << taken_readings.describe();
    EXPECT_EQ(taken_readings.json()->getValue<int>("stored"), 1) << taken_readings.describe();
    EXPECT_EQ(countRows(*service, "SELECT count(*) FROM readings"), readings + 1);
}

TEST_F(MatrixTest, TheAuditChainStillVerifies) { EXPECT_TRUE(service->auditChainIntact()); }

}  // namespace

// ---- ids named in request bodies (cold chain; issue 14) ------------------------------------
// A storage unit or shipment named in a placement's or transport box's body must lie in the
// caller's subtree like the record in the path: another jurisdiction's is refused (422
// naming the field, the same answer as for an id that does not exist) and nothing is
// written. Each refusal has its control: the same request naming the caller's own record
// succeeds, so the refusal is the jurisdiction's and not some other check's.
#include "lims/store/reading_repository.hpp"
#include "lims/workflow/coldchain/placements.hpp"

namespace {
namespace body_ids {

namespace cc = lims::workflow::coldchain;
constexpr std::int64_t kT0 = 1772409600;  // 2026-03-02T00:00:00Z

std::int64_t counted(TestService& s, const std::string& sql, std::int64_t key) {
    Poco::Int64 n = 0;
    auto ok = s.database()->read([&](lims::store::Transaction& tx) -> lims::store::StoreResult<lims::store::Done> {
        tx.session() << sql, Poco::Data::Keywords::bind(key), Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
        return lims::store::Done{};
    });
    if (!ok) throw std::runtime_error(ok.error().message);
    return n;
}

// A logger at the side's office.
std::int64_t logger(TestService& s, Jurisdiction side, const std::string& serial) {
    const auto office = s.organisationId(TestService::office(side));
    auto made = s.database()->write([&](lims::store::Transaction& tx) {
        return lims::store::ReadingRepository(tx).create_logger(serial, "sim", office, "matrix");
    });
    if (!made) throw std::runtime_error(made.error().message);
    return made->id;
}

// A storage unit at the side's office, whose site has the three contacts a placement needs.
std::int64_t unit(TestService& s, Jurisdiction side, const std::string& code, const std::string& kind) {
    const auto office = s.organisationId(TestService::office(side));
    lims::store::StorageUnitRow u;
    u.code = code;
    u.org_id = office;
    u.name = kind;
    u.kind = kind;
    u.storage_class = "refrigerated";
    u.min_centi_celsius = 200;
    u.max_centi_celsius = 800;
    auto created = cc::register_storage_unit(*s.database(), u, "matrix");
    if (!created) throw std::runtime_error(created.error().message);
    for (int i = 0; i < 3; ++i) {
        lims::store::ContactRow c;
        c.org_id = office;
        c.name = "duty " + std::to_string(i);
        c.email = "duty@example.org";
        if (auto added = cc::add_site_contact(*s.database(), c, "matrix"); !added)
            throw std::runtime_error(added.error().message);
    }
    return created->id;
}

// A shipment from the side's office to its laboratory.
std::int64_t shipment(TestService& s, Jurisdiction side, const std::string& number) {
    const auto office = s.organisationId(TestService::office(side));
    const auto lab = s.organisationId(TestService::laboratory(side));
    Poco::Int64 id = 0;
    auto done = s.database()->write([&](lims::store::Transaction& tx) -> lims::store::StoreResult<lims::store::Done> {
        const std::string at = tx.now_utc();
        tx.session() << "INSERT INTO shipments (number, from_org_id, to_org_id, state, created_at, updated_at) VALUES "
                        "($1, $2, $3, 'in_transit', $4, $4) RETURNING id",
            Poco::Data::Keywords::bind(number), Poco::Data::Keywords::bind(office), Poco::Data::Keywords::bind(lab),
            Poco::Data::Keywords::bind(at), Poco::Data::Keywords::into(id), Poco::Data::Keywords::now;
        return lims::store::Done{};
    });
    if (!done) throw std::runtime_error(done.error().message);
    return id;
}

std::string firstErrorField(const lims::test::HttpReply& r) {
    auto errors = r.json() ? r.json()->getArray("errors") : nullptr;
    return errors && errors->size() > 0 ? errors->getObject(0)->getValue<std::string>("field") : "";
}

}  // namespace body_ids

TEST_F(MatrixTest, APlacementNamingAnotherJurisdictionsUnitOrShipmentIsRefusedAndWritesNothing) {
    using namespace body_ids;
    const std::int64_t mine = logger(*service, Jurisdiction::A, "TL-BODY-A");
    const std::int64_t their_unit = unit(*service, Jurisdiction::B, "BODY-B-F1", "refrigerator");
    const std::int64_t their_shipment = shipment(*service, Jurisdiction::B, "S-BODY-B-1");
    const std::string placements = "/api/v1/coldchain/loggers/" + std::to_string(mine) + "/placements";
    const char* count = "SELECT COUNT(*) FROM logger_placements WHERE logger_id = $1";
    // Every role that may place a logger, from jurisdiction A.
    for (Role role : {Role::administrator, Role::sampler}) {  // bureau A, office A1 (the lab sees neither)
        auto as = service->as(TestService::username(role, Jurisdiction::A));
        auto body = lims::api::newObject();
        body->set("storage_unit_id", their_unit);
        body->set("from_utc", kT0);
        auto refused = as.post(placements, body);
        EXPECT_EQ(refused.status, 422) << refused.describe();
        EXPECT_EQ(firstErrorField(refused), "storage_unit_id") << refused.describe();

        auto trip = lims::api::newObject();
        trip->set("shipment_id", their_shipment);
        trip->set("from_utc", kT0);
        auto refused_trip = as.post(placements, trip);
        EXPECT_EQ(refused_trip.status, 422) << refused_trip.describe();
        EXPECT_EQ(firstErrorField(refused_trip), "shipment_id") << refused_trip.describe();
        EXPECT_EQ(counted(*service, count, mine), 0) << "a refused placement wrote a row";
    }
    // An id that exists nowhere is answered the same way.
    auto nowhere = lims::api::newObject();
    nowhere->set("storage_unit_id", 987654321);
    nowhere->set("from_utc", kT0);
    auto missing = service->as(TestService::username(Role::sampler, Jurisdiction::A)).post(placements, nowhere);
    EXPECT_EQ(missing.status, 422) << missing.describe();
    EXPECT_EQ(firstErrorField(missing), "storage_unit_id");

    // Controls: jurisdiction A's own unit and shipment are accepted.
    auto sampler = service->as(TestService::username(Role::sampler, Jurisdiction::A));
    auto own = lims::api::newObject();
    own->set("storage_unit_id", unit(*service, Jurisdiction::A, "BODY-A-F1", "refrigerator"));
    own->set("from_utc", kT0);
    auto placed = sampler.post(placements, own);
    EXPECT_EQ(placed.status, 201) << placed.describe();
    auto own_trip = lims::api::newObject();
    own_trip->set("shipment_id", shipment(*service, Jurisdiction::A, "S-BODY-A-1"));
    own_trip->set("from_utc", kT0 + 3600);
    auto travelled = sampler.post(placements, own_trip);
    EXPECT_EQ(travelled.status, 201) << travelled.describe();
    EXPECT_EQ(counted(*service, count, mine), 2);
}

TEST_F(MatrixTest, ATransportBoxOfAnotherJurisdictionIsRefusedAndWritesNothing) {
    using namespace body_ids;
    const std::int64_t their_box = unit(*service, Jurisdiction::B, "BODY-B-BOX", "transport_box");
    const char* bound = "SELECT COUNT(*) FROM transport_box_trips WHERE shipment_id = $1";
    for (Role role : {Role::administrator, Role::sampler}) {  // bureau A, office A1 (the lab sees neither)
        const std::int64_t mine = shipment(*service, Jurisdiction::A, "S-BOX-A-" + std::string(lims::domain::to_string(role)));
        auto body = lims::api::newObject();
        body->set("storage_unit_id", their_box);
        body->set("at_utc", kT0);
        auto refused = service->as(TestService::username(role, Jurisdiction::A))
                           .post("/api/v1/coldchain/shipments/" + std::to_string(mine) + "/transport-box", body);
        EXPECT_EQ(refused.status, 422) << refused.describe();
        EXPECT_EQ(firstErrorField(refused), "storage_unit_id") << refused.describe();
        EXPECT_EQ(counted(*service, bound, mine), 0) << "a refused binding wrote a row";
    }
    // Control: jurisdiction A's own box on jurisdiction A's shipment.
    const std::int64_t mine = shipment(*service, Jurisdiction::A, "S-BOX-A-OWN");
    auto body = lims::api::newObject();
    body->set("storage_unit_id", unit(*service, Jurisdiction::A, "BODY-A-BOX", "transport_box"));
    body->set("at_utc", kT0);
    auto ok = service->as(TestService::username(Role::sampler, Jurisdiction::A))
                  .post("/api/v1/coldchain/shipments/" + std::to_string(mine) + "/transport-box", body);
    EXPECT_EQ(ok.status, 204) << ok.describe();
    EXPECT_EQ(counted(*service, bound, mine), 1);
}

}  // namespace
