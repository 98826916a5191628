// Working a case lead to its decision: accept, investigate, file (立案), decline (不予立案,
// reason required), transfer (移送, receiving body required), close; and the one
// extension of the decision clock with its recorded approval (市场监督管理行政处罚程序规定
// arts. 18–20). Called by the case-lead routes, one transaction each.
#pragma once

#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/case_lead_repository.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/review/actor.hpp"

#include <cstdint>
#include <string>

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

}  // namespace lims::workflow::case_leads
