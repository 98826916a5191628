#include "lims/api/auth_routes.hpp"
#include "lims/api/auth_service.hpp"
#include "lims/api/bearer_token.hpp"
#include "lims/api/server.hpp"
#include "support/http_client.hpp"
#include "support/memory_credentials.hpp"

#include <Poco/JSON/Array.h>

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

using namespace lims::api;
using lims::api::testing::call;
using lims::api::testing::MemoryCredentials;
using namespace std::chrono_literals;

namespace {

AuthSettings fastSettings() {
    AuthSettings s;
    s.argon2 = {1024, 1, 1};
    return s;
}

class AuthTest : public ::testing::Test {
protected:
    AuthTest()
        : auth(store, fastSettings(), [this] { return now.load(); }) {}
    void SetUp() override {
        ASSERT_TRUE(auth.createUser({"admin", "系统管理员", "SH-ROOT", {"administrator"}, ""}, "admin-password-1"));
        ASSERT_TRUE(auth.createUser({"zhang.san", "张三", "SH-PD-01", {"sampler"}, ""}, "sampler-password-1"));
        ASSERT_TRUE(auth.createUser({"gateway-1", "Gateway 1", "SH-LAB", {"ingest_service"}, ""}, "gateway-password-1"));
    }
    MemoryCredentials store;
    std::atomic<AuthService::Clock::time_point> now{AuthService::Clock::time_point{} + 480000h};
    AuthService auth;
};

}  // namespace

TEST_F(AuthTest, LoginIssuesATokenStoredOnlyAsItsHash) {
    auto issued = auth.login("zhang.san", "sampler-password-1");
    ASSERT_TRUE(issued) << issued.problem().detail;
    EXPECT_EQ(issued->user.username, "zhang.san");
    EXPECT_TRUE(issued->user.passwordHash.empty());
    EXPECT_EQ(issued->expiresAt, now.load() + 8h);
    ASSERT_EQ(store.tokens.size(), 1u);
    EXPECT_EQ(store.tokens.begin()->first, hashBearerToken(issued->token));
    EXPECT_EQ(store.tokens.count(issued->token), 0u);
    auto who = auth.authenticate(issued->token);
    ASSERT_TRUE(who.principal);
    EXPECT_EQ(who.principal->username, "zhang.san");
    EXPECT_EQ(who.principal->organisationId, 11);
    EXPECT_TRUE(who.principal->hasRole("sampler"));
}

TEST_F(AuthTest, WrongPasswordAndUnknownUserGetTheSameAnswer) {
    auto wrong = auth.login("zhang.san", "not-the-password");
    auto unknown = auth.login("nobody", "not-the-password");
    ASSERT_FALSE(wrong);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(wrong.problem().status, 401);
    EXPECT_EQ(wrong.problem().toJson(), unknown.problem().toJson());
}

TEST_F(AuthTest, RepeatedFailuresSlowDownThenLockAndSaySo) {
    for (int i = 0; i < 4; ++i) EXPECT_EQ(auth.login("zhang.san", "guess").problem().status, 401);
    auto slowed = auth.login("zhang.san", "guess");
    EXPECT_EQ(slowed.problem().status, 429);
    EXPECT_EQ(slowed.problem().headers.at(0), (std::pair<std::string, std::string>{"Retry-After", "2"}));
    // Even the right password waits out the delay.
    EXPECT_EQ(auth.login("zhang.san", "sampler-password-1").problem().status, 429);
    for (int i = 0; i < 5; ++i) {
        now = now.load() + 61s;
        (void)auth.login("zhang.san", "guess");
    }
    now = now.load() + 61s;
    auto locked = auth.login("zhang.san", "sampler-password-1");
    ASSERT_FALSE(locked);
    EXPECT_EQ(locked.problem().status, 423);
    EXPECT_EQ(locked.problem().type, problem_type::kAccountLocked);
    now = now.load() + 16min;
    EXPECT_TRUE(auth.login("zhang.san", "sampler-password-1"));
}

