// ASTM host query over loopback: the analyzer simulator queries for specimens, the ASTM
// driver commits the query (raw message), asks the in-process sink for the orders and
// answers once the analyzer hands back the line; the simulator then runs exactly the tests
// it was given and their results become pending review. Unknown specimens, samples with
// nothing left to run, instruments of another jurisdiction, a query the host cannot serve
// and a sink that misses the deadline are all answered without orders.
#include "../unit/workflow/ingest_fixture.hpp"

#include "drivers/astm_driver.hpp"
#include "drivers/driver_host.hpp"
#include "fixtures/simulators/astm_analyzer.hpp"
#include "fixtures/simulators/specimens.hpp"
#include "lims/app/ingest_sink_adapter.hpp"
#include "lims/store/audit.hpp"
#include "lims/store/instrument_repository.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <mutex>

namespace {

using lims::ingest_testing::IngestWorld;
using protocols::astm::SpecimenOrder;
using Orders = std::vector<SpecimenOrder>;

const std::vector<lims::store::TestMappingFields> kPanelMappings{
    {"GLU", "glucose", "mmol/L", "mmol/L", "1", "0", true},
    {"K", "potassium", "", "mmol/L", "1", "0", true},
    {"ALT", "alt", "", "U/L", "1", "0", true}};

class IngestAstmQuery : public ::testing::Test {
protected:
    void SetUp() override {
        world.add_instrument("AU-ASTM", "astm", "tcp_listen", kPanelMappings);
        world.add_test_to_samples("potassium");
        world.add_test_to_samples("alt");
        registry.instruments.push_back({"AU-ASTM", drivers::Family::astm, "tcp_listen", "127.0.0.1:0", {}, {}});
    }

