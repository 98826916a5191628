// The contract test's schema checker (tests/support/json_schema_check.hpp) finds each kind of
// departure it claims to, by its path, and passes what conforms.
#include "json_schema_check.hpp"

#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

namespace lims::test {
namespace {

Poco::JSON::Object::Ptr object(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}
Poco::Dynamic::Var value(const std::string& text) { return Poco::JSON::Parser().parse(text); }

const char* kDocument = R"({"components": {"schemas": {"Item": {"type": "object", "additionalProperties": false,
    "required": ["id"], "properties": {"id": {"type": "integer"}, "state": {"type": "string", "enum": ["open", "done"]},
    "at": {"type": "string", "format": "date-time"}, "on": {"type": "string", "format": "date"},
    "note": {"type": "string", "nullable": true}, "mean": {"type": "number"},
    "tags": {"type": "object", "additionalProperties": {"type": "string"}}}}}}})";

std::vector<std::string> check(const std::string& body, const std::string& schema = R"({"type": "array", "items": {"$ref": "#/components/schemas/Item"}})") {
    return schemaViolations(value(body), object(schema), object(kDocument));
}

TEST(JsonSchemaCheck, AConformingValuePasses) {
    EXPECT_TRUE(check(R"([{"id": 1, "state": "open", "at": "2026-03-14T02:00:00.123Z", "on": "2026-03-14", "note": null,
                          "mean": 4, "tags": {"a": "b"}}, {"id": 2}])")
                    .empty());
}

TEST(JsonSchemaCheck, EachDepartureIsNamedByItsPath) {
    auto v = check(R"([{"id": "1"}, {"state": "closed", "extra": true}, {"id": 3, "note": null, "at": "2026-03-14 02:00",
                       "on": "14.3.2026", "tags": {"a": 1}, "mean": "x"}, {"id": 4, "state": null}])");
    auto has = [&](const std::string& text) {
        for (const auto& s : v)
            if (s.find(text) != std::string::npos) return true;
        return false;
    };
    EXPECT_TRUE(has("$[0].id: string '1', the schema says integer"));
    EXPECT_TRUE(has("$[1]: required field 'id' is missing"));
    EXPECT_TRUE(has("$[1].state: 'closed' is not one of open, done"));
    EXPECT_TRUE(has("$[1].extra: not declared"));
    EXPECT_TRUE(has("$[2].at: '2026-03-14 02:00' is not an RFC 3339 date-time"));
    EXPECT_TRUE(has("$[2].on: '14.3.2026' is not a date"));
    EXPECT_TRUE(has("$[2].tags.a: integer 1, the schema says string"));
    EXPECT_TRUE(has("$[2].mean: string 'x', the schema says number"));
    EXPECT_TRUE(has("$[3].state: null, which the schema does not allow"));
    EXPECT_EQ(v.size(), 9u) << ::testing::PrintToString(v);
}

TEST(JsonSchemaCheck, AnUnresolvableReferenceIsAViolation) {
    auto v = check(R"({"id": 1})", R"({"$ref": "#/components/schemas/Missing"})");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_NE(v[0].find("does not resolve"), std::string::npos);
}

}  // namespace
}  // namespace lims::test