TEST_F(AuthTest, TokensExpire) {
    auto issued = auth.login("zhang.san", "sampler-password-1");
    ASSERT_TRUE(issued);
    now = now.load() + 8h - 1s;
    EXPECT_TRUE(auth.authenticate(issued->token).principal);
    now = now.load() + 1s;
    auto expired = auth.authenticate(issued->token);
    EXPECT_FALSE(expired.principal);
    EXPECT_NE(expired.failure.find("expired"), std::string::npos);
}

TEST_F(AuthTest, LogoutRevokesOnlyThisTokenAndAdminRevokesAll) {
    auto a = auth.login("zhang.san", "sampler-password-1");
    auto b = auth.login("zhang.san", "sampler-password-1");
    ASSERT_TRUE(a && b);
    auto who = auth.authenticate(a->token);
    ASSERT_TRUE(auth.logout(*who.principal));
    EXPECT_NE(auth.authenticate(a->token).failure.find("revoked"), std::string::npos);
    EXPECT_TRUE(auth.authenticate(b->token).principal);
    Principal admin;
    admin.userId = 1;
    admin.username = "admin.li";
    auto n = auth.revokeUserTokens(2, admin);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 1);
    ASSERT_EQ(store.revokedBy.size(), 1u);
    EXPECT_EQ(store.revokedBy.front(), "admin.li");  // the administrator, not a system actor
    EXPECT_FALSE(auth.authenticate(b->token).principal);
    EXPECT_EQ(auth.revokeUserTokens(999, admin).problem().status, 404);
}

TEST_F(AuthTest, DisabledAccountsCannotUseTheirTokens) {
    auto a = auth.login("zhang.san", "sampler-password-1");
    ASSERT_TRUE(a);
    store.users[2].active = false;
    EXPECT_FALSE(auth.authenticate(a->token).principal);
    EXPECT_EQ(auth.login("zhang.san", "sampler-password-1").problem().status, 401);
}

// The verified-token cache: a token verified once is answered from memory (the store is
// not asked) for less than verifiedTokenLifetime; a change the store makes behind the
// service's back (another node) is seen when that runs out, this service's own logout,
// revocation and forgetUser at once.
TEST_F(AuthTest, AVerifiedTokenIsKeptForUnderASecondAndForgottenAtOnceWhenRevokedHere) {
    auto a = auth.login("zhang.san", "sampler-password-1");
    ASSERT_TRUE(a);
    ASSERT_TRUE(auth.authenticate(a->token).principal);
    const std::string hash = hashBearerToken(a->token);
    store.tokens[hash].revokedAt = now.load();  // another node revokes it
    now = now.load() + 700ms;
    EXPECT_TRUE(auth.authenticate(a->token).principal);  // still within its lifetime here
    now = now.load() + 50ms;
    EXPECT_NE(auth.authenticate(a->token).failure.find("revoked"), std::string::npos);  // 750 ms: looked up again

    auto b = auth.login("zhang.san", "sampler-password-1");
    ASSERT_TRUE(b);
    ASSERT_TRUE(auth.authenticate(b->token).principal);
    store.users[2].active = false;  // an administrator's use case disabled the account ...
    auth.forgetUser(2);             // ... and the route told the service
    EXPECT_NE(auth.authenticate(b->token).failure.find("disabled"), std::string::npos);
    store.users[2].active = true;

    auto who = auth.authenticate(b->token);
    ASSERT_TRUE(who.principal);
    ASSERT_TRUE(auth.logout(*who.principal));
    EXPECT_NE(auth.authenticate(b->token).failure.find("revoked"), std::string::npos);
}

TEST_F(AuthTest, WithoutTheCacheEveryRequestLooksItsTokenUp) {
    AuthSettings settings = fastSettings();
    settings.verifiedTokenLifetime = std::chrono::milliseconds(0);
    AuthService uncached(store, settings, [this] { return now.load(); });
    auto a = uncached.login("zhang.san", "sampler-password-1");
    ASSERT_TRUE(a);
    ASSERT_TRUE(uncached.authenticate(a->token).principal);
    store.tokens[hashBearerToken(a->token)].revokedAt = now.load();
    EXPECT_FALSE(uncached.authenticate(a->token).principal);
}

TEST_F(AuthTest, ServiceTokensCarryTheIngestScope) {
    auto t = auth.issueServiceToken(3, "admin");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->expiresAt, now.load() + 365 * 24h);
    EXPECT_EQ(auth.authenticate(t->token).principal->scope, TokenScope::Ingest);
}

