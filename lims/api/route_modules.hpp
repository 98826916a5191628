// The resource modules of the HTTP API, one per area, each adding its rows to the route
// table. `lims serve` (lims/app) and the API tests build a RouteContext over a real store
// and call all_route_modules(); each area owns its add_*_routes in lims/api/routes/.
#pragma once

#include "lims/api/metrics.hpp"

#include "drivers/device_policy.hpp"

#include "lims/api/auth_service.hpp"
#include "lims/api/idempotency.hpp"
#include "lims/api/instrument_status.hpp"
#include "lims/api/router.hpp"
#include "lims/domain/calendar/working_calendar.hpp"

#include <functional>
#include <memory>
#include <vector>

// The database is only named here: route modules pass it to the workflow use cases, which
// open and own its transactions; lims/app opens it and composes the service.
namespace lims::store {
class Database;
}  // namespace lims::store

namespace lims::api {

// What every resource module may use. Lifetimes: all outlive the router.
struct RouteContext {
    std::shared_ptr<store::Database> database;             // required
    AuthService* auth = nullptr;                           // required (password re-entry for signatures)
    const domain::WorkingCalendar* calendar = nullptr;  // required: every clock uses it
    // The drivers' link states (`lims serve` with lims.drivers.enabled); null: no drivers run here.
    std::shared_ptr<const InstrumentStatusSource> instrumentStatus;
    // What devices configured through the API may reach (drivers/device_policy.hpp).
    std::shared_ptr<const drivers::DevicePolicy> devicePolicy = std::make_shared<const drivers::DevicePolicy>();
    // The largest evidence file accepted (lims.attachments.max_bytes; workflow/evidence/attachments.hpp).
    std::size_t attachmentMaxBytes = 700 * 1024;
};

// Administration and reference data: organisations, users, regulated entities, products,
// specification catalogue (routes/admin_routes.cpp).
void add_admin_routes(Router& router, const RouteContext& context);
// Sampling workflow: plans, quotas, tasks, samples, shipments, receipt, custody (routes/sampling_routes.cpp).
void add_sampling_routes(Router& router, const RouteContext& context);
// Instruments, ingest of observations and readings, raw messages, quarantine (routes/ingest_routes.cpp).
void add_ingest_routes(Router& router, const RouteContext& context);
// /metrics: ingest messages this process answered "refused" inside a 200 (an instrument the
// service does not know or no longer takes), by error code: the gateway keeps them as
// refused rows for replay (`lims gateway status`).
std::vector<Gauge> ingest_refusal_gauges();
// Tests, results, review, signatures, reports, verification, notices, case leads,
// re-inspection, overdue lists, statistics (routes/review_routes.cpp).
void add_review_routes(Router& router, const RouteContext& context);
// Documents and figures: report and sampling-record PDFs, the public report check
// (GET /verify/{number}), overdue lists, statistics, CSV exports (routes/document_routes.cpp).
void add_document_routes(Router& router, const RouteContext& context);
// Service of documents (送达): a report's services, the 送达回证 PDF, the date of service with its
// evidence (routes/service_routes.cpp).
void add_service_routes(Router& router, const RouteContext& context);
// Publication lists of nonconforming products (PDF, CSV, .xlsx), samples' national platform numbers and
// the platform export (routes/publication_routes.cpp).
void add_publication_routes(Router& router, const RouteContext& context);
// Host query answers for gateways: GET /api/v1/ingest/orders (routes/worklist_routes.cpp).
void add_worklist_routes(Router& router, const RouteContext& context);
// Storage units, loggers, placements, readings, excursions, alarms, site status (routes/coldchain_routes.cpp).
void add_coldchain_routes(Router& router, const RouteContext& context);

// The working-day calendar for the screens: years loaded with their warnings, and where
// deadlines stand today (local due date, working days left) (routes/calendar_routes.cpp).
void add_calendar_routes(Router& router, const RouteContext& context);
// The newest result of each test of a worklist page with its rounded value, verdict and
// raw message (routes/result_routes.cpp).
void add_result_routes(Router& router, const RouteContext& context);
// The sampling plans a caller may see, with their quotas' totals (routes/plan_list_routes.cpp).
void add_plan_list_routes(Router& router, const RouteContext& context);
// The shipment screens' lists (issue 13): GET /api/v1/shipments, /shipments/{number}/transport-box,
// /laboratories (routes/shipment_list_routes.cpp); the notice inbox in pages (routes/notice_list_routes.cpp).
void add_shipment_list_routes(Router& router, const RouteContext& context);
void add_notice_list_routes(Router& router, const RouteContext& context);
// The caller's notifications with their read and acknowledged marks, bureaus' notice contacts,
// a notice's deliveries (routes/notification_routes.cpp).
void add_notification_routes(Router& router, const RouteContext& context);
// Cases filed from case leads: clocks with pauses and extension, risk-control measures, transfer to
// the police, outcome (routes/case_routes.cpp).
void add_case_routes(Router& router, const RouteContext& context);

// The risk ledger (风险台账) closed item by item (routes/risk_routes.cpp); focus varieties as
// tags on products (routes/focus_tag_routes.cpp).
void add_risk_routes(Router& router, const RouteContext& context);
void add_focus_tag_routes(Router& router, const RouteContext& context);

// The statutory rule catalogue with its citations: GET /api/v1/statutory-rules (routes/statutory_rule_routes.cpp).
void add_statutory_rule_routes(Router& router, const RouteContext& context);
// The region names behind every region code shown: GET /api/v1/regions (routes/region_routes.cpp).
void add_region_routes(Router& router, const RouteContext& context);
// Re-inspection: a sample's application and record, the directory of re-inspection laboratories
// (routes/reinspection_routes.cpp).
void add_reinspection_routes(Router& router, const RouteContext& context);

// All of the above, in that order, for ApiParts::routeModules.
std::vector<std::function<void(Router&)>> all_route_modules(const RouteContext& context);

}  // namespace lims::api
