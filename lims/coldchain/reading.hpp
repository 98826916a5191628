// A logger reading as the cold-chain rules see it: which logger, when (UTC, whole
// seconds) and what it read (0.01 °C integers, or the sensor-fault marker). Drivers and
// the batched ingest build these; the detector, compliance and series helpers take them.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace lims::coldchain {

using LoggerId = std::string;
using UtcSeconds = std::int64_t;    // seconds since 1970-01-01T00:00:00Z
using Seconds = std::int64_t;       // a duration
using Centidegrees = std::int32_t;  // 0.01 °C; rules never compare floating point

struct Reading {
    LoggerId logger;
    UtcSeconds at = 0;
    Centidegrees temperature = 0;  // meaningless when sensor_fault is set
    bool sensor_fault = false;     // the register map's fault value was read

    static Reading temperature_at(LoggerId logger, UtcSeconds at, Centidegrees value) {
        return Reading{std::move(logger), at, value, false};
    }
    static Reading fault_at(LoggerId logger, UtcSeconds at) {
        return Reading{std::move(logger), at, 0, true};
    }

    friend bool operator==(const Reading&, const Reading&) = default;
};

}  // namespace lims::coldchain
