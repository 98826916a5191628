// The database held busy for 30 s by another writer (issue 15, fault-injection suite):
// requests that must write get 503 with Retry-After once the busy timeout passes, the
// health check still answers within a second, analyzers get no AA for what could not be
// stored and send it again, and once the lock is gone everything is stored exactly once.
#include "support/fault_fixture.hpp"

#include "fixtures/simulators/hl7_analyzer.hpp"
#include "fixtures/simulators/specimens.hpp"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

namespace lims::fault {
namespace {

using namespace std::chrono_literals;

constexpr int kMessages = 30;
constexpr auto kHeld = 30s;

class BusyDatabase : public FaultWorld {};

TEST_F(BusyDatabase, WritesWaitOrGet503AndNothingIsLostWhileAnotherWriterHoldsTheLock) {
    build(kMessages);
    auto service = start_service();
    const std::string token = login();
    ASSERT_FALSE(token.empty());

    // Another process's writer (an operator's sqlite3 shell, a backup tool gone wrong).
    sqlite3* holder = nullptr;
    ASSERT_EQ(sqlite3_open(db_path.c_str(), &holder), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(holder);
    const auto locked_at = std::chrono::steady_clock::now();

    simulators::Hl7AnalyzerOptions o;
    o.port = hl7_port;
    o.give_up = 120s;
    o.ack_timeout = 15s;
    o.resend_on_error = 1000;
    o.resend_pause = 500ms;
    for (int i = 0; i < kMessages; ++i)
        o.messages.push_back(simulators::hl7_oru(kHl7, simulators::chemistry_panel(numbers[i], i), "B" + std::to_string(i)));
    simulators::Hl7AnalyzerReport report;
    std::thread analyzer([&] { report = simulators::run_hl7_analyzer(o); });

    // While it holds: a write is answered 503 with Retry-After (after the 10 s busy timeout),
    // never 500, never a hang; the health check answers within a second throughout.
    const std::string entity = R"({"name":"Busy-time pharmacy","kind":"pharmacy","jurisdiction_org_id":1,"region_code":"310000"})";
    auto write = http(http_port, "POST", "/api/v1/regulated-entities", entity, token, 60s);
    EXPECT_EQ(write.status, 503) << write.body;
    EXPECT_FALSE(write.retry_after.empty());
    std::chrono::milliseconds slowest_health{0};
    int health_checks = 0, health_ok = 0;
    while (std::chrono::steady_clock::now() - locked_at < kHeld) {
        auto health = http(http_port, "GET", "/healthz", "", "", 5s);
        ++health_checks;
        health_ok += health.status == 200;
        slowest_health = std::max(slowest_health, health.took);
        std::this_thread::sleep_for(500ms);
    }
    const auto stored_while_locked = count("SELECT count(*) FROM raw_messages");
    ASSERT_EQ(sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(holder);
    analyzer.join();

    EXPECT_EQ(stored_while_locked, 0);
    EXPECT_EQ(health_ok, health_checks);
    EXPECT_LT(slowest_health, 1000ms);
    EXPECT_EQ(report.accepted, static_cast<std::size_t>(kMessages)) << report.error;
    EXPECT_EQ(count("SELECT count(*) FROM raw_messages"), kMessages);
    EXPECT_EQ(count("SELECT count(DISTINCT sha256) FROM raw_messages"), kMessages);
    EXPECT_EQ(count("SELECT count(*) FROM results"), kMessages);
    // The refused write is not half-done, and works once the lock is gone.
    EXPECT_EQ(count("SELECT count(*) FROM regulated_entities WHERE name = 'Busy-time pharmacy'"), 0);
    auto again = http(http_port, "POST", "/api/v1/regulated-entities", entity, token);
    EXPECT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(service->terminate(), 0) << service->output();
    const auto verified = verify_audit();
    EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
    std::printf("[ fault   ] database held by another writer for %lld s: write answered %d (Retry-After %s), %d health "
                "checks all 200 (slowest %lld ms), %d messages sent, %lld stored while locked, %lld after, each once "
                "(%zu AE or timeouts resent)\n",
                static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(kHeld).count()), write.status,
                write.retry_after.c_str(), health_checks, static_cast<long long>(slowest_health.count()), kMessages,
                static_cast<long long>(stored_while_locked), static_cast<long long>(count("SELECT count(*) FROM raw_messages")),
                report.sent - report.accepted);
}

}  // namespace
}  // namespace lims::fault
