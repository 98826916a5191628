#include "lims/api/openapi.hpp"

#include "lims/api/json_text.hpp"

#include <Poco/JSON/Array.h>

namespace lims::api {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// OpenAPI 3.0.3 rather than 3.1: most generators and gateways in use read 3.0.
constexpr const char* kOpenApiVersion = "3.0.3";

Object::Ptr fieldSchema(const FieldSchema& f) {
    auto o = newObject();
    switch (f.type) {
        case JsonType::String: o->set("type", "string"); break;
        case JsonType::Integer: o->set("type", "integer"); o->set("format", "int64"); break;
        case JsonType::Decimal: o->set("type", "number"); break;
        case JsonType::Boolean: o->set("type", "boolean"); break;
        case JsonType::Object: {
            auto nested = f.properties ? openApiSchema(*f.properties) : newObject();
            for (const auto& [k, v] : *nested) o->set(k, v);
            break;
        }
        case JsonType::Array:
            o->set("type", "array");
            if (f.items) o->set("items", fieldSchema(*f.items));
            break;
    }
    if (!f.format.empty()) o->set("format", f.format);
    if (!f.description.empty()) o->set("description", f.description);
    if (f.nullable) o->set("nullable", true);
    if (f.minLength) o->set("minLength", static_cast<Poco::UInt64>(*f.minLength));
    if (f.maxLength) o->set("maxLength", static_cast<Poco::UInt64>(*f.maxLength));
    if (!f.pattern.empty()) o->set("pattern", "^(?:" + f.pattern + ")$");
    if (!f.enumValues.empty()) {
        Array::Ptr values = new Array;
        for (const auto& v : f.enumValues) values->add(v);
        o->set("enum", values);
    }
    if (f.minimum) o->set("minimum", *f.minimum);
    if (f.maximum) o->set("maximum", *f.maximum);
    if (f.minimumDecimal) o->set("minimum", *f.minimumDecimal);
    if (f.maximumDecimal) o->set("maximum", *f.maximumDecimal);
    if (f.minItems) o->set("minItems", static_cast<Poco::UInt64>(*f.minItems));
    if (f.maxItems) o->set("maxItems", static_cast<Poco::UInt64>(*f.maxItems));
    if (f.uniqueItems) o->set("uniqueItems", true);
    return o;
}

Object::Ptr problemSchema() {
    auto fieldError = newObject();
    fieldError->set("type", "object");
    auto feProps = newObject();
    auto str = [] { auto s = newObject(); s->set("type", "string"); return s; };
    feProps->set("field", str());
    feProps->set("problem", str());
    fieldError->set("properties", feProps);
    auto props = newObject();
    props->set("type", str());
    props->set("title", str());
    auto status = newObject();
    status->set("type", "integer");
    props->set("status", status);
    props->set("detail", str());
    auto errors = newObject();
    errors->set("type", "array");
    errors->set("items", fieldError);
    props->set("errors", errors);
    auto o = newObject();
    o->set("type", "object");
    Array::Ptr required = new Array;
    for (const char* r : {"type", "title", "status", "detail"}) required->add(r);
    o->set("required", required);
    o->set("properties", props);
    return o;
}

Object::Ptr problemResponse(const std::string& description) {
    auto ref = newObject();
    ref->set("$ref", "#/components/schemas/Problem");
    auto media = newObject();
    media->set("schema", ref);
    auto content = newObject();
    content->set("application/problem+json", media);
    auto r = newObject();
    r->set("description", description);
    r->set("content", content);
    return r;
}

std::vector<std::string> pathParameters(const std::string& pattern) {
    std::vector<std::string> names;
    for (std::size_t open = pattern.find('{'); open != std::string::npos; open = pattern.find('{', open + 1)) {
        names.push_back(pattern.substr(open + 1, pattern.find('}', open) - open - 1));
    }
    return names;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

Object::Ptr openApiSchema(const ObjectSchema& schema) {
    auto o = newObject();
    o->set("type", "object");
    o->set("additionalProperties", false);
    auto props = newObject();
    Array::Ptr required = new Array;
    for (const auto& f : schema.fields) {
        props->set(f.name, fieldSchema(f));
        if (f.required) required->add(f.name);
    }
    o->set("properties", props);
    if (required->size() > 0) o->set("required", required);
    return o;
}

Object::Ptr openApiDocument(const Router& router, const OpenApiInfo& info) {
    auto doc = newObject();
    doc->set("openapi", kOpenApiVersion);
    auto infoObject = newObject();
    infoObject->set("title", info.title);
    infoObject->set("version", info.version);
    infoObject->set("description", info.description);
    doc->set("info", infoObject);

    auto paths = newObject();
    for (const auto& route : router.routes()) {
        Object::Ptr item = paths->has(route.pattern) ? paths->getObject(route.pattern) : newObject();
        auto op = newObject();
        op->set("operationId", route.operationId);
        op->set("summary", route.summary);
        if (route.auth != AuthRequirement::Public) {
            // Who may call it, machine-readable (x-roles) and in words.
            const domain::RoleSet roles = route.roles.empty() ? kEveryRole : route.roles;
            Array::Ptr names = new Array;
            for (auto role : roles.roles()) names->add(std::string(domain::to_string(role)));
            op->set("x-roles", names);
            op->set("description", "Roles: " + roles.describe() + ".");
        }
        const auto params = pathParameters(route.pattern);
        if (!params.empty()) {
            Array::Ptr list = new Array;
            for (const auto& name : params) {
                auto p = newObject();
                p->set("name", name);
                p->set("in", "path");
                p->set("required", true);
                auto s = newObject();
                s->set("type", "string");
                p->set("schema", s);
                list->add(p);
            }
            op->set("parameters", list);
        }
        Array::Ptr security = new Array;
        if (route.auth != AuthRequirement::Public) {
            auto requirement = newObject();
            Array::Ptr noScopes = new Array;
            requirement->set(route.auth == AuthRequirement::Ingest ? "ingestToken" : "bearerAuth", noScopes);
            security->add(requirement);
        }
        op->set("security", security);
        if (route.body) {
            auto media = newObject();
            media->set("schema", openApiSchema(*route.body));
            auto content = newObject();
            content->set("application/json", media);
            auto body = newObject();
            body->set("required", true);
            body->set("content", content);
            op->set("requestBody", body);
        }
        auto responses = newObject();
        auto ok = newObject();
        ok->set("description", route.successStatus == 204 ? "Done; no content." : "Success.");
        responses->set(std::to_string(route.successStatus), ok);
        if (route.auth != AuthRequirement::Public) {
            responses->set("401", problemResponse("Missing, unknown, expired or revoked token."));
            responses->set("403", problemResponse("The token's scope or the caller's roles do not allow this."));
        }
        responses->set("default", problemResponse("A problem (RFC 9457)."));
        op->set("responses", responses);
        item->set(lower(route.method), op);
        paths->set(route.pattern, item);
    }
    doc->set("paths", paths);

    auto components = newObject();
    auto schemes = newObject();
    auto bearer = newObject();
    bearer->set("type", "http");
    bearer->set("scheme", "bearer");
    bearer->set("description", "A token from POST /api/v1/auth/login.");
    schemes->set("bearerAuth", bearer);
    auto ingest = newObject();
    ingest->set("type", "http");
    ingest->set("scheme", "bearer");
    ingest->set("description", "A service token with the ingest scope (POST /api/v1/auth/service-tokens).");
    schemes->set("ingestToken", ingest);
    components->set("securitySchemes", schemes);
    auto schemas = newObject();
    schemas->set("Problem", problemSchema());
    components->set("schemas", schemas);
    doc->set("components", components);
    return doc;
}

}  // namespace lims::api
