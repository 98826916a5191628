#include "lims/api/route_modules.hpp"

namespace lims::api {

void add_document_routes(Router& router, const RouteContext& context) {
    (void)router;  // this area has no routes yet
    (void)context;
}

}  // namespace lims::api
