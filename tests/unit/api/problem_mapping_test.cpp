// The one mapping of a domain::Error to HTTP (api/problem.cpp): by kind, and for the codes
// still made without one by the table of codes; a code in no row is a 500, so a use case
// that forgets to give its error a kind shows in the tests. The review, case-lead, notice,
// signature, quarantine and document use cases give theirs now: their codes left the table.
#include "lims/api/problem.hpp"
#include "lims/domain/error.hpp"

#include <gtest/gtest.h>

namespace lims::api {
namespace {

using domain::make_error;
namespace errors = domain::errors;

TEST(ProblemMapping, KindsAreAnsweredByKind) {
    EXPECT_EQ(problems::from_error(errors::not_found("review.test_not_found", "test 9 does not exist")).status, 404);
    EXPECT_EQ(problems::from_error(errors::forbidden("signature.password_mismatch", "wrong password")).status, 403);
    EXPECT_EQ(problems::from_error(errors::conflict("case_lead.decided", "already decided")).status, 409);
    EXPECT_EQ(problems::from_error(errors::unavailable("documents.font_missing", "no font")).status, 503);
    auto invalid = problems::from_error(errors::invalid("value", "review.value", "not a number"));
    EXPECT_EQ(invalid.status, 422);
    ASSERT_EQ(invalid.errors.size(), 1u);
    EXPECT_EQ(invalid.errors[0].field, "value");
    EXPECT_EQ(invalid.errors[0].problem, "not a number");
}

TEST(ProblemMapping, CodesThatLeftTheTableAre500WithoutTheirKind) {
    // Made without a kind, these would now be an internal error: their use cases must
    // (and do) give them one.
    for (const char* code : {"review.test_final", "review.value", "case_lead.not_found", "notice.not_recipient",
                             "signature.password_mismatch", "documents.font_missing", "some.new_code"})
        EXPECT_EQ(problems::from_error(make_error(code, "x")).status, 500) << code;
    // The rest of ingest's codes without a kind are the batch's content: 422 naming the code
    // (so the quarantine's not-found and already-resolved carry their kinds, 404 and 409).
    EXPECT_EQ(problems::from_error(make_error("ingest.quarantine_resolved", "x")).status, 422);
    EXPECT_EQ(problems::from_error(errors::conflict("ingest.quarantine_resolved", "x")).status, 409);
    EXPECT_EQ(problems::from_error(errors::not_found("ingest.quarantine_not_found", "x")).status, 404);
}

TEST(ProblemMapping, CodesStillMadeWithoutAKindKeepTheirRow) {
    EXPECT_EQ(problems::from_error(make_error("documents.report_not_found", "There is no report R.")).status, 404);
    EXPECT_EQ(problems::from_error(make_error("transition.role_not_allowed", "no")).status, 403);
    EXPECT_EQ(problems::from_error(make_error("transition.sample_not_registered", "no")).status, 409);
    auto time = problems::from_error(make_error("time.format", "\"x\" is not a UTC time"));
    EXPECT_EQ(time.status, 422);
    EXPECT_EQ(time.errors.at(0).field, "report_received_at");
    EXPECT_EQ(problems::from_error(make_error("documents.report_incomplete", "no approval")).status, 409);
    EXPECT_EQ(problems::from_error(make_error("verify.prefix_not_hex", "hex only")).status, 400);
}

// Issue 13: a field error made from a use case's error carries the use case's code without
// the field path it may carry, so the web can translate it; the field is the path.
TEST(ProblemMapping, FieldErrorsCarryTheUseCasesCodeWithoutItsFieldTail) {
    auto code_and_field = [](const domain::Error& e) {
        auto p = problems::from_error(e);
        EXPECT_EQ(p.status, 422) << e.code;
        return p.errors.size() == 1 ? p.errors[0].code + " @ " + p.errors[0].field : std::string("(not one field error)");
    };
    // By kind, with a colon tail and without one.
    EXPECT_EQ(code_and_field(errors::invalid("seal_numbers[1]", "sampling.invalid_field:seal_numbers[1]", "repeated")),
              "sampling.invalid_field @ seal_numbers[1]");
    EXPECT_EQ(code_and_field(errors::invalid("value", "review.value", "not a number")), "review.value @ value");
    // By the table: a prefix row whose tail is the field loses it (':' and '.'), an exact row keeps its code.
    EXPECT_EQ(code_and_field(make_error("sampling.invalid_field:laboratory_id", "not a laboratory")),
              "sampling.invalid_field @ laboratory_id");
    EXPECT_EQ(code_and_field(make_error("admin.invalid.credit_code", "bad check digit")), "admin.invalid @ credit_code");
    EXPECT_EQ(code_and_field(make_error("time.format", "not a UTC time")), "time.format @ report_received_at");
    // Ingest's content errors name the code as field and as code.
    EXPECT_EQ(code_and_field(make_error("ingest.unknown_test", "no such test")), "ingest.unknown_test @ ingest.unknown_test");
    // In the body, a field error without a code says "invalid"; one with params gives them.
    const std::string json = problems::validation({{"cursor", "is not a cursor"},
                                                   {"name", "too long", "field.too_long", {{"max", "5"}, {"length", "7"}}}})
                                 .toJson();
    EXPECT_NE(json.find(R"({"field":"cursor","problem":"is not a cursor","code":"invalid"})"), std::string::npos) << json;
    EXPECT_NE(json.find(R"({"field":"name","problem":"too long","code":"field.too_long","params":{"max":"5","length":"7"}})"),
              std::string::npos)
        << json;
}

}  // namespace
}  // namespace lims::api
