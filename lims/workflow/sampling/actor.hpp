// Who is acting in a sampling use case: the authenticated user, their organisation (and
// its materialised path, for jurisdiction) and their roles. The API builds one from the
// request's principal; tests build them directly.
#pragma once

#include "lims/domain/state_machine/role.hpp"

#include <cstdint>
#include <string>

namespace lims::workflow::sampling {

struct Actor {
    std::int64_t user_id = 0;
    std::string username;
    std::int64_t org_id = 0;
    std::string org_path;  // "/1/4/": the actor sees records under it
    domain::RoleSet roles;
};

// A record belongs to the actor's jurisdiction when its organisation lies in the actor's
// organisation's subtree.
inline bool within(const Actor& actor, const std::string& record_org_path) {
    return !actor.org_path.empty() && record_org_path.compare(0, actor.org_path.size(), actor.org_path) == 0;
}

}  // namespace lims::workflow::sampling
