// HL7 MLLP driver over loopback: the HL7 analyzer simulator (client and server roles),
// raw sockets for the fault cases, and python3-hl7's mllp_send as a third-party peer.
#include "drivers_test_sink.hpp"

#include "drivers/driver_host.hpp"
#include "fixtures/simulators/hl7_analyzer.hpp"
#include "fixtures/simulators/specimens.hpp"

#include <protocols/hl7/mllp.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>

namespace {

using drivers_test::MemorySink;
using drivers_test::wait_for;
namespace asio = boost::asio;

drivers::Registry hl7_listener(std::map<std::string, std::string> options = {}) {
    drivers::Registry r;
    r.instruments.push_back({"HL7-1", drivers::Family::hl7, "tcp_listen", "127.0.0.1:0", std::move(options), {}});
    return r;
}

std::vector<std::string> orus(int n, const std::string& prefix = "S") {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i)
        out.push_back(simulators::hl7_oru("AU-SIM", simulators::chemistry_panel(prefix + std::to_string(i), i),
                                          "MSG" + prefix + std::to_string(i)));
    return out;
}

simulators::Hl7AnalyzerReport send(std::uint16_t port, std::vector<std::string> messages) {
    simulators::Hl7AnalyzerOptions o;
    o.port = port;
    o.messages = std::move(messages);
    o.resend_pause = std::chrono::milliseconds(20);
    return simulators::run_hl7_analyzer(o);
}

// Sends raw bytes on a fresh connection and reads one MLLP frame back (empty on close).
std::string round_trip(std::uint16_t port, const std::string& bytes) {
    asio::io_context io;
    asio::ip::tcp::socket s(io);
    s.connect({asio::ip::make_address("127.0.0.1"), port});
    asio::write(s, asio::buffer(bytes));
    protocols::hl7::MllpDecoder decoder;
    std::vector<protocols::hl7::MllpEvent> events;
    char buf[4096];
    for (;;) {
        boost::system::error_code ec;
        auto n = s.read_some(asio::buffer(buf), ec);
        if (ec) return {};
        decoder.feed(std::string_view(buf, n), events);
        for (auto& e : events)
            if (auto* f = std::get_if<protocols::hl7::MllpFrame>(&e)) return f->payload;
    }
}

std::string framed(const std::string& message) { return std::get<std::string>(protocols::hl7::mllp_encode(message)); }

TEST(DriversHl7, SimulatorResultsAreCommittedAndAcknowledgedAA) {
    MemorySink sink;
    drivers::DriverHost host;
    { auto p = host.start(hl7_listener(), sink); ASSERT_TRUE(p.empty()) << p.front(); }
    const auto port = host.listening_port("HL7-1");
    ASSERT_NE(port, 0);
    auto report = send(port, orus(5));
    EXPECT_EQ(report.error, "");
    EXPECT_EQ(report.accepted, 5u);
    auto messages = sink.messages();
    ASSERT_EQ(messages.size(), 5u);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(messages[i].protocol, "hl7");
        EXPECT_EQ(messages[i].instrument_code, "HL7-1");
        ASSERT_EQ(messages[i].observations.size(), 3u);
        EXPECT_EQ(messages[i].observations[0].specimen_id, "S" + std::to_string(i));
        EXPECT_EQ(messages[i].observations[0].test_code, "GLU");
    }
    EXPECT_NE(report.acks[0].find("MSA|AA|MSGS0"), std::string::npos);
    EXPECT_EQ(host.state("HL7-1").messages, 5u);
}

TEST(DriversHl7, RetryableCommitFailureAnswersAEAndTheResendIsTakenOnce) {
    MemorySink sink;
    sink.fail_next(2);
    drivers::DriverHost host;
    { auto p = host.start(hl7_listener(), sink); ASSERT_TRUE(p.empty()) << p.front(); }
    auto report = send(host.listening_port("HL7-1"), orus(1));
    EXPECT_EQ(report.errors, 2u);
    EXPECT_EQ(report.accepted, 1u);
    EXPECT_EQ(sink.messages().size(), 1u);
    EXPECT_EQ(sink.message_attempts(), 3u);
    ASSERT_EQ(report.acks.size(), 3u);
    EXPECT_NE(report.acks[0].find("ingest.unavailable"), std::string::npos);
}

TEST(DriversHl7, RefusedCommitAnswersARWithTheReason) {
    MemorySink sink;
    sink.refuse(true);
    drivers::DriverHost host;
    { auto p = host.start(hl7_listener(), sink); ASSERT_TRUE(p.empty()) << p.front(); }
    auto report = send(host.listening_port("HL7-1"), orus(1));
    EXPECT_EQ(report.rejected, 1u);
    ASSERT_EQ(report.acks.size(), 1u);
    EXPECT_EQ(simulators::ack_code(report.acks[0]), "AR");
    EXPECT_NE(report.acks[0].find("instrument not accepted"), std::string::npos);
    EXPECT_TRUE(sink.messages().empty());
}

