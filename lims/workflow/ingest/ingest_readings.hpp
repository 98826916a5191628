// Batched ingest of logger readings: one transaction per batch, loggers named by serial,
// a reading already stored for the same logger and second counted as a duplicate and
// never overwritten. Called by the in-process sink adapter and POST /api/v1/ingest/readings.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::ingest {

// readings.flags bit for "the register map's fault value was read" (coldchain::Reading's
// sensor_fault); the temperature column then holds 0 and means nothing.
inline constexpr std::int32_t kSensorFaultFlag = 1;

struct IncomingReading {
    std::string logger_serial;
    std::int64_t at_utc = 0;
    std::optional<std::int32_t> centi_celsius;  // nullopt: sensor fault
};

struct ReadingsReceipt {
    std::size_t accepted = 0;
    std::size_t duplicates = 0;
};

// Errors (nothing written): ingest.unknown_logger (names the serial), ingest.bad_reading
// (empty serial, negative time), ingest.unavailable, ingest.store_failed.
domain::Result<ReadingsReceipt> ingest_readings(store::Database& db, const std::vector<IncomingReading>& readings,
                                                const std::string& actor);
domain::Result<ReadingsReceipt> ingest_readings_in(store::Transaction& tx, const std::vector<IncomingReading>& readings,
                                                   const std::string& actor);

}  // namespace lims::workflow::ingest
