// The schema that migration 1 builds is the same on SQLite and PostgreSQL: the same tables
// with the same columns (every area's part, lims/store/schema_<area>.cpp), and every
// append-only table (migrations.cpp's and extra_append_only_tables()) guarded by its
// triggers on both, so that a table added for one backend only, or a guard that exists
// on one only, fails here rather than in production on the multi-node option.
#include "tests/support/test_service.hpp"

#include "lims/store/schema_parts.hpp"

#include <Poco/Data/Session.h>

#include <map>
#include <set>

namespace lims::test {
namespace {

using namespace Poco::Data::Keywords;

// The fact tables of migrations.cpp (append_only_tables there) and of the area parts.
std::vector<std::string> appendOnlyTables() {
    std::vector<std::string> tables{"audit_log", "audit_seals", "raw_messages", "results", "result_reviews", "signatures", "revisions"};
    for (const auto& t : store::extra_append_only_tables()) tables.push_back(t);
    return tables;
}

// table -> its columns, read from the catalogue.
std::map<std::string, std::set<std::string>> columnsOf(TestService& service) {
    std::map<std::string, std::set<std::string>> out;
    auto session = service.rawSession();
    std::vector<std::string> tables, columns;
    if (service.backend() == Backend::sqlite) {
        session << "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", into(tables), now;
        for (const auto& t : tables) {
            std::vector<std::string> names;
            session << "SELECT name FROM pragma_table_info('" + t + "')", into(names), now;
            out[t].insert(names.begin(), names.end());
        }
    } else {
        session << "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()",
            into(tables), into(columns), now;
        for (std::size_t i = 0; i < tables.size(); ++i) out[tables[i]].insert(columns[i]);
    }
    return out;
}

// Tables whose UPDATE and DELETE a trigger refuses (the names append_only_guard_steps gives).
std::set<std::string> guardedTables(TestService& service) {
    std::set<std::string> out;
    auto session = service.rawSession();
    std::vector<std::string> tables, names;
    if (service.backend() == Backend::sqlite) {
        session << "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'", into(tables), into(names), now;
        std::map<std::string, int> guards;
        for (std::size_t i = 0; i < tables.size(); ++i)
            if (names[i] == tables[i] + "_no_update" || names[i] == tables[i] + "_no_delete") ++guards[tables[i]];
        for (const auto& [t, n] : guards)
            if (n == 2) out.insert(t);
    } else {
        session << "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal",
            into(tables), into(names), now;
        for (std::size_t i = 0; i < tables.size(); ++i)
            if (names[i] == tables[i] + "_append_only") out.insert(tables[i]);
    }
    return out;
}

class SchemaParity : public ::testing::Test {
protected:
    void SetUp() override {
        requireBackend(Backend::postgresql);
        if (IsSkipped() || HasFatalFailure()) return;
        sqlite = std::make_unique<TestService>(TestService::Options{.seed = false, .backend = Backend::sqlite});
        postgresql = std::make_unique<TestService>(TestService::Options{.seed = false, .backend = Backend::postgresql});
    }
    std::unique_ptr<TestService> sqlite, postgresql;
};

TEST_F(SchemaParity, BothBackendsHaveTheSameTablesAndColumns) {
    const auto lite = columnsOf(*sqlite);
    const auto pg = columnsOf(*postgresql);
    ASSERT_GT(lite.size(), 30u) << "the SQLite catalogue was not read";
    for (const auto& [table, columns] : lite) {
        auto it = pg.find(table);
        if (it == pg.end()) {
            ADD_FAILURE() << "table " << table << " exists on SQLite only";
            continue;
        }
        for (const auto& c : columns) EXPECT_TRUE(it->second.count(c)) << table << "." << c << " exists on SQLite only";
        for (const auto& c : it->second) EXPECT_TRUE(columns.count(c)) << table << "." << c << " exists on PostgreSQL only";
    }
    for (const auto& [table, columns] : pg) EXPECT_TRUE(lite.count(table)) << "table " << table << " exists on PostgreSQL only";
}

TEST_F(SchemaParity, EveryAppendOnlyTableIsGuardedOnBothBackends) {
    const auto lite = guardedTables(*sqlite);
    const auto pg = guardedTables(*postgresql);
    for (const auto& table : appendOnlyTables()) {
        EXPECT_TRUE(lite.count(table)) << table << " has no append-only triggers on SQLite";
        EXPECT_TRUE(pg.count(table)) << table << " has no append-only trigger on PostgreSQL";
    }
    EXPECT_EQ(lite, pg) << "the guarded tables differ between the backends";
}

}  // namespace
}  // namespace lims::test
