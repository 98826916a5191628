// CDS CSV file drops: a settled export is committed and moved to processed/; a bad one
// goes to failed/ with a .reason file; a refused commit too; a retryable failure leaves
// the file in place until the sink is back.
#include "drivers_test_sink.hpp"

#include "drivers/driver_host.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using drivers_test::MemorySink;
using drivers_test::wait_for;

class DriversFileDrop : public ::testing::Test {
protected:
    void SetUp() override {
        folder = fs::temp_directory_path() /
                 ("drivers_drop_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(folder);
        registry.instruments.push_back({"HPLC-1", drivers::Family::csv, "folder", folder.string(),
                                        {{"scan_ms", "50"}, {"settle_ms", "150"}}, {}});
    }
    void TearDown() override { fs::remove_all(folder); }
    void drop(const std::string& name, const std::string& text) {
        // Written aside and renamed in, as a CDS export job does.
        std::ofstream(folder / (name + ".part")) << text;
        fs::rename(folder / (name + ".part"), folder / name);
    }
    static std::string slurp(const fs::path& p) {
        std::ifstream in(p);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    fs::path folder;
    drivers::Registry registry;
    MemorySink sink;
};

const std::string kExport =
    "Sample Name,Component,Amount,Units,Injection Date\r\n"
    "S240611-0042,Caffeine,98.7,%,20240611093015\r\n"
    "\"S240611-0043\",\"Paracetamol, free base\",<0.05,%,20240611094015\r\n";

TEST_F(DriversFileDrop, SettledExportIsCommittedAndMovedToProcessed) {
    drivers::DriverHost host;
    ASSERT_TRUE(host.start(registry, sink).empty());
    drop("run1.csv", kExport);
    ASSERT_TRUE(wait_for([&] { return fs::exists(folder / "processed" / "run1.csv"); }));
    EXPECT_FALSE(fs::exists(folder / "run1.csv"));
    auto m = sink.messages();
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].protocol, "csv");
    EXPECT_EQ(m[0].raw, kExport);
    ASSERT_EQ(m[0].observations.size(), 2u);
    EXPECT_EQ(m[0].observations[0].specimen_id, "S240611-0042");
    EXPECT_EQ(m[0].observations[0].test_code, "Caffeine");
    EXPECT_EQ(m[0].observations[0].number, "98.7");
    EXPECT_EQ(m[0].observations[1].test_code, "Paracetamol, free base");
    EXPECT_EQ(m[0].observations[1].comparator, "<");
    EXPECT_EQ(m[0].observations[1].number, "0.05");
    // The same export dropped again is moved on and counted once by the sink.
    drop("run1.csv", kExport);
    ASSERT_TRUE(wait_for([&] { return fs::exists(folder / "processed" / "run1-1.csv"); }));
    EXPECT_EQ(sink.messages().size(), 1u);
}

TEST_F(DriversFileDrop, BadExportGoesToFailedWithTheReasonBeside) {
    drivers::DriverHost host;
    ASSERT_TRUE(host.start(registry, sink).empty());
    drop("bad.csv", "Sample Name,Units\nS1,%\n");
    ASSERT_TRUE(wait_for([&] { return fs::exists(folder / "failed" / "bad.csv.reason"); }));
    EXPECT_TRUE(fs::exists(folder / "failed" / "bad.csv"));
    EXPECT_NE(slurp(folder / "failed" / "bad.csv.reason").find("csv.missing_column"), std::string::npos);
    drop("quote.csv", "Sample Name,Component,Amount\nS1,\"open,1\n");
    ASSERT_TRUE(wait_for([&] { return fs::exists(folder / "failed" / "quote.csv.reason"); }));
    EXPECT_NE(slurp(folder / "failed" / "quote.csv.reason").find("csv.bad_quote"), std::string::npos);
    EXPECT_TRUE(sink.messages().empty());
}

TEST_F(DriversFileDrop, RefusedCommitGoesToFailed) {
    sink.refuse(true);
    drivers::DriverHost host;
    ASSERT_TRUE(host.start(registry, sink).empty());
    drop("run2.csv", kExport);
    ASSERT_TRUE(wait_for([&] { return fs::exists(folder / "failed" / "run2.csv.reason"); }));
    EXPECT_NE(slurp(folder / "failed" / "run2.csv.reason").find("ingest.refused"), std::string::npos);
}

TEST_F(DriversFileDrop, RetryableFailureLeavesTheFileUntilTheSinkIsBack) {
    sink.fail_next(2);
    drivers::DriverHost host;
    ASSERT_TRUE(host.start(registry, sink).empty());
    drop("run3.csv", kExport);
    ASSERT_TRUE(wait_for([&] { return fs::exists(folder / "processed" / "run3.csv"); }));
    EXPECT_EQ(sink.message_attempts(), 3u);
    EXPECT_EQ(sink.messages().size(), 1u);
    EXPECT_FALSE(fs::exists(folder / "failed" / "run3.csv"));
}

TEST_F(DriversFileDrop, PartialAndHiddenFilesAreLeftAlone) {
    drivers::DriverHost host;
    ASSERT_TRUE(host.start(registry, sink).empty());
    std::ofstream(folder / "pending.csv.part") << kExport;
    std::ofstream(folder / ".hidden.csv") << kExport;
    drop("marker.csv", kExport);
    ASSERT_TRUE(wait_for([&] { return fs::exists(folder / "processed" / "marker.csv"); }));
    EXPECT_TRUE(fs::exists(folder / "pending.csv.part"));
    EXPECT_TRUE(fs::exists(folder / ".hidden.csv"));
    EXPECT_EQ(sink.messages().size(), 1u);
}

}  // namespace
