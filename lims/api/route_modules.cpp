#include "lims/api/route_modules.hpp"

namespace lims::api {

std::vector<std::function<void(Router&)>> all_route_modules(const RouteContext& context) {
    return {
        [context](Router& r) { add_admin_routes(r, context); },
        [context](Router& r) { add_sampling_routes(r, context); },
        [context](Router& r) { add_ingest_routes(r, context); },
        [context](Router& r) { add_review_routes(r, context); },
        [context](Router& r) { add_document_routes(r, context); },
        [context](Router& r) { add_service_routes(r, context); },
        [context](Router& r) { add_publication_routes(r, context); },
        [context](Router& r) { add_coldchain_routes(r, context); },
        [context](Router& r) { add_worklist_routes(r, context); },
        [context](Router& r) { add_calendar_routes(r, context); },
        [context](Router& r) { add_statutory_rule_routes(r, context); },
        [context](Router& r) { add_region_routes(r, context); },
        [context](Router& r) { add_reinspection_routes(r, context); },
        [context](Router& r) { add_result_routes(r, context); },
        [context](Router& r) { add_plan_list_routes(r, context); },
        [context](Router& r) { add_shipment_list_routes(r, context); },
        [context](Router& r) { add_notice_list_routes(r, context); },
        [context](Router& r) { add_notification_routes(r, context); },
        [context](Router& r) { add_risk_routes(r, context); },
        [context](Router& r) { add_focus_tag_routes(r, context); },
        [context](Router& r) { add_case_routes(r, context); },
    };
}

}  // namespace lims::api
