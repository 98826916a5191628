// A scratch database for one test on either backend: SQLite (a file in a temporary
// directory) or PostgreSQL (a uniquely named database on the server LIMS_TEST_PG names,
// dropped afterwards). Used by TestService and by fixtures that run a flow on both
// backends; the conventions are those of tests/unit/store/support/store_fixture.
#pragma once

#include <gtest/gtest.h>

#include <Poco/Data/Session.h>

#include <ostream>
#include <string>

namespace lims::test {

enum class Backend { sqlite, postgresql };

// "SQLite" / "PostgreSQL" in GoogleTest's messages.
void PrintTo(Backend backend, std::ostream* out);

// "SQLite" / "PostgreSQL", for INSTANTIATE_TEST_SUITE_P's name generator.
std::string backendName(const ::testing::TestParamInfo<Backend>& info);

// Both backends, for INSTANTIATE_TEST_SUITE_P(..., kBothBackends, backendName).
inline const auto kBothBackends = ::testing::Values(Backend::sqlite, Backend::postgresql);

// True when `backend` can run here: SQLite always, PostgreSQL when LIMS_TEST_PG is set.
bool backendAvailable(Backend backend);

// Call first in a fixture's SetUp: skips the test when PostgreSQL is wanted but LIMS_TEST_PG
// is not set, or fails it when LIMS_REQUIRE_PG=1 (scripts/run-tests sets both). The caller
// then returns when IsSkipped() || HasFatalFailure().
void requireBackend(Backend backend);

class ScratchDatabase {
public:
    // Throws std::runtime_error when the backend is not available or the database cannot be made.
    explicit ScratchDatabase(Backend backend);
    ~ScratchDatabase();
    ScratchDatabase(const ScratchDatabase&) = delete;
    ScratchDatabase& operator=(const ScratchDatabase&) = delete;

    Backend backend() const { return backend_; }
    // The store URL: "sqlite:<file>" or "postgresql:<conninfo> dbname=<unique>".
    const std::string& url() const { return url_; }
    // The SQLite file ("" on PostgreSQL).
    const std::string& sqlitePath() const { return sqlitePath_; }
    // Plain SQL on a session of its own, behind the application's back.
    Poco::Data::Session rawSession() const;

private:
    Backend backend_;
    std::string url_;
    std::string directory_;
    std::string sqlitePath_;
    std::string pgAdmin_;
    std::string pgDatabase_;
};

}  // namespace lims::test
