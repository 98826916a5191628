#include "lims/api/auth_routes.hpp"

#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/domain/calendar/utc_time.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/NumberParser.h>

namespace lims::api {

Poco::JSON::Object::Ptr userJson(const UserAccount& user) {
    auto o = newObject();
    o->set("id", user.id);
    o->set("username", user.username);
    o->set("display_name", user.displayName);
    o->set("organisation_id", user.organisationId);
    o->set("organisation_code", user.organisationCode);
    Poco::JSON::Array::Ptr roles = new Poco::JSON::Array;
    for (const auto& r : user.roles) roles->add(r);
    o->set("roles", roles);
    return o;
}

std::optional<Problem> requireRole(const Request& request, std::string_view role) {
    if (request.principal && request.principal->hasRole(role)) return std::nullopt;
    return problems::forbidden("This needs the " + std::string(role) + " role.");
}

namespace {

Poco::JSON::Object::Ptr tokenJson(const IssuedToken& t, TokenScope scope) {
    auto o = newObject();
    o->set("token", t.token);
    o->set("token_type", "Bearer");
    o->set("scope", scope == TokenScope::Ingest ? "ingest" : "user");
    o->set("expires_at", domain::format_utc(t.expiresAt));
    o->set("user", userJson(t.user));
    return o;
}

std::optional<std::int64_t> idParam(const Request& r, const std::string& name) {
    Poco::Int64 v = 0;
    if (!Poco::NumberParser::tryParse64(r.params.at(name), v) || v <= 0) return std::nullopt;
    return v;
}

}  // namespace

void addAuthRoutes(Router& router, AuthService& auth) {
    router.add({"POST", "/api/v1/auth/login", "login", "Exchange a username and password for a bearer token",
                AuthRequirement::Public,
                ObjectSchema{{field::string("username").length(1, 64),
                              field::string("password").length(1, kMaxPasswordLength).withFormat("password")}},
                [&auth](const Request& r) {
                    auto issued = auth.login(r.json->getValue<std::string>("username"),
                                             r.json->getValue<std::string>("password"), r.clientAddress);
                    if (!issued) return Response::problem(issued.problem());
                    return Response::json(200, tokenJson(*issued, TokenScope::User))
                        .withHeader("Cache-Control", "no-store");
                }, 200, {}, KeyReplay::never});

    router.add({"POST", "/api/v1/auth/logout", "logout", "Revoke the token this request carries",
                AuthRequirement::User, std::nullopt,
                [&auth](const Request& r) {
                    auto done = auth.logout(*r.principal);
                    if (!done) return Response::problem(done.problem());
                    return Response::noContent();
                }, 204, kPeopleRoles, KeyReplay::never});

    router.add({"GET", "/api/v1/me", "getMe", "The authenticated user", AuthRequirement::User, std::nullopt,
                [&auth](const Request& r) {
                    auto me = auth.user(r.principal->userId);
                    if (!me) return Response::problem(me.problem());
                    return Response::json(200, userJson(*me));
                }, 200, kPeopleRoles});

    router.add({"POST", "/api/v1/me/password", "changeMyPassword",
                "Change the caller's own password (the current one is required; every other token of "
                "theirs is revoked)",
                AuthRequirement::User,
                ObjectSchema{{field::string("current_password").length(1, kMaxPasswordLength).withFormat("password"),
                              field::string("new_password")
                                  .length(kMinPasswordLength, kMaxPasswordLength)
                                  .withFormat("password")}},
                [&auth](const Request& r) {
                    auto changed = auth.changePassword(*r.principal, r.json->getValue<std::string>("current_password"),
                                                       r.json->getValue<std::string>("new_password"), r.clientAddress);
                    if (!changed) return Response::problem(changed.problem());
                    auto o = newObject();
                    o->set("tokens_revoked", *changed);
                    return Response::json(200, o);
                }, 200, kPeopleRoles, KeyReplay::never});

    router.add({"POST", "/api/v1/auth/users/{id}/revoke", "revokeUserTokens",
                "Revoke every token of a user (administrators)", AuthRequirement::User, std::nullopt,
                [&auth](const Request& r) {
                    const auto id = idParam(r, "id");
                    if (!id) return Response::problem(problems::notFound("There is no user with id " + r.params.at("id") + "."));
                    // Another jurisdiction's user is answered like a missing one.
                    auto target = auth.user(*id);
                    if (!target) return Response::problem(target.problem());
                    if (!withinJurisdiction(r.principal->organisationPath, target->organisationPath)) {
                        return Response::problem(notVisible("user", r.params.at("id")));
                    }
                    auto revoked = auth.revokeUserTokens(*id, *r.principal);
                    if (!revoked) return Response::problem(revoked.problem());
                    auto o = newObject();
                    o->set("revoked", *revoked);
                    return Response::json(200, o);
                }, 200, {domain::Role::administrator}, KeyReplay::never});

    router.add({"POST", "/api/v1/auth/service-tokens", "issueServiceToken",
                "Issue an ingest-only token for a gateway or instrument account (administrators)",
                AuthRequirement::User, ObjectSchema{{field::integer("user_id").range(1, INT64_MAX)}},
                [&auth](const Request& r) {
                    const auto userId = r.json->getValue<Poco::Int64>("user_id");
                    auto target = auth.user(userId);
                    if (!target) return Response::problem(target.problem());
                    if (!withinJurisdiction(r.principal->organisationPath, target->organisationPath)) {
                        return Response::problem(notVisible("user", std::to_string(userId)));
                    }
                    auto issued = auth.issueServiceToken(userId, r.principal->username);
                    if (!issued) return Response::problem(issued.problem());
                    return Response::json(201, tokenJson(*issued, TokenScope::Ingest))
                        .withHeader("Cache-Control", "no-store");
                }, 201, {domain::Role::administrator}, KeyReplay::never});
}

}  // namespace lims::api
