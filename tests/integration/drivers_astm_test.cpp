// ASTM E1381 driver over loopback and a socat pseudo-terminal pair, fed by the ASTM
// analyzer simulator: results committed before the last frame's ACK, NAK and retransmit on
// a bad checksum, a dropped line, commit failures, oversize messages, dial-out mode.
#include "drivers_test_sink.hpp"

#include "drivers/driver_host.hpp"
#include "fixtures/simulators/astm_analyzer.hpp"
#include "fixtures/simulators/specimens.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <future>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using drivers_test::MemorySink;
using drivers_test::wait_for;

drivers::Registry astm_listener(std::map<std::string, std::string> options = {}) {
    drivers::Registry r;
    r.instruments.push_back({"AU-1", drivers::Family::astm, "tcp_listen", "127.0.0.1:0", std::move(options), {}});
    return r;
}

std::vector<std::string> messages(int n, const std::string& prefix = "S") {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i)
        out.push_back(simulators::astm_result_records("AU-SIM", simulators::chemistry_panel(prefix + std::to_string(i), i)));
    return out;
}

simulators::AstmAnalyzerReport send(std::uint16_t port, std::vector<std::string> m,
                                    std::function<void(simulators::AstmAnalyzerOptions&)> tweak = {}) {
    simulators::AstmAnalyzerOptions o;
    o.port = port;
    o.messages = std::move(m);
    if (tweak) tweak(o);
    return simulators::run_astm_analyzer(o);
}

void expect_panel(const drivers::InstrumentMessage& m, const std::string& specimen) {
    EXPECT_EQ(m.protocol, "astm");
    EXPECT_EQ(m.instrument_code, "AU-1");
    ASSERT_EQ(m.observations.size(), 3u);
    for (const auto& o : m.observations) EXPECT_EQ(o.specimen_id, specimen);
    EXPECT_EQ(m.observations[0].test_code, "GLU");
    EXPECT_EQ(m.observations[1].test_code, "K");
    EXPECT_EQ(m.observations[2].test_code, "ALT");
}

TEST(DriversAstm, SimulatorResultsAreCommittedOnce) {
    MemorySink sink;
    drivers::DriverHost host;
    { auto p = host.start(astm_listener(), sink); ASSERT_TRUE(p.empty()) << p.front(); }
    auto report = send(host.listening_port("AU-1"), messages(3));
    EXPECT_EQ(report.error, "");
    EXPECT_EQ(report.delivered, 3u);
    EXPECT_EQ(report.naks_received, 0u);
    auto m = sink.messages();
    ASSERT_EQ(m.size(), 3u);
    for (int i = 0; i < 3; ++i) expect_panel(m[i], "S" + std::to_string(i));
    EXPECT_EQ(m[0].observations[2].value, ">500");  // censored values kept as sent
    EXPECT_EQ(m[0].observations[2].comparator, ">");
    EXPECT_EQ(host.state("AU-1").messages, 3u);
}

TEST(DriversAstm, BadChecksumIsNakedAndTheRetransmittedFrameTakenOnce) {
    MemorySink sink;
    drivers::DriverHost host;
    { auto p = host.start(astm_listener(), sink); ASSERT_TRUE(p.empty()) << p.front(); }
    auto report = send(host.listening_port("AU-1"), messages(1),
                       [](auto& o) { o.corrupt_checksum_of_frame = 3; });  // the first R record
    EXPECT_EQ(report.error, "");
    EXPECT_EQ(report.delivered, 1u);
    EXPECT_EQ(report.naks_received, 1u);
    auto m = sink.messages();
    ASSERT_EQ(m.size(), 1u);
    expect_panel(m[0], "S0");
    EXPECT_GE(host.state("AU-1").failures, 1u);  // the checksum error is counted
}

TEST(DriversAstm, LineDroppedMidFrameLeavesNothingAndTheNextConnectionWorks) {
    MemorySink sink;
    drivers::DriverHost host;
    { auto p = host.start(astm_listener(), sink); ASSERT_TRUE(p.empty()) << p.front(); }
    // Frame 1 of message 0 is the P record: the line drops inside it; the simulator
    // reconnects and sends both messages from the start.
    auto report = send(host.listening_port("AU-1"), messages(2), [](auto& o) { o.drop_line_in_frame = 1; });
    EXPECT_EQ(report.error, "");
    EXPECT_TRUE(report.dropped_line);
    EXPECT_EQ(report.connections, 2u);
    EXPECT_EQ(report.delivered, 2u);
    auto m = sink.messages();
    ASSERT_EQ(m.size(), 2u);
    expect_panel(m[0], "S0");
    expect_panel(m[1], "S1");
    auto state = host.state("AU-1");
    EXPECT_GE(state.failures, 1u);
    EXPECT_EQ(state.connections, 2u);
}

