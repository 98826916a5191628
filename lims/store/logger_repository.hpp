// The cold-chain loggers as administrators see them: one by id, the loggers of a
// jurisdiction page by page, and a change of model or owning organisation (optimistic,
// audited). Registration itself is ReadingRepository::create_logger; the API's logger
// routes (lims/api/routes/ingest_routes.cpp) and the logger registration use case call this.
#pragma once

#include "lims/domain/model/coldchain.hpp"
#include "lims/store/transaction.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lims::store {

class LoggerRepository {
public:
    static constexpr int max_page_size = 500;

    explicit LoggerRepository(Transaction& tx) : tx_(tx) {}

    StoreResult<domain::Logger> get(std::int64_t id);
    // Loggers of organisations whose path starts with `org_path_prefix` ("" all), by id,
    // after `after_id`, at most `limit` (1..max_page_size).
    StoreResult<std::vector<domain::Logger>> list(const std::string& org_path_prefix, std::int64_t after_id, int limit);
    // Errors: not_found, conflict (expected_version is not the current one; names it),
    // invalid_argument (unknown organisation, model longer than kMaxLoggerModel).
    // Audited "logger.update" with before and after.
    StoreResult<domain::Logger> update(std::int64_t id, std::int64_t expected_version, const std::string& model,
                                       std::int64_t org_id, const std::string& actor);

private:
    Transaction& tx_;
};

// A model designation is a short catalogue name ("TH-20", "FL-20 Pro").
inline constexpr std::size_t kMaxLoggerModel = 64;

std::string to_json(const domain::Logger& logger);

}  // namespace lims::store
