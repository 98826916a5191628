#include "lims/api/metrics.hpp"

#include <map>
#include <sstream>

namespace lims::api {

Metrics::Metrics(std::vector<std::string> routeLabels) : labels_(std::move(routeLabels)) {
    labels_.push_back("unmatched");
    counters_ = std::make_unique<RouteCounters[]>(labels_.size());
}

Metrics::~Metrics() = default;

void Metrics::record(std::size_t routeIndex, int status, std::chrono::nanoseconds latency) noexcept {
    if (routeIndex >= labels_.size()) routeIndex = unmatchedIndex();
    auto& c = counters_[routeIndex];
    if (status >= kFirstStatus && status < kFirstStatus + kStatusSlots) {
        c.byStatus[static_cast<std::size_t>(status - kFirstStatus)].fetch_add(1, std::memory_order_relaxed);
    }
    const double seconds = std::chrono::duration<double>(latency).count();
    std::size_t bucket = 0;
    while (bucket < kBucketBounds.size() && seconds > kBucketBounds[bucket]) ++bucket;
    c.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
    c.count.fetch_add(1, std::memory_order_relaxed);
    c.sumNanos.fetch_add(static_cast<std::uint64_t>(latency.count() < 0 ? 0 : latency.count()),
                         std::memory_order_relaxed);
}

void Metrics::addGaugeSource(GaugeSource source) {
    std::lock_guard lock(gaugesMutex_);
    gauges_.push_back(std::move(source));
}

std::uint64_t Metrics::requestCount(std::size_t routeIndex, int status) const {
    if (routeIndex >= labels_.size() || status < kFirstStatus || status >= kFirstStatus + kStatusSlots) return 0;
    return counters_[routeIndex].byStatus[static_cast<std::size_t>(status - kFirstStatus)].load();
}

std::string Metrics::render() const {
    std::ostringstream out;
    out << "# HELP lims_http_requests_total HTTP requests by route and status.\n"
           "# TYPE lims_http_requests_total counter\n";
    for (std::size_t r = 0; r < labels_.size(); ++r) {
        for (int s = 0; s < kStatusSlots; ++s) {
            const auto n = counters_[r].byStatus[static_cast<std::size_t>(s)].load(std::memory_order_relaxed);
            if (n == 0) continue;
            out << "lims_http_requests_total{route=\"" << labels_[r] << "\",status=\""
                << (s + kFirstStatus) << "\"} " << n << '\n';
        }
    }
    out << "# HELP lims_http_request_duration_seconds Time from request parsed to response written.\n"
           "# TYPE lims_http_request_duration_seconds histogram\n";
    for (std::size_t r = 0; r < labels_.size(); ++r) {
        const auto& c = counters_[r];
        const auto count = c.count.load(std::memory_order_relaxed);
        if (count == 0) continue;
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b <= kBucketBounds.size(); ++b) {
            cumulative += c.buckets[b].load(std::memory_order_relaxed);
            out << "lims_http_request_duration_seconds_bucket{route=\"" << labels_[r] << "\",le=\"";
            if (b < kBucketBounds.size()) out << kBucketBounds[b]; else out << "+Inf";
            out << "\"} " << cumulative << '\n';
        }
        out << "lims_http_request_duration_seconds_sum{route=\"" << labels_[r] << "\"} "
            << static_cast<double>(c.sumNanos.load(std::memory_order_relaxed)) / 1e9 << '\n';
        out << "lims_http_request_duration_seconds_count{route=\"" << labels_[r] << "\"} "
            << cumulative << '\n';
    }
    std::vector<GaugeSource> sources;
    {
        std::lock_guard lock(gaugesMutex_);
        sources = gauges_;
    }
    std::map<std::string, std::vector<Gauge>> byName;
    for (const auto& source : sources) {
        for (auto& g : source()) byName[g.name].push_back(std::move(g));
    }
    for (const auto& [name, list] : byName) {
        out << "# HELP " << name << ' ' << list.front().help << '\n'
            << "# TYPE " << name << ' ' << list.front().type << '\n';
        for (const auto& g : list) {
            out << name;
            if (!g.labels.empty()) out << '{' << g.labels << '}';
            out << ' ' << g.value << '\n';
        }
    }
    return out.str();
}

}  // namespace lims::api
