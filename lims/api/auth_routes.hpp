// The authentication routes of the route table: login, logout, the caller's own account,
// and the administrator's token revocation and service tokens. Added to the router by
// the app (api_routes.cpp) next to the resource routes.
#pragma once

#include "lims/api/auth_service.hpp"
#include "lims/api/router.hpp"

namespace lims::api {

void addAuthRoutes(Router& router, AuthService& auth);

// The JSON shape of a user in every response ("user" of login, GET /api/v1/me).
Poco::JSON::Object::Ptr userJson(const UserAccount& user);

// 403 unless the caller holds `role`; for handlers.
std::optional<Problem> requireRole(const Request& request, std::string_view role);

}  // namespace lims::api
