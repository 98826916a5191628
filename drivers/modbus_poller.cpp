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
#include <cstring>
#include <functional>
#include <map>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

namespace drivers {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
namespace mb = protocols::modbus;

static_assert(kMaxModbusLines + 64 == FD_SETSIZE, "the numbers select() can watch, less a service's own");

std::size_t modbus_line_limit(std::string* why) {
    rlimit limit{};
    std::size_t half = kMaxModbusLines;
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        half = static_cast<std::size_t>(limit.rlim_cur / 2);
    if (half < kMaxModbusLines) {
        if (why)
            *why = "half of the process's open-file limit (" + std::to_string(half * 2) +
                   "; raise it with ulimit -n or LimitNOFILE=)";
        return half;
    }
    if (why) *why = "FD_SETSIZE less 64 (each line holds a descriptor below " + std::to_string(FD_SETSIZE) + ")";
    return kMaxModbusLines;
}

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

// A TCP connection to host:port within `timeout`, or -1 and the error. libmodbus's own
// connect waits with select() on whatever number socket() gave; poll() takes any number.
// The host is an IP address, as modbus_new_tcp() required.
int connect_socket(const ModbusTcpAddress& where, std::chrono::milliseconds timeout, std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const auto port = std::to_string(where.port);
    if (const int rc = ::getaddrinfo(where.host.c_str(), port.c_str(), &hints, &found); rc != 0 || !found) {
        error = "address \"" + where.host + "\" is not an IP address: " + ::gai_strerror(rc);
        return -1;
    }
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, &::freeaddrinfo);
    const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        error = std::string("socket: ") + std::strerror(errno);
        return -1;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // requests are a few bytes each
    int code = 0;
    if (::connect(fd, found->ai_addr, found->ai_addrlen) == -1) {
        code = errno;
        if (code == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            int rc = 0;
            do {
                rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
            } while (rc == -1 && errno == EINTR);
            socklen_t size = sizeof code;
            if (rc == 0) code = ETIMEDOUT;
            else if (rc == -1) code = errno;
            else if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &size) == -1) code = errno;
        }
    }
    if (code != 0) {
        ::close(fd);
        error = std::strerror(code);
        return -1;
    }
    return fd;
}

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
    // Only waiting readings are dropped: the batch in flight is no longer in buffer_.
    if (buffer_.size() >= options_.max_buffered) {
        buffer_.pop_front();
        ++dropped_;
    }
    buffer_.push_back(std::move(reading));
}

std::size_t ReadingBatcher::buffered() const {
    std::lock_guard lock(mutex_);
    return buffer_.size() + in_flight_;
}

awaitable<void> ReadingBatcher::run() {
    auto self = shared_from_this();
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        timer.expires_after(options_.flush_interval);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
        for (;;) {
            // The batch leaves the buffer under the lock: add() may drop the oldest waiting
            // readings meanwhile without touching it, and nothing is erased by position later.
            std::vector<LoggerReading> batch;
            {
                std::lock_guard lock(mutex_);
                const auto n = std::min(buffer_.size(), options_.max_batch);
                const auto end = buffer_.begin() + static_cast<std::ptrdiff_t>(n);
                batch.assign(std::make_move_iterator(buffer_.begin()), std::make_move_iterator(end));
                buffer_.erase(buffer_.begin(), end);
                in_flight_ = batch.size();
            }
            if (batch.empty()) break;
            auto outcome = co_await commit_readings(ctx_, batch);
            auto* failure = std::get_if<CommitFailure>(&outcome);
            if (failure && failure->retryable) {
                const auto kept = batch.size();
                std::size_t trimmed = 0;
                {
                    std::lock_guard lock(mutex_);
                    // Back in front of what arrived meanwhile, in order; beyond the bound the
                    // oldest go, as add() would have dropped them.
                    buffer_.insert(buffer_.begin(), std::make_move_iterator(batch.begin()),
                                   std::make_move_iterator(batch.end()));
                    in_flight_ = 0;
                    while (buffer_.size() > options_.max_buffered) {
                        buffer_.pop_front();
                        ++trimmed;
                    }
                    dropped_ += trimmed;
                }
                ctx_.note("readings", "batch of " + std::to_string(kept) + " kept: " + failure->code + " " +
                                          failure->reason +
                                          (trimmed ? "; " + std::to_string(trimmed) + " oldest dropped (buffer full)"
                                                   : std::string()));
                break;  // try again at the next flush
            }
            {
                std::lock_guard lock(mutex_);
                in_flight_ = 0;
            }
            if (failure) {
                dropped_ += batch.size();
                ctx_.note("readings", "batch refused: " + failure->code + " " + failure->reason);
            } else {
                committed_ += batch.size();
            }
        }
    }
}

// ---------------------------------------------------------------------------------------

std::string line_key(const ModbusAddress& address) {
    if (auto* tcp = std::get_if<ModbusTcpAddress>(&address)) return "tcp:" + tcp->host + ":" + std::to_string(tcp->port);
    return "rtu:" + std::get<ModbusRtuAddress>(address).device;
}

