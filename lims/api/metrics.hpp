// Request counters and latency histograms per route, rendered in the Prometheus text
// exposition format at GET /metrics. The dispatcher records every request; counting is a
// few relaxed atomic increments, so it stays on in production.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lims::api {

// A figure another component reports: a point-in-time value (pool size, queue depth), or
// a running total it keeps itself (type "counter", name ending in _total).
struct Gauge {
    std::string name;    // "lims_db_pool_in_use"
    std::string help;
    std::string labels;  // already formatted: backend="sqlite"
    double value = 0;
    std::string type = "gauge";  // the Prometheus TYPE: "gauge" or "counter"
};
using GaugeSource = std::function<std::vector<Gauge>()>;

class Metrics {
public:
    // One label per route, in route-table order; one more slot counts requests that
    // matched no route, labelled "unmatched".
    explicit Metrics(std::vector<std::string> routeLabels);
    ~Metrics();

    void record(std::size_t routeIndex, int status, std::chrono::nanoseconds latency) noexcept;
    std::size_t unmatchedIndex() const { return labels_.size() - 1; }

    void addGaugeSource(GaugeSource source);

    std::uint64_t requestCount(std::size_t routeIndex, int status) const;
    std::string render() const;

    // Upper bounds of the latency buckets, seconds; chosen around the 50 ms p99.
    static constexpr std::array<double, 12> kBucketBounds = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0};

private:
    static constexpr int kFirstStatus = 100;
    static constexpr int kStatusSlots = 500;  // 100..599
    struct RouteCounters {
        std::array<std::atomic<std::uint64_t>, kStatusSlots> byStatus{};
        std::array<std::atomic<std::uint64_t>, kBucketBounds.size() + 1> buckets{};
        std::atomic<std::uint64_t> count{0};
        std::atomic<std::uint64_t> sumNanos{0};
    };
    std::vector<std::string> labels_;
    std::unique_ptr<RouteCounters[]> counters_;
    mutable std::mutex gaugesMutex_;
    std::vector<GaugeSource> gauges_;
};

}  // namespace lims::api
