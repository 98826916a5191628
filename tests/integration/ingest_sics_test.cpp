// MT-SICS balance simulator -> SICS driver -> in-process sink -> migrated SQLite, over
// loopback. MT-SICS carries no specimen id (a balance answers "S S 12.34 g" and nothing
// else), so a stable weight cannot be matched to a sample by itself: it is stored with its
// raw line and kept in quarantine ("ingest.unknown_specimen": no specimen id), and the
// technician assigns it to the sample's test, which then waits for review with the
// weight converted through the balance's mapping. Dynamic and error answers store nothing.
#include "../unit/workflow/ingest_fixture.hpp"

#include "drivers/driver_host.hpp"
#include "fixtures/simulators/sics_balance.hpp"
#include "lims/app/ingest_sink_adapter.hpp"
#include "lims/store/audit.hpp"
#include "lims/workflow/ingest/quarantine_resolution.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace {

using lims::ingest_testing::IngestWorld;

// Polls `condition` for up to a minute (the balance is asked every 100 ms).
bool eventually(const std::function<bool()>& condition) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    while (std::chrono::steady_clock::now() < until) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return condition();
}

class IngestSics : public ::testing::Test {
protected:
    void SetUp() override {
        // Net content weighed in g, recorded in mg.
        balance_id = world.add_instrument("BAL-1", "sics", "tcp_connect",
                                          {{"WEIGHT", "net_content", "g", "mg", "1000", "0", true}});
        world.add_test_to_samples("net_content");
    }

    drivers::Registry balance_at(std::uint16_t port) {
        drivers::Registry r;
        r.instruments.push_back({"BAL-1", drivers::Family::sics, "tcp_connect", "127.0.0.1:" + std::to_string(port),
                                 {{"interval_ms", "100"}}, {}});
        return r;
    }

    IngestWorld world;
    std::int64_t balance_id = 0;
    drivers::DriverHost host;
};

TEST_F(IngestSics, AStableWeightIsStoredQuarantinedAndAssignedToTheSampleTest) {
    // Busy, dynamic and overload answers first: none of them is a weight to record.
    simulators::SicsBalance balance({"127.0.0.1", 0, {"S I", "S D      12.30 g", "S +", "S S      12.34 g"}, "B1"});
    lims::app::InProcessIngestSink sink(world.db);
    ASSERT_EQ(host.start(balance_at(balance.port()), sink), std::vector<std::string>{});
    ASSERT_TRUE(eventually([&] { return world.count("SELECT count(*) FROM quarantine") >= 1; }));
    host.stop();
    // The same stable weight repeated is not a new weighing: one message, one entry.
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages WHERE protocol = 'sics'"), 1);
    EXPECT_NE(world.text("SELECT bytes FROM raw_messages").find("S S 12.34 g"), std::string::npos);
    EXPECT_EQ(world.count("SELECT count(*) FROM quarantine WHERE reason_code = 'ingest.unknown_specimen' AND "
                          "instrument_test_code = 'WEIGHT' AND state = 'open'"),
              1);
    EXPECT_NE(world.text("SELECT reason FROM quarantine").find("no specimen id"), std::string::npos);
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 0);
    EXPECT_GE(host.state("BAL-1").failures, 3u);  // S I, S D, S + counted, not stored

    const auto entry = world.count("SELECT id FROM quarantine");
    lims::workflow::ingest::Assignment assignment;
    assignment.sample_number = world.sample_number;
    assignment.test_code = "net_content";
    auto resolved = lims::workflow::ingest::assign_quarantined(*world.db, entry, assignment,
                                                                {.name = "technician:wang", .org_path = world.lab_path});
    ASSERT_TRUE(resolved.ok()) << resolved.error().code << ": " << resolved.error().message;
    ASSERT_TRUE(resolved->result_id.has_value());
    EXPECT_EQ(world.test_state(world.sample_number, "net_content"), "pending_review");
    EXPECT_EQ(world.text("SELECT unit FROM results"), "mg");
    // Exact decimal conversion keeps the balance's two decimals: 12.34 g = 12340.00 mg.
    EXPECT_EQ(world.text("SELECT value_text FROM results"), "12340.00");
    EXPECT_EQ(world.count("SELECT count(*) FROM results WHERE source = 'instrument' AND raw_message_id IS NOT NULL"), 1);
    EXPECT_EQ(world.text("SELECT state FROM quarantine"), "assigned");
    auto verified = lims::store::verify_audit_chain(*world.db);
    ASSERT_TRUE(verified.ok());
    EXPECT_TRUE(verified->intact) << verified->problem;
}

TEST_F(IngestSics, ABalanceThatNeverStabilisesStoresNothing) {
    simulators::SicsBalance balance({"127.0.0.1", 0, {"S D      12.30 g", "EL"}, "B2"});
    lims::app::InProcessIngestSink sink(world.db);
    ASSERT_EQ(host.start(balance_at(balance.port()), sink), std::vector<std::string>{});
    ASSERT_TRUE(eventually([&] { return balance.weighings() >= 5; }));
    host.stop();
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 0);
    EXPECT_EQ(world.count("SELECT count(*) FROM quarantine"), 0);
    EXPECT_NE(host.state("BAL-1").last_error.find("sics.logical_error"), std::string::npos)
        << host.state("BAL-1").last_error;
}

}  // namespace
