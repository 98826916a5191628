// The OpenAPI 3 document of the API, generated from the route table and its body
// schemas, so the published contract cannot drift from what the server accepts. Served
// at GET /api/v1/openapi.json; a test walks it against the router.
#pragma once

#include "lims/api/router.hpp"

#include <Poco/JSON/Object.h>

#include <string>

namespace lims::api {

struct OpenApiInfo {
    std::string title = "Sampling LIMS API";
    std::string version = "1";
    std::string description =
        "Supervisory sampling inspection: plans, samples, shipments, receipt and results. "
        "Errors are application/problem+json (RFC 9457).";
};

Poco::JSON::Object::Ptr openApiDocument(const Router& router, const OpenApiInfo& info = {});

// One body schema as an OpenAPI Schema Object (also used for nested fields).
Poco::JSON::Object::Ptr openApiSchema(const ObjectSchema& schema);

}  // namespace lims::api
