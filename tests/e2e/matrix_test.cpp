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
