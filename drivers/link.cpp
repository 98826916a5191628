#include "drivers/link.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <charconv>

namespace drivers {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using boost::system::error_code;

namespace {

class TcpStream final : public ByteStream {
public:
    explicit TcpStream(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {
        error_code ec;
        auto ep = socket_.remote_endpoint(ec);
        peer_ = ec ? std::string("tcp") : ep.address().to_string() + ":" + std::to_string(ep.port());
        socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    }
    awaitable<std::pair<error_code, std::size_t>> read_some(char* data, std::size_t size) override {
        error_code ec;
        std::size_t n = co_await socket_.async_read_some(asio::buffer(data, size), asio::redirect_error(use_awaitable, ec));
        co_return std::pair{ec, n};
    }
    awaitable<error_code> write_all(std::string_view bytes) override {
        error_code ec;
        co_await asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()), asio::redirect_error(use_awaitable, ec));
        co_return ec;
    }
    void cancel() override {
        error_code ec;
        socket_.cancel(ec);
    }
    void close() override {
        error_code ec;
        socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
        socket_.close(ec);
    }
    asio::any_io_executor executor() override { return socket_.get_executor(); }
    std::string peer() const override { return peer_; }

private:
    asio::ip::tcp::socket socket_;
    std::string peer_;
};

class SerialStream final : public ByteStream {
public:
    SerialStream(asio::serial_port port, std::string device) : port_(std::move(port)), device_(std::move(device)) {}
    awaitable<std::pair<error_code, std::size_t>> read_some(char* data, std::size_t size) override {
        error_code ec;
        std::size_t n = co_await port_.async_read_some(asio::buffer(data, size), asio::redirect_error(use_awaitable, ec));
        co_return std::pair{ec, n};
    }
    awaitable<error_code> write_all(std::string_view bytes) override {
        error_code ec;
        co_await asio::async_write(port_, asio::buffer(bytes.data(), bytes.size()), asio::redirect_error(use_awaitable, ec));
        co_return ec;
    }
    void cancel() override {
        error_code ec;
        port_.cancel(ec);
    }
    void close() override {
        error_code ec;
        port_.close(ec);
    }
    asio::any_io_executor executor() override { return port_.get_executor(); }
    std::string peer() const override { return device_; }

private:
    asio::serial_port port_;
    std::string device_;
};

}  // namespace

std::unique_ptr<ByteStream> make_tcp_stream(asio::ip::tcp::socket socket) {
    return std::make_unique<TcpStream>(std::move(socket));
}

std::unique_ptr<ByteStream> make_serial_stream(asio::serial_port port, std::string device) {
    return std::make_unique<SerialStream>(std::move(port), std::move(device));
}

std::optional<SerialSettings> parse_serial_settings(std::string_view text) {
    // "9600,8N1"
    SerialSettings s;
    const auto comma = text.find(',');
    const auto baud_text = text.substr(0, comma);
    auto [p, ec] = std::from_chars(baud_text.data(), baud_text.data() + baud_text.size(), s.baud);
    if (ec != std::errc{} || p != baud_text.data() + baud_text.size() || s.baud == 0) return std::nullopt;
    if (comma == std::string_view::npos) return s;
    const auto frame = text.substr(comma + 1);
    if (frame.size() != 3) return std::nullopt;
    if (frame[0] < '5' || frame[0] > '8') return std::nullopt;
    s.data_bits = static_cast<unsigned>(frame[0] - '0');
    s.parity = frame[1];
    if (s.parity != 'N' && s.parity != 'E' && s.parity != 'O') return std::nullopt;
    if (frame[2] != '1' && frame[2] != '2') return std::nullopt;
    s.stop_bits = static_cast<unsigned>(frame[2] - '0');
    return s;
}

std::pair<std::unique_ptr<ByteStream>, std::string> open_serial(asio::any_io_executor executor, const std::string& device,
                                                                const SerialSettings& settings) {
    asio::serial_port port(executor);
    error_code ec;
    port.open(device, ec);
    if (ec) return {nullptr, "cannot open serial port " + device + ": " + ec.message()};
    using sp = asio::serial_port_base;
    port.set_option(sp::baud_rate(settings.baud), ec);
    if (!ec) port.set_option(sp::character_size(settings.data_bits), ec);
    if (!ec)
        port.set_option(sp::parity(settings.parity == 'E'   ? sp::parity::even
                                   : settings.parity == 'O' ? sp::parity::odd
                                                            : sp::parity::none),
                        ec);
    if (!ec) port.set_option(sp::stop_bits(settings.stop_bits == 2 ? sp::stop_bits::two : sp::stop_bits::one), ec);
    if (!ec) port.set_option(sp::flow_control(sp::flow_control::none), ec);
    if (ec) return {nullptr, "cannot configure serial port " + device + ": " + ec.message()};
    return {make_serial_stream(std::move(port), device), std::string{}};
}

std::optional<std::pair<std::string, std::string>> split_host_port(std::string_view address) {
    const auto colon = address.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == address.size()) return std::nullopt;
    std::string host(address.substr(0, colon));
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    const auto port = address.substr(colon + 1);
    unsigned value = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || p != port.data() + port.size() || value > 65535) return std::nullopt;  // port 0: listen on any free port
    return std::pair{std::move(host), std::string(port)};
}

