// The ordinary failures of the sampling use cases, as domain::Error values with stable
// codes, so that the API maps them to problem responses without string matching on
// messages. A bad field carries its JSON path in the code ("sampling.invalid_field:
// seal_numbers[1]"), which becomes the problem's errors[].field.
#pragma once

#include "lims/domain/error.hpp"

#include <optional>
#include <string>

namespace lims::workflow::sampling {

inline constexpr const char* kInvalidFieldPrefix = "sampling.invalid_field:";
inline constexpr const char* kNotFound = "sampling.not_found";     // absent, or outside the jurisdiction
inline constexpr const char* kForbidden = "sampling.forbidden";    // visible, but not the actor's to do
inline constexpr const char* kConflict = "sampling.conflict";      // the record's state forbids it now
inline constexpr const char* kStaleVersion = "sampling.stale_version";

domain::Error invalid_field(const std::string& field, std::string problem);
domain::Error not_found(std::string what);
domain::Error forbidden(std::string why);
domain::Error conflict(std::string why);
domain::Error stale_version(const std::string& what, std::int64_t current, std::int64_t given);

// The field an invalid_field error names, or nullopt for any other error.
std::optional<std::string> invalid_field_of(const domain::Error& error);

}  // namespace lims::workflow::sampling
