// The gateway's store-and-forward over loopback: an HL7 analyzer is ACKed while the
// service is down (its results are in the outbox), the service comes up, and every
// message arrives exactly once - also when an answer is lost and the batch is re-sent.
#include "../unit/workflow/ingest_fixture.hpp"

#include "drivers/driver_host.hpp"
#include "fixtures/simulators/hl7_analyzer.hpp"
#include "fixtures/simulators/specimens.hpp"
#include "lims/api/dispatcher.hpp"
#include "lims/api/idempotency.hpp"
#include "lims/api/metrics.hpp"
#include "lims/api/route_modules.hpp"
#include "lims/api/server.hpp"
#include "lims/workflow/ingest/gateway_forwarder.hpp"
#include "lims/workflow/ingest/gateway_http.hpp"
#include "lims/workflow/ingest/gateway_outbox.hpp"

#include <Poco/Net/ServerSocket.h>

#include <sqlite3.h>

#include <gtest/gtest.h>

namespace {

using lims::ingest_testing::IngestWorld;
using namespace lims::workflow::ingest;

// Every bearer token is the gateway's ingest account of the laboratory.
class GatewayAccount : public lims::api::Authenticator {
public:
    explicit GatewayAccount(std::string lab_path) : lab_path_(std::move(lab_path)) {}
    lims::api::Authentication authenticate(const std::string& token) override {
        lims::api::Authentication a;
        if (token != "gateway-token") {
            a.failure = "unknown token";
            return a;
        }
        lims::api::Principal p;
        p.userId = 7;
        p.username = "gateway_a";
        p.organisationPath = lab_path_;
        p.roles = {"ingest_service"};
        p.scope = lims::api::TokenScope::Ingest;
        a.principal = p;
        return a;
    }

private:
    std::string lab_path_;
};

// The ingest API of the service, on a given loopback port.
class IngestService {
public:
    IngestService(const std::shared_ptr<lims::store::Database>& db, const std::string& lab_path, std::uint16_t port)
        : account_(lab_path) {
        lims::api::RouteContext context{db, nullptr, nullptr, nullptr};
        lims::api::add_ingest_routes(router_, context);
        std::vector<std::string> labels;
        for (const auto& r : router_.routes()) labels.push_back(r.operationId);
        metrics_ = std::make_unique<lims::api::Metrics>(labels);
        dispatcher_ = std::make_unique<lims::api::Dispatcher>(router_, *metrics_, &account_, &replay_);
        lims::api::ServerConfig config;
        config.port = port;
        config.maxBodyBytes = 8 * 1024 * 1024;
        server_ = std::make_unique<lims::api::Server>(config, *dispatcher_);
        server_->start();
    }
    ~IngestService() { server_->stop(); }

private:
    GatewayAccount account_;
    lims::api::Router router_;
    lims::api::MemoryIdempotencyStore keys_;
    lims::api::IdempotentReplay replay_{keys_};
    std::unique_ptr<lims::api::Metrics> metrics_;
    std::unique_ptr<lims::api::Dispatcher> dispatcher_;
    std::unique_ptr<lims::api::Server> server_;
};

std::uint16_t free_port() {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    const auto port = probe.address().port();
    probe.close();
    return port;
}

// Delivers, but loses the answer of the first `lose` posts (the service committed them).
class LossyTransport : public IngestTransport {
public:
    LossyTransport(IngestTransport& real, int lose) : real_(real), lose_(lose) {}
    PostReply post(const std::string& path, const std::string& key, const std::string& json) override {
        auto reply = real_.post(path, key, json);
        keys.push_back(key);
        if (reply.status == 200 && lose_-- > 0) return PostReply{0, "", "connection reset before the answer"};
        return reply;
    }
    std::vector<std::string> keys;

private:
    IngestTransport& real_;
    int lose_;
};

std::vector<std::string> orus(const std::string& sample, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i)
        out.push_back(simulators::hl7_oru("AU-CHEM", simulators::chemistry_panel(i % 2 ? sample : "NO-SUCH-" + std::to_string(i), i),
                                          "GW" + std::to_string(i)));
    return out;
}

