// What the administration route tables share (routes/admin_*_routes.cpp): body readers,
// keyset pages over ids, the error -> problem mapping and the ETag'd answer. Each table
// adds one URL prefix's routes; add_admin_routes (admin_routes.cpp) adds them all.
#pragma once

#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/api/route_modules.hpp"

#include <Poco/JSON/Array.h>

#include <climits>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lims::api::admin_routes {

using Poco::JSON::Array;
using Poco::JSON::Object;

inline const domain::RoleSet kAdministrators{domain::Role::administrator};
// Names and sizes people type into these forms; generous, but bounded.
inline constexpr std::size_t kMaxName = 200;
inline constexpr std::size_t kMaxCode = 64;
inline constexpr std::size_t kMaxText = 500;
inline constexpr std::int64_t kMaxId = INT64_MAX;

std::optional<std::int64_t> idParam(const Request& r, const std::string& name = "id");
std::string str(const Request& r, const std::string& name, const std::string& fallback = "");
std::optional<std::string> optStr(const Request& r, const std::string& name);
std::optional<std::int64_t> optInt(const Request& r, const std::string& name);
std::vector<std::string> strings(const Request& r, const std::string& name);
StringCheck regionCheck();
// A list of names (the workflow's constant arrays) as a schema's allowed values.
std::vector<std::string> names(const auto& values) { return {values.begin(), values.end()}; }

// A use case's error as the API's answer: Response::error (api/problem's one mapping),
// except a stale version, answered with the record's current version that `reread`
// gives, and a missing record, answered as notVisible(what, id).
Response failure(const domain::Error& e, const std::string& what, const std::string& id, std::int64_t given = 0,
                 const std::function<std::optional<std::int64_t>()>& reread = {});

Response withVersion(int status, const Object::Ptr& body, std::int64_t version);

// Keyset pages over ids: (after id, limit) from ?cursor and ?limit.
Outcome<std::pair<std::int64_t, std::size_t>> idPage(const Request& r);

template <typename T, typename ToJson, typename IdOf>
Response pageOf(std::vector<T> rows, std::size_t limit, ToJson toJson, IdOf idOf) {
    std::optional<std::vector<std::string>> next;
    if (rows.size() > limit) {
        rows.resize(limit);
        next = std::vector<std::string>{std::to_string(idOf(rows.back()))};
    }
    Array::Ptr items = new Array;
    for (const auto& row : rows) items->add(toJson(row));
    return Response::json(200, pageJson(items, next));
}

// The tables, one per URL prefix.
void add_organisation_routes(Router& router, const RouteContext& context);  // /organisations
void add_user_routes(Router& router, const RouteContext& context);          // /users
void add_entity_routes(Router& router, const RouteContext& context);        // /regulated-entities
void add_product_routes(Router& router, const RouteContext& context);       // /products, /specification-lines

}  // namespace lims::api::admin_routes
