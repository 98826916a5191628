// ASTM E1381/E1394 results from one configured analyzer: over TCP (we listen, or we dial a
// serial-to-Ethernet terminal server) or a local serial port. Bytes go through the codec's
// Receiver; a completed message is decoded and committed on the worker pool, and the frame
// that completed it is ACKed only after the commit (NAK when it failed: the analyzer
// retransmits and the message is offered again). A host query (Q records) is committed the
// same way, then answered once the analyzer hands the line back: the sink's orders go out
// through the codec's Sender (ENQ, frames, EOT). DriverHost creates these from the registry.
#pragma once

#include "drivers/transport.hpp"

#include <protocols/astm/framing.hpp>
#include <protocols/astm/receiver.hpp>

#include <memory>
#include <string>

namespace drivers {

struct AstmOptions {
    std::string instrument_id;
    Endpoint endpoint = TcpListen{"127.0.0.1", "0"};
    protocols::astm::ReceiverConfig receiver{};
    std::size_t max_connections = 4;  // one analyzer normally holds one connection
    // Analyzers keep their connection open between runs for hours; an idle link is given
    // up after this and the analyzer (or our dialer) reconnects. A frame (an E1381 frame,
    // ENQ or EOT; a whole message with bare records) must arrive within the receiver's own
    // timer, LIS1-A 8.5 (30 s).
    LinkTimeouts timeouts{std::chrono::minutes(30), std::chrono::seconds(15),
                          std::chrono::milliseconds(protocols::astm::kReceiveTimeout)};
    AllowedPeers allowed_peers{};  // tcp_listen: who may connect (default: anyone)
    BackoffPolicy backoff{};
    // How long a host query's orders may take to look up (the gateway asks the service over
    // the network). Past it the analyzer is answered "no information": analyzers wait a
    // limited time for the host's answer (vendor manuals give 10 to 60 s; unconfirmed).
    std::chrono::milliseconds query_deadline{10'000};
};

class AstmDriver {
public:
    AstmDriver(DriverContext ctx, AstmOptions options);
    std::string start();
    void stop();
    std::uint16_t port() const;

    boost::asio::awaitable<void> session(std::shared_ptr<Link> link);

private:
    DriverContext ctx_;
    AstmOptions options_;
    std::shared_ptr<Listener> listener_;
    std::shared_ptr<StopToken> stop_ = std::make_shared<StopToken>();
};

}  // namespace drivers
