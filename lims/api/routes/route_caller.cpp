#include "lims/api/routes/route_caller.hpp"

namespace lims::api {

workflow::Caller caller_of(const Request& r) {
    const Principal& p = *r.principal;
    workflow::Caller c;
    c.user_id = p.userId;
    c.name = p.username;
    c.org_id = p.organisationId;
    c.org_path = p.organisationPath;
    for (const auto& name : p.roles)
        if (auto role = domain::parse_role(name)) c.roles.add(*role);
    return c;
}

}  // namespace lims::api
