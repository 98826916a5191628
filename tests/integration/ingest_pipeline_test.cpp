// Simulator -> driver -> in-process sink -> database, over loopback: the HL7 analyzer
// simulator's results become pending-review results on the right tests; an unknown
// specimen is quarantined; a resent message is counted once; a failed commit leaves
// nothing and is answered so that the analyzer resends; an unknown instrument is refused.
#include "../unit/workflow/ingest_fixture.hpp"

#include "drivers/driver_host.hpp"
#include "fixtures/simulators/hl7_analyzer.hpp"
#include "fixtures/simulators/specimens.hpp"
#include "lims/app/ingest_sink_adapter.hpp"
#include "lims/store/audit.hpp"
#include "lims/store/sql.hpp"

#include <Poco/Net/ServerSocket.h>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

namespace {

using lims::ingest_testing::IngestWorld;

// A loopback address with a port free right now (the registry refuses port 0).
std::string listen_address() {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    return "127.0.0.1:" + std::to_string(probe.address().port());
}

class IngestPipeline : public ::testing::Test {
protected:
    void SetUp() override {
        // The panel the simulator sends: GLU and K in mmol/L, ALT in U/L.
        ASSERT_TRUE(world.db->write([&](lims::store::Transaction& tx) -> lims::store::StoreResult<lims::store::Done> {
                          lims::store::InstrumentRepository instruments(tx);
                          for (const auto& m : {lims::store::TestMappingFields{"K", "potassium", "", "mmol/L", "1", "0", true},
                                                lims::store::TestMappingFields{"ALT", "alt", "", "U/L", "1", "0", true}}) {
                              auto created = instruments.create_mapping(world.instrument_id, m, "test");
                              if (!created) return created.error();
                          }
                          return lims::store::Done{};
                      }).ok());
        world.exec("INSERT INTO tests (sample_id, test_code, state, created_at, updated_at) "
                   "SELECT id, 'potassium', 'pending', created_at, created_at FROM samples");
        world.exec("INSERT INTO tests (sample_id, test_code, state, created_at, updated_at) "
                   "SELECT id, 'alt', 'pending', created_at, created_at FROM samples");
        // The analyzer as the registry configures it: an HL7 listener on a free loopback port.
        registry.instruments.push_back({"AU-CHEM", drivers::Family::hl7, "tcp_listen", listen_address(), {}, {}});
    }

    simulators::Hl7AnalyzerReport send(std::vector<std::string> messages, int resend_on_error = 5) {
        simulators::Hl7AnalyzerOptions o;
        o.port = host.listening_port("AU-CHEM");
        o.messages = std::move(messages);
        o.resend_on_error = resend_on_error;
        o.resend_pause = std::chrono::milliseconds(20);
        return simulators::run_hl7_analyzer(o);
    }

    IngestWorld world;
    drivers::Registry registry;
    drivers::DriverHost host;
};

}  // namespace


namespace {

TEST_F(IngestPipeline, AnalyzerResultsBecomePendingReviewAndUnknownSpecimensAreQuarantined) {
    lims::app::InProcessIngestSink sink(world.db);
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    const auto panel = simulators::chemistry_panel(world.sample_number, 1);
    const auto stranger = simulators::chemistry_panel("UNKNOWN-SPECIMEN-9", 2);
    auto report = send({simulators::hl7_oru("AU-CHEM", panel, "MSG1"), simulators::hl7_oru("AU-CHEM", stranger, "MSG2")});
    host.stop();
    EXPECT_EQ(report.error, "");
    EXPECT_EQ(report.accepted, 2u);  // a quarantined message is committed too: AA
    EXPECT_EQ(report.rejected, 0u);
    for (const char* code : {"glucose", "potassium", "alt"})
        EXPECT_EQ(world.test_state(world.sample_number, code), "pending_review") << code;
    EXPECT_EQ(world.text("SELECT r.value_text FROM results r JOIN tests t ON t.id = r.test_id WHERE t.test_code = 'glucose'"),
              panel.results[0].value);
    EXPECT_EQ(world.count("SELECT count(*) FROM results WHERE source = 'instrument' AND raw_message_id IS NOT NULL"), 3);
    EXPECT_EQ(world.count("SELECT count(*) FROM quarantine WHERE reason_code = 'ingest.unknown_specimen' AND state = 'open'"),
              3);
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 2);
    // Each observation points at its message, whose bytes are the ORU as the analyzer sent it.
    EXPECT_EQ(world.count("SELECT count(DISTINCT raw_message_id) FROM instrument_observations"), 2);
    EXPECT_NE(world.text("SELECT bytes FROM raw_messages ORDER BY id LIMIT 1").find("MSG1"), std::string::npos);
    auto verified = lims::store::verify_audit_chain(*world.db);
    ASSERT_TRUE(verified.ok());
    EXPECT_TRUE(verified->intact) << verified->problem;
}

