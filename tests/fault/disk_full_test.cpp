// The disk fills up under the database (issue 15, fault-injection suite): the service's
// SQLite file lives on a small tmpfs; analyzers send until no more fits. Nothing is
// acknowledged that was not stored (the analyzers get AE or no answer and send again), the
// service stays up, and when space returns (the tmpfs grows) it stores what waited, each
// message once.
#include "support/fault_fixture.hpp"

#include "fixtures/simulators/hl7_analyzer.hpp"
#include "fixtures/simulators/specimens.hpp"

#include <gtest/gtest.h>

#include <sys/mount.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>

namespace lims::fault {
namespace {

using namespace std::chrono_literals;

constexpr int kMessages = 60;

class DiskFull : public FaultWorld {
protected:
    void TearDown() override {
        if (!mount_point.empty()) ::umount2(mount_point.c_str(), MNT_DETACH);
        FaultWorld::TearDown();
    }
    std::string mount_point;
};

TEST_F(DiskFull, NothingIsAcknowledgedThatWasNotStoredAndTheServiceRecoversWhenSpaceReturns) {
    build(kMessages);
    // The database moves onto a tmpfs with room for little more than itself.
    mount_point = dir + "/small-disk";
    std::filesystem::create_directories(mount_point);
    const auto size = std::filesystem::file_size(db_path);
    const std::string small = "size=" + std::to_string((size + 768 * 1024) / 4096 * 4096 + 4096);
    ASSERT_EQ(::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, small.c_str()), 0)
        << "mounting a tmpfs needs root (CI and the developers' machines run as root): " << std::strerror(errno);
    std::filesystem::copy_file(db_path, mount_point + "/lims.db");
    db_path = mount_point + "/lims.db";
    url = "sqlite:" + db_path;
    auto service = start_service();

    // Messages of about 12 KB (a long NTE comment, as analyzers attach to flagged results).
    const std::string comment(12 * 1024, 'c');
    simulators::Hl7AnalyzerOptions o;
    o.port = hl7_port;
    o.give_up = 150s;
    o.ack_timeout = 5s;
    o.resend_on_error = 100'000;
    o.resend_pause = 300ms;
    for (int i = 0; i < kMessages; ++i)
        o.messages.push_back(simulators::hl7_oru(kHl7, simulators::chemistry_panel(numbers[i], i), "D" + std::to_string(i)) +
                             "NTE|1||" + comment + "\r");
    simulators::Hl7AnalyzerReport report;
    std::thread analyzer([&] { report = simulators::run_hl7_analyzer(o); });

    // Wait until the disk is full: the analyzer is answered AE (or nothing) and stored
    // messages stop growing for a while.
    std::int64_t stored = -1;
    ASSERT_TRUE(lims::test::eventually(
        [&] {
            const auto now = count("SELECT count(*) FROM raw_messages");
            const bool stalled = now == stored && now < kMessages;
            stored = now;
            if (!stalled) std::this_thread::sleep_for(1s);
            return stalled;
        },
        90s))
        << "the disk never filled: " << stored << " stored\n" << service->output();
    std::this_thread::sleep_for(2s);
    const auto stored_when_full = count("SELECT count(*) FROM raw_messages");
    EXPECT_LT(stored_when_full, kMessages);
    EXPECT_TRUE(service->running()) << service->output();
    auto health = http(http_port, "GET", "/healthz", "", "", 5s);
    EXPECT_NE(health.status, 0) << "the service stopped answering when the disk filled";

    // Space returns.
    ASSERT_EQ(::mount("tmpfs", mount_point.c_str(), "tmpfs", MS_REMOUNT, "size=64m"), 0) << std::strerror(errno);
    analyzer.join();
    EXPECT_EQ(report.accepted, static_cast<std::size_t>(kMessages)) << report.error;
    EXPECT_EQ(count("SELECT count(*) FROM raw_messages"), kMessages);
    EXPECT_EQ(count("SELECT count(DISTINCT sha256) FROM raw_messages"), kMessages);
    EXPECT_EQ(count("SELECT count(*) FROM results"), kMessages);
    EXPECT_EQ(service->terminate(), 0) << service->output();
    const auto verified = verify_audit();
    EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
    std::printf("[ fault   ] disk full under the database after %lld of %d messages: %zu transmissions answered "
                "other than AA meanwhile, %lld stored after space returned, each once, %zu acknowledged\n",
                static_cast<long long>(stored_when_full), kMessages, report.sent - report.accepted,
                static_cast<long long>(count("SELECT count(*) FROM raw_messages")), report.accepted);
}

}  // namespace
}  // namespace lims::fault
