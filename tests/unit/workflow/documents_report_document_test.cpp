#include "lims/workflow/documents/report_document.hpp"

#include <gtest/gtest.h>

using namespace lims::workflow::documents;

namespace {

ReportDocument conforming() {
    ReportDocument r;
    r.report_number = "BG2026-0000001";
    r.sample_number = "D2026-310101-000001-X";
    r.issuer = "检验院";
    r.product_name = "维生素C片";
    r.sampled_unit = "某药店";
    r.sampling_date = "2026-03-02";
    r.receipt_date = "2026-03-03";
    r.basis = "《中华人民共和国药典》2025年版二部";
    r.items = {{"含量测定", "93.0%～107.0%", "99.1", "%", ItemVerdict::conforms},
               {"重金属", "仅供参考", "<10", "ppm", ItemVerdict::not_judged}};
    r.conclusion = ReportConclusion::conforms;
    r.signatures = {{"approved", "王五", "2026-03-10T02:00:00Z"}};
    r.issue_date = "2026-03-10";
    return r;
}

}  // namespace

TEST(ReportDocument, ValidReportPasses) { EXPECT_TRUE(validate(conforming()).ok()); }

TEST(ReportDocument, EachProblemIsNamed) {
    auto r = conforming();
    r.basis.clear();
    auto s = validate(r);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, "report_document.missing_field");
    EXPECT_NE(s.error().message.find("basis"), std::string::npos);

    r = conforming();
    r.receipt_date = "2026-02-30";
    EXPECT_EQ(validate(r).error().code, "report_document.date");

    r = conforming();
    r.items[0].verdict = ItemVerdict::does_not_conform;  // conclusion still "conforms"
    EXPECT_EQ(validate(r).error().code, "report_document.conclusion");
    r.conclusion = ReportConclusion::does_not_conform;
    EXPECT_TRUE(validate(r).ok());

    r = conforming();
    r.items[1].result.clear();
    s = validate(r);
    EXPECT_EQ(s.error().code, "report_document.missing_field");
    EXPECT_NE(s.error().message.find("items[1].result"), std::string::npos);

    r = conforming();
    r.signatures[0].name.clear();
    EXPECT_EQ(validate(r).error().code, "report_document.missing_field");
}

TEST(ReportDocument, HashIsStableAndLeavesOutTheVerificationUrl) {
    auto r = conforming();
    const auto h = report_content_hash(r);
    EXPECT_EQ(h.size(), 64U);
    EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
    r.verification_url = "/verify/x?h=y";
    EXPECT_EQ(report_content_hash(r), h);
}

TEST(ReportDocument, EveryPrintedFieldChangesTheHash) {
    const auto base = report_content_hash(conforming());
    auto changed = [&](auto&& edit) {
        auto r = conforming();
        edit(r);
        return report_content_hash(r) != base;
    };
    EXPECT_TRUE(changed([](ReportDocument& r) { r.items[0].result = "99.2"; }));
    EXPECT_TRUE(changed([](ReportDocument& r) { r.items[0].verdict = ItemVerdict::not_judged; }));
    EXPECT_TRUE(changed([](ReportDocument& r) { r.batch_number = "X1"; }));
    EXPECT_TRUE(changed([](ReportDocument& r) { r.signatures[0].signed_at = "2026-03-10T02:00:01Z"; }));
    EXPECT_TRUE(changed([](ReportDocument& r) { r.supersedes_report_number = "BG2026-0000000"; }));
    EXPECT_TRUE(changed([](ReportDocument& r) { r.items.pop_back(); }));
}

TEST(ReportDocument, ValuesCannotForgeLinesOfTheCanonicalText) {
    // A newline inside a value must not read as another field.
    auto a = conforming();
    a.product_name = "X\nbatch_number=1";
    auto b = conforming();
    b.product_name = "X";
    b.batch_number = "1";
    EXPECT_NE(canonical_text(a), canonical_text(b));
    EXPECT_NE(report_content_hash(a), report_content_hash(b));
    EXPECT_NE(canonical_text(a).find("product_name=X\\nbatch_number=1\n"), std::string::npos);
}

TEST(ReportDocument, VerificationPathCarriesTheNumberAndAPrefix) {
    const std::string hash(64, 'a');
    EXPECT_EQ(verification_path("BG2026-0000001", hash), "/verify/BG2026-0000001?h=aaaaaaaaaaaaaaaa");
    EXPECT_EQ(verification_path("BG 1/2", hash, "https://x.gov.cn/"),
              "https://x.gov.cn/verify/BG%201%2F2?h=aaaaaaaaaaaaaaaa");
}

TEST(ReportDocument, ChineseNames) {
    EXPECT_EQ(to_chinese(ReportConclusion::does_not_conform), "不符合规定");
    EXPECT_EQ(to_chinese(ItemVerdict::conforms), "符合规定");
    EXPECT_EQ(signature_meaning_in_chinese("reviewed"), "复核人");
    EXPECT_EQ(signature_meaning_in_chinese("nonsense"), "");
}
