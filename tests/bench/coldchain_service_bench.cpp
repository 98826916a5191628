// Issue 7 service figures on SQLite (WAL, synchronous=FULL): sustained readings ingest
// with detection and state persisted, beside SQLite alone appending the same rows (its
// ceiling, issue 18), a 30-day one-minute chart downsampled to 1,000
// points, and the size on disk of 10 million readings. Database in LIMS_BENCH_DIR (/tmp
// by default). Figures go to BENCHMARKS.md; nothing here is asserted.
#include "lims/store/database.hpp"
#include "lims/store/migrations.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/store/reading_repository.hpp"
#include "lims/workflow/coldchain/ingest.hpp"
#include "lims/workflow/coldchain/placements.hpp"
#include "lims/workflow/coldchain/series_query.hpp"

#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace {

namespace cc = lims::workflow::coldchain;
using namespace lims;

constexpr std::int64_t kT0 = 1772409600;  // 2026-03-02T00:00:00Z

template <typename T>
T must(domain::Result<T> r) {
    if (!r) throw std::runtime_error(r.error().code + ": " + r.error().message);
    return std::move(r).value();
}

struct Site {
    std::shared_ptr<store::Database> db;
    std::string path;
    std::vector<std::string> serials;
    std::vector<std::int64_t> logger_ids;
};

Site make_site(const std::string& name, int loggers) {
    const char* dir = std::getenv("LIMS_BENCH_DIR");
    Site s;
    s.path = std::string(dir ? dir : "/tmp") + "/lims-coldchain-bench-" + name + ".db";
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(s.path + suffix);
    s.db = must(store::Database::open("sqlite:" + s.path));
    must(store::migrate(*s.db));
    std::int64_t org = 0;
    must(s.db->write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
        org = must(store::OrganisationRepository(tx).create({"SH", "bureau", domain::OrganisationKind::bureau, {}, "310000"},
                                                            "bench"))
                  .id;
        for (int i = 0; i < loggers; ++i) {
            s.serials.push_back("TL-" + std::to_string(i));
            s.logger_ids.push_back(must(store::ReadingRepository(tx).create_logger(s.serials.back(), "sim", org, "bench")).id);
        }
        return store::Done{};
    }));
    for (int i = 0; i < 3; ++i) {
        store::ContactRow c;
        c.org_id = org;
        c.name = "contact " + std::to_string(i);
        c.email = "c" + std::to_string(i) + "@example.org";
        must(cc::add_site_contact(*s.db, c, "bench"));
    }
    store::StorageUnitRow unit;
    unit.code = "F1";
    unit.org_id = org;
    unit.name = "fridge";
    unit.kind = "refrigerator";
    unit.storage_class = "refrigerated";
    unit.min_centi_celsius = 200;
    unit.max_centi_celsius = 800;
    const auto unit_id = must(cc::register_storage_unit(*s.db, unit, "bench")).id;
    for (auto id : s.logger_ids) must(cc::place_logger(*s.db, {id, unit_id, std::nullopt, kT0}, kT0));
    return s;
}

// 100 loggers reporting every minute; each batch is `per_logger` minutes of all of them.
void BM_IngestWithDetection(benchmark::State& state) {
    const int loggers = 100;
    const auto per_logger = static_cast<int>(state.range(0));
    Site site = make_site("ingest", loggers);
    std::int64_t t = kT0 + 60;
    std::vector<cc::IncomingReading> batch;
    std::size_t total = 0;
    for (auto _ : state) {
        state.PauseTiming();
        batch.clear();
        for (int m = 0; m < per_logger; ++m, t += 60)
            for (int l = 0; l < loggers; ++l)
                batch.push_back({site.serials[static_cast<std::size_t>(l)], t, 400 + static_cast<std::int32_t>((t / 60 + l) % 50), std::nullopt});
        state.ResumeTiming();
        auto report = must(cc::ingest_readings(*site.db, batch, t));
        if (report.stored != batch.size()) throw std::runtime_error("not every reading was stored");
        total += batch.size();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(total));
}
BENCHMARK(BM_IngestWithDetection)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime();

