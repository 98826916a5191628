#include "lims/api/api_service.hpp"
#include "lims/api/server.hpp"
#include "support/http_client.hpp"
#include "support/memory_credentials.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

#include <gtest/gtest.h>

#include <atomic>
#include <set>

using namespace lims::api;
using lims::api::testing::call;
using lims::api::testing::MemoryCredentials;

namespace {

class ApiServiceTest : public ::testing::Test {
protected:
    ApiServiceTest() : auth(store, settings()) {}
    static AuthSettings settings() {
        AuthSettings s;
        s.argon2 = {1024, 1, 1};
        return s;
    }
    void SetUp() override {
        ASSERT_TRUE(auth.createUser({"admin", "管理员", "SH-LAB", {"administrator"}, ""}, "admin-password-1"));
        ApiParts parts;
        parts.auth = &auth;
        parts.health = [this]() -> lims::domain::Result<void> {
            if (databaseUp) return {};
            return lims::domain::make_error("store.unavailable", "cannot open /var/lib/lims/lims.db");
        };
        // A resource module with a body, to see its schema published.
        parts.routeModules.push_back([](Router& r) {
            r.add({"POST", "/api/v1/samples/{number}/seals", "addSeal", "Add a seal", AuthRequirement::User,
                   ObjectSchema{{field::string("seal").length(1, 20),
                                 field::array("codes", field::string("").length(20, 20)).optional()}},
                   [](const Request&) { return Response::noContent(); }, 204});
            // A read with its own query parameter and response declarations (Route::query, ::responses).
            Route seals{"GET", "/api/v1/samples/{number}/seals", "listSeals", "List seals", AuthRequirement::User,
                        std::nullopt, [](const Request&) { return Response::noContent(); }};
            seals.query = {field::integer("limit").optional().describedAs("At most this many.")};
            seals.responses = {ResponseSchema{
                200, "The seals.",
                field::array("", field::object("", ObjectSchema{{field::string("seal"),
                                                                 field::string("sealed_at").withFormat("date-time").orNull()}})),
                "application/json"}};
            r.add(std::move(seals));
        });
        api = std::make_unique<ApiService>(std::move(parts));
        ServerConfig c;
        c.port = 0;
        server = std::make_unique<Server>(c, api->dispatcher());
        server->start();
        auto login = call(server->port(), "POST", "/api/v1/auth/login", R"({"username":"admin","password":"admin-password-1"})");
        ASSERT_EQ(login.status, 200);
        token = {{"Authorization", "Bearer " + login.json()->getValue<std::string>("token")}};
    }
    MemoryCredentials store;
    AuthService auth;
    std::atomic<bool> databaseUp{true};
    std::unique_ptr<ApiService> api;
    std::unique_ptr<Server> server;
    std::map<std::string, std::string> token;
};

}  // namespace

TEST_F(ApiServiceTest, OpenApiDocumentAndRouteTableMatchBothWays) {
    auto r = call(server->port(), "GET", "/api/v1/openapi.json", "", token);
    ASSERT_EQ(r.status, 200);
    auto doc = r.json();
    EXPECT_EQ(doc->getValue<std::string>("openapi"), "3.0.3");
    std::set<std::pair<std::string, std::string>> documented, routed;
    auto paths = doc->getObject("paths");
    for (const auto& [path, item] : *paths) {
        for (const auto& [method, op] : *item.extract<Poco::JSON::Object::Ptr>()) {
            documented.emplace(Poco::toUpper(method), path);
        }
    }
    for (const auto& route : api->router().routes()) routed.emplace(route.method, route.pattern);
    EXPECT_EQ(documented, routed);
    for (const char* expected : {"/healthz", "/metrics", "/api/v1/openapi.json", "/api/v1/auth/login", "/api/v1/me"}) {
        EXPECT_TRUE(paths->has(expected)) << expected;
    }
}

TEST_F(ApiServiceTest, OpenApiCarriesBodySchemasParametersAndSecurity) {
    auto doc = call(server->port(), "GET", "/api/v1/openapi.json", "", token).json();
    auto op = doc->getObject("paths")->getObject("/api/v1/samples/{number}/seals")->getObject("post");
    EXPECT_EQ(op->getValue<std::string>("operationId"), "addSeal");
    EXPECT_EQ(op->getArray("parameters")->getObject(0)->getValue<std::string>("name"), "number");
    auto schema = op->getObject("requestBody")->getObject("content")->getObject("application/json")->getObject("schema");
    EXPECT_FALSE(schema->getValue<bool>("additionalProperties"));
    EXPECT_EQ(schema->getArray("required")->size(), 1u);
    EXPECT_EQ(schema->getObject("properties")->getObject("seal")->getValue<int>("maxLength"), 20);
    EXPECT_EQ(schema->getObject("properties")->getObject("codes")->getValue<std::string>("type"), "array");
    auto login = doc->getObject("paths")->getObject("/api/v1/auth/login")->getObject("post");
    EXPECT_EQ(login->getArray("security")->size(), 0u);  // public
    EXPECT_EQ(op->getArray("security")->size(), 1u);
    EXPECT_TRUE(op->getObject("responses")->has("204"));
}

TEST_F(ApiServiceTest, OpenApiIsReadableWithoutAToken) {
    auto r = call(server->port(), "GET", "/api/v1/openapi.json");
    EXPECT_EQ(r.status, 200);
    auto op = r.json()->getObject("paths")->getObject("/api/v1/openapi.json")->getObject("get");
    EXPECT_EQ(op->getArray("security")->size(), 0u);
}

