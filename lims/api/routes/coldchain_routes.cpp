// The cold chain over HTTP, one table per URL prefix (routes/coldchain_*_routes.cpp):
// storage units and site contacts, loggers' placements and readings, the site board,
// alarms, and shipments' trips. Every handler is schema, JSON in, one use case of
// lims/workflow/coldchain/site_use_cases.hpp, JSON out; the use case checks the caller's
// jurisdiction for every record it touches (a record outside it answers 404, like a
// missing one; an id in the body outside it, 422 naming the field).
#include "lims/api/routes/coldchain_common.hpp"

namespace lims::api {

void add_coldchain_routes(Router& router, const RouteContext& context) {
    workflow::coldchain::register_receipt_assessor();
    coldchain_routes::add_storage_unit_routes(router, context);
    coldchain_routes::add_logger_routes(router, context);
    coldchain_routes::add_site_routes(router, context);
    coldchain_routes::add_alarm_routes(router, context);
    coldchain_routes::add_contact_routes(router, context);
    coldchain_routes::add_shipment_routes(router, context);
    coldchain_routes::add_rule_routes(router, context);
}

}  // namespace lims::api
