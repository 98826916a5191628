#include "lims/api/body_schema.hpp"

#include <cctype>
#include <cstdio>

#include "lims/api/utf8.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <set>
#include <sstream>

namespace lims::api {

// ---- fluent refinements ---------------------------------------------------------------

FieldSchema FieldSchema::optional() const { auto f = *this; f.required = false; return f; }
FieldSchema FieldSchema::orNull() const { auto f = *this; f.nullable = true; return f; }
FieldSchema FieldSchema::describedAs(std::string text) const {
    auto f = *this; f.description = std::move(text); return f;
}
FieldSchema FieldSchema::withFormat(std::string openApiFormat) const {
    auto f = *this; f.format = std::move(openApiFormat); return f;
}
FieldSchema FieldSchema::length(std::size_t min, std::size_t max) const {
    auto f = *this; f.minLength = min; f.maxLength = max; return f;
}
FieldSchema FieldSchema::matching(std::string ecmaPattern, std::string meaning) const {
    auto f = *this;
    // A bad pattern is a programming error in a route table, found at start-up.
    f.compiledPattern = std::make_shared<const std::regex>(ecmaPattern, std::regex::ECMAScript);
    f.pattern = std::move(ecmaPattern);
    f.patternMeaning = std::move(meaning);
    return f;
}
FieldSchema FieldSchema::oneOf(std::vector<std::string> values) const {
    auto f = *this; f.enumValues = std::move(values); return f;
}
FieldSchema FieldSchema::checkedBy(StringCheck fn) const { auto f = *this; f.check = std::move(fn); return f; }
FieldSchema FieldSchema::range(std::int64_t min, std::int64_t max) const {
    auto f = *this; f.minimum = min; f.maximum = max; return f;
}
FieldSchema FieldSchema::decimalRange(double min, double max) const {
    auto f = *this; f.minimumDecimal = min; f.maximumDecimal = max; return f;
}
FieldSchema FieldSchema::count(std::size_t min, std::size_t max) const {
    auto f = *this; f.minItems = min; f.maxItems = max; return f;
}
FieldSchema FieldSchema::unique() const { auto f = *this; f.uniqueItems = true; return f; }
FieldSchema FieldSchema::multiLineText() const { auto f = *this; f.multiLine = true; return f; }

std::optional<std::string> emailProblem(std::string_view a) {
    const auto at = a.find('@');
    if (at == std::string_view::npos || a.find('@', at + 1) != std::string_view::npos)
        return std::string("must be one e-mail address such as name@example.cn");
    const auto local = a.substr(0, at), domain = a.substr(at + 1);
    if (local.empty() || local.size() > 64) return std::string("must have 1 to 64 characters before the @");
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
        return std::string("has a misplaced dot before the @");
    for (char c : local) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || std::string_view("!#$%&'*+/=?^_`{|}~.-").find(c) != std::string_view::npos) continue;
        return "has a character an e-mail address cannot have before the @ ('" + std::string(1, c) + "')";
    }
    if (domain.size() < 3 || domain.size() > 253 || domain.find('.') == std::string_view::npos)
        return std::string("must name a mail domain with a dot after the @, such as example.cn");
    std::size_t start = 0;
    while (start <= domain.size()) {
        auto end = domain.find('.', start);
        if (end == std::string_view::npos) end = domain.size();
        const auto label = domain.substr(start, end - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
            return std::string("has a malformed domain after the @");
        for (char c : label)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-')
                return "has a character a mail domain cannot have ('" + std::string(1, c) + "')";
        start = end + 1;
    }
    return std::nullopt;
}

