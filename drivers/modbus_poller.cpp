#include "drivers/modbus_poller.hpp"

#include <protocols/modbus/decode.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <modbus.h>

#include <cerrno>
#include <cmath>
#include <functional>

namespace drivers {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
namespace mb = protocols::modbus;

namespace {

// Modbus Application Protocol v1.1b3, 4.2: unit/slave addresses 1..247 (0 is broadcast).
constexpr int kMaxUnitId = 247;

bool celsius_unit(std::string_view unit) {
    return unit.empty() || unit == "Cel" || unit == "C" || unit == "degC" || unit == "\xC2\xB0" "C";
}

modbus_t* as_modbus(void* p) { return static_cast<modbus_t*>(p); }

// The device answered with a Modbus exception (illegal address, function, ...): asking
// again or reconnecting will not change its mind.
bool is_exception_response(int error) { return error >= EMBXILFUN && error <= EMBXGTAR; }

}  // namespace

std::variant<std::size_t, std::string> temperature_point_index(const LoggerOptions& o) {
    const std::string who = "logger " + o.logger_id + ": ";
    if (o.logger_id.empty()) return std::string("logger without an id");
    if (o.unit_id < 0 || o.unit_id > kMaxUnitId)
        return who + "unit_id " + std::to_string(o.unit_id) + " is outside 0..247";
    if (o.interval.count() <= 0) return who + "interval must be positive";
    if (o.response_timeout.count() <= 0) return who + "timeout must be positive";
    if (o.retries < 0) return who + "retries must not be negative";
    if (auto errors = mb::validate(o.map); !errors.empty()) {
        const auto& e = errors.front();
        return who + "register map " + o.map.name + ": point " + e.point + " field " + e.field + ": " + e.message;
    }
    for (std::size_t i = 0; i < o.map.points.size(); ++i) {
        const auto& p = o.map.points[i];
        if (mb::is_bit_table(p.function)) continue;
        if (o.temperature_point.empty() ? p.unit == "Cel" : p.name == o.temperature_point) {
            if (!celsius_unit(p.unit))
                return who + "point " + p.name + " has unit \"" + p.unit + "\", expected Cel";
            return i;
        }
    }
    return who + (o.temperature_point.empty() ? std::string("register map has no point in Cel")
                                              : "register map has no register point \"" + o.temperature_point + "\"");
}

// ---------------------------------------------------------------------------------------

ReadingBatcher::ReadingBatcher(DriverContext ctx, ReadingBatcherOptions options)
    : ctx_(std::move(ctx)), options_(options) {}

void ReadingBatcher::start() {
    asio::co_spawn(asio::make_strand(ctx_.runtime->io()), [self = shared_from_this()] { return self->run(); },
                   asio::detached);
}

void ReadingBatcher::add(LoggerReading reading) {
    std::lock_guard lock(mutex_);
    if (buffer_.size() >= options_.max_buffered) {
        buffer_.pop_front();
        ++dropped_;
    }
    buffer_.push_back(std::move(reading));
}

std::size_t ReadingBatcher::buffered() const {
    std::lock_guard lock(mutex_);
    return buffer_.size();
}

awaitable<void> ReadingBatcher::run() {
    auto self = shared_from_this();
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        timer.expires_after(options_.flush_interval);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
        for (;;) {
            std::vector<LoggerReading> batch;
            {
                std::lock_guard lock(mutex_);
                const auto n = std::min(buffer_.size(), options_.max_batch);
                batch.assign(std::make_move_iterator(buffer_.begin()), std::make_move_iterator(buffer_.begin() + n));
            }
            if (batch.empty()) break;
            auto outcome = co_await commit_readings(ctx_, batch);
            if (auto* failure = std::get_if<CommitFailure>(&outcome); failure && failure->retryable) {
                ctx_.note("readings", "batch of " + std::to_string(batch.size()) + " kept: " + failure->code + " " +
                                          failure->reason);
                break;  // try again at the next flush; readings stay buffered in order
            }
            {
                std::lock_guard lock(mutex_);
                buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(batch.size()));
            }
            if (auto* failure = std::get_if<CommitFailure>(&outcome)) {
                dropped_ += batch.size();
                ctx_.note("readings", "batch refused: " + failure->code + " " + failure->reason);
            } else {
                committed_ += batch.size();
            }
        }
    }
}

// ---------------------------------------------------------------------------------------

std::variant<std::shared_ptr<ModbusPoller>, std::string> ModbusPoller::create(DriverContext ctx, LoggerOptions options,
                                                                              std::shared_ptr<ReadingBatcher> batcher) {
    auto point = temperature_point_index(options);
    if (auto* error = std::get_if<std::string>(&point)) return *error;
    return std::shared_ptr<ModbusPoller>(
        new ModbusPoller(std::move(ctx), std::move(options), std::get<std::size_t>(point), std::move(batcher)));
}

ModbusPoller::ModbusPoller(DriverContext ctx, LoggerOptions options, std::size_t point,
                           std::shared_ptr<ReadingBatcher> batcher)
    : ctx_(std::move(ctx)), options_(std::move(options)), point_(point), batcher_(std::move(batcher)) {
    point_map_.name = options_.map.name;
    point_map_.points.push_back(options_.map.points[point_]);
    plan_ = mb::plan_reads(point_map_, options_.plan);
    ctx_.states->add(options_.logger_id, "modbus");
}

ModbusPoller::~ModbusPoller() {
    std::lock_guard lock(modbus_mutex_);
    drop_connection();
}

void ModbusPoller::start() {
    asio::co_spawn(asio::make_strand(ctx_.runtime->io()), [self = shared_from_this()] { return self->run(); },
                   asio::detached);
}

