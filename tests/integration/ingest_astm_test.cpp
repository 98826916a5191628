// ASTM analyzer simulator -> ASTM E1381 driver -> in-process sink -> migrated SQLite, over
// loopback: results become pending-review results on the registered sample's tests; an
// unknown specimen is quarantined; a bad checksum is NAKed and the retransmitted frame
// counted once; a line dropped mid-message leaves nothing and the next connection works;
// a failed commit withholds the last frame's ACK until a commit succeeds.
#include "../unit/workflow/ingest_fixture.hpp"

#include "drivers/driver_host.hpp"
#include "fixtures/simulators/astm_analyzer.hpp"
#include "fixtures/simulators/specimens.hpp"
#include "lims/app/ingest_sink_adapter.hpp"
#include "lims/store/audit.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>

namespace {

using lims::ingest_testing::IngestWorld;

class IngestAstm : public ::testing::Test {
protected:
    void SetUp() override {
        // The panel the simulator sends: GLU and K in mmol/L, ALT in U/L.
        world.add_instrument("AU-ASTM", "astm", "tcp_listen",
                             {{"GLU", "glucose", "mmol/L", "mmol/L", "1", "0", true},
                              {"K", "potassium", "", "mmol/L", "1", "0", true},
                              {"ALT", "alt", "", "U/L", "1", "0", true}});
        world.add_test_to_samples("potassium");
        world.add_test_to_samples("alt");
        registry.instruments.push_back({"AU-ASTM", drivers::Family::astm, "tcp_listen", "127.0.0.1:0", {}, {}});
    }

    simulators::AstmAnalyzerReport send(std::vector<simulators::SimSpecimen> specimens,
                                        const std::function<void(simulators::AstmAnalyzerOptions&)>& tweak = {}) {
        simulators::AstmAnalyzerOptions o;
        o.port = host.listening_port("AU-ASTM");
        for (const auto& s : specimens) o.messages.push_back(simulators::astm_result_records("AU-ASTM", s));
        if (tweak) tweak(o);
        return simulators::run_astm_analyzer(o);
    }

    void expect_panel_pending_review(const std::string& number, const simulators::SimSpecimen& panel) {
        for (const char* code : {"glucose", "potassium", "alt"})
            EXPECT_EQ(world.test_state(number, code), "pending_review") << code;
        EXPECT_EQ(world.text("SELECT r.value_text FROM results r JOIN tests t ON t.id = r.test_id JOIN samples s ON "
                             "s.id = t.sample_id WHERE t.test_code = 'potassium' AND s.number = '" +
                             number + "'"),
                  panel.results[1].value);
    }

    void expect_chain_intact() {
        auto verified = lims::store::verify_audit_chain(*world.db);
        ASSERT_TRUE(verified.ok());
        EXPECT_TRUE(verified->intact) << verified->problem;
    }

    IngestWorld world;
    drivers::Registry registry;
    drivers::DriverHost host;
};

TEST_F(IngestAstm, ResultsBecomePendingReviewAndAnUnknownSpecimenIsQuarantined) {
    lims::app::InProcessIngestSink sink(world.db);
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    const auto panel = simulators::chemistry_panel(world.sample_number, 1);
    auto report = send({panel, simulators::chemistry_panel("UNKNOWN-SPECIMEN-9", 2)});
    host.stop();
    EXPECT_EQ(report.error, "");
    EXPECT_EQ(report.delivered, 2u);  // a quarantined message is committed too: ACKed
    expect_panel_pending_review(world.sample_number, panel);
    EXPECT_EQ(world.count("SELECT count(*) FROM results WHERE source = 'instrument' AND raw_message_id IS NOT NULL"), 3);
    EXPECT_EQ(world.count("SELECT count(*) FROM quarantine WHERE reason_code = 'ingest.unknown_specimen' AND "
                          "state = 'open' AND specimen_id = 'UNKNOWN-SPECIMEN-9'"),
              3);
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages WHERE protocol = 'astm'"), 2);
    EXPECT_EQ(world.count("SELECT count(DISTINCT raw_message_id) FROM instrument_observations"), 2);
    // The raw bytes are the records as the analyzer sent them (H ... L).
    EXPECT_NE(world.text("SELECT bytes FROM raw_messages ORDER BY id LIMIT 1").find(world.sample_number),
              std::string::npos);
    expect_chain_intact();
}

TEST_F(IngestAstm, ABadChecksumIsNakedAndTheRetransmissionCountedOnce) {
    lims::app::InProcessIngestSink sink(world.db);
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    const auto panel = simulators::chemistry_panel(world.sample_number, 3);
    // Frame 3 is the first R record (H, P, O, R...): its first transmission is corrupted.
    auto report = send({panel}, [](auto& o) { o.corrupt_checksum_of_frame = 3; });
    host.stop();
    EXPECT_EQ(report.error, "");
    EXPECT_EQ(report.naks_received, 1u);
    EXPECT_EQ(report.delivered, 1u);
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 1);
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 3);
    EXPECT_EQ(world.count("SELECT count(*) FROM instrument_observations"), 3);
    EXPECT_EQ(world.count("SELECT count(*) FROM quarantine"), 0);
    expect_panel_pending_review(world.sample_number, panel);
}

