// The sampling workflow over HTTP: plans and their tasks, registration of samples,
// shipments, receipt at the laboratory, chain of custody and the office's notifications.
// Handlers translate JSON to the use cases of lims/workflow/sampling and their errors to
// problem responses; who may do what comes from the state tables those use cases apply.
// Three tables, one per prefix: sampling_plan_routes.cpp (sampling-plans, tasks),
// sample_routes.cpp (samples), shipment_routes.cpp (shipments, notifications).
#include "lims/api/routes/sampling_common.hpp"

namespace lims::api {

void add_sampling_routes(Router& router, const RouteContext& context) {
    sampling_tables::add_sampling_plan_routes(router, context);
    sampling_tables::add_sample_routes(router, context);
    sampling_tables::add_shipment_routes(router, context);
    sampling_tables::add_sample_evidence_routes(router, context);
}

}  // namespace lims::api
