#include "json_schema_check.hpp"

#include <Poco/JSON/Array.h>

#include <regex>

namespace lims::test {

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

std::string jsonTypeOf(const Var& v) {
    if (v.isEmpty()) return "null";
    if (v.type() == typeid(Object::Ptr) || v.type() == typeid(Object)) return "object";
    if (v.type() == typeid(Array::Ptr) || v.type() == typeid(Array)) return "array";
    if (v.type() == typeid(bool)) return "boolean";
    if (v.isString()) return "string";
    if (v.isInteger()) return "integer";
    if (v.isNumeric()) return "number";
    return "unknown";
}

Object::Ptr asObject(const Var& v) {
    if (v.type() == typeid(Object::Ptr)) return v.extract<Object::Ptr>();
    return new Object(v.extract<Object>());
}

Array::Ptr asArray(const Var& v) {
    if (v.type() == typeid(Array::Ptr)) return v.extract<Array::Ptr>();
    return new Array(v.extract<Array>());
}

Object::Ptr resolve(Object::Ptr schema, const Object::Ptr& document) {
    for (int hops = 0; schema && schema->has("$ref") && hops < 8; ++hops) {
        const std::string ref = schema->getValue<std::string>("$ref");
        const std::string prefix = "#/components/schemas/";
        if (ref.compare(0, prefix.size(), prefix) != 0) return nullptr;
        schema = document->getObject("components")->getObject("schemas")->getObject(ref.substr(prefix.size()));
    }
    return schema;
}

bool isDateTime(const std::string& s) {
    static const std::regex re(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))");
    return std::regex_match(s, re);
}

bool isDate(const std::string& s) {
    static const std::regex re(R"(\d{4}-\d{2}-\d{2})");
    return std::regex_match(s, re);
}

std::string shown(const Var& v) {
    std::string s = v.isString() ? "'" + v.toString() + "'" : v.toString();
    return s.size() > 80 ? s.substr(0, 80) + "..." : s;
}

}  // namespace

std::vector<std::string> schemaViolations(const Var& value, const Object::Ptr& rawSchema, const Object::Ptr& document,
                                          const std::string& path) {
    std::vector<std::string> out;
    const Object::Ptr schema = resolve(rawSchema, document);
    if (!schema) {
        out.push_back(path + ": the schema's $ref does not resolve");
        return out;
    }
    const std::string got = jsonTypeOf(value);
    if (got == "null") {
        if (!(schema->has("nullable") && schema->getValue<bool>("nullable")))
            out.push_back(path + ": null, which the schema does not allow (no nullable)");
        return out;
    }
    if (schema->has("type")) {
        const std::string want = schema->getValue<std::string>("type");
        const bool fits = want == got || (want == "number" && got == "integer");
        if (!fits) {
            out.push_back(path + ": " + got + " " + shown(value) + ", the schema says " + want);
            return out;
        }
    }
    if (schema->has("enum")) {
        auto values = schema->getArray("enum");
        bool found = false;
        std::string list;
        for (std::size_t i = 0; i < values->size(); ++i) {
            if (values->get(i).toString() == value.toString()) found = true;
            list += (i ? ", " : "") + values->get(i).toString();
        }
        if (!found) out.push_back(path + ": " + shown(value) + " is not one of " + list);
    }
    if (got == "string" && schema->has("format")) {
        const std::string format = schema->getValue<std::string>("format");
        const std::string s = value.toString();
        if (format == "date-time" && !isDateTime(s)) out.push_back(path + ": " + shown(value) + " is not an RFC 3339 date-time");
        if (format == "date" && !isDate(s)) out.push_back(path + ": " + shown(value) + " is not a date (YYYY-MM-DD)");
    }
    if (got == "object") {
        auto object = asObject(value);
        Object::Ptr properties = schema->has("properties") ? schema->getObject("properties") : nullptr;
        if (schema->has("required")) {
            auto required = schema->getArray("required");
            for (std::size_t i = 0; i < required->size(); ++i) {
                const std::string name = required->get(i).toString();
                if (!object->has(name)) out.push_back(path + ": required field '" + name + "' is missing");
            }
        }
        Object::Ptr additional;
        bool closed = false;
        if (schema->has("additionalProperties")) {
            const Var a = schema->get("additionalProperties");
            if (a.type() == typeid(bool)) closed = !a.extract<bool>();
            else additional = a.extract<Object::Ptr>();
        }
        for (const auto& [name, field] : *object) {
            const std::string at = path + "." + name;
            if (properties && properties->has(name)) {
                auto more = schemaViolations(field, properties->getObject(name), document, at);
                out.insert(out.end(), more.begin(), more.end());
            } else if (additional) {
                auto more = schemaViolations(field, additional, document, at);
                out.insert(out.end(), more.begin(), more.end());
            } else if (closed) {
                out.push_back(at + ": not declared (value " + shown(field) + "); declare it in the route's schema");
            }
        }
    }
    if (got == "array" && schema->has("items")) {
        auto array = asArray(value);
        auto items = schema->getObject("items");
        for (std::size_t i = 0; i < array->size(); ++i) {
            auto more = schemaViolations(array->get(i), items, document, path + "[" + std::to_string(i) + "]");
            out.insert(out.end(), more.begin(), more.end());
        }
    }
    return out;
}

}  // namespace lims::test