TEST(GatewayOutage, AcknowledgedWhileTheServiceIsDownDeliveredExactlyOnceWhenItReturns) {
    IngestWorld world;
    auto outbox = GatewayOutbox::open(world.dir + "outbox.db");
    ASSERT_TRUE(outbox.ok()) << outbox.error().message;
    const auto port = free_port();
    auto transport = HttpIngestTransport::create("http://127.0.0.1:" + std::to_string(port), "gateway-token",
                                                 std::chrono::seconds(10));
    ASSERT_TRUE(transport.ok());
    LossyTransport lossy(**transport, 1);
    ForwarderOptions small_batches;
    small_batches.max_messages_per_batch = 3;
    OutboxForwarder forwarder(**outbox, lossy, small_batches);
    OutboxSink sink(**outbox);

    // The analyzer sends 6 results while nothing listens on the service's port.
    drivers::Registry registry;
    registry.instruments.push_back({"AU-CHEM", drivers::Family::hl7, "tcp_listen", "127.0.0.1:" + std::to_string(free_port()), {}, {}});
    drivers::DriverHost host;
    ASSERT_EQ(host.start(registry, sink), std::vector<std::string>{});
    simulators::Hl7AnalyzerOptions analyzer;
    analyzer.port = host.listening_port("AU-CHEM");
    analyzer.messages = orus(world.sample_number, 6);
    auto report = simulators::run_hl7_analyzer(analyzer);
    host.stop();
    EXPECT_EQ(report.accepted, 6u);  // every one ACKed: durable in the outbox
    auto counts = (*outbox)->counts();
    ASSERT_TRUE(counts.ok());
    EXPECT_EQ(counts->pending, 6);

    auto down = forwarder.forward_once();
    EXPECT_TRUE(down.service_unavailable);
    EXPECT_NE(down.problem.find("cannot reach"), std::string::npos) << down.problem;
    EXPECT_EQ(down.rows_delivered, 0u);
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 0);
    EXPECT_EQ((*outbox)->counts()->pending, 6);

    // The service comes up. The first batch's answer is lost: it stays pending, is re-sent
    // with the same key, and the service takes it once.
    IngestService service(world.db, world.lab_path, port);
    auto lost = forwarder.forward_once();
    EXPECT_TRUE(lost.service_unavailable);
    auto up = forwarder.forward_once();
    EXPECT_FALSE(up.service_unavailable) << up.problem;
    EXPECT_EQ(up.rows_delivered, 6u);
    ASSERT_GE(lossy.keys.size(), 3u);
    EXPECT_EQ(lossy.keys[0], lossy.keys[1]);  // the re-sent batch is the same request

    counts = (*outbox)->counts();
    ASSERT_TRUE(counts.ok());
    EXPECT_EQ(counts->pending, 0);
    EXPECT_EQ(counts->delivered, 6);
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 6);
    // Messages 1, 3, 5 are for the registered sample: its glucose test took the first GLU,
    // the later two found it awaiting review; K and ALT are not mapped on this instrument.
    // The other messages' specimens are unknown.
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 1);
    EXPECT_EQ(world.count("SELECT count(*) FROM quarantine WHERE reason_code = 'review.result_awaiting_review'"), 2);
    EXPECT_EQ(world.count("SELECT count(*) FROM quarantine WHERE reason_code = 'ingest.unmapped_code'"), 6);
    EXPECT_EQ(world.count("SELECT count(*) FROM quarantine WHERE reason_code = 'ingest.unknown_specimen'"), 9);
    EXPECT_EQ(world.count("SELECT count(*) FROM instrument_observations"), 18);

    // Nothing more to send; a re-run changes nothing.
    auto idle = forwarder.forward_once();
    EXPECT_FALSE(idle.service_unavailable);
    EXPECT_EQ(idle.rows_delivered, 0u);
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 6);
}

TEST(GatewayOutage, TheSameMessageTwiceIsOneOutboxRow) {
    IngestWorld world;
    auto outbox = GatewayOutbox::open(world.dir + "outbox.db");
    ASSERT_TRUE(outbox.ok());
    OutboxSink sink(**outbox);
    drivers::InstrumentMessage m{"AU-CHEM", "hl7", "MSH|x", std::chrono::system_clock::now(), {}};
    auto first = sink.commit_message(m);
    auto again = sink.commit_message(m);
    ASSERT_TRUE(std::holds_alternative<drivers::CommitReceipt>(first));
    ASSERT_TRUE(std::holds_alternative<drivers::CommitReceipt>(again));
    EXPECT_EQ((*outbox)->counts()->pending, 1);
    // Reopening keeps the rows and the gateway's id.
    const auto id = (*outbox)->gateway_id();
    outbox->reset();
    auto reopened = GatewayOutbox::open(world.dir + "outbox.db");
    ASSERT_TRUE(reopened.ok());
    EXPECT_EQ((*reopened)->gateway_id(), id);
    EXPECT_EQ((*reopened)->counts()->pending, 1);
}

