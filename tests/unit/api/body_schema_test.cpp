#include "lims/api/body_schema.hpp"
#include "lims/api/problem.hpp"
#include "lims/domain/error.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace lims::api;

namespace {

// A registration-like body: nested objects, arrays, every constraint kind.
ObjectSchema sampleSchema() {
    ObjectSchema sampler{{field::string("name").length(1, 32), field::string("badge").matching("[A-Z]{2}[0-9]{4}", "must be two capital letters and four digits")}};
    return ObjectSchema{{
        field::string("product").length(1, 10),
        field::string("kind").oneOf({"drug", "cosmetic", "device"}),
        field::integer("quantity").range(1, 1000),
        field::decimal("temperature").decimalRange(-80.0, 60.0).optional(),
        field::boolean("cold_chain"),
        field::string("batch").checkedBy([](std::string_view s) -> std::optional<std::string> {
            if (s.find(' ') != std::string_view::npos) return "must not contain spaces";
            return std::nullopt;
        }),
        field::array("samplers", field::object("", sampler)).count(2, 4),
        field::array("seals", field::string("").length(1, 20)).count(1, 10).unique(),
        field::string("remark").optional().orNull(),
    }};
}

const char* kGood = R"({"product":"阿莫西林胶囊","kind":"drug","quantity":3,"temperature":4.5,
  "cold_chain":true,"batch":"B2024-01","samplers":[{"name":"张三","badge":"SH0001"},
  {"name":"李四","badge":"SH0002"}],"seals":["F-001","F-002"],"remark":null})";

bool hasError(const Problem& p, const std::string& field) {
    return std::any_of(p.errors.begin(), p.errors.end(), [&](const FieldError& e) { return e.field == field; });
}

}  // namespace

TEST(BodySchema, AcceptsAWellFormedBodyWithUnicode) {
    auto checked = checkBody(sampleSchema(), kGood);
    ASSERT_TRUE(checked) << checked.problem->toJson();
    EXPECT_EQ(checked.value->getValue<std::string>("product"), "阿莫西林胶囊");
}

TEST(BodySchema, MalformedJsonIsA400) {
    for (const char* text : {"{", "{\"product\":}", "[1,2", "{'a':1}", "nul", "{\"a\":1,}"}) {
        auto checked = checkBody(sampleSchema(), text);
        ASSERT_FALSE(checked) << text;
        EXPECT_EQ(checked.problem->status, 400) << text;
        EXPECT_EQ(checked.problem->type, problem_type::kMalformedJson);
    }
}

TEST(BodySchema, EmptyBodyAndNonUtf8AreMalformed) {
    EXPECT_EQ(checkBody(sampleSchema(), "").problem->status, 400);
    EXPECT_EQ(checkBody(sampleSchema(), "  \n").problem->status, 400);
    auto latin1 = checkBody(sampleSchema(), "{\"product\":\"caf\xE9\"}");
    ASSERT_FALSE(latin1);
    EXPECT_EQ(latin1.problem->status, 400);
    EXPECT_NE(latin1.problem->detail.find("UTF-8"), std::string::npos);
}

TEST(BodySchema, TooDeepNestingIsRefusedNotOverflowed) {
    std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
    auto checked = checkBody(sampleSchema(), deep);
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.problem->status, 400);
}

TEST(BodySchema, TopLevelMustBeAnObject) {
    auto checked = checkBody(sampleSchema(), "[1,2,3]");
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.problem->status, 422);
    EXPECT_TRUE(hasError(*checked.problem, "(body)"));
}

TEST(BodySchema, EveryViolationIsNamedInOneResponse) {
    const char* bad = R"({"product":"abcdefghijklmnop","kind":"food","quantity":0,"temperature":"cold",
      "cold_chain":"yes","batch":"B 1","samplers":[{"name":"","badge":"x1"}],
      "seals":["F-1","F-1"],"extra":1})";
    auto checked = checkBody(sampleSchema(), bad);
    ASSERT_FALSE(checked);
    const Problem& p = *checked.problem;
    EXPECT_EQ(p.status, 422);
    EXPECT_EQ(p.type, problem_type::kValidation);
    for (const char* f : {"product", "kind", "quantity", "temperature", "cold_chain", "batch", "samplers",
                          "samplers[0].name", "samplers[0].badge", "seals[1]", "extra"}) {
        EXPECT_TRUE(hasError(p, f)) << f << " in " << p.toJson();
    }
    EXPECT_EQ(p.errors.size(), 11u) << p.toJson();
}

