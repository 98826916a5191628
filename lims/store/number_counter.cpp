#include "lims/store/number_counter.hpp"

using namespace Poco::Data::Keywords;

namespace lims::store {

std::int64_t next_counter_value(Transaction& tx, const std::string& name) {
    std::string key = name;
    tx.session() << "INSERT INTO number_counters (name, next_value) VALUES ($1, 1) ON CONFLICT (name) DO NOTHING",
        use(key), now;
    Poco::Int64 value = 0;
    tx.session() << "UPDATE number_counters SET next_value = next_value + 1 WHERE name = $1 RETURNING next_value - 1",
        use(key), into(value), now;
    return value;
}

}  // namespace lims::store
