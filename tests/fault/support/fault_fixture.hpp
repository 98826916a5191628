// The fault-injection suite's world (issue 15): a real `lims serve` process over an SQLite
// file, with its instruments' drivers in-process on fixed loopback ports, a laboratory,
// samples with a pending glucose test each, and readers of the database from this
// process. Faults are done to the processes and files themselves (SIGKILL, a writer
// holding the lock), never simulated inside the service.
#pragma once

#include "lims_process.hpp"

#include "lims/store/database.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
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
    std::unique_ptr<lims::test::LimsProcess> start_service(bool drivers = true);
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
