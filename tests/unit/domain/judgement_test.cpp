#include "lims/domain/judgement/judgement.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace lims::domain;

namespace {

struct Case {
    const char* limit;
    const char* value;
    Verdict verdict;
    const char* rounded;  // "" when there is no number compared
};

constexpr Verdict C = Verdict::conforms;
constexpr Verdict F = Verdict::does_not_conform;
constexpr Verdict U = Verdict::indeterminate;

// The judgement table: limit as written, result as reported, verdict, rounded value.
const Case kTable[] = {
    // Upper limits, rounded to the limit's places before comparison (GB/T 8170).
    {"≤ 0.5", "0.55", F, "0.6"},
    {"≤ 0.5", "0.54", C, "0.5"},
    {"≤ 0.5", "0.5", C, "0.5"},
    {"≤ 0.5", "0.551", F, "0.6"},
    {"≤ 0.4", "0.45", C, "0.4"},      // half to even: 0.45 -> 0.4
    {"≤ 0.4", "0.46", F, "0.5"},
    {"≤ 0.4", "0.35", C, "0.4"},      // 0.35 -> 0.4 (4 is even)
    {"<= 0.1", "0.149", C, "0.1"},
    {"<= 0.1", "0.150", F, "0.2"},
    {"< 0.5", "0.5", F, "0.5"},       // strict: equal fails
    {"< 0.5", "0.44", C, "0.4"},
    {"≤ 10", "10.4", C, "10"},
    {"≤ 10", "10.5", C, "10"},        // 10.5 -> 10 (even)
    {"≤ 10", "11.5", F, "12"},
    {"≤ 105.0", "105.05", C, "105.0"},
    {"≤ 105.0", "105.15", F, "105.2"},
    // Ranges.
    {"95.0–105.0", "94.95", C, "95.0"},
    {"95.0–105.0", "94.94", F, "94.9"},
    {"95.0–105.0", "94.85", F, "94.8"},
    {"95.0–105.0", "105.05", C, "105.0"},
    {"95.0–105.0", "105.15", F, "105.2"},
    {"95.0-105.0", "100", C, "100"},
    {"95.0~105.0", "99.96", C, "100.0"},
    {"90.0－110.0", "110.04", C, "110.0"},  // full-width minus folded
    {"-5.0–5.0", "-5.05", C, "-5.0"},
    {"-5.0–5.0", "-5.15", F, "-5.2"},
    // Lower limits.
    {"≥ 80", "79.5", C, "80"},        // 79.5 -> 80 (even)
    {"≥ 80", "78.5", F, "78"},
    {"≥ 80", "80", C, "80"},
    {">= 80", "79.4", F, "79"},
    {"> 80", "80.4", F, "80"},        // strict: equal after rounding fails
    {"> 80", "80.6", C, "81"},
    // Censored results.
    {"≤ 0.5", "<0.01", C, "0.0"},     // every value below 0.01 conforms
    {"≤ 0.5", "<0.6", U, "0.6"},      // could be 0.55 or 0.3: undecidable
    {"≤ 100", ">500", F, "500"},      // microbial count above the counting range
    {"≤ 1000", ">500", U, "500"},
    {"≥ 80", "<50", F, "50"},
    {"≥ 80", ">85", C, "85"},
    {"≥ 80", "<90", U, "90"},
    {"95.0–105.0", ">106", F, "106"},
    {"95.0–105.0", "<94", F, "94"},
    {"95.0–105.0", "<100", U, "100"},
    {"95.0–105.0", ">94.96", U, "95.0"},
    {"< 0.5", "<0.5", U, "0.5"},      // true value < 0.5, but may round to 0.5
    {"< 0.5", "<0.44", C, "0.4"},
};

Verdict run(const Case& c, std::string& rounded) {
    auto limit = Limit::parse(c.limit);
    EXPECT_TRUE(limit.ok()) << c.limit << ": " << (limit ? "" : limit.error().message);
    auto value = ReportedValue::parse(c.value);
    EXPECT_TRUE(value.ok()) << c.value;
    auto j = judge(limit.value(), value.value());
    EXPECT_TRUE(j.ok()) << c.limit << " / " << c.value;
    rounded = j->rounded ? j->rounded->to_string() : "";
    EXPECT_FALSE(j->explanation.empty());
    return j->verdict;
}

}  // namespace

TEST(Judgement, Table) {
    ASSERT_GE(std::size(kTable), 30u);
    for (const auto& c : kTable) {
        std::string rounded;
        const Verdict v = run(c, rounded);
        EXPECT_EQ(v, c.verdict) << c.value << " against " << c.limit << " (rounded " << rounded << ")";
        EXPECT_EQ(rounded, c.rounded) << c.value << " against " << c.limit;
    }
}

