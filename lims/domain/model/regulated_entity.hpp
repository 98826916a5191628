// A supervised business or institution where samples are taken (pharmacy, hospital,
// manufacturer, CDC, vaccination site, ...), under one organisation's jurisdiction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace lims::domain {

struct RegulatedEntity {
    std::int64_t id = 0;
    std::string name;
    std::string kind;  // pharmacy, hospital, clinic, distributor, manufacturer, cdc, vaccination_site, ...
    std::optional<std::string> credit_code;  // 18-character unified social credit code
    std::int64_t jurisdiction_org_id = 0;
    std::string region_code;
    std::string address;
    std::string licence_number;
    std::int64_t version = 1;
};

}  // namespace lims::domain