awaitable<std::pair<std::unique_ptr<ByteStream>, std::string>> connect_tcp(asio::any_io_executor executor, std::string host,
                                                                           std::string port,
                                                                           std::chrono::milliseconds timeout) {
    struct Attempt {
        explicit Attempt(asio::any_io_executor ex) : socket(ex), timer(ex) {}
        asio::ip::tcp::socket socket;
        asio::steady_timer timer;
        bool timed_out = false;
    };
    auto attempt = std::make_shared<Attempt>(executor);
    attempt->timer.expires_after(timeout);
    attempt->timer.async_wait([weak = std::weak_ptr<Attempt>(attempt)](error_code ec) {
        if (ec) return;
        if (auto a = weak.lock()) {
            a->timed_out = true;
            error_code ignored;
            a->socket.close(ignored);
        }
    });
    asio::ip::tcp::resolver resolver(executor);
    error_code ec;
    auto endpoints = co_await resolver.async_resolve(host, port, asio::redirect_error(use_awaitable, ec));
    if (!ec) co_await asio::async_connect(attempt->socket, endpoints, asio::redirect_error(use_awaitable, ec));
    attempt->timer.cancel();
    if (attempt->timed_out) co_return std::pair{nullptr, "connect to " + host + ":" + port + " timed out"};
    if (ec) co_return std::pair{nullptr, "connect to " + host + ":" + port + ": " + ec.message()};
    co_return std::pair{make_tcp_stream(std::move(attempt->socket)), std::string{}};
}

// ---------------------------------------------------------------------------------------

std::shared_ptr<Link> Link::create(std::unique_ptr<ByteStream> stream, LinkTimeouts timeouts) {
    return std::shared_ptr<Link>(new Link(std::move(stream), timeouts));
}

Link::Link(std::unique_ptr<ByteStream> stream, LinkTimeouts timeouts)
    : stream_(std::move(stream)), timeouts_(timeouts), timer_(stream_->executor()) {}

Link::~Link() {
    if (stream_) stream_->close();
}

void Link::start() {
    asio::co_spawn(stream_->executor(), [self = shared_from_this()]() { return self->watchdog(); }, asio::detached);
}

void Link::reschedule() {
    // Waking the watchdog makes it recompute the earliest deadline.
    timer_.cancel();
}

awaitable<void> Link::watchdog() {
    auto self = shared_from_this();
    while (!closed_) {
        auto due = std::chrono::steady_clock::time_point::max();
        if (protocol_due_) due = std::min(due, *protocol_due_);
        if (io_due_) due = std::min(due, *io_due_);
        if (frame_due_) due = std::min(due, *frame_due_);
        timer_.expires_at(due);
        error_code ec;
        co_await timer_.async_wait(asio::redirect_error(use_awaitable, ec));
        if (closed_) break;
        const auto now = std::chrono::steady_clock::now();
        if (io_due_ && *io_due_ <= now) {
            io_due_.reset();
            io_expired_ = true;
            stream_->cancel();
        }
        if (frame_due_ && *frame_due_ <= now) {
            frame_due_.reset();
            frame_expired_ = true;
            stream_->cancel();
        }
        if (protocol_due_ && *protocol_due_ <= now) {
            protocol_due_.reset();
            protocol_fired_ = true;
            if (reading_) stream_->cancel();
        }
    }
}

awaitable<ReadResult> Link::read(char* data, std::size_t size) {
    if (closed_) co_return ReadResult{ReadStatus::closed, 0, {}};
    if (frame_expired_) {
        close();
        co_return ReadResult{ReadStatus::frame_timeout, 0, {}};
    }
    if (protocol_fired_) {
        protocol_fired_ = false;
        co_return ReadResult{ReadStatus::protocol_timer, 0, {}};
    }
    if (timeouts_.idle) {
        io_due_ = std::chrono::steady_clock::now() + *timeouts_.idle;
        reschedule();
    }
    reading_ = true;
    auto [ec, n] = co_await stream_->read_some(data, size);
    reading_ = false;
    if (io_due_) {
        io_due_.reset();
        reschedule();
    }
    if (!ec) {
        if (timeouts_.frame && !frame_due_ && !frame_expired_) {
            frame_due_ = std::chrono::steady_clock::now() + *timeouts_.frame;
            reschedule();
        }
        co_return ReadResult{ReadStatus::data, n, {}};
    }
    if (ec == asio::error::operation_aborted) {
        if (frame_expired_) {
            close();
            co_return ReadResult{ReadStatus::frame_timeout, 0, {}};
        }
        if (io_expired_) {
            close();
            co_return ReadResult{ReadStatus::idle_timeout, 0, {}};
        }
        if (protocol_fired_) {
            protocol_fired_ = false;
            co_return ReadResult{ReadStatus::protocol_timer, 0, {}};
        }
        close();
        co_return ReadResult{ReadStatus::closed, 0, {}};
    }
    close();
    if (ec == asio::error::eof || ec == asio::error::connection_reset) co_return ReadResult{ReadStatus::closed, 0, {}};
    co_return ReadResult{ReadStatus::error, 0, ec.message()};
}

awaitable<bool> Link::write(std::string_view bytes) {
    if (closed_) co_return false;
    io_due_ = std::chrono::steady_clock::now() + timeouts_.write;
    reschedule();
    auto ec = co_await stream_->write_all(bytes);
    io_due_.reset();
    reschedule();
    if (ec || io_expired_) {
        close();
        co_return false;
    }
    co_return true;
}

void Link::arm(std::chrono::milliseconds after) {
    protocol_fired_ = false;
    protocol_due_ = std::chrono::steady_clock::now() + after;
    reschedule();
}

void Link::disarm() {
    protocol_fired_ = false;
    if (protocol_due_) {
        protocol_due_.reset();
        reschedule();
    }
}

void Link::frame_complete() {
    // A frame that ended in the read the deadline cut short still counts as on time.
    frame_expired_ = false;
    if (frame_due_) {
        frame_due_.reset();
        reschedule();
    }
}

void Link::close() {
    if (closed_) return;
    closed_ = true;
    stream_->close();
    timer_.cancel();
}

}  // namespace drivers
