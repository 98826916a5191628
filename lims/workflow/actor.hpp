// Who is acting in a use case: a signed-in user, a gateway's ingest token, or a component
// of the service ("system:coldchain"), with their roles and organisation. The one Actor of
// every use case (sampling, review, case leads, ingest); the api builds it from the
// authenticated principal, the service's jobs and tests build it directly. Jurisdiction
// checks on it live in lims/workflow/jurisdiction.hpp.
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
    std::optional<std::int64_t> org_id;   // the actor's organisation
    std::string org_path;                 // its materialised path ("/1/4/"): the actor's subtree
};

}  // namespace lims::workflow
