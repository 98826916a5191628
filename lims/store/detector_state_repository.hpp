// The cold-chain detector's saved state per logger (LoggerDetector::save), written in the
// same transaction as the readings it has seen so that a restart resumes exactly. The
// cold-chain ingest and the offline tick (lims/workflow/coldchain) call it.
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace lims::store {

class DetectorStateRepository {
public:
    explicit DetectorStateRepository(Transaction& tx) : tx_(tx) {}

    // PostgreSQL: locks the logger's row until commit, so two API nodes never feed the
    // same detector at once (SQLite writers are serialised by BEGIN IMMEDIATE already).
    StoreResult<Done> lock_logger(std::int64_t logger_id);
    // The state saved under this placement, if any.
    StoreResult<std::optional<std::string>> load(std::int64_t logger_id, std::int64_t placement_id);
    StoreResult<Done> save(std::int64_t logger_id, std::int64_t placement_id, const std::string& state);

private:
    Transaction& tx_;
};

}  // namespace lims::store