TEST(Judgement, ExplanationsSayWhy) {
    auto j = judge(Limit::parse("≤ 0.5").value(), ReportedValue::parse("0.55").value()).value();
    EXPECT_EQ(j.explanation, "0.55 rounds to 0.6 (1 place); above the limit ≤ 0.5");
    auto k = judge(Limit::parse("95.0–105.0").value(), ReportedValue::parse("94.94").value()).value();
    EXPECT_EQ(k.explanation, "94.94 rounds to 94.9 (1 place); below the range 95.0–105.0");
}

TEST(Judgement, ExplicitPrecisionOverridesTheWrittenPlaces) {
    // The monograph says "≤ 0.5 %" but the line is configured to judge at two places.
    auto limit = Limit::parse("≤ 0.5", 2).value();
    EXPECT_EQ(limit.precision(), 2);
    auto j = judge(limit, ReportedValue::parse("0.504").value()).value();
    EXPECT_EQ(j.verdict, Verdict::conforms);
    EXPECT_EQ(j.rounded->to_string(), "0.50");
    EXPECT_EQ(judge(limit, ReportedValue::parse("0.505").value())->verdict, Verdict::conforms);   // 0.50
    EXPECT_EQ(judge(limit, ReportedValue::parse("0.515").value())->verdict, Verdict::does_not_conform);  // 0.52
    EXPECT_EQ(Limit::parse("≤ 0.5", -1).error().code, "limit.precision");
    EXPECT_EQ(Limit::parse("≤ 0.5", 19).error().code, "limit.precision");
}

TEST(Judgement, RangePrecisionIsTheLargerOfItsEnds) {
    EXPECT_EQ(Limit::parse("95–105.0").value().precision(), 1);
    EXPECT_EQ(Limit::parse("0.90–1.1").value().precision(), 2);
}

TEST(Judgement, Qualitative) {
    auto limit = Limit::qualitative({"符合规定", "conforms"}).value();
    EXPECT_EQ(limit.describe(), "符合规定");
    EXPECT_EQ(judge(limit, ReportedValue::parse("符合规定").value())->verdict, Verdict::conforms);
    EXPECT_EQ(judge(limit, ReportedValue::parse(" Conforms ").value())->verdict, Verdict::conforms);
    EXPECT_EQ(judge(limit, ReportedValue::parse("不符合规定").value())->verdict, Verdict::does_not_conform);
    auto sterile = Limit::qualitative({"sterile", "无菌"}).value();
    EXPECT_EQ(judge(sterile, ReportedValue::parse("无菌").value())->verdict, Verdict::conforms);
    EXPECT_EQ(judge(sterile, ReportedValue::parse("growth in tube 3").value())->verdict, Verdict::does_not_conform);
    auto nd = Limit::qualitative({"not detected", "未检出"}).value();
    EXPECT_EQ(judge(nd, ReportedValue::parse("ＮＯＴ ＤＥＴＥＣＴＥＤ").value())->verdict, Verdict::conforms);
    EXPECT_EQ(judge(nd, ReportedValue::parse("检出").value())->verdict, Verdict::does_not_conform);
    EXPECT_EQ(Limit::qualitative({}).error().code, "limit.no_accepted_outcome");
    EXPECT_EQ(Limit::qualitative({"  "}).error().code, "limit.no_accepted_outcome");
}

TEST(Judgement, KindMismatchIsAnError) {
    auto numeric = Limit::parse("≤ 0.5").value();
    auto text = ReportedValue::parse("未检出").value();
    auto j = judge(numeric, text);
    ASSERT_FALSE(j.ok());
    EXPECT_EQ(j.error().code, "judgement.value_kind");
    auto qualitative = Limit::qualitative({"符合规定"}).value();
    EXPECT_EQ(judge(qualitative, ReportedValue::parse("0.3").value()).error().code, "judgement.value_kind");
    EXPECT_EQ(judge(qualitative, ReportedValue::parse("<0.3").value()).error().code, "judgement.value_kind");
}

TEST(Judgement, WarningBandOnlyWarns) {
    auto limit = Limit::parse("≤ 0.5").value().with_warning({std::nullopt, Decimal::parse("0.4").value()}).value();
    auto near = judge(limit, ReportedValue::parse("0.46").value()).value();
    EXPECT_EQ(near.verdict, Verdict::conforms);
    EXPECT_TRUE(near.warning);
    auto far = judge(limit, ReportedValue::parse("0.3").value()).value();
    EXPECT_FALSE(far.warning);
    auto failing = judge(limit, ReportedValue::parse("0.7").value()).value();
    EXPECT_EQ(failing.verdict, Verdict::does_not_conform);
    EXPECT_FALSE(failing.warning);  // a failure is a failure, not a warning

    auto assay = Limit::parse("95.0–105.0").value()
                     .with_warning({Decimal::parse("96.0").value(), Decimal::parse("104.0").value()})
                     .value();
    EXPECT_TRUE(judge(assay, ReportedValue::parse("95.5").value())->warning);
    EXPECT_TRUE(judge(assay, ReportedValue::parse("104.5").value())->warning);
    EXPECT_FALSE(judge(assay, ReportedValue::parse("100.0").value())->warning);

    EXPECT_EQ(Limit::parse("≤ 0.5").value().with_warning({}).error().code, "limit.warning_band");
    EXPECT_EQ(Limit::qualitative({"无菌"}).value().with_warning({std::nullopt, Decimal{}}).error().code,
              "limit.warning_band");
    EXPECT_EQ(assay.with_warning({Decimal::parse("104").value(), Decimal::parse("96").value()}).error().code,
              "limit.warning_band");
}

