// Small helpers to build and print JSON with Poco::JSON the same way everywhere in the
// API: objects keep their key order (responses read like the OpenAPI document), and text
// is compact UTF-8. Used by the problem, response and OpenAPI code and by route handlers.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <string>

namespace lims::api {

Poco::JSON::Object::Ptr newObject();
std::string toJsonText(const Poco::Dynamic::Var& value);

}  // namespace lims::api
