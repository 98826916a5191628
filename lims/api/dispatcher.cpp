#include "lims/api/dispatcher.hpp"

#include <Poco/Logger.h>
#include <Poco/String.h>

#include <chrono>

namespace lims::api {

namespace {
Poco::Logger& logger() { return Poco::Logger::get("lims.api"); }

bool isJsonMediaType(const std::string& contentType) {
    const auto semicolon = contentType.find(';');
    std::string media = Poco::toLower(Poco::trim(contentType.substr(0, semicolon)));
    return media == "application/json";
}
}  // namespace

std::optional<std::string> bearerToken(const std::string& header) {
    const std::string trimmed = Poco::trim(header);
    constexpr std::string_view kScheme = "bearer ";
    if (trimmed.size() <= kScheme.size()) return std::nullopt;
    if (Poco::icompare(trimmed.substr(0, kScheme.size()), std::string(kScheme)) != 0) return std::nullopt;
    std::string token = Poco::trim(trimmed.substr(kScheme.size()));
    if (token.empty() || token.find(' ') != std::string::npos) return std::nullopt;
    return token;
}

Dispatcher::Dispatcher(const Router& router, Metrics& metrics, Authenticator* authenticator,
                       RequestReplay* replay, const StaticFiles* site)
    : router_(router), metrics_(metrics), authenticator_(authenticator), replay_(replay), site_(site) {}

Response Dispatcher::refuse(const std::string& method, const std::string& path, const Problem& problem,
                            std::chrono::steady_clock::time_point started) {
    const auto m = router_.match(method, path);
    const std::size_t index = m.route ? m.index : metrics_.unmatchedIndex();
    Response r = Response::problem(problem);
    metrics_.record(index, r.status, std::chrono::steady_clock::now() - started);
    return r;
}

Response Dispatcher::dispatch(Request request) {
    const auto started = std::chrono::steady_clock::now();
    std::size_t routeIndex = metrics_.unmatchedIndex();
    Response response;
    try {
        response = route(request, routeIndex);
    } catch (const std::exception& e) {
        logger().error("%s %s failed: %s", request.method, request.path, std::string(e.what()));
        response = Response::problem(problems::internal());
    } catch (...) {
        logger().error("%s %s failed with an unknown exception", request.method, request.path);
        response = Response::problem(problems::internal());
    }
    metrics_.record(routeIndex, response.status, std::chrono::steady_clock::now() - started);
    return response;
}

Response Dispatcher::route(Request& request, std::size_t& routeIndex) {
    auto match = router_.match(request.method, request.path);
    if (!match.route) {
        if (!match.allowed.empty()) return Response::problem(problems::methodNotAllowed(match.allowed));
        if (site_ && StaticFiles::serves(request.method, request.path)) {
            routeIndex = router_.routes().size();  // the "webStatic" label (api_service.cpp)
            return site_->serve(request.path);
        }
        return Response::problem(problems::notFound("There is no resource at " + request.path + "."));
    }
    routeIndex = match.index;
    const Route& route = *match.route;
    request.params = std::move(match.params);

    if (route.auth != AuthRequirement::Public) {
        const auto token = bearerToken(request.header("authorization"));
        if (!token) {
            return Response::problem(problems::unauthenticated(
                "This resource needs an 'Authorization: Bearer <token>' header; log in at "
                "POST /api/v1/auth/login to get a token."));
        }
        if (!authenticator_) return Response::problem(problems::serviceUnavailable("Authentication is not configured."));
        auto auth = authenticator_->authenticate(*token);
        if (!auth.principal)
            return Response::problem(auth.unavailable ? problems::serviceUnavailable(auth.failure)
                                                      : problems::unauthenticated(auth.failure));
        const TokenScope needed = route.auth == AuthRequirement::Ingest ? TokenScope::Ingest : TokenScope::User;
        if (route.auth != AuthRequirement::AnyToken && auth.principal->scope != needed) {
            return Response::problem(problems::forbidden(
                needed == TokenScope::Ingest ? "This resource accepts only service tokens with the ingest scope."
                                             : "A service token with the ingest scope cannot call this resource."));
        }
        if (!route.roles.empty() && !roleSetOf(*auth.principal).intersects(route.roles)) {
            return Response::problem(problems::forbidden(route.method + " " + route.pattern + " needs one of the roles: " +
                                                         route.roles.describe() + "."));
        }
        request.principal = std::move(auth.principal);
    }

    if (route.body) {
        const std::string contentType = request.header("content-type");
        if (!isJsonMediaType(contentType)) {
            return Response::problem(problems::unsupportedMediaType(contentType.empty() ? "none" : contentType));
        }
        auto checked = checkBody(*route.body, request.body);
        if (!checked) return Response::problem(*checked.problem);
        request.json = checked.value;
    } else if (request.body.find_first_not_of(" \t\r\n") != std::string::npos) {
        return Response::problem(problems::badRequest(route.method + " " + route.pattern + " takes no request body."));
    }

    const std::string key = request.header("idempotency-key");
    if (replay_ && request.method == "POST" && !key.empty() && route.keyReplay != KeyReplay::never) {
        auto start = replay_->begin(request, key, route.keyReplay);
        if (start.answer) return std::move(*start.answer);
        try {
            Response r = route.handler(request);
            start.scope.reset();
            replay_->commit(request, key, start.claim, r);
            return r;
        } catch (...) {
            start.scope.reset();
            replay_->abandon(request, key, start.claim);
            throw;
        }
    }
    return route.handler(request);
}

}  // namespace lims::api
