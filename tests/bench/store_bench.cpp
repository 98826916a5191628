// Store throughput on SQLite (issue 2 "Speed"): sample registrations with their audit
// entries, one transaction each (target >= 2,000/s), and logger readings inserted in
// batches (target >= 200,000/s). Durability as in production: WAL, synchronous=FULL.
#include "lims/store/migrations.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/store/reading_repository.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/store/user_repository.hpp"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <stdexcept>

using namespace lims;
using namespace lims::store;

namespace {

struct BenchDatabase {
    std::string dir;
    std::shared_ptr<Database> db;
    std::int64_t office = 0;
    std::int64_t user_a = 0, user_b = 0;

    BenchDatabase() {
        const char* where = std::getenv("LIMS_BENCH_DIR");  // default: the system temp folder
        std::string pattern = (std::filesystem::path(where ? where : std::filesystem::temp_directory_path().string()) /
                               "lims-bench-XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp " + pattern);
        dir = pattern;
        auto opened = Database::open("sqlite:" + dir + "/bench.db");
        if (!opened) throw std::runtime_error(opened.error().message);
        db = *opened;
        if (auto m = migrate(*db); !m) throw std::runtime_error(m.error().message);
        auto seeded = db->write([&](Transaction& tx) -> StoreResult<Done> {
            OrganisationRepository orgs(tx);
            auto city = orgs.create({"SH", "Shanghai bureau", domain::OrganisationKind::bureau, {}, "310000"}, "bench");
            auto hp = orgs.create({"SH-HP", "Huangpu office", domain::OrganisationKind::supervision_office, city->id, "310101"}, "bench");
            office = hp->id;
            UserRepository users(tx);
            user_a = users.create({office, "a", "A", "h", {"sampler"}}, "bench")->id;
            user_b = users.create({office, "b", "B", "h", {"sampler"}}, "bench")->id;
            return Done{};
        });
        if (!seeded) throw std::runtime_error(seeded.error().message);
    }
    ~BenchDatabase() {
        db.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

void BM_RegisterSample(benchmark::State& state) {
    BenchDatabase bench;
    std::int64_t n = 0;
    for (auto _ : state) {
        NewSample s;
        s.org_id = bench.office;
        s.product_name = "Amoxicillin capsules 0.25 g";
        s.batch_number = "B" + std::to_string(n);
        s.quantity = "6";
        s.unit = "box";
        s.sampled_at = "2026-03-04T02:30:00.000Z";
        s.seal_numbers = {"S" + std::to_string(n) + "-1", "S" + std::to_string(n) + "-2"};
        s.sampler_user_ids = {bench.user_a, bench.user_b};
        s.portions = {{domain::PortionKind::test, "4", "box", {}}, {domain::PortionKind::retained, "2", "box", {}}};
        ++n;
        auto r = bench.db->write([&](Transaction& tx) { return SampleRepository(tx).register_sample(s, "a"); });
        if (!r) {
            state.SkipWithError(r.error().message.c_str());
            break;
        }
    }
    state.counters["registrations_per_s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RegisterSample)->Unit(benchmark::kMicrosecond)->UseRealTime()->MinTime(3.0);

// The same registrations from several threads at once, as the HTTP server's pool makes
// them: with group commit (DatabaseOptions::group_commit) concurrent transactions share
// one fsync, each still acknowledged only after its commit is durable.
std::unique_ptr<BenchDatabase> shared_bench;

void BM_RegisterSampleConcurrently(benchmark::State& state) {
    if (state.thread_index() == 0) shared_bench = std::make_unique<BenchDatabase>();
    std::int64_t n = 0;
    const std::string prefix = "T" + std::to_string(state.thread_index()) + "-";
    for (auto _ : state) {
        auto& bench = *shared_bench;
        NewSample s;
        s.org_id = bench.office;
        s.product_name = "Amoxicillin capsules 0.25 g";
        s.batch_number = prefix + std::to_string(n);
        s.quantity = "6";
        s.unit = "box";
        s.sampled_at = "2026-03-04T02:30:00.000Z";
        s.seal_numbers = {prefix + std::to_string(n) + "-1", prefix + std::to_string(n) + "-2"};
        s.sampler_user_ids = {bench.user_a, bench.user_b};
        s.portions = {{domain::PortionKind::test, "4", "box", {}}, {domain::PortionKind::retained, "2", "box", {}}};
        ++n;
        auto r = bench.db->write([&](Transaction& tx) { return SampleRepository(tx).register_sample(s, "a"); });
        if (!r) {
            state.SkipWithError(r.error().message.c_str());
            break;
        }
    }
    state.counters["registrations_per_s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
    if (state.thread_index() == 0) {
        const auto stats = shared_bench->db->write_stats();
        state.counters["calls_per_commit"] =
            stats.groups ? static_cast<double>(stats.calls) / static_cast<double>(stats.groups) : 0.0;
    }
}
BENCHMARK(BM_RegisterSampleConcurrently)->Threads(8)->Threads(16)->Unit(benchmark::kMicrosecond)->UseRealTime()->MinTime(3.0);

void BM_InsertReadings(benchmark::State& state) {
    BenchDatabase bench;
    const auto batch_size = static_cast<std::size_t>(state.range(0));
    constexpr int loggers = 20;
    std::vector<std::int64_t> ids;
    auto created = bench.db->write([&](Transaction& tx) -> StoreResult<Done> {
        for (int i = 0; i < loggers; ++i) {
            auto l = ReadingRepository(tx).create_logger("LG-" + std::to_string(i), "TH-20", bench.office, "bench");
            if (!l) return l.error();
            ids.push_back(l->id);
        }
        return Done{};
    });
    if (!created) throw std::runtime_error(created.error().message);
    std::int64_t t = 1'767'225'600;
    std::size_t total = 0;
    std::vector<domain::Reading> batch(batch_size);
    for (auto _ : state) {
        // A gateway batch: every logger's readings for the next stretch of minutes.
        for (std::size_t i = 0; i < batch_size; ++i)
            batch[i] = {ids[i % loggers], t + static_cast<std::int64_t>(i / loggers) * 60,
                        static_cast<std::int32_t>(400 + i % 37), 0};
        t += static_cast<std::int64_t>(batch_size / loggers + 1) * 60;
        auto r = bench.db->write([&](Transaction& tx) { return ReadingRepository(tx).insert(batch); });
        if (!r || r->inserted != batch_size) {
            state.SkipWithError(r ? "duplicates in a fresh batch" : r.error().message.c_str());
            break;
        }
        total += batch_size;
    }
    state.counters["readings_per_s"] = benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_InsertReadings)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

}  // namespace

BENCHMARK_MAIN();