TEST(DriversAstm, CommitFailureWithholdsTheAckAndTheMessageIsRedelivered) {
    MemorySink sink;
    sink.fail_next(2);
    drivers::DriverHost host;
    { auto p = host.start(astm_listener(), sink); ASSERT_TRUE(p.empty()) << p.front(); }
    auto report = send(host.listening_port("AU-1"), messages(1));
    EXPECT_EQ(report.error, "");
    EXPECT_EQ(report.delivered, 1u);
    EXPECT_EQ(report.naks_received, 2u);  // the last frame NAKed twice, then ACKed
    EXPECT_EQ(sink.message_attempts(), 3u);
    ASSERT_EQ(sink.messages().size(), 1u);
    expect_panel(sink.messages()[0], "S0");
}

TEST(DriversAstm, RefusedCommitIsNeverAcknowledged) {
    MemorySink sink;
    sink.refuse(true);
    drivers::DriverHost host;
    { auto p = host.start(astm_listener(), sink); ASSERT_TRUE(p.empty()) << p.front(); }
    auto report = send(host.listening_port("AU-1"), messages(1));
    EXPECT_EQ(report.delivered, 0u);
    EXPECT_EQ(report.not_delivered, 1u);  // the analyzer gave up after its attempts
    EXPECT_TRUE(sink.messages().empty());
}

TEST(DriversAstm, MessageLargerThanTheLimitIsRefused) {
    MemorySink sink;
    drivers::DriverHost host;
    ASSERT_TRUE(host.start(astm_listener({{"max_message_bytes", "1024"}}), sink).empty());
    simulators::SimSpecimen big{"BIG-1", {}};
    for (int i = 0; i < 30; ++i)
        big.results.push_back({"T" + std::to_string(i), "Test " + std::to_string(i), "1.0", "g/L", "0 to 2", "N"});
    auto report = send(host.listening_port("AU-1"), {simulators::astm_result_records("AU-SIM", big)});
    EXPECT_EQ(report.delivered, 0u);
    EXPECT_EQ(report.not_delivered, 1u);
    EXPECT_TRUE(sink.messages().empty());
    EXPECT_NE(host.state("AU-1").last_error.find("astm.message_too_large"), std::string::npos)
        << host.state("AU-1").last_error;
    // A normal message afterwards goes through.
    EXPECT_EQ(send(host.listening_port("AU-1"), messages(1)).delivered, 1u);
    EXPECT_EQ(sink.messages().size(), 1u);
}

TEST(DriversAstm, SlowAnalyzerIsServed) {
    MemorySink sink;
    drivers::DriverHost host;
    { auto p = host.start(astm_listener(), sink); ASSERT_TRUE(p.empty()) << p.front(); }
    auto report = send(host.listening_port("AU-1"), messages(1),
                       [](auto& o) { o.pause_before_frame = std::chrono::milliseconds(200); });
    EXPECT_EQ(report.delivered, 1u);
    EXPECT_EQ(sink.messages().size(), 1u);
}

TEST(DriversAstm, DialsATerminalServer) {
    MemorySink sink;
    std::promise<std::uint16_t> listening;
    simulators::AstmAnalyzerOptions o;
    o.role = simulators::AstmAnalyzerOptions::Role::server;
    o.messages = messages(2);
    o.on_listening = [&](std::uint16_t p) { listening.set_value(p); };
    auto analyzer = std::async(std::launch::async, [&] { return simulators::run_astm_analyzer(o); });
    const auto port = listening.get_future().get();
    drivers::Registry r;
    r.instruments.push_back({"AU-1", drivers::Family::astm, "tcp_connect", "127.0.0.1:" + std::to_string(port),
                             {{"backoff_initial_ms", "50"}}, {}});
    drivers::DriverHost host;
    ASSERT_TRUE(host.start(r, sink).empty());
    auto report = analyzer.get();
    EXPECT_EQ(report.error, "");
    EXPECT_EQ(report.delivered, 2u);
    EXPECT_EQ(sink.messages().size(), 2u);
}

TEST(DriversAstm, TerminalServerDownMeansBackingOff) {
    MemorySink sink;
    drivers::Registry r;
    // Port 1 on loopback: nothing listens there.
    r.instruments.push_back({"AU-1", drivers::Family::astm, "tcp_connect", "127.0.0.1:1",
                             {{"backoff_initial_ms", "20"}, {"backoff_cap_ms", "100"}}, {}});
    drivers::DriverHost host;
    ASSERT_TRUE(host.start(r, sink).empty());
    ASSERT_TRUE(wait_for([&] { return host.state("AU-1").state == drivers::DeviceState::backing_off; }));
    EXPECT_NE(host.state("AU-1").last_error.find("127.0.0.1:1"), std::string::npos);
}

