// The case after the lead (立案 and what follows): the use cases the /api/v1/cases routes call
// (api/routes/case_routes.cpp). Each takes the Database and the caller, opens and owns its
// transaction, finds the case in the caller's subtree (a case held by another unit's
// jurisdiction is answered like a missing one: not_found "case.not_found"), checks the
// version the caller holds (If-Match; store.conflict otherwise), applies the case's state
// table (domain machines::filed_case) and writes the next version, audited. Clocks are the
// domain's (domain/calendar/case_clocks.hpp), counted on the working-day calendar given.
#pragma once

#include "lims/domain/calendar/civil_date.hpp"
#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/case_repository.hpp"
#include "lims/store/database.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/page.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::cases {

// ---- filing ------------------------------------------------------------------------------
struct CaseFiling {
    std::string lead_number;
    std::int64_t lead_version = 0;  // If-Match: the lead's version
    std::string approval;           // the head's recorded approval of the filing (立案审批)
    std::optional<domain::Instant> filed_at;  // empty: now; never in the future nor before the lead was received
};

// A lead still under investigation takes its "file" step (case_leads::take_step) and becomes
// a case in the same transaction; a lead already decided for filing (state filed, or closed
// with decision filed) without its case becomes one. Starts the decision clock (90 days).
// Errors: lead_number.not_in_jurisdiction (422, also for an unknown lead), store.conflict
// (the lead's version), case.lead_not_filed (409: the lead was declined, transferred or is
// not yet under investigation), case.exists (409: the lead is already a case), filed_at.future,
// filed_at.before_lead, transition.* (roles, missing approval), calendar.year_not_loaded.
domain::Result<store::CaseRecord> file_case(store::Database& db, const domain::WorkingCalendar& calendar,
                                            const CaseFiling& filing, const Actor& actor);

// ---- reading -----------------------------------------------------------------------------
struct CaseFilter {
    std::optional<std::string> state;
    std::optional<std::string> lead_number;
};
domain::Result<IdPage<store::CaseRecord>> list_cases(store::Database& db, const Actor& actor, const CaseFilter& filter,
                                                     std::int64_t after_id, std::size_t limit);
domain::Result<store::CaseRecord> find_case(store::Database& db, const Actor& actor, const std::string& number);

// ---- the decision clock ------------------------------------------------------------------
// The evidence goes out for testing, inspection, quarantine or expert opinion: the clock
// stands from `at` (now when empty). Errors: reason (not one of the four), case.decided,
// case.paused (a pause already stands), at.future, at.time_order.
struct PauseRequest {
    std::string reason;  // testing, inspection, quarantine, expert_opinion
    std::string note;
    std::optional<domain::Instant> at;
};
domain::Result<store::CaseRecord> pause_clock(store::Database& db, const domain::WorkingCalendar& calendar,
                                              const std::string& number, std::int64_t version,
                                              const PauseRequest& request, const Actor& actor);
// The result is back: the clock runs again and the deadline moves by the days it stood.
// Errors: case.not_paused, at.future, at.time_order.
domain::Result<store::CaseRecord> resume_clock(store::Database& db, const domain::WorkingCalendar& calendar,
                                               const std::string& number, std::int64_t version,
                                               std::optional<domain::Instant> at, const Actor& actor);
// The one extension of 30 days, with its reason and who approved it. Errors: case.decided,
// case.extension_used, reason / approver (blank).
struct ExtensionRequest {
    std::string reason;
    std::string approver;
};
domain::Result<store::CaseRecord> extend_clock(store::Database& db, const domain::WorkingCalendar& calendar,
                                               const std::string& number, std::int64_t version,
                                               const ExtensionRequest& request, const Actor& actor);

// ---- risk-control measures ---------------------------------------------------------------
struct NewMeasure {
    std::string kind;  // suspend_sale, suspend_use, recall, seizure
    std::string scope;
    std::string document_number;  // required for a seizure (查封扣押决定书)
    std::optional<domain::Instant> started_at;
};
// Errors: kind, document_number (a seizure without its decision's number), case.decided,
// started_at.future, started_at.before_filing.
domain::Result<store::CaseRecord> add_measure(store::Database& db, const domain::WorkingCalendar& calendar,
                                              const std::string& number, std::int64_t version, const NewMeasure& measure,
                                              const Actor& actor);
