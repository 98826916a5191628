// CDS CSV export dropped in an instrument's folder -> file-drop watcher -> in-process sink
// -> migrated SQLite: rows become pending-review results on the sample's tests, an unknown
// specimen and an unmapped component are quarantined, the file moves to processed/; the
// same export dropped again is counted once; a failed commit leaves the file in place and
// nothing in the database until a commit succeeds.
#include "../unit/workflow/ingest_fixture.hpp"

#include "drivers/driver_host.hpp"
#include "lims/app/ingest_sink_adapter.hpp"
#include "lims/store/audit.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace {

namespace fs = std::filesystem;
using lims::ingest_testing::IngestWorld;

bool eventually(const std::function<bool()>& condition) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    while (std::chrono::steady_clock::now() < until) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return condition();
}

class IngestFileDrop : public ::testing::Test {
protected:
    void SetUp() override {
        world.add_instrument("HPLC-1", "csv", "file_drop",
                             {{"Assay", "assay", "%", "%", "1", "0", true},
                              {"Related substances", "related_substances", "%", "%", "1", "0", true}});
        world.add_test_to_samples("related_substances");
        folder = world.dir + "drop";
        registry.instruments.push_back({"HPLC-1", drivers::Family::csv, "folder", folder.string(),
                                        {{"scan_ms", "50"}, {"settle_ms", "150"}}, {}});
    }

    void drop(const std::string& name, const std::string& text) {
        // Written aside and renamed in, as a CDS export job does.
        std::ofstream(folder / (name + ".part")) << text;
        fs::rename(folder / (name + ".part"), folder / name);
    }

    std::string export_for(const std::string& number) {
        return "Sample Name,Component,Amount,Units,Injection Date\r\n" + number + ",Assay,99.2,%,20261120093015\r\n" +
               number + ",Related substances,<0.05,%,20261120093015\r\n" +
               "S261120-9999,Assay,98.1,%,20261120094015\r\n" + number + ",Unknown peak,0.02,%,20261120093015\r\n";
    }

    IngestWorld world;
    fs::path folder;
    drivers::Registry registry;
    drivers::DriverHost host;
};

TEST_F(IngestFileDrop, ExportRowsBecomePendingReviewAndTheRestIsQuarantined) {
    lims::app::InProcessIngestSink sink(world.db);
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    const auto text = export_for(world.sample_number);
    drop("run1.csv", text);
    ASSERT_TRUE(eventually([&] { return fs::exists(folder / "processed" / "run1.csv"); }));
    EXPECT_EQ(world.test_state(world.sample_number, "assay"), "pending_review");
    EXPECT_EQ(world.test_state(world.sample_number, "related_substances"), "pending_review");
    EXPECT_EQ(world.text("SELECT r.value_text FROM results r JOIN tests t ON t.id = r.test_id WHERE t.test_code = 'assay'"),
              "99.2");
    EXPECT_EQ(world.count("SELECT count(*) FROM results WHERE source = 'instrument'"), 2);
    EXPECT_EQ(world.count("SELECT count(*) FROM quarantine WHERE reason_code = 'ingest.unknown_specimen'"), 1);
    EXPECT_EQ(world.count("SELECT count(*) FROM quarantine WHERE reason_code = 'ingest.unmapped_code' AND "
                          "instrument_test_code = 'Unknown peak'"),
              1);
    EXPECT_EQ(world.text("SELECT bytes FROM raw_messages WHERE protocol = 'csv'"), text);
    EXPECT_EQ(world.count("SELECT count(*) FROM instrument_observations"), 4);

    // The same export dropped again: moved on, counted once.
    drop("run1.csv", text);
    ASSERT_TRUE(eventually([&] { return fs::exists(folder / "processed" / "run1-1.csv"); }));
    host.stop();
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 1);
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 2);
    EXPECT_EQ(world.count("SELECT count(*) FROM quarantine"), 2);
    auto verified = lims::store::verify_audit_chain(*world.db);
    ASSERT_TRUE(verified.ok());
    EXPECT_TRUE(verified->intact) << verified->problem;
}

TEST_F(IngestFileDrop, AFailedCommitLeavesTheFileAndNothingInTheDatabase) {
    world.exec("CREATE TRIGGER refuse_results BEFORE INSERT ON results BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    lims::app::InProcessIngestSink sink(world.db);
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    drop("run2.csv", export_for(world.sample_number));
    ASSERT_TRUE(eventually([&] { return host.state("HPLC-1").failures >= 2; }));  // tried, and tried again
    EXPECT_TRUE(fs::exists(folder / "run2.csv"));
    EXPECT_FALSE(fs::exists(folder / "failed" / "run2.csv"));
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 0);
    EXPECT_EQ(world.count("SELECT count(*) FROM quarantine"), 0);
    EXPECT_EQ(world.test_state(world.sample_number, "assay"), "pending");
    world.exec("DROP TRIGGER refuse_results");
    ASSERT_TRUE(eventually([&] { return fs::exists(folder / "processed" / "run2.csv"); }));
    host.stop();
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 1);
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 2);
}

TEST_F(IngestFileDrop, ABadExportGoesToFailedAndStoresNothing) {
    lims::app::InProcessIngestSink sink(world.db);
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    drop("bad.csv", "Sample Name,Units\n" + world.sample_number + ",%\n");
    ASSERT_TRUE(eventually([&] { return fs::exists(folder / "failed" / "bad.csv.reason"); }));
    host.stop();
    std::ifstream reason(folder / "failed" / "bad.csv.reason");
    std::string words((std::istreambuf_iterator<char>(reason)), std::istreambuf_iterator<char>());
    EXPECT_NE(words.find("csv.missing_column"), std::string::npos) << words;
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 0);
    EXPECT_EQ(world.test_state(world.sample_number, "assay"), "pending");
}

}  // namespace
