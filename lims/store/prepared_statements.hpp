// PostgreSQL statements prepared once per connection, by statement text (the store's
// internals: Database::run_prepared in prepared_statements.cpp, made and dropped by
// database.cpp). A connection is used by one thread at a time (borrowed from the pool),
// so only finding its map needs the lock.
#pragma once

#include "lims/store/database_core.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace lims::store {

class Database::PreparedStatements {
public:
    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    struct OfConnection {
        std::unordered_map<std::string, std::string, TextHash, std::equal_to<>> names;  // text -> "lims_<n>"
        std::size_t next = 0;
    };

    // `connection`: the libpq connection's address, which identifies it while it is open
    // (forget() is called before it is closed).
    OfConnection& of(const void* connection) {
        std::lock_guard lock(mutex_);
        auto& slot = by_connection_[connection];
        if (!slot) slot = std::make_unique<OfConnection>();
        return *slot;
    }
    void forget(const void* connection) {
        std::lock_guard lock(mutex_);
        by_connection_.erase(connection);
    }
    std::size_t count() const {
        std::lock_guard lock(mutex_);
        std::size_t n = 0;
        for (const auto& entry : by_connection_) n += entry.second->names.size();
        return n;
    }

private:
    mutable std::mutex mutex_;
    std::unordered_map<const void*, std::unique_ptr<OfConnection>> by_connection_;
};

}  // namespace lims::store
