#include "drivers/csv_export.hpp"

#include <gtest/gtest.h>

namespace {

using protocols::DecodeError;

DecodeError error_of(std::string_view text) {
    auto r = drivers::parse_cds_csv(text, "HPLC-1");
    return std::holds_alternative<DecodeError>(r) ? std::get<DecodeError>(r) : DecodeError{"(parsed)", 0, ""};
}

TEST(CsvExport, QuotesDoubledQuotesBomAndLineEnds) {
    auto rows = drivers::split_csv("\xEF\xBB\xBF" "a,\"b \"\"x\"\", c\"\r\n\n1,2\n", ',');
    ASSERT_TRUE(std::holds_alternative<std::vector<std::vector<std::string>>>(rows));
    const auto& r = std::get<0>(rows);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0], (std::vector<std::string>{"a", "b \"x\", c"}));
    EXPECT_EQ(r[1], (std::vector<std::string>{"1", "2"}));
}

TEST(CsvExport, ColumnsFoundByNameInAnyOrder) {
    auto r = drivers::parse_cds_csv("Result;Analyst;Sample_ID;Analyte;Unit\n>250;wli;S1;Assay;mg\n", "HPLC-1",
                                    drivers::CsvLayout{.delimiter = ';'});
    ASSERT_TRUE(std::holds_alternative<std::vector<protocols::Observation>>(r));
    const auto& o = std::get<0>(r).at(0);
    EXPECT_EQ(o.instrument_id, "HPLC-1");
    EXPECT_EQ(o.specimen_id, "S1");
    EXPECT_EQ(o.test_code, "Assay");
    EXPECT_EQ(o.value, ">250");
    EXPECT_EQ(o.comparator, ">");
    EXPECT_EQ(o.number, "250");
    EXPECT_EQ(o.units, "mg");
    EXPECT_EQ(o.operator_id, "wli");
    EXPECT_EQ(o.status, "F");
}

TEST(CsvExport, BadInputIsNamed) {
    EXPECT_EQ(error_of("").code, "csv.empty");
    EXPECT_EQ(error_of("Sample Name,Amount\nS1,1\n").code, "csv.missing_column");
    EXPECT_EQ(error_of("Sample Name,Amount\nS1,1\n").detail, "no test code column (e.g. analyte)");
    EXPECT_EQ(error_of("Sample Name,Component,Amount\n").code, "csv.no_rows");
    EXPECT_EQ(error_of("Sample Name,Component,Amount\nS1,Caffeine\n").code, "csv.short_row");
    EXPECT_EQ(error_of("Sample Name,Component,Amount\nS1,Caffeine,\n").code, "csv.empty_value");
    auto quote = error_of("Sample Name,Component,Amount\nS1,\"x,1\n");
    EXPECT_EQ(quote.code, "csv.bad_quote");
    EXPECT_EQ(quote.offset, 32u);
    EXPECT_EQ(error_of(std::string(drivers::kMaxCsvBytes + 1, 'x')).code, "csv.too_large");
}

}  // namespace
