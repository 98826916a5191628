// Accounts over the real service (issue 15 item 11): a person changes their own password
// (the current one required; their other tokens revoked), an administrator resets one in
// their subtree (every token revoked), changes roles, disables and enables an account (a
// disabled account's tokens stop at once and its login is the wrong password's 401), and
// cannot lock themselves out; service tokens are audited naming who issued them.
#include "test_service.hpp"

#include "lims/api/bearer_token.hpp"
#include "lims/api/json_text.hpp"
#include "lims/api/problem.hpp"
#include "lims/store/audit.hpp"
#include "lims/store/sql.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using lims::api::newObject;
using lims::domain::Role;
using lims::test::HttpReply;
using lims::test::TestService;

namespace {

class UserAccountsTest : public ::testing::Test {
protected:
    HttpReply login(const std::string& user, const std::string& password) {
        auto b = newObject();
        b->set("username", user);
        b->set("password", password);
        return service.anonymous().post("/api/v1/auth/login", b);
    }
    std::string tokenOf(const std::string& user, const std::string& password) {
        auto r = login(user, password);
        EXPECT_EQ(r.status, 200) << user << ": " << r.describe();
        return r.status == 200 ? r.json()->getValue<std::string>("token") : "";
    }
    int me(const std::string& token) { return service.get("/api/v1/me", token).status; }
    static Poco::JSON::Object::Ptr change(const std::string& current, const std::string& next) {
        auto b = newObject();
        b->set("current_password", current);
        b->set("new_password", next);
        return b;
    }
    static Poco::JSON::Object::Ptr account(const std::string& name, std::vector<std::string> roles, bool active) {
        auto b = newObject();
        b->set("display_name", name);
        Poco::JSON::Array::Ptr r = new Poco::JSON::Array;
        for (const auto& role : roles) r->add(role);
        b->set("roles", r);
        b->set("active", active);
        return b;
    }
    std::vector<lims::store::AuditEntry> audit(const std::string& action) {
        auto entries = lims::store::read_audit_entries(*service.database(), 1, 100000);
        EXPECT_TRUE(entries);
        std::vector<lims::store::AuditEntry> out;
        if (entries)
            for (auto& e : *entries)
                if (e.record.action == action) out.push_back(e);
        return out;
    }
    static std::string errorField(const HttpReply& r) {
        auto errors = r.json() ? r.json()->getArray("errors") : nullptr;
        return errors && errors->size() > 0 ? errors->getObject(0)->getValue<std::string>("field") : "";
    }
    std::string userPath(const std::string& user) { return "/api/v1/users/" + std::to_string(service.userId(user)); }

    TestService service;
};

TEST_F(UserAccountsTest, APersonChangesTheirOwnPasswordWithTheCurrentOne) {
    const std::string kept = tokenOf("sampler_a", TestService::kPassword);
    const std::string other = tokenOf("sampler_a", TestService::kPassword);
    auto wrong = service.post("/api/v1/me/password", kept, lims::api::toJsonText(change("not-my-password", "a-new-password-1")));
    EXPECT_EQ(wrong.status, 422) << wrong.describe();
    EXPECT_EQ(errorField(wrong), "current_password");
    auto weak = service.post("/api/v1/me/password", kept, lims::api::toJsonText(change(TestService::kPassword, "short")));
    EXPECT_EQ(weak.status, 422) << weak.describe();
    EXPECT_EQ(errorField(weak), "new_password");
    EXPECT_EQ(me(other), 200);  // nothing changed yet

    auto done = service.post("/api/v1/me/password", kept, lims::api::toJsonText(change(TestService::kPassword, "a-new-password-1")));
    ASSERT_EQ(done.status, 200) << done.describe();
    EXPECT_EQ(done.json()->getValue<int>("tokens_revoked"), 1);
    EXPECT_EQ(me(kept), 200);   // the token the change was made with goes on
    EXPECT_EQ(me(other), 401);  // every other one is revoked
    EXPECT_EQ(login("sampler_a", TestService::kPassword).status, 401);
    EXPECT_EQ(login("sampler_a", "a-new-password-1").status, 200);

    auto changes = audit("user.password");
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0].record.actor, "sampler_a");
    EXPECT_EQ(changes[0].record.after_json.find("argon2"), std::string::npos);  // never the hash
    EXPECT_TRUE(service.auditChainIntact());
}

