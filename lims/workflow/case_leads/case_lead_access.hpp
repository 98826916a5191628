// The door of the /api/v1/case-leads routes that read a lead or take a step on it
// (api/routes/review_notice_routes.cpp; opening one by hand is open_case_lead.hpp's
// open_manual_case_lead): each takes the Database and the caller, opens and owns its
// transaction and checks inside it that the caller's subtree holds the lead (assigned to a
// unit of it; review/visibility.hpp: outside, or missing, is not_found
// "review.record_not_found"), then runs take_step / extend_deadline in that same
// transaction, with their errors and audit entries unchanged.
#pragma once

#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/case_lead_repository.hpp"
#include "lims/store/database.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/case_leads/case_lead_transitions.hpp"
#include "lims/workflow/page.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace lims::workflow::case_leads {

struct CaseLeadFilter {
    std::optional<std::string> state;
    bool overdue_only = false;  // still undecided with the decision deadline passed (now, the store's clock)
};

// The leads assigned to units of the caller's subtree, by id after `after_id`. An actor
// without a path sees nothing.
domain::Result<IdPage<store::CaseLeadRecord>> list_case_leads(store::Database& db, const Actor& actor,
                                                              const CaseLeadFilter& filter, std::int64_t after_id,
                                                              std::size_t limit);
domain::Result<store::CaseLeadRecord> find_case_lead(store::Database& db, const Actor& actor, const std::string& number);

// `step.lead_id` / `request.lead_id` is looked up from `number` in the same transaction.
domain::Result<store::CaseLeadRecord> take_step(store::Database& db, const std::string& number, CaseLeadStep step,
                                                const Actor& actor);
domain::Result<store::CaseLeadRecord> extend_deadline(store::Database& db, const domain::WorkingCalendar& calendar,
                                                      const std::string& number, ExtensionRequest request,
                                                      const Actor& actor);

}  // namespace lims::workflow::case_leads
