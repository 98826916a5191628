#include "lims/api/router.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace lims::api;

namespace {
Route route(std::string method, std::string pattern, std::string id) {
    Route r;
    r.method = std::move(method);
    r.pattern = std::move(pattern);
    r.operationId = std::move(id);
    r.handler = [](const Request&) { return Response::noContent(); };
    return r;
}
}  // namespace

TEST(Router, MatchesLiteralsAndParameters) {
    Router router;
    router.add(route("GET", "/api/v1/samples/{number}", "getSample"))
        .add(route("GET", "/api/v1/samples", "listSamples"))
        .add(route("POST", "/api/v1/samples", "registerSample"));
    auto m = router.match("GET", "/api/v1/samples/SH2024-000123");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->operationId, "getSample");
    EXPECT_EQ(m.params.at("number"), "SH2024-000123");
    EXPECT_EQ(router.match("POST", "/api/v1/samples").route->operationId, "registerSample");
    EXPECT_EQ(router.match("GET", "/api/v1/samples/").route->operationId, "listSamples");  // trailing slash
}

TEST(Router, ParametersArePercentDecoded) {
    Router router;
    router.add(route("GET", "/api/v1/entities/{name}", "getEntity"));
    auto m = router.match("GET", "/api/v1/entities/%E8%8D%AF%E5%BA%97%2F1");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.params.at("name"), "药店/1");
    EXPECT_EQ(router.match("GET", "/api/v1/entities/%ZZ").route, nullptr);   // bad escape
    EXPECT_EQ(router.match("GET", "/api/v1/entities/%C0%AF").route, nullptr);  // overlong UTF-8
}

TEST(Router, LiteralSegmentWinsOverParameter) {
    Router router;
    router.add(route("GET", "/api/v1/users/{id}", "getUser")).add(route("GET", "/api/v1/users/me", "me"));
    EXPECT_EQ(router.match("GET", "/api/v1/users/me").route->operationId, "me");
    EXPECT_EQ(router.match("GET", "/api/v1/users/42").route->operationId, "getUser");
}

TEST(Router, UnknownPathAndWrongMethodAreDistinguished) {
    Router router;
    router.add(route("GET", "/a/{x}", "getA")).add(route("DELETE", "/a/{x}", "deleteA"));
    auto none = router.match("GET", "/b/1");
    EXPECT_EQ(none.route, nullptr);
    EXPECT_TRUE(none.allowed.empty());
    auto wrong = router.match("PUT", "/a/1");
    EXPECT_EQ(wrong.route, nullptr);
    EXPECT_EQ(wrong.allowed, (std::vector<std::string>{"GET", "DELETE"}));
}

TEST(Router, DuplicateOrMalformedRowsAreProgrammingErrors) {
    Router router;
    router.add(route("GET", "/a", "a"));
    EXPECT_THROW(router.add(route("GET", "/a", "a2")), std::logic_error);
    EXPECT_THROW(router.add(route("POST", "/a", "a")), std::logic_error);  // operation id reused
    EXPECT_THROW(router.add(route("GET", "a", "b")), std::logic_error);
    EXPECT_THROW(router.add(route("GET", "/a/{", "c")), std::logic_error);
    EXPECT_THROW(router.add(route("GET", "/a//b", "d")), std::logic_error);
}
