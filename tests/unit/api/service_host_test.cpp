// The assembled service over a real store (tests/support TestService): store-backed
// logins and tokens with scopes and revocation, persistent Idempotency-Keys, /healthz
// probing the database, and the seeded organisation tree other suites rely on.
#include "test_service.hpp"

#include "lims/api/bearer_token.hpp"
#include "lims/app/store_credentials.hpp"
#include "lims/store/utc_time.hpp"
#include "lims/store/transaction.hpp"
#include "lims/store/user_repository.hpp"

#include "lims/store/audit.hpp"
#include "lims/store/sql.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace Poco::Data::Keywords;
using lims::domain::Role;
using lims::test::Jurisdiction;
using lims::test::TestService;

namespace {

std::string loginBody(const std::string& user, const std::string& password) {
    return R"({"username":")" + user + R"(","password":")" + password + R"("})";
}

}  // namespace

TEST(ServiceHostTest, SeedsTwoJurisdictionsWithOneUserPerRole) {
    TestService service;
    const auto a = service.organisation(TestService::kBureauA);
    const auto b = service.organisation(TestService::kBureauB);
    EXPECT_EQ(a.region_code, "310100");
    EXPECT_EQ(b.region_code, "320100");
    const auto officeA = service.organisation(TestService::kOfficeA1);
    EXPECT_EQ(officeA.path.rfind(a.path, 0), 0u) << officeA.path << " is not below " << a.path;
    EXPECT_NE(service.organisation(TestService::kOfficeB1).path.rfind(a.path, 0), 0u);
    for (Role role : lims::domain::kAllRoles) {
        for (Jurisdiction side : {Jurisdiction::A, Jurisdiction::B}) {
            EXPECT_GT(service.userId(TestService::username(role, side)), 0);
        }
    }
    auto me = service.as("sampler_b").get("/api/v1/me");
    ASSERT_EQ(me.status, 200) << me.describe();
    EXPECT_EQ(me.json()->getValue<std::string>("organisation_code"), TestService::kOfficeB1);
    EXPECT_TRUE(service.auditChainIntact());
}

TEST(ServiceHostTest, LoginsAndTokensLiveInTheDatabase) {
    TestService service;
    auto bad = service.anonymous().post("/api/v1/auth/login", loginBody("planner_a", "wrong-password-1"));
    EXPECT_EQ(bad.status, 401) << bad.describe();
    auto good = service.anonymous().post("/api/v1/auth/login", loginBody("planner_a", TestService::kPassword));
    ASSERT_EQ(good.status, 200) << good.describe();
    const std::string token = good.json()->getValue<std::string>("token");
    EXPECT_EQ(good.json()->getValue<std::string>("scope"), "user");

    // Stored only as a hash, with its scope.
    auto stored = service.database()->read([&](lims::store::Transaction& tx) {
        return lims::store::UserRepository(tx).find_token(lims::api::hashBearerToken(token));
    });
    ASSERT_TRUE(stored) << stored.error().message;
    EXPECT_EQ(stored->scope, "user");
    int plain = 0;
    ASSERT_TRUE(service.database()->read([&](lims::store::Transaction& tx) -> lims::store::StoreResult<int> {
        tx.session() << "SELECT count(*) FROM auth_tokens WHERE token_hash = $1", bind(token), into(plain), now;
        return plain;
    }));
    EXPECT_EQ(plain, 0);

    EXPECT_EQ(service.get("/api/v1/me", token).status, 200);
    EXPECT_EQ(service.post("/api/v1/auth/logout", token, "").status, 204);
    auto after = service.get("/api/v1/me", token);
    EXPECT_EQ(after.status, 401);
    EXPECT_NE(after.body.find("revoked"), std::string::npos) << after.describe();
    EXPECT_TRUE(service.auditChainIntact());
}

