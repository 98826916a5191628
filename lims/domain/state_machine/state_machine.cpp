#include "lims/domain/state_machine/state_machine.hpp"

#include "lims/domain/text/ascii.hpp"

#include <algorithm>

namespace lims::domain {

std::string_view to_string(Recorded item) {
    switch (item) {
        case Recorded::reason: return "reason";
        case Recorded::receiving_body: return "receiving_body";
        case Recorded::approval: return "approval";
        case Recorded::signature: return "signature";
        case Recorded::applicant: return "applicant";
        case Recorded::reference: return "reference";
    }
    return "unknown";
}

bool StateMachine::has_state(std::string_view state) const {
    return std::find(states.begin(), states.end(), state) != states.end();
}

bool StateMachine::has_action(std::string_view action) const {
    return std::any_of(transitions.begin(), transitions.end(), [&](const Transition& t) { return t.action == action; });
}

std::vector<std::string_view> StateMachine::actions() const {
    std::vector<std::string_view> out;
    for (const auto& t : transitions) {
        if (std::find(out.begin(), out.end(), t.action) == out.end()) out.push_back(t.action);
    }
    return out;
}

std::vector<std::string_view> StateMachine::actions_from(std::string_view state) const {
    std::vector<std::string_view> out;
    for (const auto& t : transitions) if (t.from == state) out.push_back(t.action);
    return out;
}

const Transition* StateMachine::find(std::string_view from, std::string_view action) const {
    for (const auto& t : transitions) {
        if (t.from == from && t.action == action) return &t;
    }
    return nullptr;
}

Result<std::string_view> apply(const StateMachine& m, std::string_view from, const TransitionRequest& request) {
    const std::string entity(m.entity);
    if (!m.has_state(from)) {
        return Error{"transition.unknown_state", entity + ": " + text::quoted(from) + " is not a state of a " + entity};
    }
    const std::string where = entity + " in state '" + std::string(from) + "'";
    const std::string action(request.action);
    if (!m.has_action(request.action)) {
        return Error{"transition.unknown_action", where + ": " + text::quoted(action) + " is not an action on a " + entity};
    }
    const Transition* t = m.find(from, request.action);
    if (t == nullptr) {
        std::string allowed;
        for (auto a : m.actions_from(from)) allowed += (allowed.empty() ? "" : ", ") + std::string(a);
        return Error{"transition.not_allowed", where + ": action '" + action + "' is not allowed from this state (" +
                                                   (allowed.empty() ? "it is final" : "allowed: " + allowed) + ")"};
    }
    if (!t->roles.intersects(request.actor_roles)) {
        return Error{"transition.role_not_allowed", where + ": action '" + action + "' needs the role " +
                                                        t->roles.describe() + "; the actor has " +
                                                        request.actor_roles.describe()};
    }
    for (Recorded r : kAllRecorded) {
        if (t->records.contains(r) && !request.supplied.contains(r)) {
            return Error{"transition.missing_record", where + ": action '" + action + "' requires a " +
                                                          std::string(to_string(r))};
        }
    }
    for (std::string_view guard : t->guards) {
        if (guard.empty()) continue;
        if (!request.guard_holds || !request.guard_holds(guard)) {
            return Error{"transition.guard_failed", where + ": action '" + action + "' requires " + std::string(guard) +
                                                        ", which does not hold"};
        }
    }
    return t->to;
}

}  // namespace lims::domain
