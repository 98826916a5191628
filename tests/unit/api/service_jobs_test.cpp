#include "lims/app/service_jobs.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>
#include <Poco/StreamChannel.h>

#include <gtest/gtest.h>

#include <atomic>
#include <map>
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
    app::ServiceJobs jobs(
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
    app::ServiceJobs jobs({{"throws", 5ms, []() -> domain::Result<std::string> { throw std::runtime_error("boom"); }},
                           {"other", 5ms, [&]() -> domain::Result<std::string> { ++others; return std::string(); }}},
                          captured_logger(log));
    jobs.start();
    ASSERT_TRUE(eventually([&] { return others >= 3 && jobs.runs("throws") >= 2; }));
    jobs.stop();
    EXPECT_NE(log.str().find("threw: boom"), std::string::npos) << log.str();
}

TEST(ServiceJobs, StopReturnsPromptlyWhileWaitingForALongPeriod) {
    std::ostringstream log;
    app::ServiceJobs jobs({{"daily", std::chrono::hours(24), []() -> domain::Result<std::string> { return std::string(); }}},
                          captured_logger(log));
    jobs.start();
    ASSERT_TRUE(eventually([&] { return jobs.runs("daily") == 1; }));
    jobs.stop();  // would hang for a day if the wait ignored stop()
    EXPECT_EQ(jobs.runs("daily"), 1u);
}

TEST(ServiceJobs, AJobAnotherNodeHoldsIsSkippedAndCountedAndAFailedClaimIsLogged) {
    std::ostringstream log;
    std::atomic<int> mine{0}, theirs{0}, unknown{0};
    std::atomic<bool> handedOver{false};
    app::ServiceJobs jobs(
        {{"mine", 5ms, [&]() -> domain::Result<std::string> { ++mine; return std::string(); }},
         {"theirs", 5ms, [&]() -> domain::Result<std::string> { ++theirs; return std::string(); }},
         {"unknown", 5ms, [&]() -> domain::Result<std::string> { ++unknown; return std::string(); }}},
        captured_logger(log), [&](const std::string& job) -> app::JobClaimOutcome {
            if (job == "theirs" && !handedOver) return {app::JobTurn::held_elsewhere, {}};
            if (job == "unknown") return {app::JobTurn::unavailable, "could not connect to server"};
            return {app::JobTurn::run, {}};
        });
    jobs.start();
    ASSERT_TRUE(eventually([&] {
        return mine >= 3 && jobs.skips("theirs", app::JobTurn::held_elsewhere) >= 3 &&
               jobs.skips("unknown", app::JobTurn::unavailable) >= 2;
    }));
    EXPECT_EQ(theirs.load(), 0);
    EXPECT_EQ(unknown.load(), 0);
    EXPECT_EQ(jobs.runs("theirs"), 0u);
    EXPECT_NE(log.str().find("unknown skipped: cannot tell whether another node runs it: could not connect to server"),
              std::string::npos)
        << log.str();
    handedOver = true;  // the other node let go: this one runs it from its next try on
    ASSERT_TRUE(eventually([&] { return theirs >= 1; }));
    jobs.stop();

    std::map<std::string, double> figures;
    for (const auto& g : jobs.figures()) figures[g.name + "{" + g.labels + "}"] = g.value;
    EXPECT_GE(figures.at("lims_job_runs_total{job=\"mine\"}"), 3);
    EXPECT_GE(figures.at("lims_job_skipped_total{job=\"theirs\",reason=\"held_elsewhere\"}"), 3);
    EXPECT_EQ(figures.at("lims_job_skipped_total{job=\"theirs\",reason=\"unavailable\"}"), 0);
    EXPECT_GE(figures.at("lims_job_skipped_total{job=\"unknown\",reason=\"unavailable\"}"), 2);
    EXPECT_EQ(figures.at("lims_job_failures_total{job=\"mine\"}"), 0);
}
