// Workflow as data: one table per entity of rows {from, action, to, roles allowed,
// guards, what must be recorded}, and one function, apply(), that takes a transition or
// says precisely why not. The workflow layer evaluates the named guards (it has the
// database) and records what the row asks for in the audit entry.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/domain/state_machine/role.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lims::domain {

// What a transition must carry; it lands in the audit entry.
enum class Recorded : std::uint8_t {
    reason = 1u << 0,          // why (a rejection, a cancellation, 不予立案)
    receiving_body = 1u << 1,  // who takes over a transferred case lead (公安机关 …)
    approval = 1u << 2,        // the head's recorded approval (立案, 移送, extensions)
    signature = 1u << 3,       // an electronic signature with its meaning
    applicant = 1u << 4,       // who applied (re-inspection: sampled unit or manufacturer)
    reference = 1u << 5,       // a linked record (superseding report, re-inspection report)
};

class RecordSet {
public:
    constexpr RecordSet() = default;
    constexpr RecordSet(std::initializer_list<Recorded> items) {
        for (Recorded r : items) bits_ |= static_cast<std::uint8_t>(r);
    }
    constexpr bool contains(Recorded r) const noexcept { return (bits_ & static_cast<std::uint8_t>(r)) != 0; }
    constexpr bool empty() const noexcept { return bits_ == 0; }
    constexpr RecordSet& add(Recorded r) noexcept { bits_ |= static_cast<std::uint8_t>(r); return *this; }
    constexpr RecordSet without(Recorded r) const noexcept {
        RecordSet s = *this;
        s.bits_ &= static_cast<std::uint8_t>(~static_cast<unsigned>(r));
        return s;
    }
    friend constexpr bool operator==(RecordSet, RecordSet) = default;

private:
    std::uint8_t bits_ = 0;
};

inline constexpr Recorded kAllRecorded[] = {Recorded::reason,    Recorded::receiving_body, Recorded::approval,
                                            Recorded::signature, Recorded::applicant,      Recorded::reference};
std::string_view to_string(Recorded item);

// The pseudo-state before a record exists: creation is a transition from it.
inline constexpr std::string_view kNotCreated = "new";

struct Transition {
    std::string_view from;
    std::string_view action;
    std::string_view to;
    RoleSet roles;                            // any one of these may take it
    std::array<std::string_view, 2> guards{}; // named predicates that must all hold
    RecordSet records{};                      // what the request must supply
};

struct StateMachine {
    std::string_view entity;                // "sample", "case_lead"
    std::vector<std::string_view> states;   // kNotCreated first
    std::vector<Transition> transitions;    // at most one row per (from, action)

    bool has_state(std::string_view state) const;
    bool has_action(std::string_view action) const;
    std::vector<std::string_view> actions() const;                   // every distinct action
    std::vector<std::string_view> actions_from(std::string_view state) const;
    const Transition* find(std::string_view from, std::string_view action) const;
};

struct TransitionRequest {
    std::string_view action;
    RoleSet actor_roles;
    RecordSet supplied;  // which recorded items the caller filled in (non-blank)
    // Evaluates a named guard for this record; absent means no guard holds.
    std::function<bool(std::string_view guard)> guard_holds;
};

// The new state, or an error naming entity, state and action:
// transition.unknown_state, transition.unknown_action, transition.not_allowed (not from
// this state), transition.role_not_allowed, transition.missing_record (e.g. a reason),
// transition.guard_failed (naming the guard).
Result<std::string_view> apply(const StateMachine& machine, std::string_view from, const TransitionRequest& request);

}  // namespace lims::domain
