#include "lims/api/openapi.hpp"

#include "lims/api/json_text.hpp"
#include "lims/api/schemas/catalogue.hpp"

#include <Poco/JSON/Array.h>

#include <map>
#include <set>

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
            if (f.properties) {
                auto nested = openApiSchema(*f.properties);
                for (const auto& [k, v] : *nested) o->set(k, v);
            } else {
                // A map (schemas::mapOf): data for keys, each value of one schema.
                o->set("type", "object");
                if (f.items) o->set("additionalProperties", fieldSchema(*f.items));
            }
            break;
        }
        case JsonType::Array:
            o->set("type", "array");
            if (!f.items) o->set("items", newObject());
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

// Every problem type the API answers with: its URI, status and title (problem.hpp's
// catalogue, and the routes' own).
struct ProblemTypeRow {
    const char* type;
    int status;
    const char* title;
};
constexpr ProblemTypeRow kProblemTypes[] = {
    {problem_type::kMalformedJson, 400, "Malformed JSON"},
    {problem_type::kBadRequest, 400, "Bad request (a query parameter, header or path value that cannot be read)"},
    {problem_type::kUnauthenticated, 401, "Unauthenticated"},
    {problem_type::kInvalidCredentials, 401, "Invalid credentials"},
    {problem_type::kForbidden, 403, "Forbidden (scope, role or jurisdiction)"},
    {problem_type::kNotFound, 404, "Not found"},
    {problem_type::kMethodNotAllowed, 405, "Method not allowed"},
    {problem_type::kConflict, 409, "Conflict (the record's state does not allow this)"},
    {problem_type::kStaleVersion, 409, "Stale version (If-Match names an older version)"},
    {problem_type::kIdempotencyInProgress, 409, "Idempotency key in progress"},
    {problem_type::kIdempotencyOutcomeLost, 409, "Request done, answer lost"},
    {problem_type::kPayloadTooLarge, 413, "Payload too large"},
    {problem_type::kUnsupportedMediaType, 415, "Unsupported media type"},
    {problem_type::kValidation, 422, "Validation failed (errors[] names each field)"},
    {problem_type::kIdempotencyKeyReused, 422, "Idempotency key reused with another request"},
    {problem_type::kAccountLocked, 423, "Account locked"},
    {problem_type::kPreconditionRequired, 428, "Precondition required (If-Match)"},
    {problem_type::kLoginThrottled, 429, "Login throttled"},
    {"urn:lims:problem:rate-limited", 429, "Too many requests"},
    {problem_type::kInternal, 500, "Internal error"},
    {problem_type::kServiceUnavailable, 503, "Service unavailable"},
};

