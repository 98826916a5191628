// HL7 v2 over MLLP for one configured instrument: either a listener that analyzers (or an
// interface engine) connect to, or a client that dials the analyzer. Every message gets an
// ACK: AA after the sink committed it, AE when the commit failed but may succeed later
// (the sender resends), AR when the message is refused (unparseable, not ORU^R01, too
// large, or the sink refused it). DriverHost creates these from the registry.
#pragma once

#include "drivers/transport.hpp"

#include <protocols/hl7/mllp.hpp>

#include <memory>
#include <string>

namespace drivers {

struct Hl7Options {
    std::string instrument_id;
    Endpoint endpoint = TcpListen{"127.0.0.1", "2575"};  // 2575: the IANA port for HL7 over MLLP
    // Concurrent connections on a listener; an analyzer uses one, an interface engine a few.
    std::size_t max_connections = 16;
    // The largest message taken; a larger one is answered AR and the connection closed.
    // 1 MiB holds hundreds of OBX segments; protocols' own ceiling is 16 MiB.
    std::size_t max_message_bytes = std::size_t{1} << 20;
    bool tolerate_lf = false;  // segments ended by LF / CR LF (per interface: see PROTOCOLS.md)
    // A message must arrive whole within a minute of its first byte: 1 MiB takes well under
    // a second on a laboratory network; raise frame_deadline_s for large messages on a slow
    // serial line.
    LinkTimeouts timeouts{std::chrono::minutes(15), std::chrono::seconds(10), std::chrono::seconds(60)};
    AllowedPeers allowed_peers{};  // tcp_listen: who may connect (default: anyone)
    BackoffPolicy backoff{};
    std::string local_application = "LIS";
    std::string local_facility{};
};

class Hl7Driver {
public:
    Hl7Driver(DriverContext ctx, Hl7Options options);
    ~Hl7Driver();
    // Listener: binds (error text on failure). Client: starts dialing (never fails here).
    std::string start();
    void stop();
    std::uint16_t port() const;  // the bound port of a listener (0 otherwise)

    // One MLLP connection: reads messages, commits, answers. Public for the client mode
    // and for tests that drive it over a socket pair.
    boost::asio::awaitable<void> session(std::shared_ptr<Link> link);

private:
    boost::asio::awaitable<std::string> answer(std::string payload, std::vector<protocols::Observation>& arena);
    std::string next_control_id();

    DriverContext ctx_;
    Hl7Options options_;
    std::shared_ptr<Listener> listener_;
    std::shared_ptr<StopToken> stop_ = std::make_shared<StopToken>();
    std::atomic<std::uint64_t> control_counter_{0};
};

}  // namespace drivers
