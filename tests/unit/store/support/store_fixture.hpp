// A fresh, empty database for each store test, on SQLite (a temporary directory) or on
// PostgreSQL (a uniquely named database on the server LIMS_TEST_PG names, dropped after
// the test). Without LIMS_TEST_PG the PostgreSQL half skips, or fails when
// LIMS_REQUIRE_PG=1 (scripts/run-tests sets both).
#pragma once

#include "lims/store/database.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace lims::store::testing {

enum class Backend { sqlite, postgresql };

std::string backend_name(const ::testing::TestParamInfo<Backend>& info);

class StoreTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override;
    void TearDown() override;

    // Opens the test database (again); `url` stays the same for the whole test.
    std::shared_ptr<Database> open(DatabaseOptions options = {});
    // Opens and applies the built-in migrations.
    std::shared_ptr<Database> open_migrated(DatabaseOptions options = {});

    // Plain SQL on a session of its own, behind the application's back (for tamper tests).
    void exec_raw(const std::string& sql);
    // Drops the triggers that keep `table` append-only, as someone with database access could.
    void drop_append_only_guards(const std::string& table);

    std::string url;
    std::shared_ptr<Database> db;  // set by open()/open_migrated(); released in TearDown

private:
    std::string temp_dir_;
    std::string pg_admin_;
    std::string pg_dbname_;
};

std::string make_temp_dir();

// A scratch directory removed by the destructor.
struct TempDir {
    TempDir();
    ~TempDir();
    std::string path;
};

}  // namespace lims::store::testing
