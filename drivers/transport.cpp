#include "drivers/transport.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <ctime>
#include <exception>

namespace drivers {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using boost::system::error_code;

awaitable<CommitOutcome> commit_message(const DriverContext& ctx, InstrumentMessage message) {
    IngestSink* sink = ctx.sink;
    return ctx.runtime->run_blocking([sink, message = std::move(message)]() -> CommitOutcome {
        try {
            return sink->commit_message(message);
        } catch (const std::exception& e) {
            return CommitFailure{"ingest.exception", e.what(), true};
        }
    });
}

namespace {
struct Committed {
    CommitOutcome outcome;
    InstrumentMessage message;
};

// Not a coroutine (as commit_message): GCC 12 mishandles lambdas with captures created
// inside a coroutine frame. The message travels to the worker and back by move: nothing on
// the worker refers to the caller's frame.
awaitable<Committed> commit_and_return(const DriverContext& ctx, InstrumentMessage message) {
    IngestSink* sink = ctx.sink;
    return ctx.runtime->run_blocking([sink, m = std::move(message)]() mutable -> Committed {
        CommitOutcome outcome;
        try {
            outcome = sink->commit_message(m);
        } catch (const std::exception& e) {
            outcome = CommitFailure{"ingest.exception", e.what(), true};
        }
        return Committed{std::move(outcome), std::move(m)};
    });
}

}  // namespace

awaitable<CommitOutcome> commit_message_reusing(const DriverContext& ctx, InstrumentMessage& message) {
    Committed done = co_await commit_and_return(ctx, std::move(message));
    message = std::move(done.message);
    co_return std::move(done.outcome);
}

awaitable<CommitOutcome> commit_readings(const DriverContext& ctx, std::vector<LoggerReading> readings) {
    IngestSink* sink = ctx.sink;
    return ctx.runtime->run_blocking([sink, readings = std::move(readings)]() -> CommitOutcome {
        try {
            return sink->commit_readings(readings);
        } catch (const std::exception& e) {
            return CommitFailure{"ingest.exception", e.what(), true};
        }
    });
}

std::string compact_utc(std::chrono::system_clock::time_point t) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y%m%d%H%M%S", &tm);
    return buffer;
}

// ---------------------------------------------------------------------------------------

std::shared_ptr<Listener> Listener::create(const DriverContext& ctx, std::string device_id, TcpListen where,
                                           std::size_t max_connections, LinkTimeouts timeouts, Session session,
                                           AllowedPeers allowed) {
    return std::shared_ptr<Listener>(new Listener(ctx, std::move(device_id), std::move(where), max_connections,
                                                  timeouts, std::move(session), std::move(allowed)));
}

Listener::Listener(const DriverContext& ctx, std::string device_id, TcpListen where, std::size_t max_connections,
                   LinkTimeouts timeouts, Session session, AllowedPeers allowed)
    : ctx_(ctx),
      id_(std::move(device_id)),
      where_(std::move(where)),
      max_connections_(max_connections == 0 ? 1 : max_connections),
      timeouts_(timeouts),
      session_(std::move(session)),
      allowed_(std::move(allowed)),
      acceptor_(asio::make_strand(ctx.runtime->io())) {}

std::string Listener::start() {
    error_code ec;
    asio::ip::tcp::resolver resolver(ctx_.runtime->io());
    auto results = resolver.resolve(where_.host, where_.port, asio::ip::tcp::resolver::passive, ec);
    if (ec || results.empty())
        return "cannot resolve listen address " + where_.host + ":" + where_.port + ": " + ec.message();
    const auto endpoint = results.begin()->endpoint();
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        error_code ignored;
        acceptor_.close(ignored);
        return "cannot listen on " + where_.host + ":" + where_.port + ": " + ec.message();
    }
    port_ = acceptor_.local_endpoint(ec).port();
    ctx_.states->set(id_, DeviceState::idle);
    asio::co_spawn(acceptor_.get_executor(), [self = shared_from_this()] { return self->accept_loop(); },
                   asio::detached);
    return {};
}

void Listener::stop() {
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
        error_code ignored;
        self->acceptor_.close(ignored);
    });
}

awaitable<void> Listener::accept_loop() {
    for (;;) {
        error_code ec;
        auto socket = co_await acceptor_.async_accept(asio::make_strand(ctx_.runtime->io()),
                                                      asio::redirect_error(use_awaitable, ec));
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
        if (ec) {
            // Out of descriptors or similar: pause briefly rather than spin.
            ctx_.states->count_failure(id_, "accept: " + ec.message());
            asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
            continue;
        }
        error_code peer_error;
        const auto peer = socket.remote_endpoint(peer_error);
        if (!admit(peer, peer_error)) {
            error_code ignored;
            socket.close(ignored);
            continue;
        }
        if (active_.load() >= max_connections_) {
            ctx_.states->count_refused(id_);
            error_code ignored;
            socket.close(ignored);
            continue;
        }
        ++active_;
        ctx_.states->count_connection(id_);
        ctx_.states->set(id_, DeviceState::connected);
        auto link = Link::create(make_tcp_stream(asio::ip::tcp::socket(std::move(socket))), timeouts_);
        asio::co_spawn(link->executor(), [self = shared_from_this(), link] { return self->run_session(link); },
                       asio::detached);
    }
}