TEST(BodySchema, MissingRequiredFieldsAreNamed) {
    auto checked = checkBody(sampleSchema(), "{}");
    ASSERT_FALSE(checked);
    for (const char* f : {"product", "kind", "quantity", "cold_chain", "batch", "samplers", "seals"}) {
        EXPECT_TRUE(hasError(*checked.problem, f)) << f;
    }
    EXPECT_FALSE(hasError(*checked.problem, "temperature"));  // optional
    EXPECT_FALSE(hasError(*checked.problem, "remark"));
}

TEST(BodySchema, WrongTypesAreRejectedNotCoerced) {
    ObjectSchema s{{field::integer("n"), field::string("s"), field::boolean("b"), field::decimal("d")}};
    auto checked = checkBody(s, R"({"n":1.5,"s":12,"b":1,"d":true})");
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.problem->errors.size(), 4u) << checked.problem->toJson();
    auto nulls = checkBody(s, R"({"n":null,"s":null,"b":null,"d":null})");
    ASSERT_FALSE(nulls);
    EXPECT_EQ(nulls.problem->errors.size(), 4u);
    EXPECT_TRUE(checkBody(s, R"({"n":-7,"s":"","b":false,"d":3})"));  // an integer is a number
}

TEST(BodySchema, IntegersBeyondInt64AreRefused) {
    ObjectSchema s{{field::integer("n")}};
    EXPECT_FALSE(checkBody(s, R"({"n":18446744073709551615})"));
    EXPECT_FALSE(checkBody(s, R"({"n":1e400})"));
}

TEST(BodySchema, DuplicateKeysAreRefused) {
    ObjectSchema s{{field::string("role")}};
    auto checked = checkBody(s, R"({"role":"sampler","role":"administrator"})");
    ASSERT_FALSE(checked);
    EXPECT_TRUE(hasError(*checked.problem, "role"));
}

TEST(BodySchema, LengthCountsCharactersNotBytes) {
    ObjectSchema s{{field::string("name").length(1, 4)}};
    EXPECT_TRUE(checkBody(s, R"({"name":"监督抽检"})"));       // 4 characters, 12 bytes
    EXPECT_FALSE(checkBody(s, R"({"name":"监督抽检所"})"));
    EXPECT_TRUE(checkBody(s, R"({"name":"\u76d1\u7763"})"));  // escaped form
}

TEST(BodySchema, SqlAndHtmlAreJustData) {
    ObjectSchema s{{field::string("note").length(0, 200)}};
    auto checked = checkBody(s, R"({"note":"'; DROP TABLE samples; -- <script>alert(1)</script>"})");
    ASSERT_TRUE(checked);
    EXPECT_EQ(checked.value->getValue<std::string>("note"), "'; DROP TABLE samples; -- <script>alert(1)</script>");
}

TEST(BodySchema, ControlCharactersAndLoneSurrogatesAreRefused) {
    ObjectSchema s{{field::string("note").multiLineText()}};
    EXPECT_FALSE(checkBody(s, R"({"note":"a\u0000b"})"));
    EXPECT_FALSE(checkBody(s, R"({"note":"bell\u0007"})"));
    EXPECT_TRUE(checkBody(s, R"({"note":"line one\nline two\ttabbed"})"));
    EXPECT_FALSE(checkBody(s, R"({"note":"\ud800"})"));
}

TEST(BodySchema, SingleLineFieldsRefuseLineBreaksAndTabs) {
    // An alarm contact's e-mail went into SMTP RCPT TO and To: with its CR/LF (issue 15 item 13).
    ObjectSchema s{{field::string("name"), field::string("email").checkedBy(emailProblem).optional()}};
    auto crlf = checkBody(s, R"({"name":"duty","email":"a@site.example\r\nBcc: everyone@example.com"})");
    ASSERT_FALSE(crlf);
    EXPECT_TRUE(hasError(*crlf.problem, "email"));
    EXPECT_NE(crlf.problem->errors.front().problem.find("must be one line"), std::string::npos)
        << crlf.problem->errors.front().problem;
    for (const char* body : {R"({"name":"two\nlines"})", R"({"name":"tab\there"})", R"({"name":"cr\rhere"})",
                             "{\"name\":\"sep\u2028arator\"}"}) {
        auto checked = checkBody(s, body);
        ASSERT_FALSE(checked) << body;
        EXPECT_TRUE(hasError(*checked.problem, "name")) << body;
    }
    EXPECT_TRUE(checkBody(s, R"({"name":"值班员 张三","email":"duty.zhang+lab@site-1.example.cn"})"));
}

TEST(BodySchema, EmailAddressesAreCheckedByForm) {
    EXPECT_EQ(emailProblem("duty@site.example"), std::nullopt);
    EXPECT_EQ(emailProblem("o'brien+cold@sub.site.example.cn"), std::nullopt);
    for (const char* bad : {"no-at-sign", "two@@site.example", "a@b@c.example", "@site.example", "duty@", "duty@localhost",
                            "du ty@site.example", "duty@site..example", "duty@-site.example", ".duty@site.example",
                            "duty@site.example>", "du\"ty@site.example"})
        EXPECT_NE(emailProblem(bad), std::nullopt) << bad;
}

TEST(BodySchema, TrailingGarbageIsMalformed) {
    ObjectSchema s{{field::string("a")}};
    auto checked = checkBody(s, R"({"a":"x"} {"a":"y"})");
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.problem->status, 400);
}

