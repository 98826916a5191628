// The fault-injection suite's world (issue 15): a real `lims serve` process over an SQLite
// file, with its instruments' drivers in-process on fixed loopback ports, a laboratory,
// samples with a pending glucose test each, and readers of the database from this
// process. Faults are done to the processes and files themselves (SIGKILL, a writer
// holding the lock), never simulated inside the service.
#pragma once

#include "lims_process.hpp"

#include "fixtures/simulators/astm_analyzer.hpp"
#include "fixtures/simulators/hl7_analyzer.hpp"
#include "lims/store/database.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <thread>
#include <string>
#include <vector>

namespace lims::fault {

inline constexpr const char* kHl7 = "HL7-FAULT";
inline constexpr const char* kAstm = "ASTM-FAULT";

class FaultWorld : public ::testing::Test {
protected:
    // Migrates, adds the organisations, an administrator and the instruments, and registers
    // `samples` samples with a pending glucose test each (their numbers in `numbers`).
    void build(int samples);
    void TearDown() override;

    // lims serve on `http_port`, its drivers in-process unless `drivers` is false (a
    // gateway runs them); waits for its "serving" line.
    // `extra`: more -D settings for it.
    std::unique_ptr<lims::test::LimsProcess> start_service(bool drivers = true, const std::vector<std::string>& extra = {});
    // An ingest account of the laboratory and its token in a file (for `lims gateway`).
    std::string ingest_token_file();
    // One count from the service's database, read from this process (-1 when unreadable).
    std::int64_t count(const std::string& sql);
    // `lims audit verify` on the database, as a process.
    lims::test::LimsRun verify_audit();
    // A bearer token of the administrator over HTTP.
    std::string login();

    std::string dir, url, db_path;
    std::vector<std::string> numbers;
    std::uint16_t http_port = 0, hl7_port = 0, astm_port = 0;
};

// Analyzers on threads in this process, each sending its share of the world's samples to
// the given port and sending again what was not acknowledged (after a reconnect too),
// as analyzers do. join() waits for all of them.
class AnalyzerFleet {
public:
    AnalyzerFleet(const std::vector<std::string>& numbers, std::string control_prefix)
        : numbers_(numbers), prefix_(std::move(control_prefix)) {}
    ~AnalyzerFleet() { join(); }
    // `count` analyzers sending `per_analyzer` messages each, from the next unused sample.
    // `pace`: a pause before each message (HL7) or frame (ASTM), so that a fault aimed at the
    // middle of the traffic finds traffic however fast the machine is.
    void add_hl7(int count, int per_analyzer, std::uint16_t port, std::chrono::milliseconds pace = {});
    void add_astm(int count, int per_analyzer, std::uint16_t port, std::chrono::milliseconds pace = {});
    void join();
    // After join(): how many analyzers lost their connection at least once, and per
    // analyzer what was acknowledged ("" when all), for the test's messages.
    std::size_t reconnected() const;
    std::vector<std::string> shortfalls(int per_analyzer) const;
    int used() const { return next_; }

private:
    const std::vector<std::string>& numbers_;
    std::string prefix_;
    int next_ = 0;
    std::deque<simulators::Hl7AnalyzerReport> hl7_;
    std::deque<simulators::AstmAnalyzerReport> astm_;
    std::vector<std::thread> threads_;
};

// A small blocking HTTP/1.1 client for the faults (one request per connection).
struct HttpAnswer {
    int status = 0;  // 0: no answer (refused, reset, timed out)
    std::string body;
    std::string retry_after;
    std::chrono::milliseconds took{0};
};
HttpAnswer http(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body = "",
                const std::string& token = "", std::chrono::seconds timeout = std::chrono::seconds(30),
                const std::vector<std::pair<std::string, std::string>>& headers = {});

}  // namespace lims::fault