TEST_F(IngestPipeline, AResentMessageIsCountedOnce) {
    lims::app::InProcessIngestSink sink(world.db);
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    const auto message = simulators::hl7_oru("AU-CHEM", simulators::chemistry_panel(world.sample_number, 3), "MSG7");
    auto first = send({message});
    auto again = send({message});  // the analyzer lost our AA and sends it again
    host.stop();
    EXPECT_EQ(first.accepted, 1u);
    EXPECT_EQ(again.accepted, 1u);  // answered AA again: it is committed
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 1);
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 3);
    EXPECT_EQ(world.count("SELECT count(*) FROM quarantine"), 0);
}

TEST_F(IngestPipeline, AFailedCommitLeavesNothingAndTheAnalyzerIsToldToResend) {
    lims::app::InProcessIngestSink sink(world.db);
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    world.exec("CREATE TRIGGER refuse_observations BEFORE INSERT ON instrument_observations "
               "BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    const auto message = simulators::hl7_oru("AU-CHEM", simulators::chemistry_panel(world.sample_number, 4), "MSG8");
    auto failed = send({message}, 0);
    EXPECT_EQ(failed.accepted, 0u);
    EXPECT_GE(failed.errors, 1u);  // AE: retryable, the analyzer keeps the result
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 0);
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 0);
    EXPECT_EQ(world.test_state(world.sample_number, "glucose"), "pending");
    world.exec("DROP TRIGGER refuse_observations");
    auto resent = send({message});
    host.stop();
    EXPECT_EQ(resent.accepted, 1u);
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 1);
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 3);
}

// ACK after COMMIT, not after the message's own work: the message's write shares its group
// commit with another write whose deferred foreign key fails only at the COMMIT (both queue
// while a first write holds the group open, and join its COMMIT). The message's own
// statements all succeed, yet the analyzer is not told AA (it is told AE, and nothing of the
// message is stored); sent again, it is taken. Until the group commits, the analyzer has no
// answer at all.
TEST_F(IngestPipeline, TheAnalyzerIsToldAAOnlyWhenItsGroupsCommitSucceeds) {
    lims::app::InProcessIngestSink sink(world.db);
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    world.exec("CREATE TABLE commit_parent (id INTEGER PRIMARY KEY)");
    world.exec("CREATE TABLE commit_child (parent INTEGER REFERENCES commit_parent (id) DEFERRABLE INITIALLY DEFERRED)");
    const auto message = simulators::hl7_oru("AU-CHEM", simulators::chemistry_panel(world.sample_number, 6), "MSG10");
    const auto queued = [&](std::size_t n) {
        for (int i = 0; i < 1000 && world.db->write_stats().queued < n; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return world.db->write_stats().queued >= n;
    };

    std::promise<void> entered, release;
    auto holder = std::async(std::launch::async, [&] {
        return world.db->write([&](lims::store::Transaction&) -> lims::store::StoreResult<lims::store::Done> {
            entered.set_value();
            release.get_future().wait();
            return lims::store::Done{};
        });
    });
    entered.get_future().wait();
    auto analyzer = std::async(std::launch::async, [&] { return send({message}, 0); });
    ASSERT_TRUE(queued(1)) << "the message's write never queued";
    auto breaker = std::async(std::launch::async, [&] {
        return world.db->write([&](lims::store::Transaction& tx) -> lims::store::StoreResult<lims::store::Done> {
            lims::store::sql(tx, "INSERT INTO commit_child (parent) VALUES (42)");  // no parent 42: fails at COMMIT
            return lims::store::Done{};
        });
    });
    ASSERT_TRUE(queued(2)) << "the breaking write never queued";
    EXPECT_EQ(analyzer.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout)
        << "the analyzer was answered while its write waited for the writer";
    release.set_value();
    EXPECT_FALSE(holder.get().ok());  // the same COMMIT: every call of the group fails with it
    const auto report = analyzer.get();
    EXPECT_FALSE(breaker.get().ok());
    EXPECT_EQ(report.accepted, 0u);
    EXPECT_GE(report.errors, 1u);  // AE: the analyzer keeps the result and sends it again
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 0);
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 0);
    EXPECT_EQ(world.count("SELECT count(*) FROM instrument_observations"), 0);
    EXPECT_EQ(world.test_state(world.sample_number, "glucose"), "pending");

    auto resent = send({message});
    host.stop();
    EXPECT_EQ(resent.accepted, 1u);
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 1);
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 3);
    EXPECT_EQ(world.count("SELECT count(*) FROM instrument_observations"), 3);
}

TEST_F(IngestPipeline, AnInstrumentTheRegistryDoesNotKnowIsRefused) {
    lims::app::InProcessIngestSink sink(world.db);
    registry.instruments.clear();
    registry.instruments.push_back({"GHOST", drivers::Family::hl7, "tcp_listen", listen_address(), {}, {}});
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    simulators::Hl7AnalyzerOptions o;
    o.port = host.listening_port("GHOST");
    o.messages = {simulators::hl7_oru("GHOST", simulators::chemistry_panel(world.sample_number, 5), "MSG9")};
    auto report = simulators::run_hl7_analyzer(o);
    host.stop();
    EXPECT_EQ(report.accepted, 0u);
    EXPECT_EQ(report.rejected, 1u);  // AR: not worth resending
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 0);
}

}  // namespace
