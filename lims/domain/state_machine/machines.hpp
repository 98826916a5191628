// The state tables of the entities that move through the workflow: task, sample,
// test result, report, notice and case lead. Read by the workflow use cases (one call to
// apply() per transition), by the API's authorisation, and by the OpenAPI document.
// Overdue is never a state: it is derived from a deadline (calendar/deadline.hpp).
#pragma once

#include "lims/domain/state_machine/state_machine.hpp"

#include <vector>

namespace lims::domain::machines {

const StateMachine& task();         // planned → assigned → in_progress → completed / cancelled
const StateMachine& sample();       // registered → shipped → received / rejected → in_testing → tested → reported (+ 复验)
const StateMachine& test_result();  // pending → pending_review → accepted → verified → final; rejected, retest_ordered
const StateMachine& report();       // draft → approved → issued → superseded
const StateMachine& notice();       // sent → acknowledged
const StateMachine& case_lead();    // open → accepted → investigating → filed / not_filed / transferred → closed; withdrawn
// filed (立案) → transfer_proposed → transfer_approved → transferred (移送公安); filed / transferred → decided
const StateMachine& filed_case();

std::vector<const StateMachine*> all();

}  // namespace lims::domain::machines
