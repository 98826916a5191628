// Who calls a use case of the cold chain or the administration: the signed-in user, their
// organisation with its materialised path (jurisdiction) and their roles. The API builds
// one from the request's principal; tests build them directly.
//
// It has the fields of the one workflow::Actor issue 14 introduces (user_id, name,
// org_id, org_path, roles): when that lands, Caller becomes an alias of it.
#pragma once

#include "lims/domain/state_machine/role.hpp"

#include <cstdint>
#include <string>

namespace lims::workflow {

struct Caller {
    std::int64_t user_id = 0;
    std::string name;      // what the audit trail shows
    std::int64_t org_id = 0;
    std::string org_path;  // "/1/4/": the caller sees records of organisations under it
    domain::RoleSet roles;
};

// A record of the organisation at `record_org_path` lies in the caller's subtree.
inline bool within(const Caller& caller, const std::string& record_org_path) {
    return !caller.org_path.empty() && record_org_path.compare(0, caller.org_path.size(), caller.org_path) == 0;
}

}  // namespace lims::workflow