TEST_F(AuthTest, ServiceTokensOnlyForIngestServiceAccounts) {
    auto t = auth.issueServiceToken(2, "admin");  // zhang.san is a sampler
    ASSERT_FALSE(t);
    EXPECT_EQ(t.problem().status, 409);
    EXPECT_NE(t.problem().detail.find("ingest_service"), std::string::npos) << t.problem().detail;
}

TEST_F(AuthTest, CreateUserRefusesUnknownOrMissingRoles) {
    EXPECT_EQ(auth.createUser({"wang.wu", "王五", "SH-PD-01", {"superuser"}, ""}, "long-enough-1").error().code,
              "role.unknown");
    EXPECT_EQ(auth.createUser({"wang.wu", "王五", "SH-PD-01", {}, ""}, "long-enough-1").error().code, "role.missing");
}

TEST_F(AuthTest, StoreOutageIsA503NotALoginFailure) {
    store.down = true;
    auto r = auth.login("zhang.san", "sampler-password-1");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.problem().status, 503);
    store.down = false;
    EXPECT_TRUE(auth.login("zhang.san", "sampler-password-1"));  // the outage was not counted as a failure
}

TEST_F(AuthTest, CreateUserChecksPasswordPolicyAndUniqueness) {
    EXPECT_EQ(auth.createUser({"li.si", "李四", "SH-PD-01", {"sampler"}, ""}, "short").error().code, "password.too_short");
    EXPECT_EQ(auth.createUser({"zhang.san", "x", "SH-PD-01", {"sampler"}, ""}, "long-enough-1").error().code, "user.username_taken");
    EXPECT_EQ(auth.createUser({"wang", "x", "NOPE", {"sampler"}, ""}, "long-enough-1").error().code, "user.organisation_unknown");
}

// ---- throttling by address and by username (issue 15 item 10) ---------------------------

TEST_F(AuthTest, AGuesserElsewhereCannotLockTheHolderOut) {
    for (int i = 0; i < 10; ++i) {
        (void)auth.login("zhang.san", "guess", "198.51.100.9:4000");
        now = now.load() + 61s;  // waiting out each delay
    }
    EXPECT_EQ(auth.login("zhang.san", "sampler-password-1", "198.51.100.9:4001").problem().status, 423);
    // The holder, at their own address, logs in (a lock per username let anyone lock anyone).
    EXPECT_TRUE(auth.login("zhang.san", "sampler-password-1", "192.0.2.1:5000"));
}

TEST_F(AuthTest, OnePasswordAgainstManyUsernamesIsStoppedPerAddress) {
    const std::string sprayer = "198.51.100.7:4000";
    for (int i = 0; i < 19; ++i)
        EXPECT_EQ(auth.login("user" + std::to_string(i), "Spring2026!", sprayer).problem().status, 401) << i;
    auto twentieth = auth.login("user19", "Spring2026!", sprayer);
    EXPECT_EQ(twentieth.problem().status, 429);
    // A username it has not tried yet is refused from there too, even with its password...
    auto next = auth.login("zhang.san", "sampler-password-1", "198.51.100.7:4001");
    EXPECT_EQ(next.problem().status, 429);
    EXPECT_NE(next.problem().detail.find("address"), std::string::npos) << next.problem().detail;
    // ...and the same username from elsewhere is not.
    EXPECT_TRUE(auth.login("zhang.san", "sampler-password-1", "192.0.2.1:5000"));
    // The address stops for good (15 minutes) after 100 failures, waiting out each delay.
    Outcome<IssuedToken> last = problems::invalidCredentials();
    for (int i = 20; i < 100; ++i) {
        now = now.load() + 61s;
        last = auth.login("user" + std::to_string(i), "Spring2026!", sprayer);
    }
    EXPECT_EQ(last.problem().status, 429);
    now = now.load() + 14min;
    EXPECT_EQ(auth.login("zhang.san", "sampler-password-1", sprayer).problem().status, 429);
    now = now.load() + 2min;
    EXPECT_TRUE(auth.login("zhang.san", "sampler-password-1", sprayer));
}

