#include "lims/domain/state_machine/role.hpp"

#include "lims/domain/text/ascii.hpp"

namespace lims::domain {

std::string_view to_string(Role role) {
    switch (role) {
        case Role::planner: return "planner";
        case Role::sampler: return "sampler";
        case Role::receiver: return "receiver";
        case Role::analyst: return "analyst";
        case Role::reviewer: return "reviewer";
        case Role::signatory: return "signatory";
        case Role::enforcement_officer: return "enforcement_officer";
        case Role::bureau_viewer: return "bureau_viewer";
        case Role::administrator: return "administrator";
        case Role::ingest_service: return "ingest_service";
    }
    return "unknown";
}

Result<Role> parse_role(std::string_view text) {
    for (Role r : kAllRoles) {
        if (to_string(r) == text) return r;
    }
    return Error{"role.unknown", text::quoted(text) + " is not a role"};
}

std::vector<Role> RoleSet::roles() const {
    std::vector<Role> out;
    for (Role r : kAllRoles) if (contains(r)) out.push_back(r);
    return out;
}

std::string RoleSet::describe() const {
    std::string out;
    for (Role r : roles()) out += (out.empty() ? "" : ", ") + std::string(to_string(r));
    return out.empty() ? "no role" : out;
}

}  // namespace lims::domain