TEST(DriversHl7, UnparseableAndNonResultMessagesAreRejected) {
    MemorySink sink;
    drivers::DriverHost host;
    { auto p = host.start(hl7_listener(), sink); ASSERT_TRUE(p.empty()) << p.front(); }
    const auto port = host.listening_port("HL7-1");
    auto garbage = round_trip(port, framed("this is not HL7\r"));
    EXPECT_EQ(simulators::ack_code(garbage), "AR");
    auto adt = round_trip(port, framed("MSH|^~\\&|ADT|H|LIS|L|20240611||ADT^A01^ADT_A01|ADT1|P|2.5.1\rPID|1||X\r"));
    EXPECT_EQ(simulators::ack_code(adt), "AR");
    EXPECT_NE(adt.find("MSA|AR|ADT1"), std::string::npos);
    EXPECT_TRUE(sink.messages().empty());
    EXPECT_GE(host.state("HL7-1").failures, 2u);
}

TEST(DriversHl7, MessageLargerThanTheLimitIsRefusedAndNothingCommitted) {
    MemorySink sink;
    drivers::DriverHost host;
    ASSERT_TRUE(host.start(hl7_listener({{"max_message_bytes", "2048"}}), sink).empty());
    const auto port = host.listening_port("HL7-1");
    auto big = orus(1)[0] + "NTE|1|L|" + std::string(5000, 'x') + "\r";
    auto answer = round_trip(port, framed(big));
    EXPECT_EQ(simulators::ack_code(answer), "AR");
    EXPECT_NE(answer.find("larger than 2048"), std::string::npos);
    EXPECT_TRUE(sink.messages().empty());
    // The listener still takes normal messages.
    EXPECT_EQ(send(port, orus(1)).accepted, 1u);
    EXPECT_EQ(sink.messages().size(), 1u);
}

TEST(DriversHl7, ConnectionDroppedMidMessageLeavesNothingAndTheNextConnectionWorks) {
    MemorySink sink;
    drivers::DriverHost host;
    { auto p = host.start(hl7_listener(), sink); ASSERT_TRUE(p.empty()) << p.front(); }
    const auto port = host.listening_port("HL7-1");
    {
        asio::io_context io;
        asio::ip::tcp::socket s(io);
        s.connect({asio::ip::make_address("127.0.0.1"), port});
        auto whole = framed(orus(1)[0]);
        asio::write(s, asio::buffer(whole.substr(0, whole.size() / 2)));
    }  // closed mid-message
    ASSERT_TRUE(wait_for([&] { return host.state("HL7-1").failures >= 1; }));  // mllp.truncated noted
    EXPECT_TRUE(sink.messages().empty());
    EXPECT_EQ(send(port, orus(1)).accepted, 1u);
    EXPECT_EQ(sink.messages().size(), 1u);
}

TEST(DriversHl7, ConnectionFloodIsCappedAndServiceContinues) {
    MemorySink sink;
    drivers::DriverHost host;
    ASSERT_TRUE(host.start(hl7_listener({{"max_connections", "3"}}), sink).empty());
    const auto port = host.listening_port("HL7-1");
    asio::io_context io;
    std::vector<asio::ip::tcp::socket> flood;
    for (int i = 0; i < 20; ++i) {
        flood.emplace_back(io);
        flood.back().connect({asio::ip::make_address("127.0.0.1"), port});
    }
    ASSERT_TRUE(wait_for([&] { return host.state("HL7-1").refused_connections >= 17; }));
    EXPECT_EQ(host.state("HL7-1").connections, 3u);
    flood.clear();
    // Once the flood is gone a real sender gets through.
    ASSERT_TRUE(wait_for([&] { return send(port, orus(1, "F")).accepted == 1; }));
    EXPECT_EQ(sink.messages().size(), 1u);
}

// ---- who may connect, and for how long a frame may take (issue 15 item 9) -------------------

