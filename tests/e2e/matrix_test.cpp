// The role x jurisdiction matrix: every route of the assembled route table (whatever the
// areas add; nothing is listed here by hand) is called without a token (401), with the
// wrong token scope (403), as each role the route does not declare (403), and, for
// routes whose path names a record, by an allowed user of jurisdiction A on a record of
// jurisdiction B (404: another jurisdiction's record is never admitted to exist).
#include "route_recipes.hpp"
#include "test_service.hpp"

#include "lims/api/json_text.hpp"

#include <gtest/gtest.h>

#include <set>

using lims::api::AuthRequirement;
using lims::api::Route;
using lims::domain::Role;
using lims::test::Jurisdiction;
using lims::test::RouteRecord;
using lims::test::TestService;

namespace {

// Authenticated routes meant for every caller; any other route must declare its roles.
const std::set<std::string> kOpenToEveryRole{"getMe", "logout", "getMetrics", "getOpenApi"};

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
            RouteRecord own = recipe->second.make(*service, Jurisdiction::A);
            auto mine = call(r, lims::test::fillPattern(r.pattern, own.params), token);
            EXPECT_EQ(mine.status / 100, 2) << describe(r) << " on jurisdiction A's own record: " << mine.describe();
        }
    }
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
