// Polls Modbus TCP and RTU temperature loggers through libmodbus: one context per line
// (device or gateway endpoint, serial bus), a schedule per logger (interval, response
// timeout, retries), every libmodbus call on the runtime's worker pool, the logger's
// register map read with the planned requests.
// Readings are batched to the sink (loggers are not acknowledged, so a batch per flush
// interval costs nothing and spares the store thousands of transactions per second).
// A logger that never answers is marked failed after its retries and tried again later.
#pragma once

#include "drivers/low_descriptors.hpp"
#include "drivers/transport.hpp"

#include <protocols/modbus/read_plan.hpp>
#include <protocols/modbus/register_map.hpp>

#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace drivers {

struct ModbusTcpAddress {
    std::string host;
    int port = 502;  // Modbus Messaging on TCP/IP Implementation Guide v1.0b, 4.1
};
struct ModbusRtuAddress {
    std::string device;
    SerialSettings settings{};
};
using ModbusAddress = std::variant<ModbusTcpAddress, ModbusRtuAddress>;

struct LoggerOptions {
    std::string logger_id;
    ModbusAddress address = ModbusTcpAddress{};
    int unit_id = 1;  // MBAP unit identifier / RTU slave address (1..247)
    protocols::modbus::RegisterMap map{};
    std::string temperature_point{};  // name of the map point read as the temperature; empty: the first point in Cel
    std::chrono::milliseconds interval{60'000};
    // libmodbus's default response timeout is 0.5 s; loggers behind radio gateways need more.
    std::chrono::milliseconds response_timeout{1'000};
    int retries = 2;  // further attempts of a failed request within one poll
    // After a poll failed all its attempts the logger is "failed"; it is polled again after
    // this delay (not every interval: a dead logger must not hold workers every second).
    std::chrono::milliseconds retry_failed_after{30'000};
    protocols::modbus::PlanOptions plan{};
};

// Checks options and picks the temperature point; the error names the logger and field.
std::variant<std::size_t, std::string> temperature_point_index(const LoggerOptions& options);

struct ReadingBatcherOptions {
    std::chrono::milliseconds flush_interval{250};
    std::size_t max_batch = 2'000;
    // Readings kept while the sink is unavailable; beyond it the oldest are dropped and
    // counted (a gateway's outbox is the durable place for long outages).
    std::size_t max_buffered = 200'000;
};

// Collects readings from all pollers and commits them in batches on the worker pool;
// retryable failures put the batch back in front of the buffer for the next flush.
// Every reading added is committed once, refused by the sink, or dropped (buffer full),
// and counted as such.
class ReadingBatcher : public std::enable_shared_from_this<ReadingBatcher> {
public:
    ReadingBatcher(DriverContext ctx, ReadingBatcherOptions options = {});
    void start();
    void add(LoggerReading reading);
    std::size_t buffered() const;  // waiting and in flight
    std::uint64_t committed() const noexcept { return committed_.load(); }
    std::uint64_t dropped() const noexcept { return dropped_.load(); }

private:
    boost::asio::awaitable<void> run();
    DriverContext ctx_;
    ReadingBatcherOptions options_;
    mutable std::mutex mutex_;
    std::deque<LoggerReading> buffer_;  // waiting, oldest first; the batch in flight is not here
    std::size_t in_flight_ = 0;
    std::atomic<std::uint64_t> committed_{0};
    std::atomic<std::uint64_t> dropped_{0};
};

// One Modbus line: a TCP endpoint (a logger, or a gateway to an RS-485 bus of loggers
// told apart by unit id) or a serial port (RTU bus), with one libmodbus context. The
// loggers on it are polled one at a time in the order they fall due, each poll a blocking
// call on the worker pool: a context is not thread-safe, a serial bus carries one request
// at a time, and a dead gateway then holds one worker, not one per logger. Sharing the
// connection per endpoint also keeps a fleet of thousands of loggers to a few sockets.
// libmodbus waits with select(), which cannot watch descriptors at or above FD_SETSIZE:
// the line holds one number below it (low_descriptors.hpp) and puts its socket or serial
// port there; TCP connects are made here, with poll(), not by libmodbus's select().
class ModbusLine : public std::enable_shared_from_this<ModbusLine> {
public:
    static std::shared_ptr<ModbusLine> create(DriverContext ctx, ModbusAddress address,
                                              std::shared_ptr<ReadingBatcher> batcher);
    ~ModbusLine();
    // Adds a logger before start(); the error names the logger and the field.
    std::string add(LoggerOptions options);
    // Takes the descriptor number the line's connection will use, before start(); the
    // error says why there is none (the line cannot run without one).
    std::string hold_descriptor(LowDescriptorPool& pool);
    void start();
    void stop();
    std::size_t loggers() const noexcept { return loggers_.size(); }
    std::vector<std::string> logger_ids() const;
    std::uint64_t polls() const noexcept { return polls_.load(); }

    // One poll of logger `index`, blocking (worker pool only): connects if needed, runs
    // its read plan with retries. Returns the reading or an error text.
    std::variant<LoggerReading, std::string> poll_blocking(std::size_t index);

private:
    ModbusLine(DriverContext ctx, ModbusAddress address, std::shared_ptr<ReadingBatcher> batcher);
    boost::asio::awaitable<void> run();
    bool ensure_connected(std::chrono::milliseconds timeout, std::string& error);
    void drop_connection();

    struct Logger {
        LoggerOptions options;
        protocols::modbus::RegisterMap point_map;  // the temperature point alone: what each poll reads
        std::vector<protocols::modbus::ReadRequest> plan;
    };
    DriverContext ctx_;
    ModbusAddress address_;
    std::shared_ptr<ReadingBatcher> batcher_;
    std::vector<Logger> loggers_;
    std::shared_ptr<StopToken> stop_ = std::make_shared<StopToken>();
    std::mutex modbus_mutex_;  // belt and braces: run() already polls one logger at a time
    void* modbus_ = nullptr;   // modbus_t*, kept out of this header
    std::optional<LowDescriptor> descriptor_;  // the connection's number, below FD_SETSIZE
    std::atomic<std::uint64_t> polls_{0};
};

// Modbus lines one DriverHost runs at most: each holds a descriptor number below
// FD_SETSIZE (1024) for libmodbus's select(). All of them but what a service opens before
// its drivers start (database, listeners, HTTP, logs: well under 64), and never more than
// half of the process's open-file limit (the other half is for its connections and files).
// One line is a gateway endpoint of up to 247 loggers: 960 lines are 200,000 loggers.
inline constexpr std::size_t kMaxModbusLines = 1024 - 64;

// The lines this process can hold: kMaxModbusLines, or half its open-file limit if lower.
// `why` says which bound it is, for the message that refuses a line beyond it.
std::size_t modbus_line_limit(std::string* why = nullptr);

// "tcp:host:port" or "rtu:/dev/ttyX": loggers with the same key share a line.
std::string line_key(const ModbusAddress& address);

}  // namespace drivers