namespace field {
namespace {
FieldSchema make(std::string name, JsonType type) {
    FieldSchema f;
    f.name = std::move(name);
    f.type = type;
    return f;
}
}  // namespace
FieldSchema string(std::string name) { return make(std::move(name), JsonType::String); }
FieldSchema integer(std::string name) { return make(std::move(name), JsonType::Integer); }
FieldSchema decimal(std::string name) { return make(std::move(name), JsonType::Decimal); }
FieldSchema boolean(std::string name) { return make(std::move(name), JsonType::Boolean); }
FieldSchema object(std::string name, ObjectSchema schema) {
    auto f = make(std::move(name), JsonType::Object);
    f.properties = std::make_shared<const ObjectSchema>(std::move(schema));
    return f;
}
FieldSchema array(std::string name, FieldSchema item) {
    auto f = make(std::move(name), JsonType::Array);
    f.items = std::make_shared<const FieldSchema>(std::move(item));
    return f;
}
}  // namespace field

// ---- parsing ----------------------------------------------------------------------------

namespace {

// Poco's handler silently keeps the last of two equal keys; a body like
// {"role":"sampler","role":"administrator"} must be refused, not half-read.
class StrictHandler : public Poco::JSON::ParseHandler {
public:
    void startObject() override {
        keys_.emplace_back();
        ParseHandler::startObject();
    }
    void endObject() override {
        if (!keys_.empty()) keys_.pop_back();
        ParseHandler::endObject();
    }
    void key(const std::string& k) override {
        if (!keys_.empty() && !keys_.back().insert(k).second) duplicates_.push_back(k);
        ParseHandler::key(k);
    }
    const std::vector<std::string>& duplicates() const { return duplicates_; }

private:
    std::vector<std::set<std::string>> keys_;
    std::vector<std::string> duplicates_;
};

const char* typeName(JsonType t) {
    switch (t) {
        case JsonType::String: return "a string";
        case JsonType::Integer: return "an integer";
        case JsonType::Decimal: return "a number";
        case JsonType::Boolean: return "true or false";
        case JsonType::Object: return "an object";
        case JsonType::Array: return "an array";
    }
    return "a value";
}

std::string join(const std::string& path, const std::string& name) {
    return path.empty() ? name : path + "." + name;
}

// The first control character not allowed in the field, as "U+000A", or "".
std::string controlCharacter(std::string_view s, bool multiLine) {
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        const bool lineBreak = c == '\t' || c == '\n' || c == '\r';
        if ((u < 0x20 && !(multiLine && lineBreak)) || u == 0x7F) {
            char name[8];
            std::snprintf(name, sizeof name, "U+%04X", u);
            return name;
        }
    }
    // U+2028/U+2029 (line and paragraph separators) break lines too.
    if (!multiLine && (s.find("\xE2\x80\xA8") != std::string_view::npos || s.find("\xE2\x80\xA9") != std::string_view::npos))
        return "U+2028";
    return "";
}

void checkValue(const FieldSchema& spec, const Poco::Dynamic::Var& v, const std::string& path,
                std::vector<FieldError>& out);

void checkString(const FieldSchema& spec, const std::string& s, const std::string& path,
                 std::vector<FieldError>& out) {
    const auto length = utf8::codePointCount(s);
    if (!length) {
        out.push_back({path, "is not valid UTF-8 text", "field.not_utf8"});
        return;
    }
    if (const auto c = controlCharacter(s, spec.multiLine); !c.empty()) {
        const bool control = spec.multiLine || (c != "U+000A" && c != "U+000D" && c != "U+0009" && c != "U+2028");
        out.push_back({path,
                       control ? "contains a control character (" + c + ")"
                               : "must be one line: it contains a line break or tab (" + c + ")",
                       control ? "field.control_character" : "field.one_line", {{"character", c}}});
        return;
    }
    if (spec.minLength && *length < *spec.minLength) {
        out.push_back({path,
                       *spec.minLength == 1 ? std::string("must not be empty")
                                            : "must be at least " + std::to_string(*spec.minLength) + " characters long",
                       *spec.minLength == 1 ? "field.empty" : "field.too_short", {{"min", std::to_string(*spec.minLength)}}});
        return;
    }
    if (spec.maxLength && *length > *spec.maxLength) {
        out.push_back({path,
                       "must be at most " + std::to_string(*spec.maxLength) + " characters long (it has " +
                           std::to_string(*length) + ")",
                       "field.too_long", {{"max", std::to_string(*spec.maxLength)}, {"length", std::to_string(*length)}}});
        return;
    }
    if (!spec.enumValues.empty()) {
        bool found = false;
        for (const auto& e : spec.enumValues) found = found || e == s;
        if (!found) {
            std::string list;
            for (const auto& e : spec.enumValues) list += (list.empty() ? "" : ", ") + e;
            out.push_back({path, "must be one of: " + list, "field.one_of", {{"values", list}}});
            return;
        }
    }
    if (spec.compiledPattern && !std::regex_match(s, *spec.compiledPattern)) {
        if (spec.patternMeaning.empty())
            out.push_back({path, "has the wrong form", "field.pattern"});
        else
            out.push_back({path, spec.patternMeaning, "field.pattern", {{"meaning", spec.patternMeaning}}});
        return;
    }
    if (spec.check) {
        if (auto why = spec.check(s)) out.push_back({path, *why, "field.check"});
    }
}

