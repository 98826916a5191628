#include "lims/api/api_service.hpp"

#include "lims/api/auth_routes.hpp"
#include "lims/api/json_text.hpp"
#include "lims/domain/calendar/calendar_outlook.hpp"
#include "lims/domain/calendar/deadline.hpp"

#include <stdexcept>

namespace lims::api {

namespace {
// Prometheus text exposition format, version 0.0.4.
constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

domain::Date systemToday() {
    return domain::local_date(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

// /healthz "warnings": what needs someone's attention without stopping the service.
Poco::JSON::Array::Ptr calendarWarnings(const domain::WorkingCalendar& calendar, domain::Date today) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    for (const auto& w : domain::calendar_warnings(calendar, today)) {
        auto o = newObject();
        o->set("code", "calendar.year_" + domain::to_string(w.status));
        o->set("year", w.year);
        o->set("message", w.message);
        out->add(o);
    }
    return out;
}

// This year and next: loaded at all, and loaded provisionally (statutory days only).
GaugeSource calendarGauges(const domain::WorkingCalendar& calendar, std::function<domain::Date()> today) {
    return [&calendar, today = std::move(today)] {
        std::vector<Gauge> out;
        for (const auto& y : domain::calendar_outlook(calendar, today())) {
            const std::string label = "year=\"" + std::to_string(y.year) + "\"";
            out.push_back({"lims_calendar_year_loaded", "Whether the working-day calendar of the year is loaded (official or provisional).",
                           label, y.status == domain::CalendarYearStatus::missing ? 0.0 : 1.0});
            out.push_back({"lims_calendar_year_provisional",
                           "Whether the year's working-day calendar is provisional (statutory holidays only, notice not loaded).",
                           label, y.status == domain::CalendarYearStatus::provisional ? 1.0 : 0.0});
        }
        out.push_back({"lims_calendar_warnings", "Calendar warnings shown on /healthz (a year missing or provisional).",
                       "", static_cast<double>(domain::calendar_warnings(calendar, today()).size())});
        return out;
    };
}
}  // namespace

ApiService::ApiService(ApiParts parts) : parts_(std::move(parts)) {
    if (!parts_.auth) throw std::invalid_argument("ApiService needs an AuthService");

    if (!parts_.today) parts_.today = systemToday;
    router_.add({"GET", "/healthz", "getHealth", "Liveness and database reachability; warnings such as next year's calendar",
                 AuthRequirement::Public, std::nullopt, [this](const Request&) {
                     auto body = newObject();
                     // A missing or provisional calendar year is a warning, not a failure:
                     // the service works (deadlines are marked provisional) and stays up.
                     if (parts_.calendar || !parts_.warnings.empty()) {
                         Poco::JSON::Array::Ptr warnings = parts_.calendar
                                                               ? calendarWarnings(*parts_.calendar, parts_.today())
                                                               : Poco::JSON::Array::Ptr(new Poco::JSON::Array);
                         for (const auto& source : parts_.warnings)
                             for (const auto& w : source()) {
                                 auto o = newObject();
                                 o->set("code", w.code);
                                 if (w.count) o->set("count", *w.count);
                                 o->set("message", w.message);
                                 warnings->add(o);
                             }
                         body->set("warnings", warnings);
                     }
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
    // Public: the document holds no data, only the contract, and a client generator or a
    // gateway reads it before it has a token.
    router_.add({"GET", "/api/v1/openapi.json", "getOpenApi", "This API's OpenAPI 3 document",
                 AuthRequirement::Public, std::nullopt, [this](const Request&) {
                     return Response::text(200, kJsonContentType, openApiText_);
                 }});
    addAuthRoutes(router_, *parts_.auth);
    for (const auto& module : parts_.routeModules) module(router_);

    std::vector<std::string> labels;
    for (const auto& r : router_.routes()) labels.push_back(r.operationId);
    if (parts_.site) labels.push_back("webStatic");  // the dispatcher counts the page's files here
    metrics_ = std::make_unique<Metrics>(std::move(labels));
    if (parts_.calendar) metrics_->addGaugeSource(calendarGauges(*parts_.calendar, parts_.today));
    dispatcher_ = std::make_unique<Dispatcher>(router_, *metrics_, parts_.auth, parts_.replay,
                                               parts_.site ? &*parts_.site : nullptr);
    openApiText_ = toJsonText(openApiDocument(router_, parts_.info));
}

}  // namespace lims::api
