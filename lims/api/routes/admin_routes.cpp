// Administration and reference data over HTTP, one table per URL prefix
// (routes/admin_*_routes.cpp): organisations (the tree), users, regulated entities, and
// the product and specification catalogue. Administrators write within their own
// organisation's subtree (the catalogue: its owner, the province); people of every role
// read what their work needs. Every handler is schema, JSON in, one use case of
// lims/workflow/admin (which owns the transaction, the jurisdiction check and the audit
// entry), JSON out; updates carry If-Match with the record's version.
#include "lims/api/routes/admin_common.hpp"

namespace lims::api {

void add_admin_routes(Router& router, const RouteContext& context) {
    admin_routes::add_organisation_routes(router, context);
    admin_routes::add_user_routes(router, context);
    admin_routes::add_entity_routes(router, context);
    admin_routes::add_product_routes(router, context);
}

}  // namespace lims::api