void checkArray(const FieldSchema& spec, const Poco::JSON::Array& a, const std::string& path,
                std::vector<FieldError>& out) {
    const std::size_t n = a.size();
    if (spec.minItems && n < *spec.minItems) {
        out.push_back({path, "must have at least " + std::to_string(*spec.minItems) + (*spec.minItems == 1 ? " item" : " items"),
                       "field.too_few_items", {{"min", std::to_string(*spec.minItems)}}});
    }
    if (spec.maxItems && n > *spec.maxItems) {
        out.push_back({path, "must have at most " + std::to_string(*spec.maxItems) + " items", "field.too_many_items",
                       {{"max", std::to_string(*spec.maxItems)}}});
        return;  // do not walk an oversized array item by item
    }
    std::set<std::string> seen;
    for (std::size_t i = 0; i < n; ++i) {
        const std::string itemPath = path + "[" + std::to_string(i) + "]";
        const Poco::Dynamic::Var item = a.get(static_cast<unsigned>(i));
        if (spec.items) checkValue(*spec.items, item, itemPath, out);
        if (spec.uniqueItems && item.isString()) {
            if (!seen.insert(item.extract<std::string>()).second) {
                out.push_back({itemPath, "repeats an earlier item", "field.repeated_item"});
            }
        }
    }
}

void checkValue(const FieldSchema& spec, const Poco::Dynamic::Var& v, const std::string& path,
                std::vector<FieldError>& out) {
    if (v.isEmpty()) {
        if (!spec.nullable)
            out.push_back({path, std::string("must be ") + typeName(spec.type) + ", not null", "field.null", {{"type", typeName(spec.type)}}});
        return;
    }
    const bool isObject = v.type() == typeid(Poco::JSON::Object::Ptr);
    const bool isArray = v.type() == typeid(Poco::JSON::Array::Ptr);
    const bool isBool = v.type() == typeid(bool);
    const bool isString = v.isString();
    const bool isNumber = !isBool && !isString && !isObject && !isArray && v.isNumeric();
    const bool isInteger = isNumber && v.isInteger();
    auto wrongType = [&] { out.push_back({path, std::string("must be ") + typeName(spec.type), "field.type", {{"type", typeName(spec.type)}}}); };

    switch (spec.type) {
        case JsonType::String:
            if (!isString) return wrongType();
            checkString(spec, v.extract<std::string>(), path, out);
            return;
        case JsonType::Boolean:
            if (!isBool) return wrongType();
            return;
        case JsonType::Integer: {
            if (!isInteger) return wrongType();
            std::int64_t value = 0;
            if (v.isSigned()) {
                value = v.convert<std::int64_t>();
            } else {
                const auto u = v.convert<std::uint64_t>();
                if (u > static_cast<std::uint64_t>(INT64_MAX)) {
                    // Coded as a range with its bounds, so a translation never shows an empty {max}.
                    out.push_back({path, "is too large", "field.range",
                                   {{"min", std::to_string(spec.minimum.value_or(INT64_MIN))},
                                    {"max", std::to_string(spec.maximum.value_or(INT64_MAX))}}});
                    return;
                }
                value = static_cast<std::int64_t>(u);
            }
            if ((spec.minimum && value < *spec.minimum) || (spec.maximum && value > *spec.maximum)) {
                const std::string low = std::to_string(spec.minimum.value_or(INT64_MIN));
                const std::string high = std::to_string(spec.maximum.value_or(INT64_MAX));
                out.push_back({path, "must be between " + low + " and " + high, "field.range", {{"min", low}, {"max", high}}});
            }
            return;
        }
        case JsonType::Decimal: {
            if (!isNumber) return wrongType();
            const double value = v.convert<double>();
            if ((spec.minimumDecimal && value < *spec.minimumDecimal) ||
                (spec.maximumDecimal && value > *spec.maximumDecimal)) {
                std::ostringstream msg;
                msg << "must be between " << spec.minimumDecimal.value_or(-1e308) << " and "
                    << spec.maximumDecimal.value_or(1e308);
                std::ostringstream low, high;
                low << spec.minimumDecimal.value_or(-1e308);
                high << spec.maximumDecimal.value_or(1e308);
                out.push_back({path, msg.str(), "field.range", {{"min", low.str()}, {"max", high.str()}}});
            }
            return;
        }
        case JsonType::Object:
            if (!isObject) return wrongType();
            if (spec.properties) {
                checkObject(*spec.properties, *v.extract<Poco::JSON::Object::Ptr>(), path, out);
            }
            return;
        case JsonType::Array:
            if (!isArray) return wrongType();
            checkArray(spec, *v.extract<Poco::JSON::Array::Ptr>(), path, out);
            return;
    }
}

}  // namespace

