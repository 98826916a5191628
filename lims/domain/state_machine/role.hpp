// The roles a user (or a service token) holds, and sets of them. The state-machine
// tables say which roles may take each transition; the API's authorisation reads them.
#pragma once

#include "lims/domain/result.hpp"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace lims::domain {

enum class Role : std::uint8_t {
    planner,              // bureau: plans sampling, quotas, tasks
    sampler,              // supervision office: samples on site, ships
    receiver,             // laboratory: receipt checks, accepts or rejects samples
    analyst,              // laboratory: tests, enters and accepts results
    reviewer,             // laboratory: second-person verification (复核)
    signatory,            // laboratory: authorised signatory (授权签字人), issues reports
    enforcement_officer,  // enforcement unit: works case leads
    bureau_viewer,        // bureau: reads, acknowledges notices
    administrator,        // organisations, users, catalogue, calendars
    ingest_service,       // gateways and instruments posting results and readings
};

inline constexpr Role kAllRoles[] = {Role::planner,   Role::sampler,   Role::receiver,
                                     Role::analyst,   Role::reviewer,  Role::signatory,
                                     Role::enforcement_officer, Role::bureau_viewer,
                                     Role::administrator, Role::ingest_service};

std::string_view to_string(Role role);
// Errors: role.unknown.
Result<Role> parse_role(std::string_view text);

class RoleSet {
public:
    constexpr RoleSet() = default;
    constexpr RoleSet(std::initializer_list<Role> roles) {
        for (Role r : roles) bits_ |= bit(r);
    }

    constexpr bool contains(Role r) const noexcept { return (bits_ & bit(r)) != 0; }
    constexpr bool intersects(RoleSet other) const noexcept { return (bits_ & other.bits_) != 0; }
    constexpr bool empty() const noexcept { return bits_ == 0; }
    constexpr RoleSet& add(Role r) noexcept { bits_ |= bit(r); return *this; }

    std::vector<Role> roles() const;
    std::string describe() const;  // "receiver, analyst"; "no role" when empty

    friend constexpr bool operator==(RoleSet, RoleSet) = default;

private:
    static constexpr std::uint32_t bit(Role r) { return 1u << static_cast<unsigned>(r); }
    std::uint32_t bits_ = 0;
};

}  // namespace lims::domain
