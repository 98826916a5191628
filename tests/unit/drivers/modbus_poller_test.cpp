// ReadingBatcher, the Modbus pollers' way to the sink: every reading added is committed
// exactly once with its logger, time and value, or dropped and counted; a retryable
// failure and a full buffer during a slow commit are the two ways it used to lose them.
#include "drivers/device_state.hpp"
#include "drivers/modbus_poller.hpp"
#include "drivers/runtime.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <ostream>
#include <thread>

namespace drivers {
// Readable failures: "LOGGER-1@1780000001=401".
inline void PrintTo(const LoggerReading& r, std::ostream* os) {
    *os << (r.logger_code.empty() ? "<no logger>" : r.logger_code) << '@' << r.at_utc_seconds << '='
        << (r.centi_celsius ? std::to_string(*r.centi_celsius) : "fault");
}
}  // namespace drivers

namespace {

using drivers::LoggerReading;
using Readings = std::vector<LoggerReading>;

// Records every batch handed to it (no idempotency: a reading committed twice shows twice).
// It can fail retryably on its next N commits, and hold a commit until released.
class RecordingSink : public drivers::IngestSink {
public:
    drivers::CommitOutcome commit_message(const drivers::InstrumentMessage&) override {
        return drivers::CommitFailure{"test.unused", "no messages here", false};
    }
    drivers::CommitOutcome commit_readings(const Readings& readings) override {
        std::unique_lock lock(mutex_);
        ++commits_in_flight_;
        changed_.notify_all();
        changed_.wait(lock, [&] { return !held_; });
        --commits_in_flight_;
        seen_.push_back(readings);
        if (fail_next_ > 0) {
            --fail_next_;
            changed_.notify_all();
            return drivers::CommitFailure{"ingest.unavailable", "test: database is busy", true};
        }
        committed_.insert(committed_.end(), readings.begin(), readings.end());
        changed_.notify_all();
        return drivers::CommitReceipt{readings.size(), 0, 0};
    }

    void fail_next(int n) {
        std::lock_guard lock(mutex_);
        fail_next_ = n;
    }
    void hold() {
        std::lock_guard lock(mutex_);
        held_ = true;
    }
    void release() {
        std::lock_guard lock(mutex_);
        held_ = false;
        changed_.notify_all();
    }
    // Until a commit has entered the sink and waits there.
    bool wait_for_held_commit() {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(30), [&] { return commits_in_flight_ > 0; });
    }
    Readings committed() const {
        std::lock_guard lock(mutex_);
        return committed_;
    }
    std::vector<Readings> seen() const {
        std::lock_guard lock(mutex_);
        return seen_;
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    int fail_next_ = 0;
    bool held_ = false;
    int commits_in_flight_ = 0;
    std::vector<Readings> seen_;
    Readings committed_;
};

bool wait_for(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return condition();
}

// Reading i: its own logger, time and value, so a moved-from or misplaced one shows.
LoggerReading reading(int i) {
    return LoggerReading{"LOGGER-" + std::to_string(i % 3), 1'780'000'000 + i, 400 + i};
}
Readings readings(int from, int to) {  // [from, to)
    Readings out;
    for (int i = from; i < to; ++i) out.push_back(reading(i));
    return out;
}
Readings concat(Readings a, const Readings& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

class ReadingBatcherTest : public ::testing::Test {
protected:
    void start(std::size_t max_batch, std::size_t max_buffered) {
        ctx.runtime = &runtime;
        ctx.sink = &sink;
        ctx.states = &states;
        ctx.log = [this](std::string_view, std::string_view line) {
            std::lock_guard lock(log_mutex);
            log.emplace_back(line);
        };
        batcher = std::make_shared<drivers::ReadingBatcher>(
            ctx, drivers::ReadingBatcherOptions{std::chrono::milliseconds(5), max_batch, max_buffered});
    }
    void add(const Readings& rs) {
        for (const auto& r : rs) batcher->add(r);
    }
    // Every reading added has been committed or dropped, and none waits.
    bool settled(std::uint64_t added) {
        return wait_for([&] {
            return batcher->buffered() == 0 && batcher->committed() + batcher->dropped() == added;
        });
    }
    void TearDown() override {
        sink.release();
        runtime.stop();
    }

    drivers::StateBoard states;
    RecordingSink sink;
    std::mutex log_mutex;
    std::vector<std::string> log;
    // After what the coroutines use (board, sink, log): destroyed first, with their frames.
    drivers::Runtime runtime;
    drivers::DriverContext ctx;
    std::shared_ptr<drivers::ReadingBatcher> batcher;
};

TEST_F(ReadingBatcherTest, RetryableFailureCommitsEveryReadingOnceWithItsLoggerTimeAndValue) {
    start(4, 100);
    sink.fail_next(1);  // the database is busy once
    add(readings(0, 10));
    batcher->start();
    ASSERT_TRUE(settled(10)) << batcher->committed() << " committed, " << batcher->dropped() << " dropped";
    EXPECT_EQ(sink.committed(), readings(0, 10));
    EXPECT_EQ(batcher->committed(), 10u);
    EXPECT_EQ(batcher->dropped(), 0u);
    // The failed batch was offered again as it was, not as emptied readings.
    const auto seen = sink.seen();
    ASSERT_GE(seen.size(), 2u);
    EXPECT_EQ(seen[0], readings(0, 4));
    EXPECT_EQ(seen[1], readings(0, 4));
    std::lock_guard lock(log_mutex);
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log.front(), "batch of 4 kept: ingest.unavailable test: database is busy");
}

TEST_F(ReadingBatcherTest, FullBufferDuringSlowCommitDropsOnlyTheOldestWaitingReadingsAndCountsThem) {
    start(4, 10);
    sink.hold();
    add(readings(0, 10));  // full
    batcher->start();
    ASSERT_TRUE(sink.wait_for_held_commit());  // 0..3 in flight, 4..9 waiting
    add(readings(10, 18));                     // 14 waiting is 4 too many: 4..7 go
    EXPECT_EQ(batcher->dropped(), 4u);
    sink.release();
    ASSERT_TRUE(settled(18));
    EXPECT_EQ(sink.committed(), concat(readings(0, 4), readings(8, 18)));
    EXPECT_EQ(batcher->committed(), 14u);
    EXPECT_EQ(batcher->dropped(), 4u);
    EXPECT_EQ(batcher->committed() + batcher->dropped(), 18u);
}

TEST_F(ReadingBatcherTest, RetryableFailureOfASlowCommitWhileTheBufferFilledTrimsTheOldestAndCountsThem) {
    start(4, 10);
    sink.hold();
    sink.fail_next(1);
    add(readings(0, 10));
    batcher->start();
    ASSERT_TRUE(sink.wait_for_held_commit());  // 0..3 in flight
    add(readings(10, 18));                     // 4..7 dropped while waiting
    sink.release();                            // 0..3 fail, go back in front and are the oldest beyond 10
    ASSERT_TRUE(settled(18));
    EXPECT_EQ(sink.committed(), readings(8, 18));
    EXPECT_EQ(batcher->committed(), 10u);
    EXPECT_EQ(batcher->dropped(), 8u);
    // No reading was offered after a successful commit of it, and none twice successfully.
    const auto committed = sink.committed();
    for (std::size_t i = 0; i < committed.size(); ++i)
        for (std::size_t j = i + 1; j < committed.size(); ++j) EXPECT_FALSE(committed[i] == committed[j]) << i;
    std::lock_guard lock(log_mutex);
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log.front(),
              "batch of 4 kept: ingest.unavailable test: database is busy; 4 oldest dropped (buffer full)");
}

}  // namespace