// A seizure's one extension of 30 days. Errors: case.measure_not_found, case.not_a_seizure,
// case.measure_ended, case.extension_used, reason / approver.
domain::Result<store::CaseRecord> extend_measure(store::Database& db, const domain::WorkingCalendar& calendar,
                                                 const std::string& number, std::int64_t version, std::int64_t measure_id,
                                                 const ExtensionRequest& request, const Actor& actor);
// The seized goods go out for testing, inspection, quarantine or technical appraisal
// (检测、检验、检疫、技术鉴定; reason expert_opinion): the seizure's term stands from `at`
// (now when empty) until they are back, because 行政强制法 第二十五条 leaves that time out of
// the 30 (+ 30) days. Errors: reason (not one of the four), case.measure_not_found,
// case.not_a_seizure, case.measure_ended, case.measure_paused (a pause already stands),
// at.future, at.time_order (before the seizure or the end of the last pause).
domain::Result<store::CaseRecord> pause_measure(store::Database& db, const domain::WorkingCalendar& calendar,
                                                const std::string& number, std::int64_t version, std::int64_t measure_id,
                                                const PauseRequest& request, const Actor& actor);
// The goods are back: the term runs again and its end moves by the days it stood.
// Errors: case.measure_not_found, case.measure_not_paused, at.future, at.time_order.
domain::Result<store::CaseRecord> resume_measure(store::Database& db, const domain::WorkingCalendar& calendar,
                                                 const std::string& number, std::int64_t version, std::int64_t measure_id,
                                                 std::optional<domain::Instant> at, const Actor& actor);
struct MeasureEnd {
    std::string result;  // lifted, confiscated, destroyed, completed
    std::string note;
    std::optional<domain::Instant> at;
};
// Errors: case.measure_not_found, case.measure_ended, result (a seizure ends lifted,
// confiscated or destroyed; the others lifted or completed), at.future, at.time_order.
domain::Result<store::CaseRecord> end_measure(store::Database& db, const std::string& number, std::int64_t version,
                                              std::int64_t measure_id, const MeasureEnd& end, const Actor& actor);

// ---- transfer to the police (移送公安) ----------------------------------------------------
// Proposed with its grounds: the head's decision is due in 3 days.
domain::Result<store::CaseRecord> propose_transfer(store::Database& db, const domain::WorkingCalendar& calendar,
                                                   const std::string& number, std::int64_t version,
                                                   const std::string& grounds, const Actor& actor);
struct TransferDecision {
    bool approve = false;
    std::string approver;
    std::string note;  // required when refused
};
// Approved: the hand-over is due within 24 hours; refused: the case is filed again.
domain::Result<store::CaseRecord> decide_transfer(store::Database& db, const domain::WorkingCalendar& calendar,
                                                  const std::string& number, std::int64_t version,
                                                  const TransferDecision& decision, const Actor& actor);
struct Handover {
    std::string police_body;  // 某某市公安局
    std::string reference;    // the 移送书 number or the receipt
    std::optional<domain::Instant> at;
};
domain::Result<store::CaseRecord> hand_over(store::Database& db, const std::string& number, std::int64_t version,
                                            const Handover& handover, const Actor& actor);

// ---- the outcome -------------------------------------------------------------------------
struct PersonPenaltyRequest {
    std::string name, position, penalty;
    std::optional<std::string> amount;
};
struct OutcomeRequest {
    std::string kind;  // penalty, no_penalty, withdrawn
    std::string approval;
    std::string decision_number;
    std::optional<std::string> amount;  // penalty: yuan
    std::string legal_basis;
    std::string reason;
    std::vector<PersonPenaltyRequest> persons;  // 处罚到人
    std::optional<domain::Instant> at;
};
// Records how the case ended and tells the laboratory that tested the sample and the
// bureau that organised the sampling (office notifications, kind "case_outcome"; a lead
// opened by hand has neither). Errors: kind, amount (penalty: missing, not a positive
// amount of yuan), legal_basis (penalty), reason (no_penalty, withdrawn),
// persons[i].name / .penalty / .amount, transition.* (state, approval), at.future.
domain::Result<store::CaseRecord> record_outcome(store::Database& db, const std::string& number, std::int64_t version,
                                                 const OutcomeRequest& request, const Actor& actor);

}  // namespace lims::workflow::cases
