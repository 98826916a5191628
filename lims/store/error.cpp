#include "lims/store/error.hpp"

namespace lims::store {

const char* to_string(StoreErrorKind kind) {
    switch (kind) {
        case StoreErrorKind::invalid_url: return "invalid database URL";
        case StoreErrorKind::unavailable: return "database unavailable";
        case StoreErrorKind::not_a_database: return "not a database";
        case StoreErrorKind::migration_failed: return "migration failed";
        case StoreErrorKind::schema_outdated: return "schema outdated";
        case StoreErrorKind::conflict: return "conflict";
        case StoreErrorKind::not_found: return "not found";
        case StoreErrorKind::invalid_argument: return "invalid argument";
        case StoreErrorKind::busy: return "database busy";
        case StoreErrorKind::database: return "database error";
    }
    return "database error";
}

std::string error_code(StoreErrorKind kind) {
    switch (kind) {
        case StoreErrorKind::invalid_url: return "store.invalid_url";
        case StoreErrorKind::unavailable: return "store.unavailable";
        case StoreErrorKind::not_a_database: return "store.not_a_database";
        case StoreErrorKind::migration_failed: return "store.migration_failed";
        case StoreErrorKind::schema_outdated: return "store.schema_outdated";
        case StoreErrorKind::conflict: return "store.conflict";
        case StoreErrorKind::not_found: return "store.not_found";
        case StoreErrorKind::invalid_argument: return "store.invalid_argument";
        case StoreErrorKind::busy: return "store.busy";
        case StoreErrorKind::database: return "store.database";
    }
    return "store.database";
}

StoreErrorKind kind_of(const StoreError& error) {
    for (auto kind : {StoreErrorKind::invalid_url, StoreErrorKind::unavailable, StoreErrorKind::not_a_database,
                      StoreErrorKind::migration_failed, StoreErrorKind::schema_outdated, StoreErrorKind::conflict,
                      StoreErrorKind::not_found, StoreErrorKind::invalid_argument, StoreErrorKind::busy})
        if (error.code == error_code(kind)) return kind;
    return StoreErrorKind::database;
}

}  // namespace lims::store
