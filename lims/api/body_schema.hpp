// Declarative schemas for JSON request bodies: each route names the fields it accepts
// (type, required, constraints, nested objects and arrays). The server parses and checks
// every body against its route's schema before a handler runs, so handlers only ever see
// well-formed input; openapi.cpp renders the same schema into the published document.
#pragma once

#include "lims/api/problem.hpp"

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace lims::api {

enum class JsonType { String, Integer, Decimal, Boolean, Object, Array };

// A domain check on a string (a credit code's check digit, a date not in the future):
// returns what is wrong in words, or nullopt when the value is acceptable.
using StringCheck = std::function<std::optional<std::string>(std::string_view)>;

struct ObjectSchema;

struct FieldSchema {
    std::string name;  // empty for array items
    JsonType type = JsonType::String;
    bool required = true;
    bool nullable = false;
    std::string description;
    std::string format;  // OpenAPI format hint: "date", "date-time", "password", ...

    // Strings. Lengths count Unicode code points, not bytes.
    std::optional<std::size_t> minLength;
    std::optional<std::size_t> maxLength;
    std::string pattern;  // ECMAScript, must match the whole string
    std::string patternMeaning;  // said to the client when the pattern fails
    std::shared_ptr<const std::regex> compiledPattern;
    std::vector<std::string> enumValues;
    StringCheck check;
    // Line breaks and tabs are refused unless the field is text of several lines (a note,
    // a reason): a name, a code or an e-mail address with a CR/LF in it could smuggle a
    // header into a mail or a line into a log or a CSV. Other control characters are
    // refused in every string.
    bool multiLine = false;

    // Numbers.
    std::optional<std::int64_t> minimum;
    std::optional<std::int64_t> maximum;
    std::optional<double> minimumDecimal;
    std::optional<double> maximumDecimal;

    // Objects and arrays.
    std::shared_ptr<const ObjectSchema> properties;
    std::shared_ptr<const FieldSchema> items;
    std::optional<std::size_t> minItems;
    std::optional<std::size_t> maxItems;
    bool uniqueItems = false;

    // Fluent refinements; each returns a modified copy so schemas read as one expression.
    FieldSchema optional() const;
    FieldSchema orNull() const;
    FieldSchema describedAs(std::string text) const;
    FieldSchema withFormat(std::string openApiFormat) const;
    FieldSchema length(std::size_t min, std::size_t max) const;
    FieldSchema matching(std::string ecmaPattern, std::string meaning) const;
    FieldSchema oneOf(std::vector<std::string> values) const;
    FieldSchema checkedBy(StringCheck fn) const;
    FieldSchema range(std::int64_t min, std::int64_t max) const;
    FieldSchema decimalRange(double min, double max) const;
    FieldSchema count(std::size_t min, std::size_t max) const;
    FieldSchema unique() const;
    FieldSchema multiLineText() const;
};

struct ObjectSchema {
    std::vector<FieldSchema> fields;
};

// Field constructors: field::string("username").length(1, 64)
namespace field {
FieldSchema string(std::string name);
FieldSchema integer(std::string name);
FieldSchema decimal(std::string name);
FieldSchema boolean(std::string name);
FieldSchema object(std::string name, ObjectSchema schema);
FieldSchema array(std::string name, FieldSchema item);
}  // namespace field

// An e-mail address as mail servers take it (RFC 5321 addr-spec without quoting or IP
// literals): nullopt, or what is wrong in words. Used by FieldSchema::checkedBy.
std::optional<std::string> emailProblem(std::string_view address);

// What checking a body gives: the parsed object, or one problem naming every violation.
struct CheckedBody {
    Poco::JSON::Object::Ptr value;
    std::optional<Problem> problem;
    explicit operator bool() const { return !problem.has_value(); }
};

// Nesting deeper than this is refused before it can exhaust the parser's stack; no body
// the API accepts is more than a few levels deep.
inline constexpr std::size_t kMaxJsonDepth = 32;

// Parses `text` as strict JSON (UTF-8, no duplicate keys, depth-limited) and checks it
// against `schema`: malformed text gives a 400 problem; any schema violation gives one 422
// problem with every violation named by its field path.
CheckedBody checkBody(const ObjectSchema& schema, std::string_view text);

// Only the schema checks, for an already-parsed object; violations are appended to `out`.
void checkObject(const ObjectSchema& schema, const Poco::JSON::Object& object,
                 const std::string& path, std::vector<FieldError>& out);

}  // namespace lims::api