bool Listener::admit(const asio::ip::tcp::endpoint& peer, const error_code& ec) {
    if (allowed_.everyone()) return true;
    if (!ec && allowed_.allows(peer.address())) return true;
    const std::string who = ec ? "a peer whose address cannot be read (" + ec.message() + ")"
                               : peer.address().to_string() + ":" + std::to_string(peer.port());
    ctx_.states->count_refused_peer(id_, "peer.refused: " + who + " is not in allowed_peers (" + allowed_.text() + ")");
    ctx_.note(id_, "refused a connection from " + who + ": not in allowed_peers");
    return false;
}

awaitable<void> Listener::run_session(std::shared_ptr<Link> link) {
    struct Release {
        Listener* self;
        ~Release() {
            if (--self->active_ == 0) self->ctx_.states->set(self->id_, DeviceState::idle);
        }
    } release{this};
    link->start();
    try {
        co_await session_(link);
    } catch (const std::exception& e) {
        ctx_.states->count_failure(id_, std::string("session: ") + e.what());
    }
    link->close();
}

// ---------------------------------------------------------------------------------------

namespace {

// Connects only to the addresses of host that lims.drivers.allow allows, resolved now: a
// host name that has come to resolve elsewhere since it was configured reaches nothing.
awaitable<std::pair<std::unique_ptr<ByteStream>, std::string>> connect_allowed(asio::any_io_executor executor,
                                                                             const AllowList& allow,
                                                                             const TcpConnect& where,
                                                                             std::chrono::milliseconds timeout) {
    asio::ip::tcp::resolver resolver(executor);
    error_code ec;
    auto results = co_await resolver.async_resolve(where.host, where.port, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return std::pair{nullptr, "connect to " + where.host + ":" + where.port + ": " + ec.message()};
    std::string error;
    for (const auto& r : results) {
        const auto endpoint = r.endpoint();
        if (!allow.allows(endpoint.address(), endpoint.port())) continue;
        auto [stream, e] = co_await connect_tcp(executor, endpoint.address().to_string(), where.port, timeout);
        if (stream) co_return std::pair{std::move(stream), std::string{}};
        error = std::move(e);
    }
    if (error.empty()) error = refused_at_connect(allow, where.host, where.port);
    co_return std::pair{nullptr, std::move(error)};
}

}  // namespace

awaitable<void> keep_connected(DriverContext ctx, std::string id, Endpoint endpoint, LinkTimeouts timeouts,
                               BackoffPolicy policy, Session session, std::shared_ptr<StopToken> stop) {
    auto executor = co_await asio::this_coro::executor;
    Backoff backoff(policy);
    asio::steady_timer pause(executor);
    while (!stop->stopping) {
        std::unique_ptr<ByteStream> stream;
        std::string error;
        if (auto* tcp = std::get_if<TcpConnect>(&endpoint)) {
            // Two statements, not a conditional of two co_awaits (GCC 12 frees a result
            // of one of them early: heap-use-after-free under ASan).
            std::pair<std::unique_ptr<ByteStream>, std::string> connected;
            if (ctx.policy) connected = co_await connect_allowed(executor, ctx.policy->allow, *tcp, timeouts.write);
            else connected = co_await connect_tcp(executor, tcp->host, tcp->port, timeouts.write);
            stream = std::move(connected.first);
            error = std::move(connected.second);
        } else if (auto* serial = std::get_if<SerialDevice>(&endpoint)) {
            auto [s, e] = open_serial(executor, serial->device, serial->settings);
            stream = std::move(s);
            error = std::move(e);
        } else {
            error = "keep_connected needs an outgoing endpoint";
        }
        if (stop->stopping) co_return;
        if (stream) {
            backoff.reset();
            ctx.states->count_connection(id);
            ctx.states->set(id, DeviceState::connected);
            auto link = Link::create(std::move(stream), timeouts);
            link->start();
            try {
                co_await session(link);
            } catch (const std::exception& e) {
                ctx.states->count_failure(id, std::string("session: ") + e.what());
            }
            link->close();
            if (stop->stopping) co_return;
            ctx.states->set(id, DeviceState::backing_off);  // last_error keeps why the session ended
        } else {
            ctx.states->set_error(id, DeviceState::backing_off, error);
            ctx.note(id, error);
        }
        pause.expires_after(backoff.next());
        error_code ec;
        co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
    }
}

std::variant<Endpoint, std::string> parse_endpoint(std::string_view transport, std::string_view address,
                                                   std::string_view serial_settings) {
    if (transport == "tcp_listen" || transport == "tcp_connect") {
        auto hp = split_host_port(address);
        if (!hp) return "address \"" + std::string(address) + "\" for " + std::string(transport) + " is not host:port";
        if (transport == "tcp_listen") return Endpoint{TcpListen{hp->first, hp->second}};
        return Endpoint{TcpConnect{hp->first, hp->second}};
    }
    if (transport == "serial") {
        if (address.empty()) return std::string("serial transport needs a device path as address");
        SerialDevice d{std::string(address), {}};
        if (!serial_settings.empty()) {
            auto s = parse_serial_settings(serial_settings);
            if (!s) return "serial settings \"" + std::string(serial_settings) + "\" are not like 9600,8N1";
            d.settings = *s;
        }
        return Endpoint{d};
    }
    return "unknown transport \"" + std::string(transport) + "\" (tcp_listen, tcp_connect, serial)";
}

}  // namespace drivers
