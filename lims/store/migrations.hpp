// Versioned, forward-only schema migrations kept in code. `lims migrate` and the tests
// call migrate(); the service refuses to start on an outdated schema
// (require_current_schema). Each migration runs in its own transaction together with its
// schema_version row, so a failure half-way leaves the database exactly as it was.
#pragma once

#include "lims/store/database.hpp"
#include "lims/store/error.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lims::store {

// One SQL statement of a migration. Tokens expanded per dialect (so most of the schema
// is written once): {ID} surrogate key column, {BLOB} byte string, {WITHOUT_ROWID}.
struct MigrationStep {
    std::string sql;
    std::optional<Dialect> only = std::nullopt;  // run on this dialect alone
};

struct Migration {
    int version;  // 1, 2, 3, ... without gaps
    std::string name;
    std::vector<MigrationStep> steps;
};

// The system's schema history, oldest first.
const std::vector<Migration>& builtin_migrations();

std::string expand_for_dialect(const std::string& sql, Dialect dialect);

struct MigrationReport {
    int version_before = 0;
    int version_after = 0;
    std::vector<std::string> applied;  // "1 core schema", ...
};

// Applies the migrations the database does not have yet. Concurrent callers are safe
// (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory transaction lock).
StoreResult<MigrationReport> migrate(Database& db, const std::vector<Migration>& migrations = builtin_migrations());

// 0 for a database that was never migrated.
StoreResult<int> schema_version(Database& db);

// An error (schema_outdated) unless the database is at exactly the latest version.
StoreResult<Done> require_current_schema(Database& db, const std::vector<Migration>& migrations = builtin_migrations());

}  // namespace lims::store