void ModbusPoller::stop() {
    stop_->stopping = true;
    ctx_.states->set(options_.logger_id, DeviceState::stopped);
}

void ModbusPoller::drop_connection() {
    if (!modbus_) return;
    modbus_close(as_modbus(modbus_));
    modbus_free(as_modbus(modbus_));
    modbus_ = nullptr;
}

bool ModbusPoller::ensure_connected(std::string& error) {
    if (modbus_) return true;
    modbus_t* ctx = nullptr;
    if (auto* tcp = std::get_if<ModbusTcpAddress>(&options_.address)) {
        ctx = modbus_new_tcp(tcp->host.c_str(), tcp->port);
    } else {
        const auto& rtu = std::get<ModbusRtuAddress>(options_.address);
        ctx = modbus_new_rtu(rtu.device.c_str(), static_cast<int>(rtu.settings.baud), rtu.settings.parity,
                             static_cast<int>(rtu.settings.data_bits), static_cast<int>(rtu.settings.stop_bits));
    }
    if (!ctx) {
        error = std::string("modbus context: ") + modbus_strerror(errno);
        return false;
    }
    const auto timeout = options_.response_timeout;
    modbus_set_response_timeout(ctx, static_cast<std::uint32_t>(timeout.count() / 1000),
                                static_cast<std::uint32_t>((timeout.count() % 1000) * 1000));
    modbus_set_slave(ctx, options_.unit_id);
    if (modbus_connect(ctx) == -1) {
        error = std::string("connect: ") + modbus_strerror(errno);
        modbus_free(ctx);
        return false;
    }
    modbus_ = ctx;
    return true;
}

std::variant<LoggerReading, std::string> ModbusPoller::poll_blocking() {
    std::lock_guard lock(modbus_mutex_);
    const auto polled_at = std::chrono::system_clock::now();
    std::vector<mb::RegisterBlock> blocks;
    std::string error;
    for (const auto& request : plan_) {
        bool done = false;
        for (int attempt = 0; attempt <= options_.retries && !done; ++attempt) {
            if (!ensure_connected(error)) continue;
            mb::RegisterBlock block{request.function, request.start, std::vector<std::uint16_t>(request.count)};
            int rc = -1;
            auto* ctx = as_modbus(modbus_);
            switch (request.function) {
                case mb::Function::holding_registers:
                    rc = modbus_read_registers(ctx, request.start, request.count, block.values.data());
                    break;
                case mb::Function::input_registers:
                    rc = modbus_read_input_registers(ctx, request.start, request.count, block.values.data());
                    break;
                case mb::Function::coils:
                case mb::Function::discrete_inputs: {
                    std::vector<std::uint8_t> bits(request.count);
                    rc = request.function == mb::Function::coils
                             ? modbus_read_bits(ctx, request.start, request.count, bits.data())
                             : modbus_read_input_bits(ctx, request.start, request.count, bits.data());
                    for (std::size_t i = 0; i < bits.size(); ++i) block.values[i] = bits[i];
                    break;
                }
            }
            if (rc == request.count) {
                blocks.push_back(std::move(block));
                done = true;
                break;
            }
            const int code = errno;
            error = std::string(mb::to_string(request.function)) + " " + std::to_string(request.start) + "+" +
                    std::to_string(request.count) + ": " + modbus_strerror(code);
            if (is_exception_response(code)) return "modbus exception: " + error;
            // A late answer to a timed-out request would be taken for the next one's:
            // start the retry on a fresh connection.
            drop_connection();
        }
        if (!done) return error;
    }
    auto readings = mb::decode_map(point_map_, blocks);
    const auto& r = readings.front();
    LoggerReading reading;
    reading.logger_code = options_.logger_id;
    reading.at_utc_seconds = std::chrono::duration_cast<std::chrono::seconds>(polled_at.time_since_epoch()).count();
    if (r.quality == mb::Quality::good && r.value) {
        reading.centi_celsius = static_cast<std::int32_t>(std::llround(*r.value * 100.0));
    } else if (r.quality == mb::Quality::not_read) {
        return std::string("point not covered by the registers read");
    }
    return reading;
}

awaitable<void> ModbusPoller::run() {
    auto self = shared_from_this();
    const auto& id = options_.logger_id;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    // Spread first polls over one interval so a fleet does not poll in lock step.
    const auto offset = std::chrono::milliseconds(
        static_cast<long long>(std::hash<std::string>{}(id) % static_cast<std::size_t>(options_.interval.count())));
    auto next = std::chrono::steady_clock::now() + offset;
    while (!stop_->stopping) {
        timer.expires_at(next);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
        if (stop_->stopping) break;
        const auto now = std::chrono::steady_clock::now();
        if (now - next >= options_.interval) {
            // Slots that passed while the previous poll ran or the pool was saturated.
            const auto late = (now - next) / options_.interval;
            ctx_.states->count_missed(id, static_cast<std::uint64_t>(late));
            next += late * options_.interval;
        }
        ctx_.states->set(id, DeviceState::receiving);
        auto result = co_await ctx_.runtime->run_blocking([self] { return self->poll_blocking(); });
        ++polls_;
        if (auto* reading = std::get_if<LoggerReading>(&result)) {
            if (!reading->centi_celsius) ctx_.states->count_failure(id, "sensor fault value read");
            batcher_->add(std::move(*reading));
            ctx_.states->count_message(id);
            ctx_.states->set(id, DeviceState::connected);
            next += options_.interval;
        } else {
            const auto& error = std::get<std::string>(result);
            ctx_.states->count_failure(id, error);
            ctx_.states->set_error(id, DeviceState::failed,
                                   error + " (after " + std::to_string(options_.retries + 1) + " attempts)");
            next = std::chrono::steady_clock::now() + options_.retry_failed_after;
        }
    }
}

}  // namespace drivers
