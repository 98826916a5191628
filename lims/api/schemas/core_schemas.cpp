// Response schemas of the service's own routes: health, metrics, the OpenAPI document,
// login and tokens, one's own account (api_service.cpp, auth_routes.cpp). See catalogue.hpp.
#include "lims/api/schemas/catalogue.hpp"

namespace lims::api::schemas {

namespace {

FieldSchema user() {
    return object({field::integer("id"), field::string("username"), field::string("display_name"),
                   field::integer("organisation_id"), field::string("organisation_code"),
                   field::array("roles", field::string(""))});
}

FieldSchema token(std::vector<std::string> scopes) {
    auto u = user();
    u.name = "user";
    return object({field::string("token").describedAs("The bearer token; shown once, never stored in clear."),
                   field::string("token_type").oneOf({"Bearer"}), field::string("scope").oneOf(std::move(scopes)),
                   dateTime("expires_at"), u});
}

FieldSchema health() {
    return object({field::string("status").oneOf({"ok", "unavailable"}),
                   field::string("database").optional().describedAs("\"ok\", or why the database cannot be reached"),
                   field::array("warnings", object({field::string("code"), field::integer("year").optional(),
                                                    field::integer("count").optional(), field::string("message")}))
                       .optional()
                       .describedAs("A calendar year missing or provisional; drivers configured but not running")});
}

}  // namespace

void addCoreDocs(Catalogue& docs) {
    docs["getHealth"] = {{}, {ok(health(), "The service is up and its database answers."),
                              answer(503, health(), "The database cannot be reached.")}};
    docs["getMetrics"] = {{}, {media(200, "text/plain", "Prometheus text exposition format 0.0.4.")}};
    docs["getOpenApi"] = {{}, {ok(anyObject().describedAs("This document (OpenAPI 3.0.3)."))}};
    docs["login"] = {{}, {ok(token({"user"}), "A user token.")}};
    docs["logout"] = {{}, {noContent("The token is revoked.")}};
    docs["getMe"] = {{}, {ok(user())}};
    docs["changeMyPassword"] = {{}, {ok(object({field::integer("tokens_revoked").describedAs(
                                          "The caller's other tokens, revoked with the old password")}))}};
    docs["revokeUserTokens"] = {{}, {ok(object({field::integer("revoked")}))}};
    docs["issueServiceToken"] = {{}, {created(token({"ingest"}), "An ingest-scoped token for a gateway.")}};
}

}  // namespace lims::api::schemas
