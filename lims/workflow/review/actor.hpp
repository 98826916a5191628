// Who is acting in a review or case-lead use case: the signed-in user (or a service
// such as an instrument gateway) with their roles and organisation. The api builds it
// from the authenticated principal; tests build it directly.
#pragma once

#include "lims/domain/state_machine/role.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace lims::workflow {

struct Actor {
    std::optional<std::int64_t> user_id;  // empty for "system:<component>" actors
    std::string name;                     // what the audit trail shows: username or "system:<component>"
    domain::RoleSet roles;
    std::optional<std::int64_t> org_id;   // the actor's organisation (jurisdiction checks)
};

}  // namespace lims::workflow
