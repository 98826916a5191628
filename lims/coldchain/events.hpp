// What the detector reports for a logger: alarms, excursions with their figures,
// offline/online, sensor faults, and readings it rejected or only flagged. The service
// persists these, delivers alarms and opens case leads from closed excursions.
#pragma once

#include "lims/coldchain/reading.hpp"
#include "lims/coldchain/rules.hpp"

#include <string>
#include <string_view>
#include <variant>

namespace lims::coldchain {

enum class RangeSide : std::uint8_t { above, below };

// Why a reading was rejected (not evaluated, not to be stored as a reading) or flagged
// (stored, but not evaluated).
enum class ReadingIssue : std::uint8_t {
    unknown_logger,           // rejected: no detector watches this logger
    implausible_temperature,  // rejected: below −100 °C or above 100 °C
    time_in_future,           // rejected: later than now + max_clock_skew
    time_too_old,             // rejected: earlier than now − max_backlog
    duplicate,                // rejected: same logger, time and value as the latest reading
    conflicting_duplicate,    // rejected: same logger and time as the latest, another value
    out_of_order,             // flagged: older than the latest reading; stored, not evaluated
};

enum class ExcursionEnd : std::uint8_t {
    returned_to_range,  // a reading no longer met the rule
    record_gap,         // no valid reading for longer than the offline threshold
    end_of_record,      // the record ended (a shipment's receipt) with the rule still met
};

std::string_view to_string(RangeSide);
std::string_view to_string(ReadingIssue);  // "reading.<issue>"
std::string_view to_string(ExcursionEnd);

// A closed excursion. Time out of range runs from the first to the last reading that met
// the rule (summed over stretches for cumulative rules); min, max and MKT are over those
// readings.
struct Excursion {
    std::string rule;
    ExcursionKind kind = ExcursionKind::heat;
    Accumulation accumulation = Accumulation::consecutive;
    UtcSeconds start = 0;
    UtcSeconds end = 0;
    Centidegrees minimum = 0;
    Centidegrees maximum = 0;
    Seconds time_out_of_range = 0;
    double mkt_celsius = 0;
    std::int64_t readings = 0;
    ExcursionEnd ended_by = ExcursionEnd::returned_to_range;
    friend bool operator==(const Excursion&, const Excursion&) = default;
};

struct AlarmRaised {
    LoggerId logger;
    UtcSeconds at = 0;     // the reading that confirmed it
    UtcSeconds since = 0;  // first reading of the out-of-range stretch
    RangeSide side = RangeSide::above;
    Centidegrees temperature = 0;
    friend bool operator==(const AlarmRaised&, const AlarmRaised&) = default;
};
struct AlarmCleared {
    LoggerId logger;
    UtcSeconds at = 0;  // the reading back in range (or on the other side)
    RangeSide side = RangeSide::above;
    friend bool operator==(const AlarmCleared&, const AlarmCleared&) = default;
};
struct ExcursionOpened {
    LoggerId logger;
    UtcSeconds at = 0;     // the reading at which the rule's duration was reached
    UtcSeconds start = 0;  // where the excursion window begins
    std::string rule;
    ExcursionKind kind = ExcursionKind::heat;
    friend bool operator==(const ExcursionOpened&, const ExcursionOpened&) = default;
};
struct ExcursionClosed {
    LoggerId logger;
    UtcSeconds at = 0;  // the reading (or finish time) that closed it
    Excursion excursion;
    friend bool operator==(const ExcursionClosed&, const ExcursionClosed&) = default;
};
struct WentOffline {
    LoggerId logger;
    UtcSeconds at = 0;         // last_seen + offline threshold
    UtcSeconds last_seen = 0;  // the last reading (or when watching began)
    friend bool operator==(const WentOffline&, const WentOffline&) = default;
};
struct CameOnline {
    LoggerId logger;
    UtcSeconds at = 0;
    friend bool operator==(const CameOnline&, const CameOnline&) = default;
};
struct SensorFaultRaised {
    LoggerId logger;
    UtcSeconds at = 0;
    friend bool operator==(const SensorFaultRaised&, const SensorFaultRaised&) = default;
};
struct SensorFaultCleared {
    LoggerId logger;
    UtcSeconds at = 0;
    friend bool operator==(const SensorFaultCleared&, const SensorFaultCleared&) = default;
};
struct ReadingRejected {
    LoggerId logger;
    UtcSeconds at = 0;
    ReadingIssue reason = ReadingIssue::unknown_logger;
    std::string detail;
    friend bool operator==(const ReadingRejected&, const ReadingRejected&) = default;
};
struct ReadingFlagged {
    LoggerId logger;
    UtcSeconds at = 0;
    ReadingIssue reason = ReadingIssue::out_of_order;
    std::string detail;
    friend bool operator==(const ReadingFlagged&, const ReadingFlagged&) = default;
};

using Event = std::variant<AlarmRaised, AlarmCleared, ExcursionOpened, ExcursionClosed, WentOffline, CameOnline,
                           SensorFaultRaised, SensorFaultCleared, ReadingRejected, ReadingFlagged>;

// One line for logs and test failure messages, e.g.
// "excursion_closed TL-1 who_30dtr.heat 1000..40000 min=900 max=900 ...".
std::string describe(const Event&);

}  // namespace lims::coldchain
