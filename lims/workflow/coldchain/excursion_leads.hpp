// Case leads for excursions at a regulated entity's storage. The readings and the
// excursion are evidence and commit whatever happens to what follows from them: the lead
// is opened in a savepoint of the readings' transaction, and when it cannot be opened (no
// enforcement unit over the entity's jurisdiction, calendar year not loaded, ...) the
// excursion stays without one and its storage unit gets a case_lead_failed alarm, notified
// to the site's contacts like any alarm. The service's minute job opens the leads still
// missing once their cause is fixed; /healthz and /metrics show how many wait.
// Called by the detector's event recorder, the service jobs and the API's health figures.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/alarm_repository.hpp"
#include "lims/store/database.hpp"
#include "lims/store/excursion_repository.hpp"
#include "lims/store/storage_unit_repository.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/coldchain/ingest.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace lims::workflow::coldchain {

// The alarm kind of an excursion whose case lead could not be opened.
inline constexpr const char* kCaseLeadFailedAlarm = "case_lead_failed";

// Where an excursion happened, as its lead and its alarms name it.
struct ExcursionSite {
    std::int64_t logger_id = 0;
    std::string logger_serial;
    std::int64_t placement_id = 0;
    store::StorageUnitRow unit;  // the storage unit; a lead is due when unit.entity_id is set
};

// "storage unit CDC-F1 (vaccine refrigerator)": how alarms and leads name the place.
std::string place_of_unit(const store::StorageUnitRow& unit);

// Inserts the alarm and notifies the site's level-0 contacts, in the caller's transaction.
domain::Result<store::AlarmRow> raise_alarm(store::Transaction& tx, const store::AlarmRow& alarm,
                                            const std::string& place, std::int64_t now_utc, const std::string& actor);

struct LeadAttempt {
    bool opened = false;         // the lead exists now (opened by this call)
    bool failed = false;         // it could not be opened; the reason is on the alarm
    bool alarm_raised = false;   // a new case_lead_failed alarm (none was open for it)
};

// Opens the excursion's case lead inside `tx`, in a savepoint. Nothing to do (attempt
// neither opened nor failed) for an excursion with a lead, not at a regulated entity, or
// without `options.calendar`. A store error that is worth a retry (busy, unavailable) is
// returned, so that the caller's transaction fails and is retried whole; any other failure
// leaves the excursion without a lead and raises a case_lead_failed alarm on the unit,
// unless one is open for the excursion already. An opened lead clears those alarms.
domain::Result<LeadAttempt> open_excursion_case_lead(store::Transaction& tx, const ExcursionSite& site,
                                                     const store::ExcursionRow& excursion, std::int64_t now_utc,
                                                     const ColdChainOptions& options);

struct CaseLeadRetryReport {
    std::size_t waiting = 0;  // excursions without their lead before the run
    std::size_t opened = 0;
    std::size_t failed = 0;   // still failing (their alarm stands)
    std::size_t alarms_raised = 0;
};

// The minute job: every excursion at a regulated entity's storage unit without a case lead
// gets one more attempt, each in its own transaction.
domain::Result<CaseLeadRetryReport> retry_excursion_case_leads(store::Database& db, std::int64_t now_utc,
                                                               const ColdChainOptions& options);

// How many excursions at a regulated entity's storage unit have no case lead.
domain::Result<std::size_t> excursions_waiting_for_case_lead(store::Database& db);

}  // namespace lims::workflow::coldchain
