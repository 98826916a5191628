// Exact unit conversion through a test-code mapping, and specimen ids.
#include "lims/workflow/ingest/specimen.hpp"
#include "lims/workflow/ingest/unit_conversion.hpp"

#include "lims/domain/identifiers/sample_number.hpp"

#include <gtest/gtest.h>

namespace lims::workflow::ingest {
namespace {

using domain::Decimal;

Decimal d(const char* text) { return Decimal::parse(text).value(); }

store::TestMapping mapping(std::string from, std::string to, std::string factor, std::string offset = "0") {
    store::TestMapping m;
    m.instrument_test_code = "X";
    m.test_code = "x";
    m.instrument_unit = std::move(from);
    m.result_unit = std::move(to);
    m.factor = std::move(factor);
    m.offset = std::move(offset);
    return m;
}

protocols::Observation value(std::string v, std::string units, std::string type = "") {
    protocols::Observation o;
    o.test_code = "X";
    o.value = std::move(v);
    o.units = std::move(units);
    o.value_type = std::move(type);
    return o;
}

TEST(IngestMultiplyAdd, IsExactAndKeepsTheMeasuredPlaces) {
    EXPECT_EQ(multiply_add(d("140"), d("0.0555"), d("0"))->to_string(), "7.77");
    EXPECT_EQ(multiply_add(d("7.8"), d("1000"), d("0"))->to_string(), "7800.0");
    EXPECT_EQ(multiply_add(d("0.1"), d("3"), d("0"))->to_string(), "0.3");  // no binary float drift
    EXPECT_EQ(multiply_add(d("98.6"), d("1"), d("-32"))->to_string(), "66.6");
    EXPECT_EQ(multiply_add(d("1.23"), d("0.001"), d("0"))->to_string(), "0.00123");
    EXPECT_EQ(multiply_add(d("-2.5"), d("2"), d("0.25"))->to_string(), "-4.75");
}

TEST(IngestMultiplyAdd, RefusesResultsBeyondEighteenDigits) {
    auto big = multiply_add(d("999999999999999999"), d("999999999999999999"), d("0"));
    ASSERT_FALSE(big.ok());
    EXPECT_EQ(big.error().code, "ingest.conversion_overflow");
    auto tiny = multiply_add(d("0.000000000000000001"), d("0.000000000000000003"), d("0"));
    ASSERT_FALSE(tiny.ok());
    EXPECT_EQ(tiny.error().code, "ingest.conversion_overflow");
}

TEST(IngestConvert, ConvertsFromTheInstrumentUnitAndTakesTheResultUnitAsSent) {
    auto m = mapping("mg/dL", "mmol/L", "0.0555");
    auto converted = convert(value("140", "mg/dL", "NM"), m);
    ASSERT_TRUE(converted.ok());
    EXPECT_EQ(*converted->value_text, "7.77");
    EXPECT_EQ(converted->unit, "mmol/L");
    auto as_sent = convert(value("7.8", "mmol/L"), m);
    ASSERT_TRUE(as_sent.ok());
    EXPECT_EQ(*as_sent->value_text, "7.8");
}

TEST(IngestConvert, KeepsTheComparatorOfACensoredValue) {
    auto o = value("<10", "mg/dL", "SN");
    o.comparator = "<";
    o.number = "10";
    auto converted = convert(o, mapping("mg/dL", "mmol/L", "0.0555"));
    ASSERT_TRUE(converted.ok());
    EXPECT_EQ(*converted->value_text, "<0.555");
}

TEST(IngestConvert, NamesEveryRefusal) {
    auto m = mapping("mg/dL", "mmol/L", "0.0555");
    auto unit = convert(value("7.8", "g/L"), m);
    ASSERT_FALSE(unit.ok());
    EXPECT_EQ(unit.error().code, "ingest.unit_unconvertible");
    EXPECT_NE(unit.error().message.find("g/L"), std::string::npos);
    auto empty = convert(value("  ", "mg/dL"), m);
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.error().code, "ingest.empty_value");
    auto unreadable = convert(value("high", "mg/dL", "NM"), m);
    ASSERT_FALSE(unreadable.ok());
    EXPECT_EQ(unreadable.error().code, "ingest.value_unreadable");
    auto text_in_wrong_unit = convert(value("Positive", "IU"), m);
    ASSERT_FALSE(text_in_wrong_unit.ok());
    EXPECT_EQ(text_in_wrong_unit.error().code, "ingest.unit_unconvertible");
    auto bad_mapping = convert(value("1", "mg/dL"), mapping("mg/dL", "mmol/L", "abc"));
    ASSERT_FALSE(bad_mapping.ok());
    EXPECT_EQ(bad_mapping.error().code, "ingest.mapping_invalid");
    auto censored = value("<1", "mg/dL");
    censored.comparator = "<";
    censored.number = "1";
    auto flipped = convert(censored, mapping("mg/dL", "x", "-1"));
    ASSERT_FALSE(flipped.ok());
    EXPECT_EQ(flipped.error().code, "ingest.unit_unconvertible");
}

TEST(IngestConvert, UnitlessMappingTakesAnyUnitAsSent) {
    auto taken = convert(value("12", "cfu"), mapping("", "", "1"));
    ASSERT_TRUE(taken.ok());
    EXPECT_EQ(*taken->value_text, "12");
    EXPECT_EQ(taken->unit, "cfu");
    auto qualitative = convert(value("Negative", ""), mapping("", "", "1"));
    ASSERT_TRUE(qualitative.ok());
    EXPECT_FALSE(qualitative->value_text);
    EXPECT_EQ(*qualitative->qualitative, "Negative");
}

TEST(IngestSpecimen, AcceptsPrintedCompactAndPortionForms) {
    auto number = domain::SampleNumber::from_parts(
        {domain::SampleCategory::drug, 2026, domain::RegionCode::parse("310101").value(), 42});
    ASSERT_TRUE(number.ok());
    auto printed = parse_specimen_id(number->text());
    ASSERT_TRUE(printed.ok());
    EXPECT_EQ(printed->sample_number, number->text());
    EXPECT_FALSE(printed->test_portion);
    auto compact = parse_specimen_id(" " + number->compact() + " ");
    ASSERT_TRUE(compact.ok());
    EXPECT_EQ(compact->sample_number, number->text());
    auto portion = parse_specimen_id(number->text() + "/2");
    ASSERT_TRUE(portion.ok());
    EXPECT_EQ(portion->test_portion, 2);
}

TEST(IngestSpecimen, RefusesMisreadNumbersAndBadPortions) {
    auto number = domain::SampleNumber::from_parts(
        {domain::SampleCategory::drug, 2026, domain::RegionCode::parse("310101").value(), 42});
    std::string misread = number->text();
    misread.back() = misread.back() == '0' ? '1' : '0';
    auto wrong = parse_specimen_id(misread);
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().code, "sample_number.check_character");
    EXPECT_NE(wrong.error().message.find(misread), std::string::npos);
    for (const char* suffix : {"/0", "/100", "/x", "/"}) {
        auto bad = parse_specimen_id(number->text() + suffix);
        ASSERT_FALSE(bad.ok()) << suffix;
        EXPECT_EQ(bad.error().code, "ingest.specimen_portion") << suffix;
    }
    auto empty = parse_specimen_id("   ");
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.error().code, "ingest.specimen_empty");
}

}  // namespace
}  // namespace lims::workflow::ingest
