// Checks a JSON value against a schema of the OpenAPI document, for the contract test
// (tests/e2e/api_contract_test.cpp). Only the subset openapi.cpp emits: type (object, array,
// string, integer, number, boolean), nullable, required, properties, additionalProperties
// (false, or a schema for a map's values), items, enum, format date-time and date, and
// "$ref" to "#/components/schemas/...". Anything else in a schema is ignored.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace lims::test {

// Every way `value` departs from `schema`, each as "<path>: <what>" ("$.items[2].state: 'x'
// is not one of ..."); empty when it conforms. `document` resolves $ref.
std::vector<std::string> schemaViolations(const Poco::Dynamic::Var& value, const Poco::JSON::Object::Ptr& schema,
                                          const Poco::JSON::Object::Ptr& document, const std::string& path = "$");

}  // namespace lims::test