TEST_F(IngestAstm, ALineDroppedMidMessageLeavesNothingAndTheNextConnectionWorks) {
    lims::app::InProcessIngestSink sink(world.db);
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    const std::string second = world.register_sample();
    world.exec("INSERT INTO tests (sample_id, test_code, state, created_at, updated_at) SELECT id, 'potassium', "
               "'pending', created_at, created_at FROM samples WHERE number = '" + second + "'");
    world.exec("INSERT INTO tests (sample_id, test_code, state, created_at, updated_at) SELECT id, 'alt', "
               "'pending', created_at, created_at FROM samples WHERE number = '" + second + "'");
    const auto first_panel = simulators::chemistry_panel(world.sample_number, 5);
    const auto second_panel = simulators::chemistry_panel(second, 6);
    // The line drops inside frame 1 (the P record) of the first message: nothing of it may
    // be committed. The analyzer then dials again and sends both messages from the start.
    auto report = send({first_panel, second_panel}, [](auto& o) { o.drop_line_in_frame = 1; });
    host.stop();
    EXPECT_EQ(report.error, "");
    EXPECT_TRUE(report.dropped_line);
    EXPECT_EQ(report.connections, 2u);
    EXPECT_EQ(report.delivered, 2u);
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 2);
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 6);
    EXPECT_EQ(world.count("SELECT count(*) FROM quarantine"), 0);  // no partial message kept anywhere
    expect_panel_pending_review(world.sample_number, first_panel);
    expect_panel_pending_review(second, second_panel);
    EXPECT_GE(host.state("AU-ASTM").failures, 1u);
    expect_chain_intact();
}

// The real sink, with a database that refuses the first `failing` commits: a trigger
// aborts every observation insert until the third attempt drops it.
class HealingSink : public drivers::IngestSink {
public:
    HealingSink(IngestWorld& world, int failing) : world_(world), inner_(world.db), failing_(failing) {
        world_.exec("CREATE TRIGGER refuse_observations BEFORE INSERT ON instrument_observations "
                    "BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    }
    drivers::CommitOutcome commit_message(const drivers::InstrumentMessage& m) override {
        if (++attempts_ == failing_ + 1) world_.exec("DROP TRIGGER refuse_observations");
        auto outcome = inner_.commit_message(m);
        if (std::holds_alternative<drivers::CommitFailure>(outcome)) ++failures_;
        return outcome;
    }
    drivers::CommitOutcome commit_readings(const std::vector<drivers::LoggerReading>& r) override {
        return inner_.commit_readings(r);
    }
    int attempts() const { return attempts_; }
    int failures() const { return failures_; }

private:
    IngestWorld& world_;
    lims::app::InProcessIngestSink inner_;
    int failing_;
    std::atomic<int> attempts_{0}, failures_{0};
};

TEST_F(IngestAstm, AFailedCommitWithholdsTheAckUntilACommitSucceeds) {
    HealingSink sink(world, 2);
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    const auto panel = simulators::chemistry_panel(world.sample_number, 7);
    auto report = send({panel});
    host.stop();
    EXPECT_EQ(report.error, "");
    EXPECT_EQ(sink.failures(), 2);
    EXPECT_EQ(sink.attempts(), 3);
    EXPECT_EQ(report.naks_received, 2u);  // the last frame NAKed while the commit failed
    EXPECT_EQ(report.delivered, 1u);
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 1);
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 3);
    expect_panel_pending_review(world.sample_number, panel);
    expect_chain_intact();
}

TEST_F(IngestAstm, ACommitThatKeepsFailingIsNeverAcknowledgedAndLeavesNothing) {
    world.exec("CREATE TRIGGER refuse_results BEFORE INSERT ON results BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    lims::app::InProcessIngestSink sink(world.db);
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    auto report = send({simulators::chemistry_panel(world.sample_number, 8)});
    EXPECT_EQ(report.delivered, 0u);
    EXPECT_EQ(report.not_delivered, 1u);  // the analyzer keeps it to send later
    // No result and no observation is kept. When the analyzer gives up with an EOT after
    // its retries (rather than closing the line first — which comes first is timing), the
    // frames it did send (all but the terminator) are kept once, quarantined as an
    // incomplete message for a person's judgement, never as results.
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 0);
    EXPECT_EQ(world.count("SELECT count(*) FROM instrument_observations"), 0);
    const auto quarantined = world.count("SELECT count(*) FROM quarantine");
    EXPECT_LE(quarantined, 1);
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), quarantined);
    EXPECT_EQ(world.count("SELECT count(*) FROM quarantine WHERE reason_code = 'ingest.message_incomplete' "
                          "AND position = -1"),
              quarantined);
    EXPECT_EQ(world.test_state(world.sample_number, "glucose"), "pending");
    world.exec("DROP TRIGGER refuse_results");
    auto later = send({simulators::chemistry_panel(world.sample_number, 8)});
    host.stop();
    EXPECT_EQ(later.delivered, 1u);
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 3);
}

}  // namespace
