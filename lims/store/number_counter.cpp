#include "lims/store/number_counter.hpp"

#include "lims/store/sql.hpp"

namespace lims::store {

std::int64_t next_counter_value(Transaction& tx, const std::string& name) {
    // One upsert: a new counter starts at 1 (stored as the next value, 2); an existing one
    // hands out its next value and moves on.
    auto r = sql(tx,
                 "INSERT INTO number_counters (name, next_value) VALUES ($1, 2) ON CONFLICT (name) DO UPDATE SET "
                 "next_value = number_counters.next_value + 1 RETURNING next_value - 1",
                 {name});
    return r.rows.at(0).integer(0);
}

}  // namespace lims::store
