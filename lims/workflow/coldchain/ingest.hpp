// Cold-chain readings ingest: the one entry point every reading takes (POST
// /api/v1/ingest/readings, the drivers' in-process sink, the gateway's forwarded batches).
// One transaction per batch: readings validated (refused or flagged with a reason, never
// silently dropped, never able to raise a false excursion), stored once and in order,
// run through the logger's excursion detector whose state is saved in the same
// transaction, and what the detector reports persisted: alarms to the site's contacts,
// excursions, and a case lead for an excursion at a regulated entity's storage. Readings
// and excursions are evidence: a lead that cannot be opened does not roll them back.
#pragma once

#include "lims/coldchain/reading.hpp"
#include "lims/coldchain/standards.hpp"
#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/workflow/actor.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lims::workflow::coldchain {

// readings.flags bits. Bit 0 is the device's (the same bit ingest::kSensorFaultFlag names);
// bit 8 is ours: stored as received but not evaluated by the detector (out of order,
// before the logger's placement, or from a logger not placed anywhere).
inline constexpr std::int32_t kFlagSensorFault = 1;
inline constexpr std::int32_t kFlagNotEvaluated = 1 << 8;

// Who reads the project's defaults: an alarm must be acknowledged within 30 minutes or it
// escalates (project default, not from a standard; GSP only requires the alarm to reach
// three designated people); at most two escalation levels.
inline constexpr lims::coldchain::Seconds kAcknowledgementDeadline = 30 * lims::coldchain::standard::kMinute;
inline constexpr int kMaxEscalationLevel = 2;

struct IncomingReading {
    std::string logger;                         // the logger's serial (drivers' logger_code)
    std::int64_t at_utc = 0;                    // seconds since 1970-01-01T00:00:00Z
    std::optional<std::int32_t> centi_celsius;  // empty: the register map's sensor-fault value
    // The value as received when it could not be read as a number (e.g. "abc" posted in a
    // JSON string): the reading is refused as reading.not_numeric with this text kept.
    std::optional<std::string> unreadable_value;

    // Parses "4.25", "-18", "+7.5" (°C, at most two decimals are kept exactly; more are
    // rounded half away from zero); anything else becomes an unreadable_value.
    static IncomingReading from_text(std::string logger, std::int64_t at_utc, std::string_view celsius);
};

// A reading refused or flagged, in the batch's terms. `stored` tells whether it was kept.
struct ReadingProblem {
    std::size_t index = 0;  // position in the batch
    std::string logger;
    std::int64_t at_utc = 0;
    std::string code;  // reading.unknown_logger, reading.not_numeric, reading.implausible_temperature,
                       // reading.time_in_future, reading.time_too_old, reading.conflicting_duplicate,
                       // reading.missing_logger (refused); reading.out_of_order, reading.before_placement,
                       // reading.unplaced (stored, not evaluated)
    std::string detail;
    bool stored = false;
};

struct IngestReport {
    std::size_t received = 0;
    std::size_t stored = 0;      // new rows in readings
    std::size_t duplicates = 0;  // already stored (or twice in the batch): taken once
    std::size_t rejected = 0;
    std::size_t flagged = 0;  // stored, not evaluated
    std::vector<ReadingProblem> problems;
    std::size_t alarms_raised = 0;
    std::size_t excursions_opened = 0;
    std::size_t excursions_closed = 0;
    std::size_t case_leads_opened = 0;
    // Excursions stored without their lead (it could not be opened; a case_lead_failed
    // alarm says why and the service's minute job tries again).
    std::size_t case_leads_failed = 0;
};

struct ColdChainOptions {
    std::string actor = "system:coldchain";
    lims::coldchain::Seconds acknowledgement_deadline = kAcknowledgementDeadline;
    // Needed to open case leads (their decision clock counts working days). Without it an
    // excursion at a regulated entity is stored and alarmed but no lead is opened.
    const domain::WorkingCalendar* calendar = nullptr;
    // The ingest token's actor when a gateway posted the batch: readings of a logger outside
    // its organisation's subtree are refused as reading.unknown_logger, in the words of an
    // unregistered one, and nothing of them reaches the readings or the detector. Null: the
    // service's own drivers.
    const Actor* gateway = nullptr;
};

// Errors (nothing written, the caller may resend the whole batch): store.* (busy,
// unavailable, ...). Every per-reading problem is in the report, never an error, and so
// is a case lead that could not be opened (case_leads_failed).
domain::Result<IngestReport> ingest_readings(store::Database& db, std::span<const IncomingReading> readings,
                                             std::int64_t now_utc, const ColdChainOptions& options = {});

}  // namespace lims::workflow::coldchain