void checkObject(const ObjectSchema& schema, const Poco::JSON::Object& object,
                 const std::string& path, std::vector<FieldError>& out) {
    for (const auto& spec : schema.fields) {
        const std::string fieldPath = join(path, spec.name);
        if (!object.has(spec.name)) {
            if (spec.required) out.push_back({fieldPath, "is required", "field.required"});
            continue;
        }
        checkValue(spec, object.get(spec.name), fieldPath, out);
    }
    for (const auto& [name, value] : object) {
        bool known = false;
        for (const auto& spec : schema.fields) known = known || spec.name == name;
        if (!known) {
            const std::string shown = utf8::isValid(name) ? name : std::string("(not UTF-8)");
            out.push_back({join(path, shown), "is not a known field", "field.unknown"});
        }
    }
}

CheckedBody checkBody(const ObjectSchema& schema, std::string_view text) {
    CheckedBody result;
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        result.problem = problems::malformedJson("the body is empty; a JSON object is expected.");
        return result;
    }
    if (!utf8::isValid(text)) {
        result.problem = problems::malformedJson("the body is not UTF-8 text (RFC 8259 §8.1).");
        return result;
    }
    Poco::SharedPtr<StrictHandler> handler = new StrictHandler;
    Poco::Dynamic::Var root;
    try {
        Poco::JSON::Parser parser(handler);
        parser.setDepth(kMaxJsonDepth);
        parser.setAllowComments(false);
        parser.parse(std::string(text));
        root = handler->asVar();
    } catch (const Poco::Exception& e) {
        result.problem = problems::malformedJson(e.message().empty() ? e.displayText() : e.message());
        return result;
    } catch (const std::exception& e) {
        result.problem = problems::malformedJson(e.what());
        return result;
    }
    if (root.type() != typeid(Poco::JSON::Object::Ptr)) {
        result.problem = problems::validation({{"(body)", "must be a JSON object", "field.type", {{"type", "object"}}}});
        return result;
    }
    std::vector<FieldError> errors;
    for (const auto& d : handler->duplicates()) {
        errors.push_back({d, "appears more than once in the same object", "field.duplicate"});
    }
    auto object = root.extract<Poco::JSON::Object::Ptr>();
    checkObject(schema, *object, "", errors);
    if (!errors.empty()) {
        result.problem = problems::validation(std::move(errors));
        return result;
    }
    result.value = object;
    return result;
}

}  // namespace lims::api
