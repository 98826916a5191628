#include "test_database.hpp"

#include "lims/store/database.hpp"

#include <Poco/Exception.h>
#include <Poco/Process.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <stdexcept>

using namespace Poco::Data::Keywords;

namespace lims::test {

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

// Unique across the processes ctest runs in parallel (pid) and within one (counter).
std::string uniqueDatabaseName() {
    static std::atomic<int> counter{0};
    constexpr long long kClockDigits = 1000000;
    return "lims_svc_" + std::to_string(Poco::Process::id()) + "_" + std::to_string(++counter) + "_" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % kClockDigits);
}

void adminExec(const std::string& conninfo, const std::string& sql) {
    Poco::Data::Session admin("PostgreSQL", conninfo);
    admin << sql, now;
}

}  // namespace

void PrintTo(Backend backend, std::ostream* out) { *out << (backend == Backend::sqlite ? "SQLite" : "PostgreSQL"); }

std::string backendName(const ::testing::TestParamInfo<Backend>& info) {
    return info.param == Backend::sqlite ? "SQLite" : "PostgreSQL";
}

bool backendAvailable(Backend backend) { return backend == Backend::sqlite || !env("LIMS_TEST_PG").empty(); }

void requireBackend(Backend backend) {
    if (backendAvailable(backend)) return;
    if (env("LIMS_REQUIRE_PG") == "1")
        FAIL() << "LIMS_REQUIRE_PG=1 but LIMS_TEST_PG is not set: the PostgreSQL half of this test cannot run "
                  "(scripts/run-tests starts a server and sets it)";
    GTEST_SKIP() << "LIMS_TEST_PG is not set: the PostgreSQL half skipped (set it to a libpq connection string, "
                    "or run scripts/run-tests)";
}

ScratchDatabase::ScratchDatabase(Backend backend) : backend_(backend) {
    if (backend == Backend::sqlite) {
        std::string pattern = (std::filesystem::temp_directory_path() / "lims-test-XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("scratch database: cannot make a temporary directory");
        directory_ = pattern;
        sqlitePath_ = directory_ + "/lims.db";
        url_ = "sqlite:" + sqlitePath_;
        return;
    }
    pgAdmin_ = env("LIMS_TEST_PG");
    if (pgAdmin_.empty()) throw std::runtime_error("scratch database: LIMS_TEST_PG is not set");
    // Opening through the store registers the PostgreSQL connector and words its errors.
    auto probe = store::Database::open("postgresql:" + pgAdmin_);
    if (!probe) throw std::runtime_error("scratch database: " + probe.error().message);
    pgDatabase_ = uniqueDatabaseName();
    adminExec(pgAdmin_, "CREATE DATABASE " + pgDatabase_);
    url_ = "postgresql:" + pgAdmin_ + " dbname=" + pgDatabase_;
}

ScratchDatabase::~ScratchDatabase() {
    if (!directory_.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(directory_, ec);
    }
    if (!pgDatabase_.empty()) {
        try {
            adminExec(pgAdmin_, "DROP DATABASE IF EXISTS " + pgDatabase_ + " WITH (FORCE)");
        } catch (const Poco::Exception& e) {
            // A destructor cannot fail the test; the name tells whoever cleans the server.
            std::cerr << "could not drop test database " << pgDatabase_ << ": " << e.displayText() << "\n";
        }
    }
}

Poco::Data::Session ScratchDatabase::rawSession() const {
    if (backend_ == Backend::sqlite) return Poco::Data::Session("SQLite", sqlitePath_);
    return Poco::Data::Session("PostgreSQL", url_.substr(std::string("postgresql:").size()));
}

}  // namespace lims::test
