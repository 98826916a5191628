// Issue 15 item 10: a signing password (verify, approve, accept) is a password check like a
// login's: checked before the signing transaction, through the same throttles, so a stolen
// session cannot guess its holder's password at the speed of the signing route, and a
// wrong one never reaches the database's write lock.
#include "route_recipes.hpp"
#include "test_service.hpp"

#include "lims/api/json_text.hpp"

#include <gtest/gtest.h>

using lims::domain::Role;
using lims::test::Jurisdiction;
using lims::test::TestService;

namespace {

TEST(SigningPasswordThrottle, WrongSigningPasswordsAreThrottledLikeLogins) {
    TestService service;
    const std::string pattern = "/api/v1/tests/{id}/verify";
    const auto record = lims::test::routeRecipes().at(pattern).make(service, Jurisdiction::A);
    const std::string path = lims::test::fillPattern(pattern, record.params);
    auto reviewer = service.as(TestService::username(Role::reviewer, Jurisdiction::A));
    const std::string wrong = R"({"password":"not-my-password"})";
    for (int i = 1; i <= 4; ++i) {
        auto refused = reviewer.post(path, wrong, {{"If-Match", "\"1\""}});
        EXPECT_EQ(refused.status, 403) << i << ": " << refused.describe();
        EXPECT_NE(refused.body.find("does not match"), std::string::npos) << refused.body;
    }
    auto slowed = reviewer.post(path, wrong, {{"If-Match", "\"1\""}});
    EXPECT_EQ(slowed.status, 429) << slowed.describe();
    EXPECT_FALSE(slowed.header("retry-after").empty());
    // The same throttle as a login: the reviewer's login from here waits too, right password or not.
    auto login = service.anonymous().post(
        "/api/v1/auth/login",
        R"({"username":")" + TestService::username(Role::reviewer, Jurisdiction::A) + R"(","password":")" +
            TestService::kPassword + R"("})");
    EXPECT_EQ(login.status, 429) << login.describe();
    // Even the right signing password waits out the delay.
    auto right = reviewer.post(path, std::string(R"({"password":")") + TestService::kPassword + R"("})",
                               {{"If-Match", "\"1\""}});
    EXPECT_EQ(right.status, 429) << right.describe();
    EXPECT_TRUE(service.auditChainIntact());
}

}  // namespace
