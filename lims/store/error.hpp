// What can go wrong in the store, as a value: every repository and the migrator return
// StoreResult<T>. Callers (workflow, api, the lims executable) map the kind to their own
// answer (409 for conflict, exit code 3 for unavailable, ...) and show the message as is.
#pragma once

#include "lims/domain/result.hpp"

#include <string>
#include <utility>

namespace lims::store {

enum class StoreErrorKind {
    invalid_url,       // the database URL cannot be parsed
    unavailable,       // the file cannot be opened, the server cannot be reached
    not_a_database,    // the file exists but is not an SQLite database
    migration_failed,  // a migration statement failed; the migration was rolled back
    schema_outdated,   // the database needs `lims migrate` (or is newer than this build)
    conflict,          // optimistic version mismatch or a unique key already taken
    not_found,
    invalid_argument,  // the caller passed something the store refuses (empty batch key, ...)
    busy,              // the database stayed locked longer than the busy timeout
    database,          // any other error the database reported
};

const char* to_string(StoreErrorKind kind);

// Store failures travel in the domain's Result/Error (lims/domain/result.hpp); the code
// is "store.<kind>" so callers switch on kind_of(error) or the code string.
using StoreError = domain::Error;
template <typename T>
using StoreResult = domain::Result<T>;

// "store.conflict", ...
std::string error_code(StoreErrorKind kind);
// The kind of a store error; StoreErrorKind::database for codes the store did not make.
StoreErrorKind kind_of(const StoreError& error);

struct Done {};  // the value of an operation that returns nothing but may fail

// The domain kind of a store failure, for the API's one mapping (api/problem).
inline domain::ErrorKind domain_kind(StoreErrorKind kind) {
    switch (kind) {
        case StoreErrorKind::unavailable:
        case StoreErrorKind::busy: return domain::ErrorKind::unavailable;
        case StoreErrorKind::conflict: return domain::ErrorKind::conflict;
        case StoreErrorKind::not_found: return domain::ErrorKind::not_found;
        // A value the request carried that the store refuses (a logger's model too long,
        // a result with neither value nor outcome): the request's, answered 422 "body".
        case StoreErrorKind::invalid_argument: return domain::ErrorKind::invalid;
        default: return domain::ErrorKind::internal;
    }
}

inline StoreError store_error(StoreErrorKind kind, std::string message) {
    return StoreError{error_code(kind), std::move(message), domain_kind(kind), {}};
}

}  // namespace lims::store
