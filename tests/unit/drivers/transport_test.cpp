#include "drivers/device_state.hpp"
#include "drivers/link.hpp"
#include "drivers/runtime.hpp"
#include "drivers/transport.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

namespace {

namespace asio = boost::asio;

TEST(Endpoint, ParsesTransportsAndNamesProblems) {
    auto e = drivers::parse_endpoint("tcp_listen", "0.0.0.0:5000", "");
    ASSERT_TRUE(std::holds_alternative<drivers::Endpoint>(e));
    EXPECT_EQ(std::get<drivers::TcpListen>(std::get<drivers::Endpoint>(e)).port, "5000");
    auto v6 = drivers::split_host_port("[::1]:2575");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->first, "::1");
    auto serial = drivers::parse_endpoint("serial", "/dev/ttyS0", "19200,7E2");
    const auto& s = std::get<drivers::SerialDevice>(std::get<drivers::Endpoint>(serial)).settings;
    EXPECT_EQ(s.baud, 19200u);
    EXPECT_EQ(s.data_bits, 7u);
    EXPECT_EQ(s.parity, 'E');
    EXPECT_EQ(s.stop_bits, 2u);
    EXPECT_EQ(std::get<std::string>(drivers::parse_endpoint("tcp_connect", "host", "")),
              "address \"host\" for tcp_connect is not host:port");
    EXPECT_EQ(std::get<std::string>(drivers::parse_endpoint("tcp_connect", "host:99999", "")),
              "address \"host:99999\" for tcp_connect is not host:port");
    EXPECT_EQ(std::get<std::string>(drivers::parse_endpoint("serial", "/dev/x", "9600,8X1")),
              "serial settings \"9600,8X1\" are not like 9600,8N1");
    EXPECT_EQ(std::get<std::string>(drivers::parse_endpoint("carrier_pigeon", "x", "")),
              "unknown transport \"carrier_pigeon\" (tcp_listen, tcp_connect, serial)");
}

TEST(StateBoard, TracksStatesCountsAndErrors) {
    drivers::StateBoard board;
    board.add("A", "astm");
    board.set("A", drivers::DeviceState::receiving);
    board.count_message("A");
    board.count_failure("A", "astm.checksum: bad");
    board.count_missed("A", 3);
    board.set("unknown", drivers::DeviceState::failed);  // ignored, no entry made
    auto a = board.get("A");
    EXPECT_EQ(a.state, drivers::DeviceState::receiving);
    EXPECT_EQ(a.messages, 1u);
    EXPECT_EQ(a.failures, 1u);
    EXPECT_EQ(a.missed_polls, 3u);
    EXPECT_EQ(a.last_error, "astm.checksum: bad");
    EXPECT_EQ(board.snapshot().size(), 1u);
    EXPECT_EQ(drivers::to_string(drivers::DeviceState::backing_off), "backing_off");
}

TEST(Runtime, BlockingWorkRunsOffTheIoThreadsAndRethrows) {
    drivers::Runtime runtime({1, 2});
    auto io_thread = std::make_shared<std::thread::id>();
    auto result = asio::co_spawn(
        runtime.io(),
        [&]() -> asio::awaitable<std::pair<bool, std::string>> {
            const auto here = std::this_thread::get_id();
            auto worker = co_await runtime.run_blocking([] { return std::this_thread::get_id(); });
            std::string error;
            try {
                co_await runtime.run_blocking([]() -> int { throw std::runtime_error("store gone"); });
            } catch (const std::runtime_error& e) {
                error = e.what();
            }
            co_return std::pair{worker != here && std::this_thread::get_id() == here, error};
        },
        asio::use_future);
    auto [off_io, error] = result.get();
    EXPECT_TRUE(off_io);
    EXPECT_EQ(error, "store gone");
}

