#include "store_fixture.hpp"

#include "lims/store/migrations.hpp"

#include <Poco/Data/Session.h>
#include <Poco/File.h>
#include <Poco/Process.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>

using namespace Poco::Data::Keywords;

namespace lims::store::testing {

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
    return info.param == Backend::sqlite ? "SQLite" : "PostgreSQL";
}

std::string make_temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lims-store-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
    return pattern;
}

TempDir::TempDir() : path(make_temp_dir()) {}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
}

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

std::string unique_database_name() {
    static std::atomic<int> counter{0};
    return "lims_test_" + std::to_string(Poco::Process::id()) + "_" + std::to_string(++counter) + "_" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
}

void admin_exec(const std::string& admin_conninfo, const std::string& sql) {
    Poco::Data::Session admin("PostgreSQL", admin_conninfo);
    admin << sql, now;
}

}  // namespace

void StoreTest::SetUp() {
    if (GetParam() == Backend::sqlite) {
        temp_dir_ = make_temp_dir();
        url = "sqlite:" + temp_dir_ + "/lims.db";
        return;
    }
    pg_admin_ = env("LIMS_TEST_PG");
    if (pg_admin_.empty()) {
        if (env("LIMS_REQUIRE_PG") == "1")
            FAIL() << "LIMS_REQUIRE_PG=1 but LIMS_TEST_PG is not set: the PostgreSQL half of the store tests "
                      "cannot run (scripts/run-tests starts a server and sets it)";
        GTEST_SKIP() << "LIMS_TEST_PG is not set: PostgreSQL store tests skipped (set it to a libpq "
                        "connection string, or run scripts/run-tests)";
    }
    // Open once through the store so the connector is registered and errors read well.
    auto probe = Database::open("postgresql:" + pg_admin_);
    ASSERT_TRUE(probe.ok()) << probe.error().message;
    pg_dbname_ = unique_database_name();
    admin_exec(pg_admin_, "CREATE DATABASE " + pg_dbname_);
    url = "postgresql:" + pg_admin_ + " dbname=" + pg_dbname_;
}

void StoreTest::TearDown() {
    db.reset();
    if (!temp_dir_.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(temp_dir_, ec);
    }
    if (!pg_dbname_.empty()) {
        try {
            admin_exec(pg_admin_, "DROP DATABASE IF EXISTS " + pg_dbname_ + " WITH (FORCE)");
        } catch (const Poco::Exception& e) {
            ADD_FAILURE() << "could not drop test database " << pg_dbname_ << ": " << e.displayText();
        }
    }
}

std::shared_ptr<Database> StoreTest::open(DatabaseOptions options) {
    db.reset();
    auto opened = Database::open(url, options);
    if (!opened) throw std::runtime_error("cannot open test database: " + opened.error().message);
    db = *opened;
    return db;
}

std::shared_ptr<Database> StoreTest::open_migrated(DatabaseOptions options) {
    open(options);
    auto migrated = migrate(*db);
    if (!migrated) throw std::runtime_error("cannot migrate test database: " + migrated.error().message);
    return db;
}

void StoreTest::exec_raw(const std::string& sql) {
    if (GetParam() == Backend::sqlite) {
        Poco::Data::Session raw("SQLite", url.substr(std::string("sqlite:").size()));
        raw << sql, now;
    } else {
        Poco::Data::Session raw("PostgreSQL", url.substr(std::string("postgresql:").size()));
        raw << sql, now;
    }
}

void StoreTest::drop_append_only_guards(const std::string& table) {
    if (GetParam() == Backend::sqlite) {
        exec_raw("DROP TRIGGER " + table + "_no_update");
        exec_raw("DROP TRIGGER " + table + "_no_delete");
    } else {
        exec_raw("DROP TRIGGER " + table + "_append_only ON " + table);
    }
}

}  // namespace lims::store::testing
