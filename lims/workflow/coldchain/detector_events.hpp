// Persisting what a logger's detector reported, inside the caller's transaction: alarms
// (with their notifications), cleared alarms, excursions opened and closed, and one case
// lead per excursion at a regulated entity's storage (in a savepoint: a lead that cannot be
// opened becomes a case_lead_failed alarm, see excursion_leads.hpp). Used by the ingest,
// the offline tick and the end of a trip; not called from outside lims/workflow/coldchain.
#pragma once

#include "lims/coldchain/events.hpp"
#include "lims/store/storage_unit_repository.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/coldchain/ingest.hpp"
#include "lims/workflow/coldchain/site_rules.hpp"

#include <memory>
#include <vector>

namespace lims::workflow::coldchain {

struct EventCounts {
    std::size_t alarms_raised = 0;
    std::size_t excursions_opened = 0;
    std::size_t excursions_closed = 0;
    std::size_t case_leads_opened = 0;
    std::size_t case_leads_failed = 0;  // excursion kept without its lead, case_lead_failed alarm
};

// Readings the events refer to must already be stored (a case lead's evidence reads them).
// Rejected/flagged reading events are ignored here (the ingest reports them). An excursion
// records which rule fired (its source and version in `rules`) and the rule in words.
domain::Result<void> record_detector_events(store::Transaction& tx, const store::LoggerWatch& watch,
                                            const std::vector<lims::coldchain::Event>& events, std::int64_t now_utc,
                                            const ColdChainOptions& options, EventCounts& counts,
                                            const RuleInForce& rules);

}  // namespace lims::workflow::coldchain
