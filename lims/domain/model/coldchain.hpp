// Cold-chain places and what measures them: storage units (refrigerators, cold rooms,
// transport boxes), temperature loggers, and their readings. Plain data for lims/store's
// ReadingRepository and lims/coldchain's excursion detection.
#pragma once

#include <cstdint>
#include <string>

namespace lims::domain {

struct StorageUnit {
    std::int64_t id = 0;
    std::string code;
    std::int64_t org_id = 0;
    std::string name;
    std::string kind;  // refrigerator, freezer, cold_room, cool_store, ambient_store, transport_box
    std::int32_t min_centi_celsius = 0;
    std::int32_t max_centi_celsius = 0;
    std::int64_t version = 1;
};

struct Logger {
    std::int64_t id = 0;
    std::string serial;
    std::string model;
    std::int64_t org_id = 0;
    std::int64_t version = 1;
};

// One temperature reading. Integer hundredths of a degree: exact, and what Modbus
// loggers deliver after scaling.
struct Reading {
    std::int64_t logger_id = 0;
    std::int64_t at_utc = 0;  // seconds since 1970-01-01T00:00:00Z
    std::int32_t centi_celsius = 0;
    std::int32_t flags = 0;  // logger-reported bits (sensor fault, battery low, ...)

    friend bool operator==(const Reading&, const Reading&) = default;
};

}  // namespace lims::domain
