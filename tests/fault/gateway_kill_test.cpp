// kill -9 of `lims gateway`, then of `lims serve`, while analyzers send to the gateway and
// the gateway forwards its outbox (issue 15, fault-injection suite): nothing acknowledged
// to a device is lost or doubled, and the outbox ends drained with nothing refused.
#include "support/fault_fixture.hpp"

#include "lims/workflow/ingest/gateway_outbox.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <thread>

namespace lims::fault {
namespace {

using namespace std::chrono_literals;
using lims::test::LimsProcess;

constexpr int kHl7Analyzers = 4;
constexpr int kAstmAnalyzers = 2;
constexpr int kPerAnalyzer = 40;
constexpr int kMessages = (kHl7Analyzers + kAstmAnalyzers) * kPerAnalyzer;

class GatewayKill : public FaultWorld {
protected:
    std::unique_ptr<LimsProcess> start_gateway() {
        auto p = std::make_unique<LimsProcess>(
            std::vector<std::string>{"gateway", "--service", "http://127.0.0.1:" + std::to_string(http_port),
                                     "--token-file", token_file, "--registry", registry, "--outbox", outbox},
            "");
        EXPECT_NE(p->wait_for_line(": forwarding " + outbox), "") << p->output();
        return p;
    }
    lims::workflow::ingest::OutboxCounts outbox_counts() {
        auto o = lims::workflow::ingest::GatewayOutbox::open(outbox);
        if (!o) return {-1, -1, -1, -1};
        auto c = (*o)->counts();
        return c ? *c : lims::workflow::ingest::OutboxCounts{-1, -1, -1, -1};
    }
    std::string token_file, registry, outbox;
};

TEST_F(GatewayKill, NothingAcknowledgedToADeviceIsLostOrDoubledWhenTheGatewayOrTheServiceDies) {
    build(kMessages);
    token_file = ingest_token_file();
    registry = dir + "/instruments.json";
    outbox = dir + "/outbox.db";
    std::ofstream(registry) << R"({"instruments": [{"id": ")" << kHl7
                            << R"(", "family": "hl7", "transport": "tcp_listen", "address": "127.0.0.1:)" << hl7_port
                            << R"(", "options": {"max_connections": 8}}, {"id": ")" << kAstm
                            << R"(", "family": "astm", "transport": "tcp_listen", "address": "127.0.0.1:)" << astm_port
                            << R"(", "options": {"max_connections": 8}}]})";
    auto service = start_service(false);
    auto gateway = start_gateway();

    AnalyzerFleet analyzers(numbers, "G");
    // Paced (about 40 messages a second per analyzer at most): on an idle machine the fleet
    // otherwise sent everything before the first kill could be aimed at the middle of it.
    analyzers.add_hl7(kHl7Analyzers, kPerAnalyzer, hl7_port, 25ms);
    analyzers.add_astm(kAstmAnalyzers, kPerAnalyzer, astm_port, 5ms);

    // The gateway dies with a third of the messages in its outbox ...
    ASSERT_TRUE(lims::test::eventually([&] { return outbox_counts().delivered + outbox_counts().pending >= kMessages / 3; }, 120s))
        << gateway->output();
    gateway->kill();
    const auto gateway_killed_at = outbox_counts();
    std::this_thread::sleep_for(1s);
    gateway = start_gateway();
    // ... then the service dies while the gateway forwards two thirds.
    ASSERT_TRUE(lims::test::eventually([&] { return count("SELECT count(*) FROM raw_messages") >= 2 * kMessages / 3; }, 120s))
        << service->output() << gateway->output();
    service->kill();
    const auto service_killed_at = count("SELECT count(*) FROM raw_messages");
    std::this_thread::sleep_for(1s);
    service = start_service(false);
    analyzers.join();

    for (const auto& shortfall : analyzers.shortfalls(kPerAnalyzer)) ADD_FAILURE() << shortfall;
    ASSERT_TRUE(lims::test::eventually([&] { return count("SELECT count(*) FROM raw_messages") >= kMessages; }, 120s))
        << gateway->output();
    ASSERT_TRUE(lims::test::eventually([&] { return outbox_counts().pending == 0; }, 60s)) << gateway->output();
    EXPECT_LT(gateway_killed_at.delivered + gateway_killed_at.pending, kMessages) << "the gateway died after everything";
    EXPECT_LT(service_killed_at, kMessages) << "the service died after everything";

    const auto outbox_end = outbox_counts();
    EXPECT_EQ(outbox_end.delivered, kMessages);
    EXPECT_EQ(outbox_end.refused, 0);
    EXPECT_EQ(outbox_end.rejected, 0);
    EXPECT_EQ(count("SELECT count(*) FROM raw_messages"), kMessages);
    EXPECT_EQ(count("SELECT count(DISTINCT sha256) FROM raw_messages"), kMessages);
    EXPECT_EQ(count("SELECT count(*) FROM results"), kMessages);
    EXPECT_EQ(gateway->terminate(), 0) << gateway->output();
    EXPECT_EQ(service->terminate(), 0) << service->output();
    const auto verified = verify_audit();
    EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
    std::printf("[ fault   ] kill -9 of lims gateway at %lld of %d messages in its outbox, then of lims serve at %lld "
                "stored: %lld stored, each once; outbox %lld delivered, 0 refused, 0 rejected\n",
                static_cast<long long>(gateway_killed_at.delivered + gateway_killed_at.pending), kMessages,
                static_cast<long long>(service_killed_at), static_cast<long long>(count("SELECT count(*) FROM raw_messages")),
                static_cast<long long>(outbox_end.delivered));
}

}  // namespace
}  // namespace lims::fault
