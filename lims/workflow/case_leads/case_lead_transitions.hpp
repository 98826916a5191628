// Working a case lead to its decision: accept, investigate, file (立案), decline (不予立案,
// reason required), transfer (移送, receiving body required), close; and the one
// extension of the decision clock with its recorded approval (市场监督管理行政处罚程序规定
// arts. 18–20). Called by the case-lead routes, one transaction each.
#pragma once

#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/case_lead_repository.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lims::workflow::case_leads {

struct CaseLeadStep {
    std::int64_t lead_id = 0;
    std::int64_t expected_version = 0;  // If-Match
    std::string action;                 // accept, investigate, file, decline, transfer, close
    std::string reason;                 // decline
    std::string receiving_body;         // transfer: 公安机关 or the other department
    std::string approval;               // file, decline, transfer: the head's recorded approval
};

// Errors: case_lead.not_found, store.conflict, case_lead.not_responsible (the actor is
// not in the lead's enforcement unit), transition.* (state, role, a missing reason,
// receiving body or approval: transition.missing_record names it). Withdrawal is only
// through a conforming re-inspection (review/report.hpp).
domain::Result<store::CaseLeadRecord> take_step(store::Transaction& tx, const CaseLeadStep& step, const Actor& actor);

struct ExtensionRequest {
    std::int64_t lead_id = 0;
    std::int64_t expected_version = 0;
    std::string approval;  // who approved, and the reference of the approval
};

// Moves the deadline to 15 + 15 working days after receipt, once. Errors:
// case_lead.not_found, store.conflict, case_lead.approval_required,
// case_lead.extension_used, case_lead.decided (no clock runs after the decision),
// case_lead.not_responsible, calendar.year_not_loaded.
domain::Result<store::CaseLeadRecord> extend_deadline(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                                      const ExtensionRequest& request, const Actor& actor);

// What a recount of provisional deadlines did: each lead whose deadline or flag changed is
// listed ("XS2026-000003: 2027-01-13T16:00:00Z -> 2027-01-12T16:00:00Z (official)").
struct DeadlineRecount {
    std::size_t examined = 0;           // undecided leads with a provisional deadline
    std::size_t changed = 0;            // given a new revision
    std::size_t still_provisional = 0;  // their year is still provisional on `calendar`
    std::vector<std::string> changes;
};

// Recounts, on `calendar`, the decision deadline of every undecided case lead whose
// deadline was counted through a provisional calendar year (deadline_provisional), as
// extend_deadline and open_case_lead count it. A lead whose deadline or flag changes gets
// a new version through CaseLeadRepository::update (revision and audit entry
// "case_lead.deadline_recount" by `actor`); the others are left as they are. Run by `lims
// calendar recompute` once the official file for the year is in the calendar folder.
// Errors: calendar.year_not_loaded (a deadline beyond the loaded years), store errors.
domain::Result<DeadlineRecount> recount_provisional_deadlines(store::Transaction& tx,
                                                              const domain::WorkingCalendar& calendar,
                                                              const std::string& actor);

}  // namespace lims::workflow::case_leads
