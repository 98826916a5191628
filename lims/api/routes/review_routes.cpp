// The review chain over HTTP: worklists, results (manual entry), two-person review with
// signatures, reports (draft, approve, issue), nonconformity notices and their
// acknowledgement, case leads and their steps, re-inspection; two route tables
// (review_test_routes.cpp, review_notice_routes.cpp) over the use cases of
// lims/workflow/review and lims/workflow/case_leads.
#include "lims/api/routes/review_common.hpp"

namespace lims::api {

void add_review_routes(Router& router, const RouteContext& context) {
    workflow::review::install_receipt_hook();  // idempotent: added unless already there
    review_tables::add_test_report_routes(router, context);
    review_tables::add_notice_lead_routes(router, context);
}

}  // namespace lims::api
