// MT-SICS balance driver against the balance simulator over loopback: stable weights
// become observations, dynamic/busy/error answers are counted and asked again, a silent
// balance makes the driver drop the link and redial.
#include "drivers_test_sink.hpp"

#include "drivers/driver_host.hpp"
#include "fixtures/simulators/sics_balance.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <gtest/gtest.h>

#include <thread>

namespace {

using drivers_test::MemorySink;
using drivers_test::wait_for;

drivers::Registry balance_at(std::uint16_t port, std::map<std::string, std::string> options) {
    drivers::Registry r;
    r.instruments.push_back({"BAL-1", drivers::Family::sics, "tcp_connect", "127.0.0.1:" + std::to_string(port),
                             std::move(options), {}});
    return r;
}

std::vector<std::string> weights(const MemorySink& sink) {
    std::vector<std::string> out;
    for (const auto& m : sink.messages())
        for (const auto& o : m.observations) out.push_back(o.value + " " + o.units);
    return out;
}

TEST(DriversSics, StableWeightsBecomeObservationsAndOtherAnswersAreSkipped) {
    simulators::SicsBalance balance({"127.0.0.1", 0,
                                     {"S I", "ES", "S S      12.34 g", "S S      12.34 g", "S +", "S S       0.00 g",
                                      "S S       5.67 g"},
                                     "B1"});
    MemorySink sink;
    drivers::DriverHost host;
    ASSERT_TRUE(host.start(balance_at(balance.port(), {{"interval_ms", "100"}}), sink).empty());
    ASSERT_TRUE(wait_for([&] { return weights(sink).size() >= 2; }));
    EXPECT_EQ(weights(sink), (std::vector<std::string>{"12.34 g", "5.67 g"}));
    const auto m = sink.messages();
    EXPECT_EQ(m[0].protocol, "sics");
    EXPECT_EQ(m[0].observations[0].test_code, "WEIGHT");
    EXPECT_EQ(m[0].observations[0].number, "12.34");
    EXPECT_EQ(m[0].observations[0].status, "F");
    EXPECT_GE(host.state("BAL-1").failures, 3u);  // S I, ES, S +
}

TEST(DriversSics, ImmediateWeighingWaitsForAStableAnswer) {
    simulators::SicsBalance balance({"127.0.0.1", 0, {"S D       3.00 g", "S D       3.02 g", "S S       3.01 g"}, "B2"});
    MemorySink sink;
    drivers::DriverHost host;
    ASSERT_TRUE(host.start(balance_at(balance.port(), {{"interval_ms", "100"}, {"command", "SI"}}), sink).empty());
    ASSERT_TRUE(wait_for([&] { return !weights(sink).empty(); }));
    EXPECT_EQ(weights(sink).front(), "3.01 g");
    EXPECT_NE(host.state("BAL-1").last_error, "");
}

TEST(DriversSics, SilentBalanceIsDroppedAndRedialled) {
    // A TCP peer that accepts and never answers.
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    const auto port = acceptor.local_endpoint().port();
    std::vector<boost::asio::ip::tcp::socket> accepted;
    std::atomic<bool> done{false};
    std::thread server([&] {
        acceptor.non_blocking(true);
        while (!done) {
            boost::system::error_code ec;
            auto s = acceptor.accept(ec);
            if (!ec) accepted.push_back(std::move(s));
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    MemorySink sink;
    drivers::DriverHost host;
    ASSERT_TRUE(host.start(balance_at(port, {{"reply_timeout_ms", "200"}, {"backoff_initial_ms", "20"}}), sink).empty());
    EXPECT_TRUE(wait_for([&] { return host.state("BAL-1").connections >= 2; }));
    EXPECT_NE(host.state("BAL-1").last_error.find("sics.no_answer"), std::string::npos);
    EXPECT_TRUE(sink.messages().empty());
    host.stop();
    done = true;
    server.join();
}

TEST(DriversSics, ListeningIsNotABalanceTransport) {
    MemorySink sink;
    drivers::Registry r;
    r.instruments.push_back({"BAL-1", drivers::Family::sics, "tcp_listen", "127.0.0.1:0", {}, {}});
    drivers::DriverHost host;
    auto problems = host.start(r, sink);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("BAL-1"), std::string::npos);
    EXPECT_NE(problems[0].find("tcp_connect"), std::string::npos);
}

}  // namespace