// socat links two pseudo-terminals; the driver opens one end, the simulator the other.
class PtyPair {
public:
    PtyPair() {
        dir_ = std::filesystem::temp_directory_path() / ("drivers_pty_" + std::to_string(::getpid()) + "_" +
                                                         std::to_string(counter_++));
        std::filesystem::create_directories(dir_);
        a_ = (dir_ / "a").string();
        b_ = (dir_ / "b").string();
        pid_ = ::fork();
        if (pid_ == 0) {
            const auto left = "pty,raw,echo=0,link=" + a_;
            const auto right = "pty,raw,echo=0,link=" + b_;
            ::execl("/usr/bin/socat", "socat", left.c_str(), right.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        wait_for([&] { return std::filesystem::exists(a_) && std::filesystem::exists(b_); }, std::chrono::seconds(20));
    }
    ~PtyPair() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
        }
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    bool ready() const { return std::filesystem::exists(a_) && std::filesystem::exists(b_); }
    const std::string& a() const { return a_; }
    const std::string& b() const { return b_; }

private:
    static inline int counter_ = 0;
    std::filesystem::path dir_;
    std::string a_, b_;
    pid_t pid_ = -1;
};

TEST(DriversAstm, SerialPortThroughSocatPty) {
    PtyPair pty;
    ASSERT_TRUE(pty.ready());
    MemorySink sink;
    drivers::Registry r;
    r.instruments.push_back({"AU-1", drivers::Family::astm, "serial", pty.a(), {{"serial", "9600,8N1"}}, {}});
    drivers::DriverHost host;
    ASSERT_TRUE(host.start(r, sink).empty());
    ASSERT_TRUE(wait_for([&] { return host.state("AU-1").state == drivers::DeviceState::connected; }));
    simulators::AstmAnalyzerOptions o;
    o.role = simulators::AstmAnalyzerOptions::Role::serial;
    o.device = pty.b();
    o.messages = messages(2);
    o.corrupt_checksum_of_frame = 2;
    auto report = simulators::run_astm_analyzer(o);
    EXPECT_EQ(report.error, "");
    EXPECT_EQ(report.delivered, 2u);
    EXPECT_EQ(report.naks_received, 1u);
    auto m = sink.messages();
    ASSERT_EQ(m.size(), 2u);
    expect_panel(m[0], "S0");
    expect_panel(m[1], "S1");
}

// An analyzer that bids (ENQ, answered ACK) and then sends its first frame a byte every
// 100 ms: the link's idle deadline restarts with each byte, the frame deadline does not
// (issue 15 item 9). And a peer outside allowed_peers is closed before its ENQ is read.
TEST(DriversAstm, AFrameTrickledAByteAtATimeIsCutOffAtTheFrameDeadline) {
    MemorySink sink;
    drivers::DriverHost host;
    { auto p = host.start(astm_listener({{"frame_deadline_s", "1"}}), sink); ASSERT_TRUE(p.empty()) << p.front(); }
    const auto port = host.listening_port("AU-1");
    const std::string frame = "\x05\x02" "1H|\\^&|||AU-SIM|||||LIS||P|LIS2-A2\r\x03" "00\r\n";
    const auto closed = drivers_test::trickle(port, frame, std::chrono::milliseconds(100), std::chrono::seconds(10));
    ASSERT_TRUE(closed.has_value()) << "a frame trickled a byte every 100 ms held the connection for 10 s";
    EXPECT_LT(*closed, std::chrono::seconds(5));
    ASSERT_TRUE(wait_for([&] { return host.state("AU-1").last_error.find("astm.frame_deadline") != std::string::npos; }))
        << host.state("AU-1").last_error;
    EXPECT_TRUE(sink.messages().empty());
    EXPECT_EQ(send(port, messages(1)).delivered, 1u);
}

TEST(DriversAstm, APeerNotInAllowedPeersIsClosedBeforeItsEnqIsRead) {
    MemorySink sink;
    drivers::DriverHost host;
    { auto p = host.start(astm_listener({{"allowed_peers", "127.0.0.1"}}), sink); ASSERT_TRUE(p.empty()) << p.front(); }
    const auto port = host.listening_port("AU-1");
    const auto closed = drivers_test::trickle(port, "\x05", std::chrono::milliseconds(20), std::chrono::seconds(10), "127.0.0.3");
    ASSERT_TRUE(closed.has_value());
    ASSERT_TRUE(wait_for([&] { return host.state("AU-1").refused_peers == 1; }));
    EXPECT_NE(host.state("AU-1").last_error.find("peer.refused: 127.0.0.3:"), std::string::npos);
    EXPECT_EQ(send(port, messages(1)).delivered, 1u);
}

}  // namespace