TEST_F(AuthTest, BehindAProxyTheAddressCountCanBeTurnedOff) {
    AuthSettings s = fastSettings();
    s.throttleByAddress = false;  // lims.auth.throttle.by-address=false: every client is the proxy
    AuthService proxied(store, s, [this] { return now.load(); });
    for (int i = 0; i < 30; ++i)
        EXPECT_EQ(proxied.login("user" + std::to_string(i), "Spring2026!", "10.0.0.1:1").problem().status, 401) << i;
    EXPECT_TRUE(proxied.login("zhang.san", "sampler-password-1", "10.0.0.1:2"));
}

TEST_F(AuthTest, OneUsernameFromManyAddressesIsSlowedNeverLocked) {
    for (int i = 0; i < 19; ++i)
        EXPECT_EQ(auth.login("zhang.san", "guess", "203.0.113." + std::to_string(i) + ":80").problem().status, 401);
    EXPECT_EQ(auth.login("zhang.san", "guess", "203.0.113.19:80").problem().status, 429);
    auto slowed = auth.login("zhang.san", "sampler-password-1", "192.0.2.1:5000");
    EXPECT_EQ(slowed.problem().status, 429);  // slowed for everyone, for a few seconds
    for (int i = 20; i < 60; ++i) {
        now = now.load() + 61s;
        (void)auth.login("zhang.san", "guess", "203.0.113." + std::to_string(i) + ":80");
    }
    now = now.load() + 61s;
    EXPECT_TRUE(auth.login("zhang.san", "sampler-password-1", "192.0.2.1:5000"));  // never locked
}

TEST_F(AuthTest, UnknownAndKnownUsernamesGetTheSameAnswersAllTheWay) {
    std::vector<std::string> known, unknown;
    for (int i = 0; i < 12; ++i) {
        auto k = auth.login("zhang.san", "guess", "192.0.2.10:1");
        auto u = auth.login("no.such.user", "guess", "192.0.2.11:1");
        known.push_back(std::to_string(k.problem().status) + k.problem().toJson());
        unknown.push_back(std::to_string(u.problem().status) + u.problem().toJson());
        now = now.load() + 61s;
    }
    EXPECT_EQ(known, unknown);
    EXPECT_EQ(known.back().substr(0, 3), "423");
}

TEST_F(AuthTest, PasswordChecksBeyondTheCapAre503WithRetryAfterNotQueued) {
    AuthSettings s = fastSettings();
    s.passwordChecks = {1, 0, 100ms};
    AuthService capped(store, s, [this] { return now.load(); });
    std::promise<void> entered, release;
    auto released = release.get_future().share();
    std::atomic<bool> first{true};
    store.beforeLookup = [&] {
        if (first.exchange(false)) {
            entered.set_value();
            released.wait();
        }
    };
    auto held = std::async(std::launch::async, [&] { return capped.login("zhang.san", "sampler-password-1", "192.0.2.1:1"); });
    entered.get_future().wait();
    auto refused = capped.login("admin", "admin-password-1", "192.0.2.2:1");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.problem().status, 503);
    EXPECT_EQ(refused.problem().headers.at(0), (std::pair<std::string, std::string>{"Retry-After", "1"}));
    release.set_value();
    EXPECT_TRUE(held.get());
    store.beforeLookup = nullptr;
    EXPECT_TRUE(capped.login("admin", "admin-password-1", "192.0.2.2:1"));  // not counted as a failure
}

TEST(PasswordCheckGate, AWaiterIsAdmittedWhenACheckEnds) {
    PasswordCheckGate gate({1, 1, 5000ms});
    auto first = gate.enter();
    ASSERT_TRUE(first);
    auto waiter = std::async(std::launch::async, [&] { return gate.enter().has_value(); });
    std::this_thread::sleep_for(50ms);
    EXPECT_FALSE(gate.enter());  // one running, one waiting: the third is refused at once
    first.reset();
    EXPECT_TRUE(waiter.get());
    EXPECT_EQ(gate.running(), 0u);
}

// ---- over HTTP ----------------------------------------------------------------------

namespace {
std::vector<std::string> labelsOf(const Router& r) {
    std::vector<std::string> out;
    for (const auto& route : r.routes()) out.push_back(route.operationId);
    return out;
}
}  // namespace

