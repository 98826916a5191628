// API plumbing costs that sit on every request or every login: Argon2id at the default
// parameters, body checking of a registration-sized body, route matching, metrics.
// Run: cmake --build <dir> --target api_auth_bench && <dir>/tests/api_auth_bench
#include "lims/api/bearer_token.hpp"
#include "lims/api/body_schema.hpp"
#include "lims/api/metrics.hpp"
#include "lims/api/password_hash.hpp"
#include "lims/api/router.hpp"

#include <benchmark/benchmark.h>

using namespace lims::api;

static void BM_Argon2idHashDefault(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(hashPassword("correct horse battery staple"));
}
BENCHMARK(BM_Argon2idHashDefault)->Unit(benchmark::kMillisecond);

static void BM_Argon2idVerifyDefault(benchmark::State& state) {
    const std::string encoded = *hashPassword("correct horse battery staple");
    for (auto _ : state) benchmark::DoNotOptimize(verifyPassword("correct horse battery staple", encoded));
}
BENCHMARK(BM_Argon2idVerifyDefault)->Unit(benchmark::kMillisecond);

static void BM_TokenHash(benchmark::State& state) {
    const std::string token = generateBearerToken();
    for (auto _ : state) benchmark::DoNotOptimize(hashBearerToken(token));
}
BENCHMARK(BM_TokenHash);

static void BM_CheckRegistrationBody(benchmark::State& state) {
    ObjectSchema sampler{{field::string("name").length(1, 32), field::string("badge").matching("[A-Z]{2}[0-9]{4}", "badge")}};
    ObjectSchema schema{{field::string("task").length(1, 32), field::string("product").length(1, 100),
                         field::string("batch").length(1, 40), field::integer("quantity").range(1, 10000),
                         field::string("unit").oneOf({"box", "bottle", "vial", "bag"}),
                         field::array("samplers", field::object("", sampler)).count(2, 6),
                         field::array("seals", field::string("").length(1, 32)).count(1, 20).unique(),
                         field::string("place").length(1, 200)}};
    const std::string body = R"({"task":"T2024-0001","product":"阿莫西林胶囊","batch":"B20240501","quantity":3,)"
                             R"("unit":"box","samplers":[{"name":"张三","badge":"SH0001"},{"name":"李四","badge":"SH0002"}],)"
                             R"("seals":["F-0001","F-0002","F-0003"],"place":"上海市浦东新区某某药房"})";
    for (auto _ : state) benchmark::DoNotOptimize(checkBody(schema, body));
}
BENCHMARK(BM_CheckRegistrationBody);

static void BM_RouteMatch(benchmark::State& state) {
    Router router;
    for (const char* p : {"/api/v1/samples", "/api/v1/samples/{number}", "/api/v1/samples/{number}/custody",
                          "/api/v1/plans", "/api/v1/plans/{id}", "/api/v1/plans/{id}/tasks", "/api/v1/shipments",
                          "/api/v1/shipments/{id}", "/api/v1/shipments/{id}/receipt", "/api/v1/me"}) {
        router.add({"GET", p, std::string("get") + p, "", AuthRequirement::User, std::nullopt,
                    [](const Request&) { return Response::noContent(); }});
    }
    for (auto _ : state) benchmark::DoNotOptimize(router.match("GET", "/api/v1/shipments/42/receipt"));
}
BENCHMARK(BM_RouteMatch);

static void BM_MetricsRecord(benchmark::State& state) {
    Metrics metrics({"a", "b"});
    for (auto _ : state) metrics.record(1, 200, std::chrono::microseconds(800));
}
BENCHMARK(BM_MetricsRecord)->Threads(1)->Threads(2);

BENCHMARK_MAIN();