Object::Ptr problemSchema() {
    auto fieldError = newObject();
    fieldError->set("type", "object");
    auto feProps = newObject();
    auto str = [] { auto s = newObject(); s->set("type", "string"); return s; };
    feProps->set("field", str());
    feProps->set("problem", str());
    // A stable code a client translates ("field.required", "field.too_long"; a use case's own,
    // "sampling.invalid_field"; "invalid" when none is given) and the values its message names.
    auto code = str();
    code->set("description", "stable code of this field error; \"invalid\" when it has none more specific");
    feProps->set("code", code);
    auto params = newObject();
    params->set("type", "object");
    params->set("description", "the numbers and lists the problem names (min, max, length, values, ...), as text");
    params->set("additionalProperties", str());
    feProps->set("params", params);
    fieldError->set("properties", feProps);
    fieldError->set("additionalProperties", false);
    Array::Ptr feRequired = new Array;
    for (const char* r : {"field", "problem", "code"}) feRequired->add(r);
    fieldError->set("required", feRequired);
    auto props = newObject();
    auto type = str();
    Array::Ptr types = new Array;
    for (const auto& row : kProblemTypes) types->add(std::string(row.type));
    type->set("enum", types);
    props->set("type", type);
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

Object::Ptr problemResponse(const std::string& description, const std::vector<std::string>& types = {}) {
    auto ref = newObject();
    ref->set("$ref", "#/components/schemas/Problem");
    auto media = newObject();
    media->set("schema", ref);
    auto content = newObject();
    content->set("application/problem+json", media);
    auto r = newObject();
    r->set("description", description);
    r->set("content", content);
    if (!types.empty()) {
        Array::Ptr list = new Array;
        for (const auto& t : types) list->add(t);
        r->set("x-problem-types", list);
    }
    return r;
}

// The problem statuses a route can answer with, from what it is: authenticated, with a body,
// with path or query parameters, changing a record. Each lists its problem types.
std::map<int, std::vector<std::string>> problemStatuses(const Route& route, bool hasQuery) {
    std::set<std::string> types{problem_type::kInternal, problem_type::kServiceUnavailable};
    const bool writes = route.method == "POST" || route.method == "PUT" || route.method == "PATCH" ||
                        route.method == "DELETE";
    const bool hasPath = route.pattern.find('{') != std::string::npos;
    if (route.auth != AuthRequirement::Public) {
        types.insert(problem_type::kUnauthenticated);
        types.insert(problem_type::kForbidden);
    }
    if (route.body) {
        for (const char* t : {problem_type::kMalformedJson, problem_type::kPayloadTooLarge,
                              problem_type::kUnsupportedMediaType, problem_type::kValidation})
            types.insert(t);
    }
    if (hasQuery || hasPath || writes) types.insert(problem_type::kBadRequest);
    if (hasQuery) types.insert(problem_type::kValidation);
    if (hasPath) types.insert(problem_type::kNotFound);
    if (writes) {
        for (const char* t : {problem_type::kConflict, problem_type::kStaleVersion, problem_type::kPreconditionRequired,
                              problem_type::kValidation})
            types.insert(t);
        if (route.method == "POST" && route.keyReplay != KeyReplay::never)
            for (const char* t : {problem_type::kIdempotencyInProgress, problem_type::kIdempotencyOutcomeLost,
                                  problem_type::kIdempotencyKeyReused})
                types.insert(t);
    }
    std::map<int, std::vector<std::string>> out;
    for (const auto& row : kProblemTypes)
        if (types.count(row.type)) out[row.status].push_back(row.type);
    return out;
}

std::string problemDescription(int status, const std::vector<std::string>& types) {
    std::string d = "A problem (RFC 9457) of type ";
    for (std::size_t i = 0; i < types.size(); ++i) {
        for (const auto& row : kProblemTypes)
            if (types[i] == row.type) d += (i ? i + 1 == types.size() ? " or " : ", " : "") + std::string(row.type) + " (" + row.title + ")";
    }
    (void)status;
    return d + ".";
}

Object::Ptr responseObject(const ResponseSchema& r) {
    auto o = newObject();
    o->set("description", r.description.empty() ? std::string("Success.") : r.description);
    if (!r.mediaType.empty()) {
        auto media = newObject();
        if (r.body) {
            media->set("schema", fieldSchema(*r.body));
        } else {
            auto s = newObject();
            s->set("type", "string");
            s->set("format", "binary");
            media->set("schema", s);
        }
        auto content = newObject();
        content->set(r.mediaType, media);
        o->set("content", content);
    }
    return o;
}

Object::Ptr parameterObject(const FieldSchema& f, const char* in) {
    auto p = newObject();
    p->set("name", f.name);
    p->set("in", in);
    p->set("required", std::string(in) == "path" || f.required);
    if (!f.description.empty()) p->set("description", f.description);
    auto schema = fieldSchema(f);
    schema->remove("description");
    p->set("schema", schema);
    return p;
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
        // Declarations on the route itself, else the catalogue's (schemas/catalogue.hpp).
        const schemas::OperationDoc* catalogued = schemas::find(route.operationId);
        const auto& query = !route.query.empty() || !catalogued ? route.query : catalogued->query;
        const auto& declared = !route.responses.empty() || !catalogued ? route.responses : catalogued->responses;
        const auto params = pathParameters(route.pattern);
        if (!params.empty() || !query.empty()) {
            Array::Ptr list = new Array;
            for (const auto& name : params) {
                // Record ids are integers; numbers and codes are strings.
                auto f = name == "id" ? field::integer(name).describedAs("The record's id.")
                                      : field::string(name).describedAs("The record's " + name + ".");
                list->add(parameterObject(f, "path"));
            }
            for (const auto& q : query) list->add(parameterObject(q, "query"));
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
        for (const auto& [status, types] : problemStatuses(route, !query.empty()))
            responses->set(std::to_string(status), problemResponse(problemDescription(status, types), types));
        std::set<int> answered;
        for (const auto& r : declared) {
            const std::string status = std::to_string(r.status);
            auto object = responseObject(r);
            if (answered.insert(r.status).second || !object->has("content")) {
                responses->set(status, object);
                continue;
            }
            // A second media type for the same status (JSON or CSV): one response, two contents.
            auto existing = responses->getObject(status);
            if (!existing->has("content")) existing->set("content", newObject());
            for (const auto& [media, value] : *object->getObject("content")) existing->getObject("content")->set(media, value);
        }
        if (!responses->has(std::to_string(route.successStatus))) {
            // Undeclared: said so, and the contract test (tests/e2e/api_contract_test.cpp) fails.
            auto ok = newObject();
            ok->set("description", "Success (no response schema declared).");
            responses->set(std::to_string(route.successStatus), ok);
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