TEST(GatewayOutage, ABatchTheServiceRefusesIsKeptAsRejectedNotResentForever) {
    IngestWorld world;
    auto outbox = GatewayOutbox::open(world.dir + "outbox.db");
    ASSERT_TRUE(outbox.ok());
    const auto port = free_port();
    IngestService service(world.db, world.lab_path, port);
    // A token the service does not know: 401 is retried (an operator fixes the token) ...
    auto wrong = HttpIngestTransport::create("http://127.0.0.1:" + std::to_string(port), "stolen-token");
    ASSERT_TRUE(wrong.ok());
    OutboxSink sink(**outbox);
    ASSERT_TRUE(std::holds_alternative<drivers::CommitReceipt>(
        sink.commit_message({"AU-CHEM", "hl7", "MSH|1", std::chrono::system_clock::now(), {}})));
    OutboxForwarder refused(**outbox, **wrong);
    auto pass = refused.forward_once();
    EXPECT_TRUE(pass.service_unavailable);
    EXPECT_NE(pass.problem.find("401"), std::string::npos) << pass.problem;
    EXPECT_EQ((*outbox)->counts()->pending, 1);
    // ... while a message without test codes is refused by the service's schema (422) and
    // kept as rejected instead of blocking the queue.
    protocols::Observation no_code;
    no_code.specimen_id = world.sample_number;
    ASSERT_TRUE(std::holds_alternative<drivers::CommitReceipt>(
        sink.commit_message({"AU-CHEM", "hl7", "MSH|2", std::chrono::system_clock::now(), {no_code}})));
    auto right = HttpIngestTransport::create("http://127.0.0.1:" + std::to_string(port), "gateway-token");
    ASSERT_TRUE(right.ok());
    ForwarderOptions one_by_one;
    one_by_one.max_messages_per_batch = 1;
    OutboxForwarder forwarder(**outbox, **right, one_by_one);
    auto sent = forwarder.forward_once();
    EXPECT_FALSE(sent.service_unavailable) << sent.problem;
    EXPECT_EQ(sent.rows_delivered, 1u);
    EXPECT_EQ(sent.rows_rejected, 1u);
    EXPECT_EQ((*outbox)->counts()->rejected, 1);
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 1);
}

TEST(GatewayOutage, AMessageTheServiceRefusesInsideA200IsKeptAsRefusedAndReplayedOnceFixed) {
    IngestWorld world;
    auto outbox = GatewayOutbox::open(world.dir + "outbox.db");
    ASSERT_TRUE(outbox.ok());
    const auto port = free_port();
    IngestService service(world.db, world.lab_path, port);
    OutboxSink sink(**outbox);
    // The analyzer "AU-NEW" is not registered yet; "AU-CHEM" is. Both are ACKed by the gateway.
    const auto now = std::chrono::system_clock::now();
    ASSERT_TRUE(std::holds_alternative<drivers::CommitReceipt>(sink.commit_message({"AU-NEW", "hl7", "MSH|new-1", now, {}})));
    ASSERT_TRUE(std::holds_alternative<drivers::CommitReceipt>(sink.commit_message({"AU-CHEM", "hl7", "MSH|chem-1", now, {}})));
    auto http = HttpIngestTransport::create("http://127.0.0.1:" + std::to_string(port), "gateway-token");
    ASSERT_TRUE(http.ok());
    LossyTransport recording(**http, 0);
    OutboxForwarder forwarder(**outbox, recording);

    auto first = forwarder.forward_once();
    EXPECT_FALSE(first.service_unavailable) << first.problem;
    EXPECT_EQ(first.rows_delivered, 1u);
    EXPECT_EQ(first.rows_refused, 1u);
    auto counts = (*outbox)->counts();
    ASSERT_TRUE(counts.ok());
    EXPECT_EQ(counts->delivered, 1);
    EXPECT_EQ(counts->refused, 1);  // before the fix: marked delivered with the batch, never sent again
    EXPECT_EQ(counts->pending, 0);
    auto refused = (*outbox)->refused(10);
    ASSERT_TRUE(refused.ok());
    ASSERT_EQ(refused->size(), 1u);
    EXPECT_NE(refused->front().reason.find("AU-NEW"), std::string::npos) << refused->front().reason;
    // Nothing more is sent while it stays refused.
    EXPECT_EQ(forwarder.forward_once().rows_delivered, 0u);
    EXPECT_EQ(recording.keys.size(), 1u);

    // An administrator registers the analyzer; the operator replays the refused row.
    world.add_instrument("AU-NEW", "hl7", "tcp_listen", {});
    auto replayed = (*outbox)->replay_refused({});
    ASSERT_TRUE(replayed.ok());
    EXPECT_EQ(*replayed, 1u);
    auto second = forwarder.forward_once();
    EXPECT_FALSE(second.service_unavailable) << second.problem;
    EXPECT_EQ(second.rows_delivered, 1u);
    EXPECT_EQ(second.rows_refused, 0u);
    ASSERT_EQ(recording.keys.size(), 2u);
    // A new request, not the refused answer replayed under the old key.
    EXPECT_NE(recording.keys[1], recording.keys[0]);
    counts = (*outbox)->counts();
    EXPECT_EQ(counts->delivered, 2);
    EXPECT_EQ(counts->refused, 0);
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 2);
}

