// Polls Modbus TCP and RTU temperature loggers through libmodbus: one context per logger,
// a schedule per logger (interval, response timeout, retries), every libmodbus call on
// the runtime's worker pool, the logger's register map read with the planned requests.
// Readings are batched to the sink (loggers are not acknowledged, so a batch per flush
// interval costs nothing and spares the store thousands of transactions per second).
// A logger that never answers is marked failed after its retries and tried again later.
#pragma once

#include "drivers/transport.hpp"

#include <protocols/modbus/read_plan.hpp>
#include <protocols/modbus/register_map.hpp>

#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <memory>
#include <mutex>
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
// retryable failures keep the batch for the next flush.
class ReadingBatcher : public std::enable_shared_from_this<ReadingBatcher> {
public:
    ReadingBatcher(DriverContext ctx, ReadingBatcherOptions options = {});
    void start();
    void add(LoggerReading reading);
    std::size_t buffered() const;
    std::uint64_t committed() const noexcept { return committed_.load(); }
    std::uint64_t dropped() const noexcept { return dropped_.load(); }

private:
    boost::asio::awaitable<void> run();
    DriverContext ctx_;
    ReadingBatcherOptions options_;
    mutable std::mutex mutex_;
    std::deque<LoggerReading> buffer_;
    std::atomic<std::uint64_t> committed_{0};
    std::atomic<std::uint64_t> dropped_{0};
};

class ModbusPoller : public std::enable_shared_from_this<ModbusPoller> {
public:
    static std::variant<std::shared_ptr<ModbusPoller>, std::string> create(DriverContext ctx, LoggerOptions options,
                                                                           std::shared_ptr<ReadingBatcher> batcher);
    ~ModbusPoller();
    void start();
    void stop();
    std::uint64_t polls() const noexcept { return polls_.load(); }

    // One poll, blocking (worker pool only): connects if needed, runs the plan with
    // retries. Returns the reading or an error text.
    std::variant<LoggerReading, std::string> poll_blocking();

private:
    ModbusPoller(DriverContext ctx, LoggerOptions options, std::size_t point, std::shared_ptr<ReadingBatcher> batcher);
    boost::asio::awaitable<void> run();
    bool ensure_connected(std::string& error);
    void drop_connection();

    DriverContext ctx_;
    LoggerOptions options_;
    std::size_t point_;
    protocols::modbus::RegisterMap point_map_;  // the temperature point alone: what each poll reads
    std::vector<protocols::modbus::ReadRequest> plan_;
    std::shared_ptr<ReadingBatcher> batcher_;
    std::shared_ptr<StopToken> stop_ = std::make_shared<StopToken>();
    std::mutex modbus_mutex_;  // a libmodbus context is used by one thread at a time
    void* modbus_ = nullptr;   // modbus_t*, kept out of this header
    std::atomic<std::uint64_t> polls_{0};
};

}  // namespace drivers
