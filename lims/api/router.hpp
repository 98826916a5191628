// The route table of the HTTP API: one row per (method, path pattern) with its operation
// id, summary, who may call it and the schema of its body. The server dispatches through
// it, openapi.cpp publishes it, and the metrics label requests by its rows.
#pragma once

#include "lims/api/body_schema.hpp"
#include "lims/api/response.hpp"
#include "lims/domain/state_machine/machines.hpp"  // route roles come from the transition tables
#include "lims/domain/state_machine/role.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lims::api {

// Who may call a route. User tokens never reach ingest routes and ingest tokens never
// reach user routes: a gateway's token stolen from a laboratory PC cannot read samples.
// AnyToken is for operational reads (metrics) that a monitoring
// service token and a person may both make.
enum class AuthRequirement { Public, User, Ingest, AnyToken };

enum class TokenScope { User, Ingest };

// The authenticated caller, as the token store found it.
struct Principal {
    std::int64_t userId = 0;
    std::string username;
    std::string displayName;
    std::int64_t organisationId = 0;
    std::string organisationPath;  // "/1/4/9/": for jurisdiction checks (conventions.hpp)
    std::vector<std::string> roles;
    TokenScope scope = TokenScope::User;
    std::string tokenHash;  // SHA-256 of the bearer token, to revoke "this" token

    bool hasRole(std::string_view role) const;
};

struct Request {
    std::string method;
    std::string path;
    std::map<std::string, std::string> params;  // from {name} segments, percent-decoded
    std::map<std::string, std::string> query;   // first value of each query parameter
    std::map<std::string, std::string> headers; // names lower-cased
    std::string body;                           // raw, as received
    Poco::JSON::Object::Ptr json;               // checked against the route's schema
    std::optional<Principal> principal;
    std::string clientAddress;

    std::string header(const std::string& lowerCaseName) const;
};

using Handler = std::function<Response(const Request&)>;

// What an Idempotency-Key on a POST does for a route (idempotency.hpp).
enum class KeyReplay {
    // The first response is kept and replayed. When the service stopped after the
    // handler's work committed but before its response was kept, a retry is told so
    // (409) rather than run twice.
    once,
    // The same, but that retry runs the handler again: its work is idempotent by content
    // (ingest: a message hash or a logger and second is taken once).
    rerun,
    // The key is ignored and nothing is kept: the response holds a secret (a bearer token)
    // that must never be stored.
    never,
};

// One answer of a route as the OpenAPI document declares it (openapi.cpp): its status, in
// words, and its body (a JSON value described with the body-schema vocabulary; none: no
// JSON body, `mediaType` then says what comes instead, or "" for no content).
struct ResponseSchema {
    int status = 200;
    std::string description;
    std::optional<FieldSchema> body;
    std::string mediaType = "application/json";
};

struct Route {
    std::string method;
    std::string pattern;  // "/api/v1/samples/{number}"
    std::string operationId;
    std::string summary;
    AuthRequirement auth = AuthRequirement::User;
    std::optional<ObjectSchema> body;  // none: the route takes no body
    Handler handler;
    int successStatus = 200;  // documented in OpenAPI
    // The domain roles that may call the route; the dispatcher answers 403 to a caller
    // holding none of them, before the body is even read. Empty means every role, and the
    // matrix test (tests/e2e/matrix_test.cpp) refuses an authenticated route left empty
    // unless it is on its short list of deliberately open ones: say who may, e.g.
    //   router.add({"POST", "/api/v1/samples", ..., handler, 201, {domain::Role::sampler}});
    domain::RoleSet roles{};
    KeyReplay keyReplay = KeyReplay::once;
    // Documentation beyond the body: the query parameters the handler reads and its answers
    // per status. Left empty, openapi.cpp takes them from the schema catalogue by
    // operationId (lims/api/schemas/catalogue.hpp); tests/e2e/api_contract_test.cpp fails for
    // a route declared in neither.
    std::vector<FieldSchema> query{};
    std::vector<ResponseSchema> responses{};
};

// Every role there is: for routes any authenticated caller may use (their own account,
// logout, the OpenAPI document).
inline constexpr domain::RoleSet kEveryRole{
    domain::Role::planner,   domain::Role::sampler,   domain::Role::receiver,
    domain::Role::analyst,   domain::Role::reviewer,  domain::Role::signatory,
    domain::Role::enforcement_officer, domain::Role::bureau_viewer,
    domain::Role::administrator, domain::Role::ingest_service};
// Every role a person holds (all but ingest_service).
inline constexpr domain::RoleSet kPeopleRoles{
    domain::Role::planner,   domain::Role::sampler,   domain::Role::receiver,
    domain::Role::analyst,   domain::Role::reviewer,  domain::Role::signatory,
    domain::Role::enforcement_officer, domain::Role::bureau_viewer,
    domain::Role::administrator};

// The caller's roles as a set (role names the domain does not know are ignored).
domain::RoleSet roleSetOf(const Principal& principal);

// What matching a method and a path gives: a route with its parameters; or no route for
// the path (404); or routes for the path but not this method (405 with `allowed`).
struct RouteMatch {
    const Route* route = nullptr;
    std::size_t index = 0;
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed;
};

class Router {
public:
    // Adds a row; a duplicate (method, pattern) or a malformed pattern is a programming
    // error and throws std::logic_error at start-up.
    Router& add(Route route);

    RouteMatch match(const std::string& method, const std::string& path) const;

    const std::vector<Route>& routes() const { return routes_; }

private:
    struct Segment {
        std::string literal;
        std::string param;  // non-empty: matches any one segment
    };
    std::vector<Route> routes_;
    std::vector<std::vector<Segment>> compiled_;
};

// Splits "/a/b/" into {"a","b"}; percent-decodes each segment. Nullopt when a segment is
// not decodable (bad escape or not UTF-8), which the server answers with 404.
std::optional<std::vector<std::string>> splitPath(const std::string& path);

}  // namespace lims::api
