// The JSON text of a flat object, written straight into a string: the audit snapshots
// (`to_json` of a record) on the paths that run for every instrument result. Poco's
// JSON::Object builds a map of Dynamic::Var first, a tenth of the HL7 ingest time.
// The text is byte for byte what Poco::JSON::Object::stringify gives for the same
// fields (keys in byte order, same escapes), so stored snapshots keep one shape.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lims::store {

class JsonObjectText {
public:
    JsonObjectText& text(std::string_view key, std::string_view value);
    JsonObjectText& text(std::string_view key, const std::string& value) { return text(key, std::string_view(value)); }
    JsonObjectText& text(std::string_view key, const char* value) { return text(key, std::string_view(value)); }
    JsonObjectText& integer(std::string_view key, std::int64_t value);
    // A JSON array of strings (Poco writes an empty one as []).
    JsonObjectText& texts(std::string_view key, const std::vector<std::string>& values);
    JsonObjectText& integers(std::string_view key, const std::vector<std::int64_t>& values);
    // An array of objects, each already JSON text (JsonObjectText::str() of each).
    JsonObjectText& objects(std::string_view key, const std::vector<std::string>& object_texts);
    // An absent value leaves the key out, as the Poco code it replaces did.
    JsonObjectText& text(std::string_view key, const std::optional<std::string>& value) {
        return value ? text(key, *value) : *this;
    }
    JsonObjectText& integer(std::string_view key, const std::optional<std::int64_t>& value) {
        return value ? integer(key, *value) : *this;
    }
    // "{...}" with the keys sorted; a key given twice keeps its last value (as Object::set).
    std::string str() const;

private:
    // Keys are views: callers pass literals.
    std::vector<std::pair<std::string_view, std::string>> members_;  // key, value's JSON text
};

// `value` as a JSON string literal, quotes included (Poco's escapes: \" \\ \b \f \n \r \t,
// other control characters as \u00XX, every other byte as it is).
void append_json_string(std::string& out, std::string_view value);

}  // namespace lims::store