TEST_F(UserAccountsTest, AnAdministratorResetsAPasswordInTheirSubtreeOnly) {
    const std::string victim = tokenOf("sampler_a", TestService::kPassword);
    auto admin = service.as("administrator_a");
    auto body = newObject();
    body->set("new_password", "reset-password-1");
    auto reset = admin.post(userPath("sampler_a") + "/password", body);
    ASSERT_EQ(reset.status, 200) << reset.describe();
    EXPECT_GE(reset.json()->getValue<int>("tokens_revoked"), 1);
    EXPECT_EQ(me(victim), 401);
    EXPECT_EQ(login("sampler_a", "reset-password-1").status, 200);

    EXPECT_EQ(admin.post(userPath("sampler_b") + "/password", body).status, 404);  // another jurisdiction
    EXPECT_EQ(admin.post(userPath("administrator_a") + "/password", body).status, 403);  // own: /me/password
    EXPECT_EQ(service.as("planner_a").post(userPath("sampler_a") + "/password", body).status, 403);
    body->set("new_password", "short");
    EXPECT_EQ(admin.post(userPath("sampler_a") + "/password", body).status, 422);
    EXPECT_EQ(login("sampler_b", TestService::kPassword).status, 200);

    auto changes = audit("user.password");
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0].record.actor, "administrator_a");
    EXPECT_EQ(changes[0].record.entity_id, "sampler_a");
    EXPECT_TRUE(service.auditChainIntact());
}

TEST_F(UserAccountsTest, DisablingStopsLoginAndTokensAtOnceAndEnablingRestoresLogin) {
    const std::string token = tokenOf("analyst_a", TestService::kPassword);
    auto admin = service.as("administrator_a");
    const std::string path = userPath("analyst_a");
    auto got = admin.get(path);
    ASSERT_EQ(got.status, 200) << got.describe();
    const std::string etag = got.header("etag");
    ASSERT_FALSE(etag.empty());
    EXPECT_TRUE(got.json()->getValue<bool>("active"));
    EXPECT_EQ(me(token), 200);  // verified, and kept as verified for a moment

    EXPECT_EQ(admin.put(path, account("analyst_a", {"analyst"}, false)).status, 428);
    auto off = admin.put(path, account("analyst_a", {"analyst"}, false), {{"If-Match", etag}});
    ASSERT_EQ(off.status, 200) << off.describe();
    EXPECT_FALSE(off.json()->getValue<bool>("active"));
    EXPECT_EQ(me(token), 401);
    // The right password of a disabled account gets the wrong password's answer.
    auto refused = login("analyst_a", TestService::kPassword);
    auto wrong = login("reviewer_a", "not-the-password");
    EXPECT_EQ(refused.status, 401);
    EXPECT_EQ(refused.body, wrong.body);
    EXPECT_EQ(admin.put(path, account("analyst_a", {"analyst"}, true), {{"If-Match", etag}}).status, 409);  // stale

    auto on = admin.put(path, account("Analyst A", {"analyst", "reviewer"}, true), {{"If-Match", off.header("etag")}});
    ASSERT_EQ(on.status, 200) << on.describe();
    EXPECT_EQ(me(token), 401);  // revoked when disabled: stays dead
    const std::string again = tokenOf("analyst_a", TestService::kPassword);
    auto mine = service.get("/api/v1/me", again);
    ASSERT_EQ(mine.status, 200);
    EXPECT_EQ(mine.json()->getValue<std::string>("display_name"), "Analyst A");
    EXPECT_EQ(mine.json()->getArray("roles")->size(), 2u);

    EXPECT_EQ(admin.put(userPath("analyst_b"), account("x", {"analyst"}, false), {{"If-Match", "\"1\""}}).status, 404);
    auto updates = audit("user.update");
    ASSERT_EQ(updates.size(), 2u);
    EXPECT_EQ(updates[0].record.actor, "administrator_a");
    EXPECT_EQ(updates[0].record.reason, "disabled");
    EXPECT_NE(updates[1].record.reason.find("enabled"), std::string::npos);
    EXPECT_NE(updates[1].record.reason.find("roles changed"), std::string::npos);
    EXPECT_TRUE(service.auditChainIntact());
}

