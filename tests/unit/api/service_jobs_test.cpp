#include "lims/api/service_jobs.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>
#include <Poco/StreamChannel.h>

#include <gtest/gtest.h>

#include <atomic>
#include <sstream>
#include <thread>

using namespace lims;
using namespace std::chrono_literals;

namespace {

Poco::Logger& captured_logger(std::ostringstream& out) {
    Poco::Logger& logger = Poco::Logger::get("service_jobs_test");
    logger.setChannel(Poco::AutoPtr<Poco::StreamChannel>(new Poco::StreamChannel(out)));
    logger.setLevel(Poco::Message::PRIO_INFORMATION);
    return logger;
}

template <typename Condition>
bool eventually(Condition condition) {
    for (int i = 0; i < 6000; ++i) {  // up to a minute: generous on a loaded machine
        if (condition()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return condition();
}

}  // namespace

TEST(ServiceJobs, EachJobRunsAtStartThenEveryPeriodAndFailuresAreLoggedAndRetried) {
    std::ostringstream log;
    std::atomic<int> quick{0}, failing{0}, slow{0};
    api::ServiceJobs jobs(
        {
            {"quick", 5ms, [&]() -> domain::Result<std::string> { ++quick; return std::string("did it"); }},
            {"failing", 5ms,
             [&]() -> domain::Result<std::string> {
                 ++failing;
                 return domain::Error{"test.broken", "the store is away"};
             }},
            {"slow", std::chrono::hours(1), [&]() -> domain::Result<std::string> { ++slow; return std::string(); }},
        },
        captured_logger(log));
    jobs.start();
    ASSERT_TRUE(eventually([&] { return quick >= 3 && failing >= 3; }));
    jobs.stop();
    EXPECT_EQ(slow.load(), 1);  // at start only: its period has not come round
    EXPECT_EQ(jobs.runs("slow"), 1u);
    EXPECT_GE(jobs.runs("failing"), 3u);
    EXPECT_NE(log.str().find("quick: did it"), std::string::npos) << log.str();
    EXPECT_NE(log.str().find("failing failed"), std::string::npos) << log.str();
    EXPECT_NE(log.str().find("the store is away"), std::string::npos) << log.str();
    const int after_stop = quick.load();
    std::this_thread::sleep_for(30ms);
    EXPECT_EQ(quick.load(), after_stop);  // nothing runs after stop()
}

TEST(ServiceJobs, AJobThatThrowsIsLoggedAndTheOthersGoOn) {
    std::ostringstream log;
    std::atomic<int> others{0};
    api::ServiceJobs jobs({{"throws", 5ms, []() -> domain::Result<std::string> { throw std::runtime_error("boom"); }},
                           {"other", 5ms, [&]() -> domain::Result<std::string> { ++others; return std::string(); }}},
                          captured_logger(log));
    jobs.start();
    ASSERT_TRUE(eventually([&] { return others >= 3 && jobs.runs("throws") >= 2; }));
    jobs.stop();
    EXPECT_NE(log.str().find("threw: boom"), std::string::npos) << log.str();
}

TEST(ServiceJobs, StopReturnsPromptlyWhileWaitingForALongPeriod) {
    std::ostringstream log;
    api::ServiceJobs jobs({{"daily", std::chrono::hours(24), []() -> domain::Result<std::string> { return std::string(); }}},
                          captured_logger(log));
    jobs.start();
    ASSERT_TRUE(eventually([&] { return jobs.runs("daily") == 1; }));
    jobs.stop();  // would hang for a day if the wait ignored stop()
    EXPECT_EQ(jobs.runs("daily"), 1u);
}