// A connected pair of TCP sockets on loopback, the first wrapped in a Link.
struct Pair {
    drivers::Runtime runtime{{1, 1}};
    asio::io_context peer_io;
    asio::ip::tcp::socket peer{peer_io};
    std::shared_ptr<drivers::Link> link;
    explicit Pair(drivers::LinkTimeouts t) {
        asio::ip::tcp::acceptor acceptor(peer_io, {asio::ip::make_address("127.0.0.1"), 0});
        asio::ip::tcp::socket ours(runtime.io());
        ours.connect(acceptor.local_endpoint());
        acceptor.accept(peer);
        link = drivers::Link::create(drivers::make_tcp_stream(std::move(ours)), t);
    }
    drivers::ReadResult read() {
        auto l = link;
        return asio::co_spawn(
                   runtime.io(),
                   [l]() -> asio::awaitable<drivers::ReadResult> {
                       char buf[64];
                       co_return co_await l->read(buf, sizeof buf);
                   },
                   asio::use_future)
            .get();
    }
};

TEST(Link, IdleDeadlineClosesTheLink) {
    Pair p({std::chrono::milliseconds(50), std::chrono::seconds(1)});
    asio::post(p.runtime.io(), [l = p.link] { l->start(); });
    EXPECT_EQ(p.read().status, drivers::ReadStatus::idle_timeout);
    EXPECT_EQ(p.read().status, drivers::ReadStatus::closed);
}

TEST(Link, ProtocolTimerInterruptsAReadAndDataStillFlows) {
    Pair p({std::nullopt, std::chrono::seconds(1)});
    asio::post(p.runtime.io(), [l = p.link] {
        l->start();
        l->arm(std::chrono::milliseconds(30));
    });
    EXPECT_EQ(p.read().status, drivers::ReadStatus::protocol_timer);
    asio::write(p.peer, asio::buffer(std::string("abc")));
    auto r = p.read();
    EXPECT_EQ(r.status, drivers::ReadStatus::data);
    EXPECT_EQ(r.size, 3u);
    p.peer.close();
    EXPECT_EQ(p.read().status, drivers::ReadStatus::closed);
}

// A peer trickling a byte at a time restarts the idle deadline with every byte; the frame
// deadline runs from the first byte to the frame's end and closes the link (issue 15 item 9).
TEST(Link, FrameDeadlineClosesALinkThatTricklesBytesThatNeverMakeAFrame) {
    Pair p({std::chrono::seconds(2), std::chrono::seconds(1), std::chrono::milliseconds(250)});
    asio::post(p.runtime.io(), [l = p.link] { l->start(); });
    const auto started = std::chrono::steady_clock::now();
    drivers::ReadResult r;
    for (int i = 0; i < 60; ++i) {  // 3 s of one byte every 50 ms, well inside the idle deadline
        asio::write(p.peer, asio::buffer(std::string("x")));
        r = p.read();
        if (r.status != drivers::ReadStatus::data) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(r.status, drivers::ReadStatus::frame_timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(2500));
    EXPECT_EQ(p.read().status, drivers::ReadStatus::closed);
}

TEST(Link, FrameCompleteStopsTheDeadlineUntilTheNextByte) {
    Pair p({std::nullopt, std::chrono::seconds(1), std::chrono::milliseconds(150)});
    asio::post(p.runtime.io(), [l = p.link] { l->start(); });
    for (int frame = 0; frame < 3; ++frame) {
        asio::write(p.peer, asio::buffer(std::string("frame")));
        EXPECT_EQ(p.read().status, drivers::ReadStatus::data);
        asio::post(p.runtime.io(), [l = p.link] { l->frame_complete(); });
        // Quiet between frames for longer than the frame deadline: no deadline runs.
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    asio::write(p.peer, asio::buffer(std::string("next")));
    EXPECT_EQ(p.read().status, drivers::ReadStatus::data);
    EXPECT_EQ(p.read().status, drivers::ReadStatus::frame_timeout);  // "next" never ends
}

}  // namespace
