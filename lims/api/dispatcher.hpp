// Turns one HTTP request into one response through the route table: 404/405, bearer
// authentication and token scope, body media type and schema, the handler, and the
// metrics. No sockets here: server.cpp adapts Poco's request to this, and tests call it
// directly.
#pragma once

#include "lims/api/metrics.hpp"
#include "lims/api/router.hpp"
#include "lims/api/static_files.hpp"

#include <memory>
#include <optional>
#include <string>

namespace lims::api {

// What checking a bearer token gives: the caller, or why the token is refused.
struct Authentication {
    std::optional<Principal> principal;
    std::string failure;  // "the token has expired", ...
    // The token could not be checked (the database is away): 503 with Retry-After, not
    // 401, so that a client keeps its token and tries again.
    bool unavailable = false;
};

// Implemented by the token service (auth_service.hpp); the dispatcher only asks it.
class Authenticator {
public:
    virtual ~Authenticator() = default;
    virtual Authentication authenticate(const std::string& bearerToken) = 0;
};

// Hooks around a handler for POSTs carrying Idempotency-Key (idempotency.hpp).
class RequestReplay {
public:
    // What begin() decided: `answer` (a stored response, or a problem when the key is
    // misused or busy) is sent without running the handler; otherwise the handler runs
    // while `scope` is held (it marks the handler's own transactions), then commit() or
    // abandon() is called with `claim`.
    struct Start {
        std::optional<Response> answer;
        std::string claim;
        std::shared_ptr<void> scope;
    };
    virtual ~RequestReplay() = default;
    virtual Start begin(const Request& request, const std::string& key, KeyReplay mode) = 0;
    virtual void commit(const Request& request, const std::string& key, const std::string& claim,
                        const Response& response) = 0;
    virtual void abandon(const Request& request, const std::string& key, const std::string& claim) = 0;
};

class Dispatcher {
public:
    // `site`: the web interface's files for GETs outside /api/ that match no route (null:
    // those are 404), counted in `metrics` under the label after the routes' ones.
    Dispatcher(const Router& router, Metrics& metrics, Authenticator* authenticator,
               RequestReplay* replay = nullptr, const StaticFiles* site = nullptr);

    // `request` carries method, path (raw, undecoded), query, lower-case headers, body
    // and client address; params, json and principal are filled in here.
    Response dispatch(Request request);

    // The same for a request whose body was refused before it was read (too large).
    Response refuse(const std::string& method, const std::string& path, const Problem& problem,
                    std::chrono::steady_clock::time_point started);

    const Router& router() const { return router_; }

private:
    Response route(Request& request, std::size_t& routeIndex);

    const Router& router_;
    Metrics& metrics_;
    Authenticator* authenticator_;
    RequestReplay* replay_;
    const StaticFiles* site_;
};

// "Bearer abc" → "abc"; nullopt for any other scheme or an empty token.
std::optional<std::string> bearerToken(const std::string& authorizationHeader);

}  // namespace lims::api
