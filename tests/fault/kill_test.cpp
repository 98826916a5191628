// kill -9 of `lims serve` while 8 HL7 analyzers and 4 ASTM analyzers send to its in-process
// drivers (issue 15, fault-injection suite): after the restart every message that got its
// AA or ACK is stored exactly once, and what was in flight is sent again by the analyzers
// and stored once; then Debian's mllp_send (python3-hl7), a third-party peer, sends too.
#include "support/fault_fixture.hpp"

#include "fixtures/simulators/specimens.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

namespace lims::fault {
namespace {

using namespace std::chrono_literals;

constexpr int kHl7Analyzers = 8;
constexpr int kAstmAnalyzers = 4;
constexpr int kPerAnalyzer = 40;
constexpr int kMllpMessages = 6;
constexpr int kMessages = (kHl7Analyzers + kAstmAnalyzers) * kPerAnalyzer;

class ServiceKill : public FaultWorld {};

TEST_F(ServiceKill, EveryAcknowledgedMessageIsStoredOnceAndNothingInFlightIsLost) {
    build(kMessages + kMllpMessages);
    auto service = start_service();
    ASSERT_TRUE(service->running());

    AnalyzerFleet analyzers(numbers, "K");
    analyzers.add_hl7(kHl7Analyzers, kPerAnalyzer, hl7_port);
    analyzers.add_astm(kAstmAnalyzers, kPerAnalyzer, astm_port);
    int next_sample = analyzers.used();

    // The crashes: SIGKILL once a fifth, then three fifths, of the messages are in, while the
    // rest are on the wire; each time the analyzers meet a closed port for a second.
    std::vector<std::int64_t> at_kill;
    for (int fifths : {1, 3}) {
        ASSERT_TRUE(lims::test::eventually(
            [&] { return count("SELECT count(*) FROM raw_messages") >= kMessages * fifths / 5; }, 120s))
            << service->output();
        service->kill();
        at_kill.push_back(count("SELECT count(*) FROM raw_messages"));
        EXPECT_LT(at_kill.back(), kMessages) << "the kill came after everything was in: no fault was injected";
        std::this_thread::sleep_for(1s);
        service = start_service();
    }
    analyzers.join();

    for (const auto& shortfall : analyzers.shortfalls(kPerAnalyzer)) ADD_FAILURE() << shortfall;
    EXPECT_GT(analyzers.reconnected(), 0u) << "no analyzer lost its connection: the kill did not hit them";

    // Exactly once: one raw message per message sent, one glucose result each, the two
    // unmapped codes of each quarantined once.
    EXPECT_EQ(count("SELECT count(*) FROM raw_messages"), kMessages);
    EXPECT_EQ(count("SELECT count(DISTINCT sha256) FROM raw_messages"), kMessages);
    EXPECT_EQ(count("SELECT count(*) FROM results"), kMessages);
    EXPECT_EQ(count("SELECT count(*) FROM tests WHERE test_code = 'glucose' AND state = 'pending_review'"), kMessages);
    EXPECT_EQ(count("SELECT count(*) FROM quarantine"), 2 * kMessages);

    // A third-party MLLP client (python3-hl7's mllp_send) after the restart, twice with the
    // same messages: each answered AA, stored once.
    const std::string file = dir + "/mllp_send.hl7";
    {
        std::ofstream out(file, std::ios::binary);
        for (int i = 0; i < kMllpMessages; ++i, ++next_sample)
            out << "\x0b"
                << simulators::hl7_oru(kHl7, simulators::chemistry_panel(numbers[next_sample], next_sample),
                                       "M" + std::to_string(i))
                << "\x1c\r";
    }
    for (int round = 0; round < 2; ++round) {
        const auto command = "/usr/bin/python3 /usr/bin/mllp_send --port " + std::to_string(hl7_port) + " --file " + file +
                             " 127.0.0.1 2>&1";
        std::string output;
        if (FILE* p = ::popen(command.c_str(), "r")) {
            char buf[4096];
            while (auto n = std::fread(buf, 1, sizeof buf, p)) output.append(buf, n);
            ::pclose(p);
        }
        for (int i = 0; i < kMllpMessages; ++i)
            EXPECT_NE(output.find("MSA|AA|M" + std::to_string(i)), std::string::npos) << "round " << round << ": " << output;
    }
    EXPECT_EQ(count("SELECT count(*) FROM raw_messages"), kMessages + kMllpMessages);
    EXPECT_EQ(count("SELECT count(*) FROM results"), kMessages + kMllpMessages);

    EXPECT_EQ(service->terminate(), 0) << service->output();
    const auto verified = verify_audit();
    EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
    std::printf("[ fault   ] kill -9 of lims serve after %lld and %lld of %d messages (8 HL7 + 4 ASTM analyzers): %lld "
                "stored, each once; mllp_send: %d messages twice, each stored once\n",
                static_cast<long long>(at_kill[0]), static_cast<long long>(at_kill[1]), kMessages,
                static_cast<long long>(count("SELECT count(*) FROM raw_messages")) - kMllpMessages, kMllpMessages);
}

}  // namespace
}  // namespace lims::fault
