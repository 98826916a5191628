// An in-memory IngestSink for the drivers' integration tests: idempotent like the real one
// (by instrument and raw bytes; by logger and time), and able to fail on purpose
// (retryable "store busy" for the next N commits, or refuse everything).
// Also: wait_for(), which polls a condition with a generous deadline (no timing luck), and
// trickle(), a peer that sends a byte at a time and reports when the listener hung up.
#pragma once

#include "drivers/ingest_sink.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace drivers_test {

class MemorySink : public drivers::IngestSink {
public:
    drivers::CommitOutcome commit_message(const drivers::InstrumentMessage& message) override {
        std::lock_guard lock(mutex_);
        ++message_attempts_;
        if (fail_next_ > 0) {
            --fail_next_;
            return drivers::CommitFailure{"ingest.unavailable", "test: store busy", true};
        }
        if (refuse_) return drivers::CommitFailure{"ingest.refused", "test: instrument not accepted", false};
        if (!seen_.insert(message.instrument_code + '\n' + message.raw).second)
            return drivers::CommitReceipt{0, message.observations.size(), 0};
        messages_.push_back(message);
        return drivers::CommitReceipt{message.observations.size(), 0, 0};
    }
    drivers::CommitOutcome commit_readings(const std::vector<drivers::LoggerReading>& readings) override {
        std::lock_guard lock(mutex_);
        if (fail_next_ > 0) {
            --fail_next_;
            return drivers::CommitFailure{"ingest.unavailable", "test: store busy", true};
        }
        drivers::CommitReceipt r;
        for (const auto& reading : readings) {
            if (seen_readings_.insert({reading.logger_code, reading.at_utc_seconds}).second) {
                readings_.push_back(reading);
                ++r.accepted;
            } else {
                ++r.duplicates;
            }
        }
        return r;
    }

    void fail_next(int n) {
        std::lock_guard lock(mutex_);
        fail_next_ = n;
    }
    void refuse(bool on) {
        std::lock_guard lock(mutex_);
        refuse_ = on;
    }
    std::vector<drivers::InstrumentMessage> messages() const {
        std::lock_guard lock(mutex_);
        return messages_;
    }
    std::vector<drivers::LoggerReading> readings() const {
        std::lock_guard lock(mutex_);
        return readings_;
    }
    std::vector<drivers::LoggerReading> readings_of(const std::string& logger) const {
        std::lock_guard lock(mutex_);
        std::vector<drivers::LoggerReading> out;
        for (const auto& r : readings_)
            if (r.logger_code == logger) out.push_back(r);
        return out;
    }
    std::size_t message_attempts() const {
        std::lock_guard lock(mutex_);
        return message_attempts_;
    }

private:
    mutable std::mutex mutex_;
    int fail_next_ = 0;
    bool refuse_ = false;
    std::size_t message_attempts_ = 0;
    std::set<std::string> seen_;
    std::set<std::pair<std::string, std::int64_t>> seen_readings_;
    std::vector<drivers::InstrumentMessage> messages_;
    std::vector<drivers::LoggerReading> readings_;
};

// Polls `condition` every 20 ms for up to `limit` (generous: sanitizer builds on a shared
// 2-core machine are slow). Returns its last value.
inline bool wait_for(const std::function<bool()>& condition, std::chrono::seconds limit = std::chrono::seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return condition();
}

// A hostile or broken peer of a listener on 127.0.0.1:port, from `from` (any address of
// 127/8: loopback holds them all): connects, then sends `bytes` one at a time, `pause`
// apart, for at most `limit`. Returns how long after connecting the listener closed the
// connection (EOF or reset seen), or nullopt when it was still open at the end.
inline std::optional<std::chrono::milliseconds> trickle(std::uint16_t port, std::string_view bytes,
                                                        std::chrono::milliseconds pause, std::chrono::seconds limit,
                                                        const char* from = "127.0.0.1") {
    namespace asio = boost::asio;
    asio::io_context io;
    asio::ip::tcp::socket s(io);
    s.open(asio::ip::tcp::v4());
    s.bind({asio::ip::make_address(from), 0});
    s.connect({asio::ip::make_address("127.0.0.1"), port});
    s.non_blocking(true);
    const auto started = std::chrono::steady_clock::now();
    const auto closed = [&] {
        char c = 0;
        boost::system::error_code ec;
        s.read_some(asio::buffer(&c, 1), ec);
        return ec && ec != asio::error::would_block;
    };
    for (std::size_t i = 0; std::chrono::steady_clock::now() - started < limit; ++i) {
        if (i < bytes.size()) {
            boost::system::error_code ec;
            s.write_some(asio::buffer(bytes.data() + i, 1), ec);
            if (ec && ec != asio::error::would_block) break;
        }
        std::this_thread::sleep_for(pause);
        if (closed()) break;
    }
    if (!closed()) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
}

}  // namespace drivers_test
