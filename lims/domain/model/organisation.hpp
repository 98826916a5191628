// An organisation of the regulator (bureau, supervision office, inspection centre,
// enforcement unit), placed in a tree: a user sees their organisation's subtree. Plain
// data, filled by lims/store's OrganisationRepository and used by workflow and api.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lims::domain {

enum class OrganisationKind { bureau, supervision_office, inspection_centre, enforcement_unit };

inline constexpr std::array<std::pair<OrganisationKind, std::string_view>, 4> organisation_kind_names{{
    {OrganisationKind::bureau, "bureau"},
    {OrganisationKind::supervision_office, "supervision_office"},
    {OrganisationKind::inspection_centre, "inspection_centre"},
    {OrganisationKind::enforcement_unit, "enforcement_unit"},
}};

inline std::string_view to_string(OrganisationKind kind) {
    for (auto [k, name] : organisation_kind_names)
        if (k == kind) return name;
    return "bureau";
}

inline std::optional<OrganisationKind> organisation_kind_from(std::string_view text) {
    for (auto [k, name] : organisation_kind_names)
        if (name == text) return k;
    return std::nullopt;
}

struct Organisation {
    std::int64_t id = 0;
    std::string code;  // short, stable, unique: "SH-PDX-ZJ" (a supervision office)
    std::string name;
    OrganisationKind kind = OrganisationKind::bureau;
    std::optional<std::int64_t> parent_id;
    std::string region_code;  // 6-digit GB/T 2260 division
    std::string path;         // "/1/4/9/": ids from the root down, for subtree queries
    bool active = true;
    std::int64_t version = 1;
};

}  // namespace lims::domain
