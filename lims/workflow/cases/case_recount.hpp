// Recounting the clocks of open cases that were counted through a provisional calendar
// year, once the official year is loaded (`lims calendar recompute`, through
// admin/deadline_recount.hpp): the decision deadline, a pending transfer's decision due
// time and each running seizure's term. A case whose figures change gets a new version
// ("case.deadline_recount" by `actor`); the others are left as they are.
#pragma once

#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/case_leads/case_lead_transitions.hpp"

#include <string>

namespace lims::workflow::cases {

// Errors: calendar.year_not_loaded, store errors.
domain::Result<case_leads::DeadlineRecount> recount_provisional_deadlines(store::Transaction& tx,
                                                                          const domain::WorkingCalendar& calendar,
                                                                          const std::string& actor);

}  // namespace lims::workflow::cases