TEST_F(ApiServiceTest, OpenApiCarriesQueryParametersResponseSchemasAndProblemTypes) {
    auto doc = call(server->port(), "GET", "/api/v1/openapi.json").json();
    auto op = doc->getObject("paths")->getObject("/api/v1/samples/{number}/seals")->getObject("get");
    auto params = op->getArray("parameters");
    ASSERT_EQ(params->size(), 2u);
    EXPECT_EQ(params->getObject(1)->getValue<std::string>("name"), "limit");
    EXPECT_EQ(params->getObject(1)->getValue<std::string>("in"), "query");
    EXPECT_FALSE(params->getObject(1)->getValue<bool>("required"));
    EXPECT_EQ(params->getObject(1)->getObject("schema")->getValue<std::string>("type"), "integer");
    auto schema = op->getObject("responses")->getObject("200")->getObject("content")->getObject("application/json")->getObject("schema");
    EXPECT_EQ(schema->getValue<std::string>("type"), "array");
    auto sealedAt = schema->getObject("items")->getObject("properties")->getObject("sealed_at");
    EXPECT_EQ(sealedAt->getValue<std::string>("format"), "date-time");
    EXPECT_TRUE(sealedAt->getValue<bool>("nullable"));
    // Problems per status with their types: an authenticated read with a path parameter.
    auto notFound = op->getObject("responses")->getObject("404");
    ASSERT_TRUE(notFound);
    EXPECT_EQ(notFound->getArray("x-problem-types")->get(0).toString(), "urn:lims:problem:not-found");
    EXPECT_TRUE(op->getObject("responses")->has("401"));
    EXPECT_FALSE(op->getObject("responses")->has("415"));  // no body
    auto post = doc->getObject("paths")->getObject("/api/v1/samples/{number}/seals")->getObject("post");
    EXPECT_TRUE(post->getObject("responses")->has("422"));
    EXPECT_TRUE(post->getObject("responses")->has("415"));
    // The Problem schema names every problem type.
    auto types = doc->getObject("components")->getObject("schemas")->getObject("Problem")->getObject("properties")
                     ->getObject("type")->getArray("enum");
    EXPECT_GE(types->size(), 20u);
    // A field error declares its stable code (required) and params, and nothing else (issue 13).
    auto fieldError = doc->getObject("components")->getObject("schemas")->getObject("Problem")->getObject("properties")
                          ->getObject("errors")->getObject("items");
    EXPECT_EQ(fieldError->getObject("properties")->getObject("code")->getValue<std::string>("type"), "string");
    EXPECT_EQ(fieldError->getObject("properties")->getObject("params")->getObject("additionalProperties")
                  ->getValue<std::string>("type"), "string");
    EXPECT_FALSE(fieldError->getValue<bool>("additionalProperties"));
    EXPECT_EQ(fieldError->getArray("required")->size(), 3u);
}

TEST_F(ApiServiceTest, HealthzReportsTheDatabaseWithoutAToken) {
    auto up = call(server->port(), "GET", "/healthz");
    EXPECT_EQ(up.status, 200);
    EXPECT_EQ(up.json()->getValue<std::string>("database"), "ok");
    databaseUp = false;
    auto down = call(server->port(), "GET", "/healthz");
    EXPECT_EQ(down.status, 503);
    EXPECT_EQ(down.json()->getValue<std::string>("status"), "unavailable");
    EXPECT_NE(down.json()->getValue<std::string>("database").find("lims.db"), std::string::npos);
}

TEST_F(ApiServiceTest, MetricsCountRequestsByRouteAndStatus) {
    for (int i = 0; i < 3; ++i) (void)call(server->port(), "GET", "/healthz");
    (void)call(server->port(), "GET", "/no/such/thing");
    EXPECT_EQ(call(server->port(), "GET", "/metrics").status, 401);
    api->metrics().addGaugeSource([] { return std::vector<Gauge>{{"lims_db_pool_in_use", "Sessions in use.", "backend=\"sqlite\"", 2}}; });
    auto r = call(server->port(), "GET", "/metrics", "", token);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.contentType.rfind("text/plain; version=0.0.4", 0), 0u);
    EXPECT_NE(r.body.find("lims_http_requests_total{route=\"getHealth\",status=\"200\"} 3\n"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("lims_http_requests_total{route=\"unmatched\",status=\"404\"} 1\n"), std::string::npos);
    EXPECT_NE(r.body.find("lims_http_requests_total{route=\"getMetrics\",status=\"401\"} 1\n"), std::string::npos);
    EXPECT_NE(r.body.find("lims_http_request_duration_seconds_bucket{route=\"getHealth\",le=\"+Inf\"} 3\n"), std::string::npos);
    EXPECT_NE(r.body.find("lims_http_request_duration_seconds_count{route=\"login\"} 1\n"), std::string::npos);
    EXPECT_NE(r.body.find("# TYPE lims_db_pool_in_use gauge\nlims_db_pool_in_use{backend=\"sqlite\"} 2\n"), std::string::npos);
}

TEST(Metrics, HistogramBucketsAreCumulative) {
    Metrics m({"a"});
    m.record(0, 200, std::chrono::microseconds(500));   // <= 1 ms
    m.record(0, 200, std::chrono::milliseconds(30));    // <= 50 ms
    m.record(0, 503, std::chrono::seconds(20));         // +Inf only
    const std::string text = m.render();
    EXPECT_NE(text.find("le=\"0.001\"} 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("le=\"0.025\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("le=\"0.05\"} 2\n"), std::string::npos);
    EXPECT_NE(text.find("le=\"10\"} 2\n"), std::string::npos);
    EXPECT_NE(text.find("le=\"+Inf\"} 3\n"), std::string::npos);
    EXPECT_EQ(m.requestCount(0, 503), 1u);
    m.record(99, 200, std::chrono::milliseconds(1));  // out of range goes to "unmatched"
    EXPECT_EQ(m.requestCount(m.unmatchedIndex(), 200), 1u);
}
