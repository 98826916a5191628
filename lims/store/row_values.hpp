// Nullable columns between Poco::Data and std::optional, for the repositories: reading a
// possibly-NULL column of a RecordSet, and binding an optional value as SQL NULL.
#pragma once

#include <Poco/Data/RecordSet.h>
#include <Poco/Nullable.h>

#include <cstdint>
#include <optional>
#include <string>

namespace lims::store {

inline std::optional<std::int64_t> optional_int(Poco::Data::RecordSet& rs, const char* col) {
    const auto& v = rs[col];
    if (v.isEmpty()) return std::nullopt;
    return v.convert<Poco::Int64>();
}

inline std::optional<std::string> optional_text(Poco::Data::RecordSet& rs, const char* col) {
    const auto& v = rs[col];
    if (v.isEmpty()) return std::nullopt;
    return v.convert<std::string>();
}

inline Poco::Nullable<Poco::Int64> nullable(const std::optional<std::int64_t>& v) {
    return v ? Poco::Nullable<Poco::Int64>(*v) : Poco::Nullable<Poco::Int64>();
}

inline Poco::Nullable<std::string> nullable(const std::optional<std::string>& v) {
    return v ? Poco::Nullable<std::string>(*v) : Poco::Nullable<std::string>();
}

}  // namespace lims::store
