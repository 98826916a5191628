// Metrics rendering of reported figures, and the database's group-commit figures
// (store::Database::write_stats) as `lims serve` puts them on /metrics.
#include "lims/api/metrics.hpp"
#include "lims/app/service_host.hpp"
#include "lims/store/database.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace lims;
using namespace lims::api;

namespace {

struct ScratchDatabase {
    std::filesystem::path dir;
    std::shared_ptr<store::Database> db;
    explicit ScratchDatabase(bool group_commit = true) {
        std::string pattern = (std::filesystem::temp_directory_path() / "lims-metrics-XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp");
        dir = pattern;
        store::DatabaseOptions options;
        options.group_commit = group_commit;
        auto opened = store::Database::open("sqlite:" + (dir / "m.db").string(), options);
        if (!opened) throw std::runtime_error(opened.error().message);
        db = *opened;
    }
    ~ScratchDatabase() {
        db.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    void writes(int n) {
        for (int i = 0; i < n; ++i) {
            auto done = db->write([](store::Transaction&) -> store::StoreResult<store::Done> { return store::Done{}; });
            if (!done) throw std::runtime_error(done.error().message);
        }
    }
};

}  // namespace

TEST(MetricsTest, ReportedCountersAndGaugesCarryTheirType) {
    Metrics metrics({"r"});
    metrics.addGaugeSource([] {
        return std::vector<Gauge>{{"lims_x_total", "X.", "", 7, "counter"}, {"lims_y", "Y.", "", 2}};
    });
    const auto text = metrics.render();
    EXPECT_NE(text.find("# TYPE lims_x_total counter\nlims_x_total 7\n"), std::string::npos) << text;
    EXPECT_NE(text.find("# TYPE lims_y gauge\nlims_y 2\n"), std::string::npos) << text;
}

TEST(MetricsTest, DatabaseWriteFiguresCountCallsAndCommits) {
    ScratchDatabase scratch;
    Metrics metrics({"r"});
    metrics.addGaugeSource(app::databaseWriteGauges(scratch.db));
    EXPECT_NE(metrics.render().find("lims_db_write_calls_total{backend=\"sqlite\"} 0\n"), std::string::npos);

    scratch.writes(3);
    // Concurrent writers share commits: never more commits than calls.
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) threads.emplace_back([&] { scratch.writes(5); });
    for (auto& t : threads) t.join();

    const auto stats = scratch.db->write_stats();
    EXPECT_EQ(stats.calls, 23u);
    EXPECT_GE(stats.groups, 1u);
    EXPECT_LE(stats.groups, stats.calls);
    const auto text = metrics.render();
    EXPECT_NE(text.find("# TYPE lims_db_write_calls_total counter\n"), std::string::npos) << text;
    EXPECT_NE(text.find("lims_db_write_calls_total{backend=\"sqlite\"} 23\n"), std::string::npos) << text;
    EXPECT_NE(text.find("lims_db_write_commits_total{backend=\"sqlite\"} " + std::to_string(stats.groups) + "\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("# TYPE lims_db_write_queued gauge\nlims_db_write_queued{backend=\"sqlite\"} 0\n"),
              std::string::npos)
        << text;
}

TEST(MetricsTest, DatabaseWithoutGroupCommitReportsZeroCommits) {
    ScratchDatabase scratch(false);
    Metrics metrics({"r"});
    metrics.addGaugeSource(app::databaseWriteGauges(scratch.db));
    scratch.writes(2);
    const auto text = metrics.render();
    EXPECT_NE(text.find("lims_db_write_commits_total{backend=\"sqlite\"} 0\n"), std::string::npos) << text;
}
