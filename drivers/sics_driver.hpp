// A Mettler-Toledo balance over MT-SICS (TCP through a converter, or a serial port): asks
// for a weight every interval (S: stable, or SI: immediate), and hands each new stable
// weight to the sink as one observation (test code "WEIGHT"). Dynamic, busy and error
// answers are counted and asked again. DriverHost creates these from the registry.
#pragma once

#include "drivers/transport.hpp"

#include <protocols/sics/command.hpp>

#include <string>

namespace drivers {

struct SicsOptions {
    std::string instrument_id;
    Endpoint endpoint = TcpConnect{"127.0.0.1", "4001"};
    protocols::sics::Command command = protocols::sics::Command::weigh_stable;
    std::chrono::milliseconds interval{2'000};
    // S waits for stability inside the balance; MT-SICS manuals put its own timeout at a
    // few seconds, so allow more before calling the balance silent.
    std::chrono::milliseconds reply_timeout{10'000};
    // A weight equal to the previous committed one is the same load still on the pan, and
    // a zero weight is an empty pan: neither is a new result.
    bool only_new_weights = true;
    LinkTimeouts timeouts{std::nullopt, std::chrono::seconds(5)};
    BackoffPolicy backoff{};
};

class SicsDriver {
public:
    SicsDriver(DriverContext ctx, SicsOptions options);
    std::string start();  // never fails: the dialer retries
    void stop();
    boost::asio::awaitable<void> session(std::shared_ptr<Link> link);

private:
    DriverContext ctx_;
    SicsOptions options_;
    std::shared_ptr<StopToken> stop_ = std::make_shared<StopToken>();
    std::string last_weight_;
};

}  // namespace drivers