TEST(Judgement, SampleConformsOnlyIfEveryItemDoes) {
    auto item = [](const char* name, const char* limit, const char* value) {
        return JudgedItem{name, judge(Limit::parse(limit).value(), ReportedValue::parse(value).value()).value()};
    };
    auto good = judge_sample({item("含量测定", "95.0–105.0", "99.8"), item("有关物质", "≤ 0.5", "0.54")});
    EXPECT_EQ(good.verdict, Verdict::conforms);
    EXPECT_TRUE(good.failing_items.empty());
    EXPECT_EQ(conclusion_zh(good.verdict), "符合规定");

    auto bad = judge_sample({item("含量测定", "95.0–105.0", "94.94"), item("有关物质", "≤ 0.5", "0.55"),
                             item("溶出度", "≥ 80", "85")});
    EXPECT_EQ(bad.verdict, Verdict::does_not_conform);
    EXPECT_EQ(bad.failing_items, (std::vector<std::string>{"含量测定", "有关物质"}));
    EXPECT_EQ(conclusion_zh(bad.verdict), "不符合规定");

    auto open = judge_sample({item("含量测定", "95.0–105.0", "99.8"), item("有关物质", "≤ 0.5", "<0.6")});
    EXPECT_EQ(open.verdict, Verdict::indeterminate);
    EXPECT_EQ(open.undecided_items, (std::vector<std::string>{"有关物质"}));

    auto failing_and_open = judge_sample({item("a", "≤ 0.5", "<0.6"), item("b", "≤ 0.5", "0.9")});
    EXPECT_EQ(failing_and_open.verdict, Verdict::does_not_conform);

    EXPECT_EQ(judge_sample({}).verdict, Verdict::indeterminate);  // nothing tested is not a pass
    EXPECT_EQ(to_string(Verdict::does_not_conform), "does_not_conform");
}

TEST(Limit, ParsesWrittenFormsAndNamesBadOnes) {
    EXPECT_EQ(Limit::parse("95.0–105.0")->describe(), "95.0–105.0");
    EXPECT_EQ(Limit::parse("≤0.5")->describe(), "≤ 0.5");
    EXPECT_EQ(Limit::parse("＜0.5")->describe(), "< 0.5");
    EXPECT_EQ(Limit::parse("≥ 80")->describe(), "≥ 80");
    EXPECT_EQ(Limit::parse("> 80")->bound(), Bound::exclusive);
    EXPECT_EQ(Limit::parse("95.0 - 105.0")->kind(), LimitKind::range);
    EXPECT_EQ(Limit::parse("-1.0--0.5")->high().to_string(), "-0.5");
    struct Bad { const char* text; const char* code; };
    const Bad bad[] = {
        {"", "limit.syntax"},          {"about 5", "limit.syntax"},  {"≤", "limit.syntax"},
        {"≤ abc", "limit.syntax"},     {"95.0–", "limit.syntax"},    {"–105.0", "limit.syntax"},
        {"105.0–95.0", "limit.range_order"}, {"1–2–3", "limit.syntax"}, {"NMT 0.5", "limit.syntax"},
    };
    for (const auto& b : bad) {
        auto r = Limit::parse(b.text);
        ASSERT_FALSE(r.ok()) << b.text;
        EXPECT_EQ(r.error().code, b.code) << b.text << ": " << r.error().message;
    }
}

TEST(ReportedValue, Parses) {
    EXPECT_EQ(ReportedValue::parse("94.95")->kind(), ValueKind::numeric);
    EXPECT_EQ(ReportedValue::parse("< 0.01")->kind(), ValueKind::below);
    EXPECT_EQ(ReportedValue::parse("＞500")->kind(), ValueKind::above);
    EXPECT_EQ(ReportedValue::parse(">500")->to_string(), ">500");
    EXPECT_EQ(ReportedValue::parse(" 符合规定 ")->outcome(), "符合规定");
    EXPECT_EQ(ReportedValue::parse("").error().code, "reported_value.empty");
    EXPECT_EQ(ReportedValue::parse("<").error().code, "reported_value.number");
    EXPECT_EQ(ReportedValue::parse("<abc").error().code, "reported_value.number");
    EXPECT_EQ(ReportedValue::parse("12 mg").error().code, "reported_value.number");
    EXPECT_EQ(ReportedValue::parse("-").error().code, "reported_value.number");
    EXPECT_EQ(ReportedValue::qualitative(" ").error().code, "reported_value.empty");
}
