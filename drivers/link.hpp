// A byte link to one device (TCP socket or serial port) with the deadlines every driver
// needs: an idle deadline on reads, a deadline on each write, a deadline per frame (from
// its first byte to its last: a peer trickling a byte at a time restarts the idle deadline
// forever, but not this one), and the one protocol timer a codec state machine asks for
// (ASTM receive timer). The ASTM, HL7 and MT-SICS drivers read and write through it from a
// single coroutine; all of it runs on one strand.
#pragma once

#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/serial_port.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace drivers {

// The stream under a Link. Errors are values: the pair's error_code.
class ByteStream {
public:
    virtual ~ByteStream() = default;
    virtual boost::asio::awaitable<std::pair<boost::system::error_code, std::size_t>> read_some(char* data,
                                                                                              std::size_t size) = 0;
    virtual boost::asio::awaitable<boost::system::error_code> write_all(std::string_view bytes) = 0;
    virtual void cancel() = 0;
    virtual void close() = 0;
    virtual boost::asio::any_io_executor executor() = 0;
    virtual std::string peer() const = 0;  // for logs and errors: "127.0.0.1:40123", "/dev/ttyUSB0"
};

std::unique_ptr<ByteStream> make_tcp_stream(boost::asio::ip::tcp::socket socket);
std::unique_ptr<ByteStream> make_serial_stream(boost::asio::serial_port port, std::string device);

// Serial settings written as "9600,8N1" (the default for MT-SICS and most analyzers).
struct SerialSettings {
    unsigned baud = 9600;
    unsigned data_bits = 8;
    char parity = 'N';  // N, E, O
    unsigned stop_bits = 1;
};
std::optional<SerialSettings> parse_serial_settings(std::string_view text);

// Opens and configures a serial port; the error names the device.
std::pair<std::unique_ptr<ByteStream>, std::string> open_serial(boost::asio::any_io_executor executor,
                                                                const std::string& device,
                                                                const SerialSettings& settings);

// Connects to host:port within `timeout`. Returns the stream or an error text.
boost::asio::awaitable<std::pair<std::unique_ptr<ByteStream>, std::string>> connect_tcp(
    boost::asio::any_io_executor executor, std::string host, std::string port, std::chrono::milliseconds timeout);

// "host:port" -> {host, port}; nullopt when there is no port.
std::optional<std::pair<std::string, std::string>> split_host_port(std::string_view address);

enum class ReadStatus {
    data,            // bytes arrived
    protocol_timer,  // the armed protocol timer fired (no bytes)
    idle_timeout,    // nothing arrived within the idle deadline; the link is closed
    frame_timeout,   // a frame begun did not end within the frame deadline; the link is closed
    closed,          // the peer closed, or close() was called
    error,           // transport error; the link is closed
};

struct ReadResult {
    ReadStatus status = ReadStatus::closed;
    std::size_t size = 0;  // bytes placed at the buffer's start
    std::string error;     // transport error text for ReadStatus::error
};

struct LinkTimeouts {
    std::optional<std::chrono::milliseconds> idle{};  // no bytes for this long: give up the link
    std::chrono::milliseconds write{10'000};           // a write that cannot finish (peer not reading)
    // From the first byte read after the last complete frame (Link::frame_complete) to the
    // end of the next: bytes that never make a frame count too. None: no deadline.
    std::optional<std::chrono::milliseconds> frame{};
};

class Link : public std::enable_shared_from_this<Link> {
public:
    static std::shared_ptr<Link> create(std::unique_ptr<ByteStream> stream, LinkTimeouts timeouts);
    ~Link();

    // Must be called once, from the link's executor, before read/write: starts the watchdog.
    void start();

    boost::asio::awaitable<ReadResult> read(char* data, std::size_t size);
    // False when the write timed out or failed; the link is then closed.
    boost::asio::awaitable<bool> write(std::string_view bytes);

    // The codec's timer: one at a time, arming replaces it. When it fires, the pending (or
    // next) read returns ReadStatus::protocol_timer.
    void arm(std::chrono::milliseconds after);
    void disarm();

    // The codec has a whole frame (or message, or reply byte) in hand: the frame deadline
    // stops, and starts again with the next byte read. Called before the frame is committed,
    // so a slow commit never counts against the peer.
    void frame_complete();

    void close();
    bool is_open() const noexcept { return !closed_; }
    boost::asio::any_io_executor executor() { return stream_->executor(); }
    std::string peer() const { return stream_->peer(); }

private:
    Link(std::unique_ptr<ByteStream> stream, LinkTimeouts timeouts);
    boost::asio::awaitable<void> watchdog();
    void reschedule();

    std::unique_ptr<ByteStream> stream_;
    LinkTimeouts timeouts_;
    boost::asio::steady_timer timer_;
    std::optional<std::chrono::steady_clock::time_point> protocol_due_;
    std::optional<std::chrono::steady_clock::time_point> io_due_;
    std::optional<std::chrono::steady_clock::time_point> frame_due_;
    bool protocol_fired_ = false;
    bool io_expired_ = false;
    bool frame_expired_ = false;
    bool reading_ = false;
    bool closed_ = false;
};

}  // namespace drivers
