#include "lims/store/detector_state_repository.hpp"

#include "lims/store/sql.hpp"

#include <vector>

using namespace Poco::Data::Keywords;

namespace lims::store {

StoreResult<Done> DetectorStateRepository::lock_logger(std::int64_t logger_id) {
    if (tx_.dialect() != Dialect::postgresql) return Done{};
    std::vector<Poco::Int64> ids;
    tx_.session() << "SELECT id FROM loggers WHERE id = $1 FOR UPDATE", bind(logger_id), into(ids), now;
    if (ids.empty()) return store_error(StoreErrorKind::not_found, "logger " + std::to_string(logger_id) + " does not exist");
    return Done{};
}

StoreResult<std::optional<std::string>> DetectorStateRepository::load(std::int64_t logger_id, std::int64_t placement_id) {
    std::vector<std::string> state;
    tx_.session() << "SELECT state FROM detector_states WHERE logger_id = $1 AND placement_id = $2", bind(logger_id),
        bind(placement_id), into(state), now;
    if (state.empty()) return std::optional<std::string>();
    return std::optional<std::string>(state.front());
}

StoreResult<Done> DetectorStateRepository::save(std::int64_t logger_id, std::int64_t placement_id,
                                                const std::string& state) {
    const std::string at = tx_.now_utc();
    sql(tx_,
        "INSERT INTO detector_states (logger_id, placement_id, state, updated_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (logger_id) DO UPDATE SET placement_id = excluded.placement_id, state = excluded.state, "
        "version = detector_states.version + 1, updated_at = excluded.updated_at",
        {logger_id, placement_id, state, at});
    return Done{};
}

}  // namespace lims::store