TEST(ServiceHostTest, AdministratorRevokesAUsersTokens) {
    TestService service;
    const std::string sampler = service.login("sampler_a");
    const auto id = service.userId("sampler_a");
    auto denied = service.post("/api/v1/auth/users/" + std::to_string(id) + "/revoke", service.login("planner_a"), "");
    EXPECT_EQ(denied.status, 403) << denied.describe();
    auto revoked = service.post("/api/v1/auth/users/" + std::to_string(id) + "/revoke",
                                service.login(TestService::kRootAdministrator), "");
    ASSERT_EQ(revoked.status, 200) << revoked.describe();
    EXPECT_EQ(revoked.json()->getValue<int>("revoked"), 1);
    EXPECT_EQ(service.get("/api/v1/me", sampler).status, 401);
    // The audit entry names the administrator who did it.
    auto entries = lims::store::read_audit_entries(*service.database(), 1, 100000);
    ASSERT_TRUE(entries) << entries.error().message;
    auto entry = std::find_if(entries->rbegin(), entries->rend(),
                              [](const auto& e) { return e.record.action == "user.revoke_tokens"; });
    ASSERT_NE(entry, entries->rend());
    EXPECT_EQ(entry->record.actor, TestService::kRootAdministrator);
    EXPECT_EQ(entry->record.entity_id, "sampler_a");
    EXPECT_TRUE(service.auditChainIntact());
}

TEST(ServiceHostTest, TokenAndUserInOneLookUpMatchTheSeparateLookUps) {
    TestService service;
    const std::string hash = lims::api::hashBearerToken(service.login("sampler_a"));
    lims::app::StoreCredentials credentials(service.database());
    auto joined = credentials.findTokenWithUser(hash);
    ASSERT_TRUE(joined) << joined.error().message;
    ASSERT_TRUE(*joined);
    ASSERT_TRUE((*joined)->user);
    auto token = credentials.findToken(hash);
    ASSERT_TRUE(token && *token);
    auto user = credentials.findUserById((*token)->userId);
    ASSERT_TRUE(user && *user);
    const auto& j = **joined;
    EXPECT_EQ(j.token.userId, (*token)->userId);
    EXPECT_EQ(j.token.scope, (*token)->scope);
    EXPECT_EQ(j.token.expiresAt, (*token)->expiresAt);
    EXPECT_FALSE(j.token.revokedAt);
    EXPECT_EQ(j.user->username, "sampler_a");
    EXPECT_EQ(j.user->roles, (*user)->roles);
    EXPECT_FALSE(j.user->roles.empty());
    EXPECT_EQ(j.user->organisationPath, (*user)->organisationPath);
    EXPECT_EQ(j.user->organisationCode, (*user)->organisationCode);
    EXPECT_TRUE(j.user->active);

    auto unknown = credentials.findTokenWithUser(std::string(64, '0'));
    ASSERT_TRUE(unknown);
    EXPECT_FALSE(*unknown);

    // A user of a disabled organisation is not active.
    ASSERT_TRUE(service.database()->write([&](lims::store::Transaction& tx) -> lims::store::StoreResult<int> {
        lims::store::sql(tx, "UPDATE organisations SET active = 0 WHERE id = $1", {j.user->organisationId});
        return 0;
    }));
    auto disabled = credentials.findTokenWithUser(hash);
    ASSERT_TRUE(disabled && *disabled && (*disabled)->user);
    EXPECT_FALSE((*disabled)->user->active);
}

TEST(ServiceHostTest, MetricsShowTheDatabaseWriteFigures) {
    TestService service;
    const std::string admin = service.login(TestService::kRootAdministrator);  // a write: the token
    auto metrics = service.get("/metrics", admin);
    ASSERT_EQ(metrics.status, 200) << metrics.describe();
    for (const char* name : {"lims_db_write_calls_total{backend=", "lims_db_write_commits_total{backend=",
                             "lims_db_write_queued{backend="}) {
        EXPECT_NE(metrics.body.find(name), std::string::npos) << name << "\n" << metrics.body;
    }
    // Group commit (and so its counting) is SQLite's.
    const std::string sqlite_calls = "lims_db_write_calls_total{backend=\"sqlite\"} ";
    if (const auto at = metrics.body.find(sqlite_calls); at != std::string::npos) {
        EXPECT_GT(std::stod(metrics.body.substr(at + sqlite_calls.size())), 0.0) << metrics.body;
    }
}