// The ceiling of the readings row (issue 18): SQLite alone appending the same batches to the
// same table in key order, one logger's minutes after another's, through one statement
// compiled once and bound per row, on the same migrated database (WAL, synchronous=FULL,
// foreign keys on), one transaction per batch. No detection, no logger check, no rules.
void BM_SqliteAppendInKeyOrder(benchmark::State& state) {
    const int loggers = 100;
    const auto per_logger = static_cast<int>(state.range(0));
    Site site = make_site("append", loggers);
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(site.path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
        throw std::runtime_error("open " + site.path);
    auto exec = [&](const char* statement) {
        if (sqlite3_exec(db, statement, nullptr, nullptr, nullptr) != SQLITE_OK)
            throw std::runtime_error(std::string(statement) + ": " + sqlite3_errmsg(db));
    };
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec("PRAGMA foreign_keys=ON");
    sqlite3_stmt* insert = nullptr;
    if (sqlite3_prepare_v2(db, "INSERT INTO readings (logger_id, at_utc, centi_celsius, flags) VALUES (?, ?, ?, 0)", -1,
                           &insert, nullptr) != SQLITE_OK)
        throw std::runtime_error(sqlite3_errmsg(db));
    std::int64_t t = kT0 + 60;
    std::size_t total = 0;
    for (auto _ : state) {
        exec("BEGIN IMMEDIATE");
        for (int l = 0; l < loggers; ++l)
            for (int m = 0; m < per_logger; ++m) {
                const std::int64_t at = t + static_cast<std::int64_t>(m) * 60;
                sqlite3_bind_int64(insert, 1, site.logger_ids[static_cast<std::size_t>(l)]);
                sqlite3_bind_int64(insert, 2, at);
                sqlite3_bind_int(insert, 3, 400 + static_cast<int>((at / 60 + l) % 50));
                if (sqlite3_step(insert) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db));
                sqlite3_reset(insert);
            }
        exec("COMMIT");
        t += static_cast<std::int64_t>(per_logger) * 60;
        total += static_cast<std::size_t>(loggers) * static_cast<std::size_t>(per_logger);
    }
    sqlite3_finalize(insert);
    sqlite3_close(db);
    state.SetItemsProcessed(static_cast<std::int64_t>(total));
}
BENCHMARK(BM_SqliteAppendInKeyOrder)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime();

// One logger's 30 days at one-minute resolution (43,200 readings), charted to 1,000 points.
void BM_Chart30Days(benchmark::State& state) {
    Site site = make_site("chart", 1);
    constexpr std::int64_t kDays = 30;
    std::vector<cc::IncomingReading> batch;
    for (std::int64_t m = 1; m <= kDays * 24 * 60; ++m)
        batch.push_back({site.serials[0], kT0 + m * 60, 500 + static_cast<std::int32_t>(m % 60), std::nullopt});
    must(cc::ingest_readings(*site.db, batch, batch.back().at_utc));
    for (auto _ : state) {
        auto chart = must(cc::chart_series(*site.db, site.logger_ids[0], kT0, kT0 + kDays * 86400 + 60, 1000));
        benchmark::DoNotOptimize(chart.data());
        state.counters["points"] = static_cast<double>(chart.size());
    }
}
BENCHMARK(BM_Chart30Days)->Unit(benchmark::kMillisecond)->UseRealTime();

// 10 million readings (100 loggers × 100,000 minutes), stored in batches of 10,000; the
// file's size afterwards (after a WAL checkpoint).
void BM_SizeOf10MillionReadings(benchmark::State& state) {
    for (auto _ : state) {
        Site site = make_site("size", 100);
        constexpr std::int64_t kTotal = 10'000'000;
        std::vector<domain::Reading> batch;
        for (std::int64_t done = 0; done < kTotal;) {
            batch.clear();
            for (int i = 0; i < 10'000; ++i, ++done)
                batch.push_back({site.logger_ids[static_cast<std::size_t>(done % 100)], kT0 + (done / 100) * 60,
                                 static_cast<std::int32_t>(400 + done % 37), 0});
            must(site.db->write([&](store::Transaction& tx) { return store::ReadingRepository(tx).insert(batch); }));
        }
        must(site.db->write([](store::Transaction& tx) -> store::StoreResult<store::Done> {
            tx.session() << "SELECT 1", Poco::Data::Keywords::now;
            return store::Done{};
        }));
        {
            auto conn = site.db->connect();
            conn.session() << "PRAGMA wal_checkpoint(TRUNCATE)", Poco::Data::Keywords::now;
        }
        const auto bytes = std::filesystem::file_size(site.path);
        state.counters["db_bytes"] = static_cast<double>(bytes);
        state.counters["bytes_per_reading"] = static_cast<double>(bytes) / kTotal;
    }
}
BENCHMARK(BM_SizeOf10MillionReadings)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