class AuthRoutesTest : public AuthTest {
protected:
    void SetUp() override {
        AuthTest::SetUp();
        addAuthRoutes(router, auth);
        metrics = std::make_unique<Metrics>(labelsOf(router));
        dispatcher = std::make_unique<Dispatcher>(router, *metrics, &auth);
        ServerConfig c;
        c.port = 0;
        server = std::make_unique<Server>(c, *dispatcher);
        server->start();
    }
    std::string login(const std::string& user, const std::string& password) {
        auto r = call(server->port(), "POST", "/api/v1/auth/login",
                      R"({"username":")" + user + R"(","password":")" + password + R"("})");
        return r.status == 200 ? r.json()->getValue<std::string>("token") : std::string();
    }
    std::map<std::string, std::string> bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

    Router router;
    std::unique_ptr<Metrics> metrics;
    std::unique_ptr<Dispatcher> dispatcher;
    std::unique_ptr<Server> server;
};

TEST_F(AuthRoutesTest, LoginMeLogout) {
    auto r = call(server->port(), "POST", "/api/v1/auth/login", R"({"username":"zhang.san","password":"sampler-password-1"})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = r.json();
    EXPECT_EQ(body->getObject("user")->getValue<std::string>("display_name"), "张三");
    EXPECT_EQ(body->getValue<std::string>("expires_at").size(), 24u);  // 2024-01-01T00:00:00.000Z
    EXPECT_EQ(r.headers["cache-control"], "no-store");
    const std::string token = body->getValue<std::string>("token");
    auto me = call(server->port(), "GET", "/api/v1/me", "", bearer(token));
    ASSERT_EQ(me.status, 200);
    EXPECT_EQ(me.json()->getValue<std::string>("username"), "zhang.san");
    EXPECT_FALSE(me.json()->has("password_hash"));
    EXPECT_EQ(call(server->port(), "POST", "/api/v1/auth/logout", "", bearer(token)).status, 204);
    EXPECT_EQ(call(server->port(), "GET", "/api/v1/me", "", bearer(token)).status, 401);
}

TEST_F(AuthRoutesTest, LoginBodyIsValidated) {
    auto r = call(server->port(), "POST", "/api/v1/auth/login", R"({"username":"","pass":"x"})");
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.json()->getArray("errors")->size(), 3u);  // username empty, password missing, pass unknown
    auto locked = call(server->port(), "POST", "/api/v1/auth/login", R"({"username":"zhang.san","password":"x"})");
    EXPECT_EQ(locked.status, 401);
    EXPECT_EQ(locked.json()->getValue<std::string>("type"), problem_type::kInvalidCredentials);
}

TEST_F(AuthRoutesTest, OnlyAdministratorsRevokeAndIssueServiceTokens) {
    const std::string sampler = login("zhang.san", "sampler-password-1");
    const std::string admin = login("admin", "admin-password-1");
    ASSERT_FALSE(sampler.empty());
    ASSERT_FALSE(admin.empty());
    EXPECT_EQ(call(server->port(), "POST", "/api/v1/auth/users/1/revoke", "", bearer(sampler)).status, 403);
    EXPECT_EQ(call(server->port(), "POST", "/api/v1/auth/service-tokens", R"({"user_id":3})", bearer(sampler)).status, 403);
    auto service = call(server->port(), "POST", "/api/v1/auth/service-tokens", R"({"user_id":3})", bearer(admin));
    ASSERT_EQ(service.status, 201) << service.body;
    EXPECT_EQ(service.json()->getValue<std::string>("scope"), "ingest");
    // A service token cannot read user resources.
    EXPECT_EQ(call(server->port(), "GET", "/api/v1/me", "", bearer(service.json()->getValue<std::string>("token"))).status, 403);
    auto revoked = call(server->port(), "POST", "/api/v1/auth/users/2/revoke", "", bearer(admin));
    ASSERT_EQ(revoked.status, 200);
    EXPECT_EQ(revoked.json()->getValue<int>("revoked"), 1);
    EXPECT_EQ(call(server->port(), "GET", "/api/v1/me", "", bearer(sampler)).status, 401);
    EXPECT_EQ(call(server->port(), "POST", "/api/v1/auth/users/abc/revoke", "", bearer(admin)).status, 404);
}