TEST(ServiceHostTest, IngestTokensReachNoUserRoute) {
    TestService service;
    const std::string ingest = service.serviceToken("ingest_service_a");
    auto me = service.get("/api/v1/me", ingest);
    EXPECT_EQ(me.status, 403) << me.describe();
    auto stored = service.database()->read([&](lims::store::Transaction& tx) {
        return lims::store::UserRepository(tx).find_token(lims::api::hashBearerToken(ingest));
    });
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->scope, "ingest");
    // A person's account cannot get one.
    EXPECT_THROW(service.serviceToken("sampler_a"), std::runtime_error);
}

TEST(ServiceHostTest, IdempotencyKeysAreKeptInTheDatabase) {
    TestService service;
    const std::string admin = service.login("administrator_a");
    const std::string body = R"({"name":"Kept-key pharmacy","kind":"pharmacy","jurisdiction_org_id":)" +
                             std::to_string(service.organisationId(TestService::kBureauA)) + R"(,"region_code":"310101"})";
    const lims::test::Headers key{{"Idempotency-Key", "4a1f7c1e-entity"}};
    auto first = service.post("/api/v1/regulated-entities", admin, body, key);
    ASSERT_EQ(first.status, 201) << first.describe();
    auto again = service.post("/api/v1/regulated-entities", admin, body, key);
    EXPECT_EQ(again.status, 201);
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(again.header("idempotent-replayed"), "true");
    std::string otherBody = body;
    otherBody.replace(otherBody.find("Kept-key"), 8, "Other-key");
    auto other = service.post("/api/v1/regulated-entities", admin, otherBody, key);
    EXPECT_EQ(other.status, 422) << other.describe();

    int rows = 0;
    ASSERT_TRUE(service.database()->read([&](lims::store::Transaction& tx) -> lims::store::StoreResult<int> {
        tx.session() << "SELECT count(*) FROM idempotency_keys WHERE response_status = 201", into(rows), now;
        return rows;
    }));
    EXPECT_EQ(rows, 1);
}

TEST(ServiceHostTest, HealthzProbesTheDatabase) {
    TestService service;
    auto health = service.anonymous().get("/healthz");
    ASSERT_EQ(health.status, 200) << health.describe();
    EXPECT_EQ(health.json()->getValue<std::string>("database"), "ok");
}

TEST(ServiceHostTest, OpenApiDocumentsEveryAssembledRouteWithItsRoles) {
    TestService service;
    auto doc = service.as("planner_a").get("/api/v1/openapi.json");
    ASSERT_EQ(doc.status, 200) << doc.describe();
    auto paths = doc.json()->getObject("paths");
    ASSERT_TRUE(paths);
    for (const auto& route : service.router().routes()) {
        std::string method = route.method;
        for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto item = paths->getObject(route.pattern);
        ASSERT_TRUE(item) << route.pattern << " is missing from the document";
        auto op = item->getObject(method);
        ASSERT_TRUE(op) << route.method << " " << route.pattern << " is missing from the document";
        EXPECT_EQ(op->getValue<std::string>("operationId"), route.operationId);
        if (route.auth == lims::api::AuthRequirement::Public) continue;
        auto roles = op->getArray("x-roles");
        ASSERT_TRUE(roles) << route.operationId;
        const auto expected = route.roles.empty() ? lims::api::kEveryRole : route.roles;
        EXPECT_EQ(roles->size(), expected.roles().size()) << route.operationId;
        for (std::size_t i = 0; i < roles->size(); ++i) {
            auto role = lims::domain::parse_role(roles->getElement<std::string>(static_cast<unsigned>(i)));
            ASSERT_TRUE(role) << route.operationId;
            EXPECT_TRUE(expected.contains(*role)) << route.operationId;
        }
    }
}
