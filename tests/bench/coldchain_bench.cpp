// Cold-chain rules throughput: the fleet detector over 2,000 loggers fed one reading per
// logger per minute (with a wall-clock tick per minute, as the service runs it), a share
// of the loggers in heat, freeze, spike and fault episodes; saving and restoring a
// logger's state; charting 30 days at one-minute resolution into 1,000 buckets; thinning.
#include "lims/coldchain/detector.hpp"
#include "lims/coldchain/series.hpp"
#include "lims/coldchain/shipment_verdict.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace lims::coldchain;

constexpr int kLoggers = 2000;
constexpr UtcSeconds kStart = 1'700'000'000;

// Deterministic per-logger profile: most loggers steady, every 10th cycles through a long
// heat, every 17th through freezes, every 23rd reports faults, every 7th has spikes.
Centidegrees temperature_of(int logger, std::int64_t minute, bool& fault) {
    fault = false;
    const std::int64_t hour_of_day = (minute / 60) % 24;
    if (logger % 23 == 0 && minute % 200 < 3) {
        fault = true;
        return 0;
    }
    if (logger % 10 == 0 && hour_of_day < 11) return 900;
    if (logger % 17 == 0 && minute % 180 < 70) return -100;
    if (logger % 7 == 0 && minute % 120 < 20) return 1200;
    return static_cast<Centidegrees>(450 + (minute + logger) % 60);
}

void BM_DetectorFleet(benchmark::State& state) {
    Detector fleet;
    auto rules = std::make_shared<const RuleSet>(default_rules(StorageClass::refrigerated));
    std::vector<Reading> batch;
    for (int i = 0; i < kLoggers; ++i) {
        LoggerId id = "TL-" + std::to_string(100000 + i);
        if (!fleet.watch(id, rules, kStart).ok()) state.SkipWithError("watch failed");
        batch.push_back(Reading::temperature_at(id, kStart, 500));
    }
    std::vector<Event> events;
    std::int64_t minute = 0;
    std::int64_t event_count = 0;
    for (auto _ : state) {
        const UtcSeconds now = kStart + minute * 60;
        for (int i = 0; i < kLoggers; ++i) {
            Reading& r = batch[static_cast<std::size_t>(i)];
            r.at = now;
            r.temperature = temperature_of(i, minute, r.sensor_fault);
            fleet.feed(r, now, events);
        }
        auto ticked = fleet.tick(now);
        event_count += static_cast<std::int64_t>(events.size() + ticked.size());
        events.clear();
        ++minute;
    }
    state.SetItemsProcessed(state.iterations() * kLoggers);
    state.counters["events"] = static_cast<double>(event_count);
    state.counters["simulated_hours"] = static_cast<double>(minute) / 60.0;
}
BENCHMARK(BM_DetectorFleet)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_DetectorSaveRestore(benchmark::State& state) {
    auto rules = std::make_shared<const RuleSet>(default_rules(StorageClass::refrigerated));
    auto d = LoggerDetector::create("TL-1", rules, kStart).value();
    for (int m = 0; m < 300; ++m) d.feed(Reading::temperature_at("TL-1", kStart + m * 60, 900), kStart + m * 60);
    std::size_t bytes = 0;
    for (auto _ : state) {
        std::string saved = d.save();
        bytes = saved.size();
        auto restored = LoggerDetector::restore("TL-1", rules, saved);
        benchmark::DoNotOptimize(restored);
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["state_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_DetectorSaveRestore);

std::vector<Reading> thirty_days_at_one_minute() {
    std::vector<Reading> readings;
    for (std::int64_t m = 0; m < 30 * 24 * 60; ++m) {
        bool fault = false;
        readings.push_back(Reading::temperature_at("TL-1", kStart + m * 60, temperature_of(10, m, fault)));
    }
    return readings;
}

void BM_Downsample30DaysTo1000(benchmark::State& state) {
    const auto readings = thirty_days_at_one_minute();
    for (auto _ : state) {
        auto buckets = downsample(readings, kStart, kStart + 30 * 86400, 1000);
        benchmark::DoNotOptimize(buckets);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(readings.size()));
}
BENCHMARK(BM_Downsample30DaysTo1000)->Unit(benchmark::kMicrosecond);

void BM_Thin30Days(benchmark::State& state) {
    const auto readings = thirty_days_at_one_minute();
    std::vector<EvidenceWindow> evidence;
    for (int day = 0; day < 30; day += 3) evidence.push_back({kStart + day * 86400, kStart + day * 86400 + 11 * 3600});
    for (auto _ : state) {
        auto thinned = thin(readings, kStart + 30 * 86400, evidence);
        benchmark::DoNotOptimize(thinned);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(readings.size()));
}
BENCHMARK(BM_Thin30Days)->Unit(benchmark::kMillisecond);

void BM_ShipmentVerdict48h(benchmark::State& state) {
    std::vector<Reading> trip;
    for (std::int64_t m = 0; m < 48 * 60; m += 2) {
        bool fault = false;
        trip.push_back(Reading::temperature_at("BOX-1", kStart + m * 60, temperature_of(7, m, fault)));
    }
    const RuleSet rules = default_rules(StorageClass::refrigerated, RecordingContext::transport);
    for (auto _ : state) {
        auto v = shipment_verdict("BOX-1", trip, rules, kStart, kStart + 48 * 3600);
        benchmark::DoNotOptimize(v);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(trip.size()));
}
BENCHMARK(BM_ShipmentVerdict48h)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
