// API plumbing costs that sit on every request or every login: Argon2id at the default
// parameters, body checking of a registration-sized body, route matching, metrics, and the
// bearer-token check of an authenticated request against SQLite on disk, with and without
// the verified-token cache.
// Run: cmake --build <dir> --target api_auth_bench && <dir>/tests/api_auth_bench
#include "lims/api/auth_service.hpp"
#include "lims/api/bearer_token.hpp"
#include "lims/api/body_schema.hpp"
#include "lims/api/metrics.hpp"
#include "lims/api/password_hash.hpp"
#include "lims/api/router.hpp"
#include "lims/app/store_credentials.hpp"
#include "lims/store/migrations.hpp"
#include "lims/store/organisation_repository.hpp"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

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

// AuthService::authenticate for one user's token over StoreCredentials (SQLite on disk in
// LIMS_BENCH_DIR, /tmp by default): Arg 0 looks the token up on every call (what every
// request paid before the cache), Arg 750 keeps a verified token for 750 ms (the default).
static void BM_AuthenticateToken(benchmark::State& state) {
    const char* dir = std::getenv("LIMS_BENCH_DIR");
    const std::string path = std::string(dir ? dir : "/tmp") + "/lims-auth-bench.db";
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    auto db = lims::store::Database::open("sqlite:" + path);
    if (!db || !lims::store::migrate(**db)) throw std::runtime_error("cannot create " + path);
    auto org = (*db)->write([](lims::store::Transaction& tx) {
        return lims::store::OrganisationRepository(tx).create(
            {"PROV", "bureau", lims::domain::OrganisationKind::bureau, {}, "310000"}, "bench");
    });
    if (!org) throw std::runtime_error(org.error().message);
    lims::app::StoreCredentials credentials(*db);
    AuthSettings settings;
    settings.argon2 = {1024, 1, 1};
    settings.verifiedTokenLifetime = std::chrono::milliseconds(state.range(0));
    AuthService auth(credentials, settings);
    if (!auth.createUser({"bench", "Bench", "PROV", {"administrator"}, ""}, "bench-password-1"))
        throw std::runtime_error("cannot create the user");
    auto issued = auth.login("bench", "bench-password-1");
    if (!issued) throw std::runtime_error(issued.problem().detail);
    for (auto _ : state) {
        auto who = auth.authenticate(issued->token);
        if (!who.principal) throw std::runtime_error(who.failure);
        benchmark::DoNotOptimize(who);
    }
}
BENCHMARK(BM_AuthenticateToken)->Arg(0)->Arg(750)->UseRealTime();

BENCHMARK_MAIN();