TEST(DriversHl7, APeerNotInAllowedPeersIsClosedAtOnceCountedLoggedAndNamed) {
    MemorySink sink;
    std::mutex log_mutex;
    std::vector<std::string> log;
    drivers::DriverHost host({.log = [&](std::string_view device, std::string_view line) {
        std::lock_guard lock(log_mutex);
        log.push_back(std::string(device) + ": " + std::string(line));
    }});
    { auto p = host.start(hl7_listener({{"allowed_peers", "127.0.0.1, 10.0.0.0/8"}}), sink); ASSERT_TRUE(p.empty()) << p.front(); }
    const auto port = host.listening_port("HL7-1");
    // From 127.0.0.2, a whole message: the connection is closed before any of it is read.
    const auto closed = drivers_test::trickle(port, "", std::chrono::milliseconds(20), std::chrono::seconds(10), "127.0.0.2");
    ASSERT_TRUE(closed.has_value()) << "the refused peer's connection stayed open";
    EXPECT_LT(*closed, std::chrono::seconds(5));
    ASSERT_TRUE(wait_for([&] { return host.state("HL7-1").refused_peers >= 1; }));
    const auto state = host.state("HL7-1");
    EXPECT_EQ(state.last_error.rfind("peer.refused: 127.0.0.2:", 0), 0u) << state.last_error;
    EXPECT_NE(state.last_error.find("is not in allowed_peers (127.0.0.1, 10.0.0.0/8)"), std::string::npos)
        << state.last_error;
    EXPECT_EQ(state.connections, 0u);
    // Logged just after it is counted.
    ASSERT_TRUE(wait_for([&] {
        std::lock_guard lock(log_mutex);
        return !log.empty() && log.back().rfind("HL7-1: refused a connection from 127.0.0.2:", 0) == 0;
    }));
    // The analyzer at an allowed address is served as before.
    EXPECT_EQ(send(port, orus(1)).accepted, 1u);
    EXPECT_EQ(sink.messages().size(), 1u);
    EXPECT_EQ(host.state("HL7-1").refused_peers, 1u);
}

TEST(DriversHl7, APeerTricklingAFrameIsCutOffAtTheFrameDeadline) {
    MemorySink sink;
    drivers::DriverHost host;
    { auto p = host.start(hl7_listener({{"frame_deadline_s", "1"}}), sink); ASSERT_TRUE(p.empty()) << p.front(); }
    const auto port = host.listening_port("HL7-1");
    // One byte every 100 ms: the idle deadline (15 minutes) restarts with each one.
    const auto closed = drivers_test::trickle(port, framed(orus(1, "T")[0]), std::chrono::milliseconds(100),
                                              std::chrono::seconds(10));
    ASSERT_TRUE(closed.has_value()) << "a peer sending a byte every 100 ms kept its connection for 10 s";
    EXPECT_GE(*closed, std::chrono::milliseconds(900));
    EXPECT_LT(*closed, std::chrono::seconds(5));
    ASSERT_TRUE(wait_for([&] { return host.state("HL7-1").last_error.find("hl7.frame_deadline") != std::string::npos; }))
        << host.state("HL7-1").last_error;
    EXPECT_NE(host.state("HL7-1").last_error.find("127.0.0.1:"), std::string::npos);
    EXPECT_TRUE(sink.messages().empty());
    // Whole messages, however long apart, are not affected.
    EXPECT_EQ(send(port, orus(2, "W")).accepted, 2u);
}

TEST(DriversHl7, ClientModeDialsTheAnalyzer) {
    MemorySink sink;
    std::promise<std::uint16_t> listening;
    simulators::Hl7AnalyzerOptions o;
    o.role = simulators::Hl7AnalyzerOptions::Role::server;
    o.messages = orus(3);
    o.on_listening = [&](std::uint16_t p) { listening.set_value(p); };
    auto analyzer = std::async(std::launch::async, [&] { return simulators::run_hl7_analyzer(o); });
    const auto port = listening.get_future().get();
    drivers::Registry r;
    r.instruments.push_back({"HL7-C", drivers::Family::hl7, "tcp_connect", "127.0.0.1:" + std::to_string(port),
                             {{"backoff_initial_ms", "50"}}, {}});
    drivers::DriverHost host;
    ASSERT_TRUE(host.start(r, sink).empty());
    auto report = analyzer.get();
    EXPECT_EQ(report.error, "");
    EXPECT_EQ(report.accepted, 3u);
    EXPECT_EQ(sink.messages().size(), 3u);
}

TEST(DriversHl7, ThirdPartyMllpSendGetsAcknowledgements) {
    MemorySink sink;
    drivers::DriverHost host;
    { auto p = host.start(hl7_listener(), sink); ASSERT_TRUE(p.empty()) << p.front(); }
    const auto port = host.listening_port("HL7-1");
    const auto file = std::filesystem::temp_directory_path() / ("drivers_mllp_send_" + std::to_string(port) + ".hl7");
    {
        std::ofstream out(file, std::ios::binary);
        // mllp_send --file takes messages separated by newlines; segments end CR.
        for (const auto& m : orus(2, "P")) out << "\x0b" << m << "\x1c\r";
    }
    const auto command = "/usr/bin/python3 /usr/bin/mllp_send --port " + std::to_string(port) + " --file " +
                         file.string() + " 127.0.0.1 2>&1";
    std::string output;
    if (FILE* p = ::popen(command.c_str(), "r")) {
        char buf[4096];
        while (auto n = std::fread(buf, 1, sizeof buf, p)) output.append(buf, n);
        ::pclose(p);
    }
    std::filesystem::remove(file);
    EXPECT_NE(output.find("MSA|AA|MSGP0"), std::string::npos) << output;
    EXPECT_NE(output.find("MSA|AA|MSGP1"), std::string::npos) << output;
    EXPECT_EQ(sink.messages().size(), 2u);
}

}  // namespace
