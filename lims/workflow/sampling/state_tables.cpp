#include "lims/workflow/sampling/state_tables.hpp"

namespace lims::workflow::sampling {

using domain::kNotCreated;
using enum domain::Role;
using R = domain::Recorded;

const domain::StateMachine& plan_machine() {
    static const domain::StateMachine m{
        "sampling_plan",
        {kNotCreated, "draft", "published", "closed"},
        {
            {kNotCreated, "create", "draft", {planner}, {"offices_in_jurisdiction"}},
            {"draft", "publish", "published", {planner}, {"has_quotas"}},
            {"published", "close", "closed", {planner}},
        }};
    return m;
}

const domain::StateMachine& shipment_machine() {
    static const domain::StateMachine m{
        "shipment",
        {kNotCreated, "ready", "in_transit", "arrived", "received", "cancelled"},
        {
            {kNotCreated, "create", "ready", {sampler}, {"samples_registered_here", "destination_is_laboratory"}},
            {"ready", "dispatch", "in_transit", {sampler}, {"actor_in_sending_office"}},
            {"ready", "cancel", "cancelled", {sampler}, {"actor_in_sending_office"}, {R::reason}},
            {"in_transit", "arrive", "arrived", {receiver}, {"actor_in_destination"}},
            {"arrived", "complete", "received", {receiver}, {"every_item_decided"}},
        }};
    return m;
}

domain::Result<std::string> take(const domain::StateMachine& machine, std::string_view from, std::string_view action,
                                 const Actor& actor, std::function<bool(std::string_view)> guards,
                                 domain::RecordSet supplied) {
    domain::TransitionRequest request{action, actor.roles, supplied, std::move(guards)};
    auto to = domain::apply(machine, from, request);
    if (!to) return to.error();
    return std::string(*to);
}

}  // namespace lims::workflow::sampling
