// ORU^R01 to observations over the golden vectors, fed through MLLP at every split.
#include "protocols/hl7/mllp.hpp"
#include "message_fixture.hpp"
#include "protocols/hl7/oru.hpp"

#include <gtest/gtest.h>

namespace {

using protocols::DecodeError;
using protocols::Observation;
using protocols::hl7::Message;
using protocols::hl7::ParseOptions;

std::string fixture(const std::string& name) { return lims::test::message_fixture("hl7", name); }

std::vector<Observation> observations(const std::string& text, ParseOptions options = {}) {
    auto parsed = protocols::hl7::parse(text, options);
    if (auto* e = std::get_if<DecodeError>(&parsed)) {
        ADD_FAILURE() << e->code << " at " << e->offset;
        return {};
    }
    auto r = protocols::hl7::observations_from_oru(std::get<Message>(parsed));
    // The arena form, into one vector shared by every call of every test (as a connection
    // reuses it): the same observations, nothing left over from the message before.
    static std::vector<Observation> arena;
    const auto arena_error = protocols::hl7::observations_from_oru(std::get<Message>(parsed), arena);
    if (auto* e = std::get_if<DecodeError>(&r)) {
        EXPECT_EQ(arena_error, *e);
        EXPECT_TRUE(arena.empty());
        ADD_FAILURE() << e->code << " at " << e->offset;
        return {};
    }
    EXPECT_FALSE(arena_error.has_value());
    EXPECT_EQ(arena, std::get<std::vector<Observation>>(r));
    return std::get<std::vector<Observation>>(r);
}

std::vector<Observation> golden(const std::string& name, ParseOptions options = {}) {
    return observations(fixture(name), options);
}

TEST(Hl7Oru, ProtocolsExample) {
    const auto obs = golden("oru_r01_v251_example.hl7");
    ASSERT_EQ(obs.size(), 2u);
    EXPECT_EQ(obs[0], (Observation{.instrument_id = "SN41235",
                                   .specimen_id = "S240611-0042",
                                   .test_code = "14749-6",
                                   .test_name = "Glucose",
                                   .universal_test_id = "14749-6^Glucose^LN",
                                   .value_type = "NM",
                                   .value = "7.8",
                                   .comparator = "",
                                   .number = "7.8",
                                   .units = "mmol/L",
                                   .reference_range = "3.9-6.1",
                                   .abnormal_flags = {"H"},
                                   .status = "F",
                                   .operator_id = "OPR01",
                                   .observed_at = "20240611092944",
                                   .comments = {}}));
    EXPECT_EQ(obs[1], (Observation{.instrument_id = "SN41235",
                                   .specimen_id = "S240611-0042",
                                   .test_code = "1742-6",
                                   .test_name = "ALT",
                                   .universal_test_id = "1742-6^ALT^LN",
                                   .value_type = "SN",
                                   .value = ">500",
                                   .comparator = ">",
                                   .number = "500",
                                   .units = "U/L",
                                   .reference_range = "0-40",
                                   .abnormal_flags = {">"},
                                   .status = "F",
                                   .operator_id = "OPR01",
                                   .observed_at = "20240611093001",
                                   .comments = {"Result above linearity; dilute and rerun"}}));
}

TEST(Hl7Oru, Version23UsesObx14AndMsh3) {
    const auto obs = golden("oru_r01_v23.hl7");
    ASSERT_EQ(obs.size(), 2u);
    EXPECT_EQ(obs[0].instrument_id, "HEMA-X");
    EXPECT_EQ(obs[0].specimen_id, "S240612-0007");
    EXPECT_EQ(obs[0].test_code, "WBC");
    EXPECT_EQ(obs[0].test_name, "White cells");
    EXPECT_EQ(obs[0].number, "6.4");
    EXPECT_EQ(obs[0].units, "10*9/L");
    EXPECT_EQ(obs[0].abnormal_flags, std::vector<std::string>{"N"});
    EXPECT_EQ(obs[0].observed_at, "20240612100112");
    EXPECT_EQ(obs[1].value, "118");
    EXPECT_EQ(obs[1].abnormal_flags, std::vector<std::string>{"L"});
    EXPECT_EQ(obs[1].reference_range, "130-175");
}

TEST(Hl7Oru, Version231EquipmentFromObx18) {
    const auto obs = golden("oru_r01_v231.hl7");
    ASSERT_EQ(obs.size(), 1u);
    EXPECT_EQ(obs[0].instrument_id, "COAG-7 #2");
    EXPECT_EQ(obs[0].specimen_id, "S240613-0100");
    EXPECT_EQ(obs[0].value, "12.9");
    EXPECT_EQ(obs[0].units, "s");
    EXPECT_TRUE(obs[0].abnormal_flags.empty());
    EXPECT_EQ(obs[0].observed_at, "20240613075830");
}

TEST(Hl7Oru, Version24SpecimenFromPlacerAndCodedValue) {
    const auto obs = golden("oru_r01_v24.hl7");
    ASSERT_EQ(obs.size(), 2u);
    EXPECT_EQ(obs[0].instrument_id, "URINE-3");
    EXPECT_EQ(obs[0].specimen_id, "PLC-88");
    EXPECT_EQ(obs[0].value_type, "ST");
    EXPECT_EQ(obs[0].value, "6.0");
    EXPECT_EQ(obs[0].number, "6.0");
    EXPECT_EQ(obs[1].value_type, "CE");
    EXPECT_EQ(obs[1].value, "Negative");
    EXPECT_EQ(obs[1].number, "");
    EXPECT_EQ(obs[1].reference_range, "NEG");
}

TEST(Hl7Oru, Version25SpecimenFromSpmAppliesToTheWholeOrder) {
    const auto obs = golden("oru_r01_v25_spm.hl7");
    ASSERT_EQ(obs.size(), 2u);
    EXPECT_EQ(obs[0].specimen_id, "SPC-20240615-9");
    EXPECT_EQ(obs[1].specimen_id, "SPC-20240615-9");
    EXPECT_EQ(obs[0].value, "No growth");
    EXPECT_EQ(obs[0].operator_id, "MICROTECH");
    EXPECT_EQ(obs[0].instrument_id, "EQ-77");
    EXPECT_EQ(obs[0].observed_at, "20240615145900");
    EXPECT_EQ(obs[1].instrument_id, "MICRO-1");
    EXPECT_EQ(obs[1].units, "d");
    EXPECT_EQ(obs[1].status, "F");
    EXPECT_EQ(obs[1].observed_at, "");
}

TEST(Hl7Oru, CustomDelimiters) {
    const auto obs = golden("oru_r01_custom_delimiters.hl7");
    ASSERT_EQ(obs.size(), 1u);
    EXPECT_EQ(obs[0].instrument_id, "ICP-MS 7900#2");
    EXPECT_EQ(obs[0].specimen_id, "S240616-0001");
    EXPECT_EQ(obs[0].test_name, "Arsenic (as As)");
    EXPECT_EQ(obs[0].universal_test_id, "AS$Arsenic (as As)$L");
    EXPECT_EQ(obs[0].number, "0.012");
    EXPECT_EQ(obs[0].reference_range, "<=0.05");
    EXPECT_EQ(obs[0].abnormal_flags, (std::vector<std::string>{"N", "A"}));
    EXPECT_EQ(obs[0].observed_at, "20240616085500");
    EXPECT_EQ(obs[0].comments, std::vector<std::string>{"ratio 1$2, line*2 @ done"});
}

TEST(Hl7Oru, TruncationCharacterVersion27) {
    const auto obs = golden("oru_r01_truncation_char.hl7");
    ASSERT_EQ(obs.size(), 1u);
    EXPECT_EQ(obs[0].instrument_id, "TOC-1");
    EXPECT_EQ(obs[0].reference_range, "<=0.50");
    EXPECT_EQ(obs[0].observed_at, "20240617115500");
    EXPECT_EQ(obs[0].comments, std::vector<std::string>{"run #12 # cut"});
}

TEST(Hl7Oru, Repetitions) {
    const auto obs = golden("oru_r01_repetitions.hl7");
    ASSERT_EQ(obs.size(), 2u);
    EXPECT_EQ(obs[0].specimen_id, "S240618-0009");
    EXPECT_EQ(obs[0].value, "First line\nSecond line\nThird line");
    EXPECT_EQ(obs[0].instrument_id, "IMMUNO-2");
    EXPECT_EQ(obs[1].abnormal_flags, (std::vector<std::string>{"H", "A", "AA"}));
    EXPECT_EQ(obs[1].operator_id, "OPR07");
    EXPECT_EQ(obs[1].instrument_id, "IMM-SN-1");
    EXPECT_EQ(obs[1].reference_range, "<0.05");
}

TEST(Hl7Oru, Escapes) {
    const auto obs = golden("oru_r01_escapes.hl7");
    ASSERT_EQ(obs.size(), 2u);
    EXPECT_EQ(obs[0].specimen_id, "S240619-&01");
    EXPECT_EQ(obs[0].test_code, "A^B");
    EXPECT_EQ(obs[0].test_name, "Name with | bar");
    EXPECT_EQ(obs[0].value, "50\\50 ~ xA\r\ny");
    EXPECT_EQ(obs[0].number, "");
    EXPECT_EQ(obs[0].units, "mg&L");
    EXPECT_EQ(obs[1].value_type, "FT");
    EXPECT_EQ(obs[1].value, "line one\nline twobold \\Zunknown\\ end");
    EXPECT_EQ(obs[1].comments,
              (std::vector<std::string>{"broken \\X4\\ and \\Xzz\\ kept", "unterminated \\F"}));
}

TEST(Hl7Oru, ValueTypes) {
    const auto obs = golden("oru_r01_value_types.hl7");
    ASSERT_EQ(obs.size(), 10u);
    struct Expected {
        const char* type;
        const char* value;
        const char* comparator;
        const char* number;
    };
    const Expected expected[] = {
        {"NM", "141", "", "141"},          {"NM", "<0.5", "<", "0.5"},
        {"SN", "1:128", "", ""},           {"SN", "<0.01", "<", "0.01"},
        {"SN", "100-200", "", ""},         {"ST", "clear, colourless", "", ""},
        {"CWE", "Non-reactive", "", ""},   {"CE", "A", "", ""},
        {"TX", "Sample slightly haemolysed", "", ""}, {"ST", ">=1:10", "", ""},
    };
    for (std::size_t i = 0; i < obs.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(obs[i].value_type, expected[i].type);
        EXPECT_EQ(obs[i].value, expected[i].value);
        EXPECT_EQ(obs[i].comparator, expected[i].comparator);
        EXPECT_EQ(obs[i].number, expected[i].number);
        EXPECT_EQ(obs[i].status, "F");
        EXPECT_EQ(obs[i].specimen_id, "S240620-0010");
    }
    EXPECT_EQ(obs[3].units, "mg/kg");
    EXPECT_EQ(obs[3].reference_range, "<=0.1");
    EXPECT_EQ(obs[6].abnormal_flags, std::vector<std::string>{"N"});
}

TEST(Hl7Oru, MultipleOrdersAndComments) {
    const auto obs = golden("oru_r01_multiple_obr.hl7");
    ASSERT_EQ(obs.size(), 4u);
    EXPECT_EQ(obs[0].specimen_id, "S240621-0001");
    EXPECT_EQ(obs[0].comments, (std::vector<std::string>{"fasting status unknown", "repeat advised"}));
    EXPECT_EQ(obs[0].abnormal_flags, std::vector<std::string>{"H"});
    EXPECT_EQ(obs[1].specimen_id, "S240621-0001");
    EXPECT_TRUE(obs[1].comments.empty());
    EXPECT_EQ(obs[2].specimen_id, "PL-B");
    EXPECT_EQ(obs[2].status, "C");
    EXPECT_EQ(obs[3].specimen_id, "");  // OBR without order numbers and no SPM: left for quarantine
    EXPECT_EQ(obs[3].status, "P");
    for (const auto& o : obs) EXPECT_EQ(o.instrument_id, "CHEM-9");
}

TEST(Hl7Oru, LineEndingVariantsWithTolerance) {
    const auto lf = golden("oru_r01_lf_terminated.hl7", ParseOptions{.tolerate_lf = true});
    ASSERT_EQ(lf.size(), 1u);
    EXPECT_EQ(lf[0].test_code, "K");
    EXPECT_EQ(lf[0].status, "F");
    const auto crlf = golden("oru_r01_crlf_terminated.hl7", ParseOptions{.tolerate_lf = true});
    ASSERT_EQ(crlf.size(), 1u);
    EXPECT_EQ(crlf[0].value, "139");
    EXPECT_EQ(crlf[0].status, "F");
    const auto data = golden("oru_r01_lf_in_data.hl7");
    ASSERT_EQ(data.size(), 1u);
    EXPECT_EQ(data[0].value, "first line\nsecond line");
}

TEST(Hl7Oru, TruncatedObxKeepsWhatArrived) {
    const auto obs = golden("truncated_obx.hl7");
    ASSERT_EQ(obs.size(), 1u);
    EXPECT_EQ(obs[0].value, "5.6");
    EXPECT_EQ(obs[0].units, "mmo");
    EXPECT_EQ(obs[0].status, "");  // no status: the service must not treat it as final
}

TEST(Hl7Oru, NoObxAndNoEquipment) {
    EXPECT_TRUE(golden("oru_r01_no_obx.hl7").empty());
    const auto obs = golden("oru_r01_no_equipment.hl7");
    ASSERT_EQ(obs.size(), 1u);
    EXPECT_EQ(obs[0].instrument_id, "BAL-LAB");
    EXPECT_EQ(obs[0].observed_at, "20240630095000");
    EXPECT_EQ(obs[0].units, "%");
}

TEST(Hl7Oru, CannotBeDoneHasNoValue) {
    const auto obs = golden("oru_r01_x_status_empty_value.hl7");
    ASSERT_EQ(obs.size(), 1u);
    EXPECT_EQ(obs[0].status, "X");
    EXPECT_EQ(obs[0].value, "");
    EXPECT_EQ(obs[0].number, "");
    EXPECT_EQ(obs[0].comments, std::vector<std::string>{"insufficient sample"});
}

TEST(Hl7Oru, OtherMessageTypesAreRefused) {
    auto parsed = protocols::hl7::parse(fixture("adt_a01.hl7"));
    ASSERT_TRUE(std::holds_alternative<Message>(parsed));
    const auto r = protocols::hl7::observations_from_oru(std::get<Message>(parsed));
    ASSERT_TRUE(std::holds_alternative<DecodeError>(r));
    EXPECT_EQ(std::get<DecodeError>(r).code, "hl7.not_oru_r01");
}

TEST(Hl7Oru, SplitCensored) {
    std::string c, n;
    EXPECT_TRUE(protocols::hl7::split_censored(" <= 0.05 ", c, n));
    EXPECT_EQ(c, "<=");
    EXPECT_EQ(n, "0.05");
    EXPECT_TRUE(protocols::hl7::split_censored("-1.5", c, n));
    EXPECT_EQ(c, "");
    EXPECT_EQ(n, "-1.5");
    EXPECT_FALSE(protocols::hl7::split_censored("1.2.3", c, n));
    EXPECT_FALSE(protocols::hl7::split_censored("<", c, n));
    EXPECT_FALSE(protocols::hl7::split_censored("positive", c, n));
    EXPECT_EQ(n, "");
}

// Every ORU vector framed with MLLP, fed at every split point and a byte at a time,
// gives the observations of the message parsed whole.
TEST(Hl7Oru, EverySplitThroughMllpGivesTheSameObservations) {
    const char* names[] = {"oru_r01_v251_example.hl7", "oru_r01_v23.hl7", "oru_r01_v231.hl7",
                           "oru_r01_v24.hl7", "oru_r01_v25_spm.hl7", "oru_r01_custom_delimiters.hl7",
                           "oru_r01_truncation_char.hl7", "oru_r01_repetitions.hl7", "oru_r01_escapes.hl7",
                           "oru_r01_value_types.hl7", "oru_r01_multiple_obr.hl7", "oru_r01_no_equipment.hl7",
                           "oru_r01_x_status_empty_value.hl7", "oru_r01_lf_in_data.hl7"};
    for (const char* name : names) {
        SCOPED_TRACE(name);
        const std::string message = fixture(name);
        const auto expected = observations(message);
        ASSERT_FALSE(expected.empty());
        const std::string framed = std::get<std::string>(protocols::hl7::mllp_encode(message));
        auto run = [&](const std::vector<std::size_t>& cuts) {
            protocols::hl7::MllpDecoder d;
            std::vector<protocols::hl7::MllpEvent> events;
            std::size_t from = 0;
            for (const std::size_t cut : cuts) {
                d.feed(std::string_view(framed).substr(from, cut - from), events);
                from = cut;
            }
            d.feed(std::string_view(framed).substr(from), events);
            EXPECT_EQ(events.size(), 1u);
            return observations(std::get<protocols::hl7::MllpFrame>(events.at(0)).payload);
        };
        for (std::size_t cut = 0; cut <= framed.size(); ++cut) ASSERT_EQ(run({cut}), expected) << cut;
        std::vector<std::size_t> every;
        for (std::size_t i = 1; i < framed.size(); ++i) every.push_back(i);
        ASSERT_EQ(run(every), expected);
    }
}

}  // namespace
