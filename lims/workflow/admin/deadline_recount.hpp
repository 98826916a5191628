// Recounting the stored deadlines that were counted through a provisional calendar year
// (fixtures/calendars/README.md), once the year's official file is loaded: open case-lead
// decision deadlines and unacknowledged nonconformity notices. `lims calendar recompute`
// calls it in one transaction; every change is a new version with its audit entry.
#pragma once

#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/case_leads/case_lead_transitions.hpp"

#include <string>

namespace lims::workflow {

struct ProvisionalDeadlineRecount {
    case_leads::DeadlineRecount case_leads;
    case_leads::DeadlineRecount notices;  // same figures, for notices ("TZ2026-000004: ...")
    case_leads::DeadlineRecount cases;    // and for filed cases' clocks (cases/case_recount.hpp)
};

// Unacknowledged notices (state sent) whose due_at was counted through a provisional year
// are counted again from when they were sent, by the rule they were sent under (2 working
// days; 24 hours where the risk is serious, which never needs it); a changed due date or
// flag is written through NoticeRepository::update ("notice.deadline_recount" by `actor`).
// Errors: calendar.year_not_loaded, store errors.
domain::Result<case_leads::DeadlineRecount> recount_provisional_notices(store::Transaction& tx,
                                                                        const domain::WorkingCalendar& calendar,
                                                                        const std::string& actor);

// Case leads (case_leads::recount_provisional_deadlines), notices and cases, in one transaction.
domain::Result<ProvisionalDeadlineRecount> recount_provisional_deadlines(store::Transaction& tx,
                                                                        const domain::WorkingCalendar& calendar,
                                                                        const std::string& actor);

}  // namespace lims::workflow
