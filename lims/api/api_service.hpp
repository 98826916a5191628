// The assembled HTTP API: route table (auth, health, metrics, OpenAPI, and whatever the
// resource modules add), metrics and dispatcher, ready to be served. `lims serve` builds
// one over the store; tests build one over test doubles.
#pragma once

#include "lims/api/auth_service.hpp"
#include "lims/api/dispatcher.hpp"
#include "lims/api/metrics.hpp"
#include "lims/api/openapi.hpp"
#include "lims/api/router.hpp"
#include "lims/api/static_files.hpp"
#include "lims/domain/calendar/civil_date.hpp"
#include "lims/domain/calendar/working_calendar.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lims::api {

// Database reachability for /healthz: success, or why not.
using HealthProbe = std::function<domain::Result<void>()>;

// What /healthz lists under "warnings" besides the calendar's: the service works, but
// someone should look (excursions whose case lead could not be opened, ...).
struct HealthWarning {
    std::string code;
    std::string message;
    std::optional<std::int64_t> count;  // how many things are concerned, when that is the point
};
using HealthWarningSource = std::function<std::vector<HealthWarning>()>;

struct ApiParts {
    AuthService* auth = nullptr;     // required
    HealthProbe health;              // empty: /healthz reports liveness only
    std::vector<HealthWarningSource> warnings;  // more /healthz warnings, asked at each request
    RequestReplay* replay = nullptr; // Idempotency-Key support; null: keys are ignored
    // Resource modules add their rows here (samples, plans, ...), after the built-in ones.
    std::vector<std::function<void(Router&)>> routeModules;
    OpenApiInfo info;
    // The working-day calendar deadlines are counted on: /healthz warns and /metrics shows
    // when this year, or next year from November, is missing or provisional. Null: neither.
    const domain::WorkingCalendar* calendar = nullptr;
    // Today's date in China Standard Time for those checks; empty: the system clock.
    std::function<domain::Date()> today;
    // The web interface's built files, served for GETs outside /api/ (static_files.hpp);
    // none: such paths are 404 as before.
    std::optional<StaticFiles> site;
};

class ApiService {
public:
    explicit ApiService(ApiParts parts);

    Dispatcher& dispatcher() { return *dispatcher_; }
    Metrics& metrics() { return *metrics_; }
    const Router& router() const { return router_; }
    const StaticFiles* site() const { return parts_.site ? &*parts_.site : nullptr; }

private:
    ApiParts parts_;
    Router router_;
    std::unique_ptr<Metrics> metrics_;
    std::unique_ptr<Dispatcher> dispatcher_;
    std::string openApiText_;  // rendered once: the table does not change after start-up
};

}  // namespace lims::api