std::shared_ptr<ModbusLine> ModbusLine::create(DriverContext ctx, ModbusAddress address,
                                               std::shared_ptr<ReadingBatcher> batcher) {
    return std::shared_ptr<ModbusLine>(new ModbusLine(std::move(ctx), std::move(address), std::move(batcher)));
}

ModbusLine::ModbusLine(DriverContext ctx, ModbusAddress address, std::shared_ptr<ReadingBatcher> batcher)
    : ctx_(std::move(ctx)), address_(std::move(address)), batcher_(std::move(batcher)) {}

ModbusLine::~ModbusLine() {
    std::lock_guard lock(modbus_mutex_);
    drop_connection();
}

std::string ModbusLine::add(LoggerOptions options) {
    auto point = temperature_point_index(options);
    if (auto* error = std::get_if<std::string>(&point)) return *error;
    Logger logger;
    logger.point_map.name = options.map.name;
    logger.point_map.points.push_back(options.map.points[std::get<std::size_t>(point)]);
    logger.plan = mb::plan_reads(logger.point_map, options.plan);
    ctx_.states->add(options.logger_id, "modbus");
    logger.options = std::move(options);
    loggers_.push_back(std::move(logger));
    return {};
}

std::string ModbusLine::hold_descriptor(LowDescriptorPool& pool) {
    std::lock_guard lock(modbus_mutex_);
    if (descriptor_) return {};
    auto taken = pool.take();
    if (auto* error = std::get_if<std::string>(&taken)) return *error;
    descriptor_.emplace(std::get<LowDescriptor>(std::move(taken)));
    return {};
}

std::vector<std::string> ModbusLine::logger_ids() const {
    std::vector<std::string> ids;
    for (const auto& l : loggers_) ids.push_back(l.options.logger_id);
    return ids;
}

void ModbusLine::start() {
    asio::co_spawn(asio::make_strand(ctx_.runtime->io()), [self = shared_from_this()] { return self->run(); },
                   asio::detached);
}

void ModbusLine::stop() {
    stop_->stopping = true;
    for (const auto& l : loggers_) ctx_.states->set(l.options.logger_id, DeviceState::stopped);
}

void ModbusLine::drop_connection() {
    if (!modbus_) return;
    auto* ctx = as_modbus(modbus_);
    if (descriptor_ && modbus_get_socket(ctx) == descriptor_->number()) {
        // libmodbus's close restores an RTU port's line settings and shuts a TCP socket down,
        // then closes the number it has: give it a copy, and vacate the line's own number in
        // one step, so no other thread's open() takes it meanwhile. Without a copy (no
        // descriptor left) vacating closes the connection all the same.
        const int copy = ::fcntl(descriptor_->number(), F_DUPFD_CLOEXEC, 0);
        modbus_set_socket(ctx, copy);
        descriptor_->vacate();
    }
    modbus_close(ctx);
    modbus_free(ctx);
    modbus_ = nullptr;
}

bool ModbusLine::ensure_connected(std::chrono::milliseconds timeout, std::string& error) {
    if (modbus_) return true;
    if (!descriptor_) {
        error = "no descriptor below FD_SETSIZE held for this line (ModbusLine::hold_descriptor)";
        return false;
    }
    modbus_t* ctx = nullptr;
    int fd = -1;
    if (auto* tcp = std::get_if<ModbusTcpAddress>(&address_)) {
        // The context only frames requests and reads answers: the socket is ours.
        ctx = modbus_new_tcp(nullptr, tcp->port);
        if (!ctx) {
            error = std::string("modbus context: ") + modbus_strerror(errno);
            return false;
        }
        ModbusTcpAddress where = *tcp;
        if (ctx_.policy) {
            // lims.drivers.allow, checked again now (drivers-b, issue 15 item 8): whatever
            // the store says, and a host name that resolves elsewhere since, reach nothing else.
            auto allowed = allowed_address(ctx_.policy->allow, tcp->host, static_cast<std::uint16_t>(tcp->port));
            if (auto* why = std::get_if<std::string>(&allowed)) {
                error = *why;
                modbus_free(ctx);
                return false;
            }
            where.host = std::get<boost::asio::ip::address>(allowed).to_string();
        }
        fd = connect_socket(where, timeout, error);
        if (fd == -1) {
            error = "connect " + line_key(address_) + ": " + error;
            modbus_free(ctx);
            return false;
        }
    } else {
        const auto& rtu = std::get<ModbusRtuAddress>(address_);
        ctx = modbus_new_rtu(rtu.device.c_str(), static_cast<int>(rtu.settings.baud), rtu.settings.parity,
                             static_cast<int>(rtu.settings.data_bits), static_cast<int>(rtu.settings.stop_bits));
        if (!ctx) {
            error = std::string("modbus context: ") + modbus_strerror(errno);
            return false;
        }
        // Opening a serial port waits for nothing; reading it does, with select().
        if (modbus_connect(ctx) == -1) {
            error = "connect " + line_key(address_) + ": " + modbus_strerror(errno);
            modbus_free(ctx);
            return false;
        }
        fd = modbus_get_socket(ctx);
    }
    if (auto moved = descriptor_->adopt(fd); !moved.empty()) {
        // adopt() closed fd; an RTU port's settings are not restored (nothing reads it now).
        modbus_set_socket(ctx, -1);
        modbus_free(ctx);
        error = "connect " + line_key(address_) + ": " + moved;
        return false;
    }
    modbus_set_socket(ctx, descriptor_->number());
    modbus_ = ctx;
    return true;
}