TEST(GatewayOutage, ReadingsOfALoggerTheServiceDoesNotKnowAreKeptAsRefused) {
    const std::string answer = R"({"received":3,"stored":1,"duplicates":0,"rejected":2,"flagged":0,"problems":[)"
                               R"({"index":1,"logger":"LG-X","at_utc":1,"code":"reading.unknown_logger","detail":"logger 'LG-X' is not registered","stored":false},)"
                               R"({"index":2,"logger":"LG-1","at_utc":2,"code":"reading.implausible_temperature","detail":"x","stored":false}]})";
    // Items 0 and 1 came from row 10, item 2 from row 11.
    auto refused = refused_rows(answer, false, {0, 0, 1}, {10, 11});
    ASSERT_EQ(refused.size(), 1u);
    EXPECT_EQ(refused.begin()->first, 0u);
    EXPECT_NE(refused.begin()->second.find("reading.unknown_logger"), std::string::npos);
    // An implausible value is the service's own rejection (kept there), not a refusal to replay;
    // an answer that is not the ingest API's refuses nothing; indexes out of range are ignored.
    EXPECT_TRUE(refused_rows("not json", false, {0}, {10}).empty());
    EXPECT_TRUE(refused_rows(R"({"messages":[{"index":9,"status":"refused","code":"c","reason":"r"}]})", true, {0}, {10}).empty());
    auto messages = refused_rows(R"({"messages":[{"index":0,"status":"committed"},{"index":1,"status":"refused","code":"ingest.unknown_instrument","reason":"no AU-9"}]})",
                                 true, {0, 1}, {4, 5});
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages.begin()->first, 1u);
    EXPECT_EQ(messages.begin()->second, "ingest.unknown_instrument: no AU-9");
}

TEST(GatewayOutage, AnOutboxOfTheFirstLayoutIsUpgradedWithItsRows) {
    IngestWorld world;
    const std::string path = world.dir + "old-outbox.db";
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        const char* old_layout =
            "CREATE TABLE outbox_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "INSERT INTO outbox_meta VALUES ('gateway_id', 'old-gateway');"
            "CREATE TABLE outbox (id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('message', 'readings')), "
            "dedup_key TEXT UNIQUE, body TEXT NOT NULL, items INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'pending' "
            "CHECK (state IN ('pending', 'delivered', 'rejected')), note TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, "
            "done_at TEXT);"
            "CREATE INDEX outbox_pending ON outbox (state, kind, id);"
            "INSERT INTO outbox (kind, dedup_key, body, items, state, created_at) VALUES "
            "('message', 'm:a', '{}', 0, 'delivered', 'x'), ('message', 'm:b', '{}', 0, 'pending', 'x');";
        char* error = nullptr;
        ASSERT_EQ(sqlite3_exec(db, old_layout, nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
        sqlite3_close(db);
    }
    auto outbox = GatewayOutbox::open(path);
    ASSERT_TRUE(outbox.ok()) << outbox.error().message;
    EXPECT_EQ((*outbox)->gateway_id(), "old-gateway");
    auto counts = (*outbox)->counts();
    ASSERT_TRUE(counts.ok());
    EXPECT_EQ(counts->delivered, 1);
    EXPECT_EQ(counts->pending, 1);
    auto pending = (*outbox)->pending(OutboxKind::message, 10, 10);
    ASSERT_TRUE(pending.ok());
    ASSERT_EQ(pending->size(), 1u);
    EXPECT_TRUE((*outbox)->mark_refused({pending->front().id}, "ingest.unknown_instrument: test").ok());
    EXPECT_EQ((*outbox)->counts()->refused, 1);
    outbox->reset();
    // Opening again leaves the upgraded file as it is.
    auto again = GatewayOutbox::open(path);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ((*again)->counts()->refused, 1);
}

}  // namespace
