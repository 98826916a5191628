// Business numbers (reports, notices, case leads; samples use their own per-region form)
// from number_counters, inside the registering transaction: no duplicates under any
// concurrency, a gap only where a registration rolled back (README "Records").
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <string>

namespace lims::store {

// The next value of the named counter (1 for a new name). The UPDATE takes the row lock
// on PostgreSQL; on SQLite the write transaction already holds the database lock.
std::int64_t next_counter_value(Transaction& tx, const std::string& name);

}  // namespace lims::store
