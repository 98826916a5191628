// Loggers and their temperature readings. Ingest (drivers' Modbus polls, the gateway's
// batches) inserts readings in batches inside one transaction; cold-chain excursion
// detection and shipment verdicts read ranges back.
#pragma once

#include "lims/domain/model/coldchain.hpp"
#include "lims/store/transaction.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace lims::store {

struct ReadingBatchOutcome {
    std::size_t inserted = 0;
    std::size_t duplicates = 0;  // same logger and second already stored (a re-poll or a re-post)
};

class ReadingRepository {
public:
    // Rows per INSERT statement. Large enough to amortise each statement's cost, small
    // enough to keep the SQL text short (about 40 bytes a row).
    static constexpr std::size_t rows_per_statement = 500;

    explicit ReadingRepository(Transaction& tx) : tx_(tx) {}

    // Errors: invalid_argument (empty serial, unknown organisation), conflict (serial taken).
    StoreResult<domain::Logger> create_logger(const std::string& serial, const std::string& model,
                                              std::int64_t org_id, const std::string& actor);
    StoreResult<domain::Logger> find_logger(const std::string& serial);

    // All in the caller's transaction; an unknown logger id refuses the whole batch and is
    // named. Readings already stored are skipped and counted, never overwritten.
    StoreResult<ReadingBatchOutcome> insert(const std::vector<domain::Reading>& readings);

    // Readings of one logger with from_utc <= at_utc < to_utc, in time order.
    StoreResult<std::vector<domain::Reading>> range(std::int64_t logger_id, std::int64_t from_utc, std::int64_t to_utc);

private:
    StoreResult<ReadingBatchOutcome> insert_bound(const std::vector<domain::Reading>& readings);

    Transaction& tx_;
};

}  // namespace lims::store
