// What can go wrong in the store, as a value: every repository and the migrator return
// StoreResult<T>. Callers (workflow, api, the lims executable) map the kind to their own
// answer (409 for conflict, exit code 3 for unavailable, ...) and show the message as is.
#pragma once

#include <string>
#include <utility>
#include <variant>

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

struct StoreError {
    StoreErrorKind kind;
    std::string message;  // names the object concerned: file, migration, sample number, ...
};

// Minimal result type private to the store until lims/domain/result.hpp lands; kept
// deliberately small (value or error) so switching over is mechanical.
template <typename T>
class [[nodiscard]] StoreResult {
public:
    StoreResult(T value) : state_(std::move(value)) {}
    StoreResult(StoreError error) : state_(std::move(error)) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<0>(state_); }
    const T& value() const& { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    const StoreError& error() const { return std::get<1>(state_); }

private:
    std::variant<T, StoreError> state_;
};

struct Done {};  // the value of an operation that returns nothing but may fail

inline StoreError store_error(StoreErrorKind kind, std::string message) {
    return StoreError{kind, std::move(message)};
}

}  // namespace lims::store
