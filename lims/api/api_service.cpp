#include "lims/api/api_service.hpp"

#include "lims/api/auth_routes.hpp"
#include "lims/api/json_text.hpp"

#include <stdexcept>

namespace lims::api {

namespace {
// Prometheus text exposition format, version 0.0.4.
constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";
}  // namespace

ApiService::ApiService(ApiParts parts) : parts_(std::move(parts)) {
    if (!parts_.auth) throw std::invalid_argument("ApiService needs an AuthService");

    router_.add({"GET", "/healthz", "getHealth", "Liveness and database reachability", AuthRequirement::Public,
                 std::nullopt, [this](const Request&) {
                     auto body = newObject();
                     if (!parts_.health) {
                         body->set("status", "ok");
                         return Response::json(200, body);
                     }
                     auto db = parts_.health();
                     body->set("status", db ? "ok" : "unavailable");
                     body->set("database", db ? std::string("ok") : db.error().message);
                     return Response::json(db ? 200 : 503, body).withHeader("Cache-Control", "no-store");
                 }});
    router_.add({"GET", "/metrics", "getMetrics", "Request counters, latency histogram and pool figures (Prometheus)",
                 AuthRequirement::AnyToken, std::nullopt, [this](const Request&) {
                     return Response::text(200, kPrometheusContentType, metrics_->render());
                 }, 200, kEveryRole});
    router_.add({"GET", "/api/v1/openapi.json", "getOpenApi", "This API's OpenAPI 3 document",
                 AuthRequirement::AnyToken, std::nullopt, [this](const Request&) {
                     return Response::text(200, kJsonContentType, openApiText_);
                 }, 200, kEveryRole});
    addAuthRoutes(router_, *parts_.auth);
    for (const auto& module : parts_.routeModules) module(router_);

    std::vector<std::string> labels;
    for (const auto& r : router_.routes()) labels.push_back(r.operationId);
    metrics_ = std::make_unique<Metrics>(std::move(labels));
    dispatcher_ = std::make_unique<Dispatcher>(router_, *metrics_, parts_.auth, parts_.replay);
    openApiText_ = toJsonText(openApiDocument(router_, parts_.info));
}

}  // namespace lims::api