std::variant<LoggerReading, std::string> ModbusLine::poll_blocking(std::size_t index) {
    std::lock_guard lock(modbus_mutex_);
    const auto& logger = loggers_.at(index);
    const auto& options = logger.options;
    const auto polled_at = ctx_.now();
    std::vector<mb::RegisterBlock> blocks;
    std::string error;
    for (const auto& request : logger.plan) {
        bool done = false;
        for (int attempt = 0; attempt <= options.retries && !done; ++attempt) {
            if (!ensure_connected(options.response_timeout, error)) continue;
            auto* ctx = as_modbus(modbus_);
            modbus_set_slave(ctx, options.unit_id);
            const auto timeout = options.response_timeout;
            modbus_set_response_timeout(ctx, static_cast<std::uint32_t>(timeout.count() / 1000),
                                        static_cast<std::uint32_t>((timeout.count() % 1000) * 1000));
            mb::RegisterBlock block{request.function, request.start, std::vector<std::uint16_t>(request.count)};
            int rc = -1;
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
            error = "unit " + std::to_string(options.unit_id) + " " + std::string(mb::to_string(request.function)) +
                    " " + std::to_string(request.start) + "+" + std::to_string(request.count) + ": " +
                    modbus_strerror(code);
            if (is_exception_response(code)) return "modbus exception: " + error;
            if (code == ETIMEDOUT || code == EMBBADDATA || code == EMBBADCRC) {
                // The line is fine, the unit was slow or silent: discard whatever half or
                // late answer is pending so it is not taken for the next request's.
                modbus_flush(ctx);
            } else {
                drop_connection();
            }
        }
        if (!done) return error;
    }
    auto readings = mb::decode_map(logger.point_map, blocks);
    const auto& r = readings.front();
    LoggerReading reading;
    reading.logger_code = options.logger_id;
    reading.at_utc_seconds = std::chrono::duration_cast<std::chrono::seconds>(polled_at.time_since_epoch()).count();
    if (r.quality == mb::Quality::good && r.value) {
        reading.centi_celsius = static_cast<std::int32_t>(std::llround(*r.value * 100.0));
    } else if (r.quality == mb::Quality::not_read) {
        return std::string("point not covered by the registers read");
    }
    return reading;
}

awaitable<void> ModbusLine::run() {
    auto self = shared_from_this();
    asio::steady_timer timer(co_await asio::this_coro::executor);
    using clock = std::chrono::steady_clock;
    // Due times, earliest first. First polls are spread over each logger's interval so a
    // fleet does not poll in lock step.
    std::multimap<clock::time_point, std::size_t> due;
    const auto origin = clock::now();
    for (std::size_t i = 0; i < loggers_.size(); ++i) {
        const auto& o = loggers_[i].options;
        const auto spread = static_cast<std::size_t>(o.interval.count());
        due.emplace(origin + std::chrono::milliseconds(std::hash<std::string>{}(o.logger_id) % spread), i);
    }
    while (!stop_->stopping && !due.empty()) {
        auto first = due.begin();
        auto next = first->first;
        const auto index = first->second;
        due.erase(first);
        const auto& options = loggers_[index].options;
        const auto& id = options.logger_id;
        timer.expires_at(next);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
        if (stop_->stopping) break;
        const auto now = clock::now();
        if (now - next >= options.interval) {
            // Slots that passed while earlier polls on this line ran long.
            const auto late = (now - next) / options.interval;
            ctx_.states->count_missed(id, static_cast<std::uint64_t>(late));
            next += late * options.interval;
        }
        ctx_.states->set(id, DeviceState::receiving);
        // Named lambda: GCC 12 mishandles a temporary lambda inside co_await.
        auto poll = [self, index] { return self->poll_blocking(index); };
        auto result = co_await ctx_.runtime->run_blocking(std::move(poll));
        ++polls_;
        if (auto* reading = std::get_if<LoggerReading>(&result)) {
            if (!reading->centi_celsius) ctx_.states->count_failure(id, "sensor fault value read");
            batcher_->add(std::move(*reading));
            ctx_.states->count_message(id);
            ctx_.states->set(id, DeviceState::connected);
            due.emplace(next + options.interval, index);
        } else {
            const auto& error = std::get<std::string>(result);
            ctx_.states->count_failure(id, error);
            ctx_.states->set_error(id, DeviceState::failed,
                                   error + " (after " + std::to_string(options.retries + 1) + " attempts)");
            due.emplace(clock::now() + options.retry_failed_after, index);
        }
    }
}

}  // namespace drivers
