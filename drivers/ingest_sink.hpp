// Where drivers hand what they decoded. The service implements it in-process (lims/app
// adapts lims/workflow ingest: one database transaction per call); `lims gateway`
// implements it with a durable SQLite outbox that forwards to the service's ingest API.
// A driver acknowledges the device (ASTM frame ACK, HL7 AA) only after commit returned
// success. Calls block; drivers make them on their worker pool, never on io_context threads.
#pragma once

#include "protocols/observation.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace drivers {

// One message exactly as the device sent it, with what the codec decoded from it.
struct InstrumentMessage {
    std::string instrument_code;  // the registry's id of the configured instrument it came from
    std::string protocol;         // "astm", "hl7", "sics", "csv"
    std::string raw;              // the message's bytes (ASTM MessageReceived::raw, the MLLP payload, the CSV file, the SICS line)
    std::chrono::system_clock::time_point received_at;
    std::vector<protocols::Observation> observations;  // may be empty (e.g. a query); raw is kept anyway
};

// One temperature reading from a logger. Integer hundredths of a degree, as stored.
struct LoggerReading {
    std::string logger_code;                   // the registry's id of the configured logger
    std::int64_t at_utc_seconds = 0;           // when it was measured (the device's clock if it has one, else the poll time)
    std::optional<std::int32_t> centi_celsius; // nullopt: the map's sensor-fault value was read
    friend bool operator==(const LoggerReading&, const LoggerReading&) = default;
};

struct CommitReceipt {
    std::size_t accepted = 0;     // observations or readings taken
    std::size_t duplicates = 0;   // already committed before (same message hash, same logger+time)
    std::size_t quarantined = 0;  // observations kept for a person to resolve
};

// Why a commit did not happen. `retryable`: the store was busy or unreachable, so the
// device should be told to resend later (ASTM: NAK / no ACK; HL7: no ACK, or AE) and
// nothing was written; otherwise the message itself is refused (HL7 AR) with `reason`.
struct CommitFailure {
    std::string code;    // "ingest.unavailable", "ingest.unknown_instrument", ...
    std::string reason;  // for a person: names the problem
    bool retryable = true;
};

using CommitOutcome = std::variant<CommitReceipt, CommitFailure>;

// An analyzer's host query (ASTM E1394 Q records): which tests should it run on these
// specimens? The query message itself was committed first (commit_message) like any other.
struct OrderQuery {
    std::string instrument_code;
    std::vector<std::string> specimen_ids;  // as the analyzer sent them
};

struct SpecimenOrders {
    std::string specimen_id;
    std::vector<std::string> test_codes;  // the instrument's own codes (its test-code mappings reversed)
    friend bool operator==(const SpecimenOrders&, const SpecimenOrders&) = default;
};

// Specimens with tests to run; a queried specimen not listed gets "no information".
struct OrdersAnswer {
    std::vector<SpecimenOrders> orders;
};

// A failure (service unreachable, unknown instrument, ...) is answered "no information".
using QueryOutcome = std::variant<OrdersAnswer, CommitFailure>;

class IngestSink {
public:
    virtual ~IngestSink() = default;
    // Idempotent: the same message (by the SHA-256 of raw and the instrument) committed
    // twice is counted once and reported as duplicates.
    virtual CommitOutcome commit_message(const InstrumentMessage& message) = 0;
    // Idempotent per (logger, time).
    virtual CommitOutcome commit_readings(const std::vector<LoggerReading>& readings) = 0;
    // Read-only. A sink that keeps no worklist (the default) answers every query with a
    // failure, and the analyzer is told "no information".
    virtual QueryOutcome query_orders(const OrderQuery& query) {
        return CommitFailure{"ingest.no_worklist", "this sink answers no host queries (instrument " +
                                                       query.instrument_code + ")", false};
    }
};

}  // namespace drivers