// A revocation this node did not make (another node's, or one written into the database)
// reaches a token verified a moment ago within a second: the verified-token cache keeps an
// answer for at most AuthSettings::verifiedTokenLifetime (750 ms).
TEST_F(UserAccountsTest, ARevocationWrittenElsewhereIsHonouredWithinASecond) {
    const std::string token = tokenOf("analyst_a", TestService::kPassword);
    ASSERT_EQ(me(token), 200);
    auto revoked = service.database()->write([&](lims::store::Transaction& tx) -> lims::store::StoreResult<int> {
        return static_cast<int>(lims::store::sql(tx, "UPDATE auth_tokens SET revoked_at = $1 WHERE token_hash = $2",
                                                 {tx.now_utc(), lims::api::hashBearerToken(token)})
                                    .changed);
    });
    ASSERT_TRUE(revoked);
    ASSERT_EQ(*revoked, 1);
    const auto from = std::chrono::steady_clock::now();
    while (me(token) == 200) {
        ASSERT_LT(std::chrono::steady_clock::now() - from, std::chrono::seconds(1)) << "the revoked token is still accepted";
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_LT(std::chrono::steady_clock::now() - from, std::chrono::seconds(1));
    EXPECT_EQ(me(token), 401);
}

TEST_F(UserAccountsTest, AnAdministratorCannotLockThemselvesOut) {
    auto admin = service.as("administrator_a");
    const std::string path = userPath("administrator_a");
    const std::string etag = admin.get(path).header("etag");
    auto disable = admin.put(path, account("administrator_a", {"administrator"}, false), {{"If-Match", etag}});
    EXPECT_EQ(disable.status, 422) << disable.describe();
    EXPECT_EQ(errorField(disable), "active");
    auto demote = admin.put(path, account("administrator_a", {"planner"}, true), {{"If-Match", etag}});
    EXPECT_EQ(demote.status, 422) << demote.describe();
    EXPECT_EQ(errorField(demote), "roles");
    EXPECT_EQ(admin.get("/api/v1/me").status, 200);
    // Another administrator may.
    auto root = service.as(TestService::kRootAdministrator);
    EXPECT_EQ(root.put(path, account("administrator_a", {"planner"}, true), {{"If-Match", etag}}).status, 200);
}

TEST_F(UserAccountsTest, ServiceTokensAreAuditedNamingTheIssuer) {
    auto admin = service.as("administrator_a");
    auto body = newObject();
    body->set("user_id", service.userId("ingest_service_a"));
    auto issued = admin.post("/api/v1/auth/service-tokens", body);
    ASSERT_EQ(issued.status, 201) << issued.describe();
    const std::string token = issued.json()->getValue<std::string>("token");
    bool found = false;
    for (const auto& e : audit("token.issue")) {
        if (e.record.actor != "administrator_a") continue;
        found = true;
        EXPECT_EQ(e.record.entity_id, "ingest_service_a");
        EXPECT_NE(e.record.after_json.find("\"scope\":\"ingest\""), std::string::npos) << e.record.after_json;
        EXPECT_EQ(e.record.after_json.find(token), std::string::npos);
    }
    EXPECT_TRUE(found);
}

}  // namespace