TEST(BodySchema, ProblemJsonCarriesFieldErrors) {
    auto checked = checkBody(sampleSchema(), R"({"kind":"food"})");
    ASSERT_FALSE(checked);
    const std::string json = checked.problem->toJson();
    EXPECT_NE(json.find("\"type\":\"urn:lims:problem:validation-failed\""), std::string::npos) << json;
    EXPECT_NE(json.find("{\"field\":\"kind\",\"problem\":\"must be one of: drug, cosmetic, device\",\"code\":\"field.one_of\","
                        "\"params\":{\"values\":\"drug, cosmetic, device\"}}"),
              std::string::npos)
        << json;
}

// Issue 13: every field error carries a stable code (and the numbers or lists its message
// names) that the web translates; the English problem stays beside it.
TEST(BodySchema, FieldErrorsCarryStableCodesAndTheirParameters) {
    auto code_of = [](const Problem& p, const std::string& field) {
        for (const auto& e : p.errors)
            if (e.field == field) return e.code;
        return std::string("(no error for ") + field + ")";
    };
    auto checked = checkBody(sampleSchema(), R"({"product":7,"kind":"drug","quantity":0,"colour":"red","seals":["a","a"]})");
    ASSERT_FALSE(checked);
    const Problem& p = *checked.problem;
    EXPECT_EQ(code_of(p, "product"), "field.type");
    EXPECT_EQ(code_of(p, "cold_chain"), "field.required");
    EXPECT_EQ(code_of(p, "colour"), "field.unknown");
    EXPECT_EQ(code_of(p, "quantity"), "field.range");
    EXPECT_EQ(code_of(p, "seals[1]"), "field.repeated_item");
    for (const auto& e : p.errors)
        if (e.field == "quantity")
            EXPECT_EQ(e.params, (std::vector<std::pair<std::string, std::string>>{{"min", "1"}, {"max", "1000"}}));
    // An integer past int64 is a range error with its bounds (the translation names them);
    // a pattern with a meaning carries it, the web shows its own words.
    auto huge = checkBody(sampleSchema(), R"({"quantity":18446744073709551615,"samplers":[{"name":"a","badge":"x1"},{"name":"b","badge":"SH0002"}]})");
    ASSERT_FALSE(huge);
    for (const auto& e : huge.problem->errors) {
        if (e.field == "quantity") {
            EXPECT_EQ(e.code, "field.range");
            EXPECT_EQ(e.params, (std::vector<std::pair<std::string, std::string>>{{"min", "1"}, {"max", "1000"}}));
        }
    }
    EXPECT_EQ(code_of(*huge.problem, "samplers[0].badge"), "field.pattern");
    EXPECT_EQ(code_of(*huge.problem, "samplers[0].name"), "(no error for samplers[0].name)");
    auto long_product = checkBody(sampleSchema(), R"({"product":"abcdefghijkl"})");
    ASSERT_FALSE(long_product);
    EXPECT_EQ(code_of(*long_product.problem, "product"), "field.too_long");
    // A field error made without a code is still coded, as "invalid".
    EXPECT_NE(problems::validation({{"cursor", "is not a cursor"}}).toJson().find("\"code\":\"invalid\""), std::string::npos);
    // A use case's invalid error keeps its own code, without the field path it may carry.
    auto from_use_case = problems::from_error(lims::domain::errors::invalid("seal_numbers[1]", "sampling.invalid_field:seal_numbers[1]", "seal repeated"));
    ASSERT_EQ(from_use_case.errors.size(), 1u);
    EXPECT_EQ(from_use_case.errors[0].code, "sampling.invalid_field");
    EXPECT_EQ(from_use_case.errors[0].field, "seal_numbers[1]");
}
