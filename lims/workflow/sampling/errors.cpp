#include "lims/workflow/sampling/errors.hpp"

#include <string_view>

namespace lims::workflow::sampling {

domain::Error invalid_field(const std::string& field, std::string problem) {
    return domain::errors::invalid(field, kInvalidFieldPrefix + field, std::move(problem));
}
domain::Error not_found(std::string what) { return domain::errors::not_found(kNotFound, std::move(what)); }
domain::Error forbidden(std::string why) { return domain::errors::forbidden(kForbidden, std::move(why)); }
domain::Error conflict(std::string why) { return domain::errors::conflict(kConflict, std::move(why)); }
domain::Error stale_version(const std::string& what, std::int64_t current, std::int64_t given) {
    return domain::errors::stale(kStaleVersion, what + " is at version " + std::to_string(current) + ", not " +
                                                    std::to_string(given) +
                                                    ": someone changed it meanwhile; reload and decide again");
}

std::optional<std::string> invalid_field_of(const domain::Error& error) {
    const std::string_view prefix = kInvalidFieldPrefix;
    if (error.code.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
    return error.code.substr(prefix.size());
}

}  // namespace lims::workflow::sampling