    simulators::AstmAnalyzerReport query_then_run(const std::vector<std::string>& specimens,
                                                  const std::string& instrument = "AU-ASTM",
                                                  const std::function<void(simulators::AstmAnalyzerOptions&)>& tweak = {}) {
        simulators::AstmAnalyzerOptions o;
        o.port = host.listening_port(instrument);
        o.instrument = instrument;
        o.query_specimens = specimens;
        o.menu = simulators::chemistry_panel("menu", 1).results;
        o.give_up = std::chrono::seconds(60);
        if (tweak) tweak(o);
        return simulators::run_astm_analyzer(o);
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

TEST_F(IngestAstmQuery, TheAnalyzerRunsExactlyTheOrderedTestsAndTheirResultsAwaitReview) {
    world.exec("UPDATE tests SET state = 'final' WHERE test_code = 'potassium'");
    const std::string second = world.register_sample();  // glucose, assay, sterility only
    lims::app::InProcessIngestSink sink(world.db);
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    auto report = query_then_run({world.sample_number, second});
    host.stop();
    EXPECT_EQ(report.error, "");
    ASSERT_TRUE(report.answer_received);
    EXPECT_EQ(report.answer.termination, "N");
    // Potassium is final, assay and sterility are not this analyzer's: GLU and ALT, then GLU.
    EXPECT_EQ(report.answer.orders,
              (Orders{{world.sample_number, {"GLU", "ALT"}, "R"}, {second, {"GLU"}, "R"}}));
    EXPECT_EQ(report.delivered, 2u);  // one result message per ordered specimen
    EXPECT_EQ(world.test_state(world.sample_number, "glucose"), "pending_review");
    EXPECT_EQ(world.test_state(world.sample_number, "alt"), "pending_review");
    EXPECT_EQ(world.test_state(world.sample_number, "potassium"), "final");
    EXPECT_EQ(world.test_state(second, "glucose"), "pending_review");
    EXPECT_EQ(world.test_state(world.sample_number, "assay"), "pending");
    EXPECT_EQ(world.count("SELECT count(*) FROM results WHERE source = 'instrument'"), 3);
    EXPECT_EQ(world.count("SELECT count(*) FROM quarantine"), 0);
    // The query is evidence like any message: its raw bytes are stored (then the two results).
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages WHERE protocol = 'astm'"), 3);
    EXPECT_NE(world.text("SELECT bytes FROM raw_messages ORDER BY id LIMIT 1").find("Q|1|^" + world.sample_number),
              std::string::npos);
    expect_chain_intact();
}

TEST_F(IngestAstmQuery, AQueryForOneTestGetsOnlyThatTest) {
    lims::app::InProcessIngestSink sink(world.db);
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    auto report = query_then_run({world.sample_number}, "AU-ASTM", [](auto& o) { o.query_tests = "K"; });
    host.stop();
    EXPECT_EQ(report.error, "");
    EXPECT_EQ(report.answer.orders, (Orders{{world.sample_number, {"K"}, "R"}}));
    EXPECT_EQ(world.test_state(world.sample_number, "potassium"), "pending_review");
    EXPECT_EQ(world.test_state(world.sample_number, "glucose"), "pending");
}

TEST_F(IngestAstmQuery, AnUnknownSpecimenGetsNoInformation) {
    lims::app::InProcessIngestSink sink(world.db);
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    auto report = query_then_run({"UNKNOWN-SPECIMEN-9"});
    host.stop();
    EXPECT_EQ(report.error, "");
    ASSERT_TRUE(report.answer_received);
    EXPECT_TRUE(report.answer.orders.empty());
    EXPECT_EQ(report.answer.termination, "I");
    EXPECT_EQ(report.delivered, 0u);
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 1);  // the query itself
    EXPECT_EQ(world.count("SELECT count(*) FROM quarantine"), 0);    // a query is not a result to place
    expect_chain_intact();
}

TEST_F(IngestAstmQuery, ASampleWhoseTestsAreAllFinalGetsNoOrders) {
    world.exec("UPDATE tests SET state = 'final'");
    lims::app::InProcessIngestSink sink(world.db);
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    auto report = query_then_run({world.sample_number});
    host.stop();
    EXPECT_EQ(report.error, "");
    ASSERT_TRUE(report.answer_received);
    EXPECT_TRUE(report.answer.orders.empty());
    EXPECT_EQ(report.answer.termination, "I");
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 0);
}

TEST_F(IngestAstmQuery, AnInstrumentOfAnotherJurisdictionGetsNothing) {
    auto ok = world.db->write([&](lims::store::Transaction& tx) -> lims::store::StoreResult<lims::store::Done> {
        lims::store::InstrumentRepository instruments(tx);
        auto created = instruments.create(
            {"OTHER-ASTM", world.other_lab_id, "Other centre analyzer", "astm", "tcp_listen", "127.0.0.1:0", true}, "test");
        if (!created) return created.error();
        for (const auto& m : kPanelMappings) {
            auto mapped = instruments.create_mapping(created->id, m, "test");
            if (!mapped) return mapped.error();
        }
        return lims::store::Done{};
    });
    ASSERT_TRUE(ok.ok());
    registry.instruments.push_back({"OTHER-ASTM", drivers::Family::astm, "tcp_listen", "127.0.0.1:0", {}, {}});
    lims::app::InProcessIngestSink sink(world.db);
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    auto report = query_then_run({world.sample_number}, "OTHER-ASTM");
    host.stop();
    EXPECT_EQ(report.error, "");
    ASSERT_TRUE(report.answer_received);
    EXPECT_TRUE(report.answer.orders.empty());
    EXPECT_EQ(report.answer.termination, "I");
    EXPECT_EQ(world.test_state(world.sample_number, "glucose"), "pending");
}

TEST_F(IngestAstmQuery, AQueryForResultsIsAnsweredWithAQueryError) {
    lims::app::InProcessIngestSink sink(world.db);
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    auto report = query_then_run({world.sample_number}, "AU-ASTM", [](auto& o) { o.query_status = "F"; });
    host.stop();
    EXPECT_EQ(report.error, "");
    ASSERT_TRUE(report.answer_received);
    EXPECT_TRUE(report.answer.orders.empty());
    EXPECT_EQ(report.answer.termination, "Q");
    EXPECT_NE(host.state("AU-ASTM").last_error.find("astm.query_status"), std::string::npos);
}

// Commits go to the database; queries wait until the test releases them (a gateway whose
// service does not answer).
class StalledQueries : public drivers::IngestSink {
public:
    explicit StalledQueries(std::shared_ptr<lims::store::Database> db) : inner_(std::move(db)) {}
    drivers::CommitOutcome commit_message(const drivers::InstrumentMessage& m) override { return inner_.commit_message(m); }
    drivers::CommitOutcome commit_readings(const std::vector<drivers::LoggerReading>& r) override {
        return inner_.commit_readings(r);
    }
    drivers::QueryOutcome query_orders(const drivers::OrderQuery& q) override {
        std::unique_lock lock(mutex_);
        released_cv_.wait(lock, [&] { return released_; });
        return inner_.query_orders(q);
    }
    void release() {
        {
            std::lock_guard lock(mutex_);
            released_ = true;
        }
        released_cv_.notify_all();
    }

private:
    lims::app::InProcessIngestSink inner_;
    std::mutex mutex_;
    std::condition_variable released_cv_;
    bool released_ = false;
};

TEST_F(IngestAstmQuery, ASinkThatMissesTheDeadlineIsAnsweredNoInformation) {
    StalledQueries sink(world.db);
    drivers::StateBoard states;
    // After the board and the sink: destroyed first, so the sessions' coroutine frames it
    // still holds (they mark the board when they end) die before what they use.
    drivers::Runtime runtime;
    drivers::DriverContext ctx{&runtime, &sink, &states};
    drivers::AstmOptions options;
    options.instrument_id = "AU-ASTM";
    options.query_deadline = std::chrono::milliseconds(200);  // the sink answers only once released
    drivers::AstmDriver driver(ctx, options);
    ASSERT_EQ(driver.start(), "");
    simulators::AstmAnalyzerOptions o;
    o.port = driver.port();
    o.instrument = "AU-ASTM";
    o.query_specimens = {world.sample_number};
    auto report = simulators::run_astm_analyzer(o);
    sink.release();
    driver.stop();
    runtime.stop();
    EXPECT_EQ(report.error, "");
    ASSERT_TRUE(report.answer_received);
    EXPECT_TRUE(report.answer.orders.empty());
    EXPECT_EQ(report.answer.termination, "I");
    EXPECT_NE(states.get("AU-ASTM").last_error.find("astm.query_deadline"), std::string::npos);
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 1);  // the query was committed all the same
}

}  // namespace
