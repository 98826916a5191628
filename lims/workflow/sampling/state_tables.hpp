// The state tables of the sampling workflow's own records — plans and shipments — in the
// same form as the domain's (lims/domain/state_machine/machines.hpp), and take(): the one
// way every sampling use case moves a task, sample, plan or shipment (roles and guards
// checked by domain::apply). Called by the use cases in this folder only.
#pragma once

#include "lims/domain/state_machine/machines.hpp"
#include "lims/workflow/actor.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace lims::workflow::sampling {

// draft → published (its tasks are generated) → closed
const domain::StateMachine& plan_machine();
// ready → in_transit → arrived → received; ready → cancelled. OpenELIS's shipping boxes
// (LESSONS.md) with "partially received" left to the items' own receipt conditions.
const domain::StateMachine& shipment_machine();

// The next state, or the domain's refusal (transition.role_not_allowed, .not_allowed,
// .guard_failed naming the guard, .missing_record). `guards` evaluates the row's named
// guards; a guard it does not know does not hold.
domain::Result<std::string> take(const domain::StateMachine& machine, std::string_view from, std::string_view action,
                                 const Actor& actor, std::function<bool(std::string_view)> guards = {},
                                 domain::RecordSet supplied = {});

}  // namespace lims::workflow::sampling
