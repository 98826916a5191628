// What the stream-oriented drivers (ASTM, HL7, MT-SICS) share: the context they run in,
// commits on the worker pool, a TCP listener with a connection cap, and a dialer that keeps
// a TCP connection or a serial port open with backoff. A driver supplies only its session:
// the coroutine that talks its protocol over one Link.
#pragma once

#include "drivers/allowed_peers.hpp"
#include "drivers/backoff.hpp"
#include "drivers/device_policy.hpp"
#include "drivers/device_state.hpp"
#include "drivers/ingest_sink.hpp"
#include "drivers/link.hpp"
#include "drivers/runtime.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <variant>

namespace drivers {

// Optional log line from a driver: device id and text. Called from io or worker threads.
using DriverLog = std::function<void(std::string_view device, std::string_view line)>;

struct DriverContext {
    Runtime* runtime = nullptr;
    IngestSink* sink = nullptr;
    StateBoard* states = nullptr;
    DriverLog log{};
    // When a poll happened, for readings stamped with the poll time (Modbus loggers
    // without a clock of their own). Empty: the system clock. Tests set it to a logger
    // simulator's simulated time.
    std::function<std::chrono::system_clock::time_point()> clock{};
    // What the devices may reach (lims.drivers.allow, the folder and map roots), checked
    // again when a driver connects, opens its folder or reads its map. Null: not confined
    // (`lims gateway`, whose registry file is its operator's own; the drivers' tests).
    const DevicePolicy* policy = nullptr;
    void note(std::string_view device, std::string_view line) const {
        if (log) log(device, line);
    }
    std::chrono::system_clock::time_point now() const { return clock ? clock() : std::chrono::system_clock::now(); }
};

// Commits on the worker pool. A sink that throws is reported as a retryable failure
// ("ingest.exception"): the device is not acknowledged and will resend.
boost::asio::awaitable<CommitOutcome> commit_message(const DriverContext& ctx, InstrumentMessage message);
boost::asio::awaitable<CommitOutcome> commit_readings(const DriverContext& ctx, std::vector<LoggerReading> readings);
// The same, handing `message` back once committed (or not), so that a session reuses its
// observations' storage for the next message (the decoders' arenas, issue 18).
boost::asio::awaitable<CommitOutcome> commit_message_reusing(const DriverContext& ctx, InstrumentMessage& message);

// UTC timestamps as ASTM and HL7 write them: YYYYMMDDHHMMSS (HL7 adds +0000).
std::string compact_utc(std::chrono::system_clock::time_point t);

struct TcpListen {
    std::string host;
    std::string port;  // "0" picks a free port (tests)
};
struct TcpConnect {
    std::string host;
    std::string port;
};
struct SerialDevice {
    std::string device;
    SerialSettings settings{};
};
using Endpoint = std::variant<TcpListen, TcpConnect, SerialDevice>;

using Session = std::function<boost::asio::awaitable<void>(std::shared_ptr<Link>)>;

// Shared by a driver and its coroutines; stop() closes what is open.
struct StopToken {
    std::atomic<bool> stopping{false};
};

// Accepts connections and runs `session` for each on its own strand. A peer that is not
// in `allowed` is closed at once, counted (refused_peers), kept as the last error and
// logged. At most `max_connections` sessions at once: a connection beyond the cap is closed
// at once and counted as refused (a misconfigured analyzer reconnecting in a loop cannot
// exhaust sockets or workers).
class Listener : public std::enable_shared_from_this<Listener> {
public:
    static std::shared_ptr<Listener> create(const DriverContext& ctx, std::string device_id, TcpListen where,
                                            std::size_t max_connections, LinkTimeouts timeouts, Session session,
                                            AllowedPeers allowed = {});
    // Binds now; an error names the address. On success the accept loop is running.
    std::string start();
    void stop();
    std::uint16_t port() const noexcept { return port_; }
    std::size_t active() const noexcept { return active_.load(); }

private:
    Listener(const DriverContext& ctx, std::string device_id, TcpListen where, std::size_t max_connections,
             LinkTimeouts timeouts, Session session, AllowedPeers allowed);
    boost::asio::awaitable<void> accept_loop();
    // False (counted, kept as the last error, logged) for a peer not in allowed_; the
    // caller closes it.
    bool admit(const boost::asio::ip::tcp::endpoint& peer, const boost::system::error_code& error);
    boost::asio::awaitable<void> run_session(std::shared_ptr<Link> link);

    DriverContext ctx_;
    std::string id_;
    TcpListen where_;
    std::size_t max_connections_;
    LinkTimeouts timeouts_;
    Session session_;
    AllowedPeers allowed_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::atomic<std::size_t> active_{0};
    std::uint16_t port_ = 0;
};

// Keeps one outgoing link (TCP connect or serial port) up: opens it, runs `session`, and
// after it ends or fails waits a backoff delay and opens it again, until stopped.
boost::asio::awaitable<void> keep_connected(DriverContext ctx, std::string device_id, Endpoint endpoint,
                                            LinkTimeouts timeouts, BackoffPolicy backoff, Session session,
                                            std::shared_ptr<StopToken> stop);

// Parses a registry transport and address into an endpoint; the error names both.
std::variant<Endpoint, std::string> parse_endpoint(std::string_view transport, std::string_view address,
                                                   std::string_view serial_settings);

}  // namespace drivers
