// HL7 v2 parsing: encoding characters, segment terminators, field numbering, escapes,
// and the golden vectors that must not parse.
#include "protocols/hl7/message.hpp"
#include "message_fixture.hpp"

#include <gtest/gtest.h>

namespace {

using protocols::DecodeError;
using protocols::hl7::Delimiters;
using protocols::hl7::Message;
using protocols::hl7::ParseOptions;

std::string fixture(const std::string& name) { return lims::test::message_fixture("hl7", name); }

Message parsed(std::string text, ParseOptions options = {}) {
    auto r = protocols::hl7::parse(std::move(text), options);
    if (auto* e = std::get_if<DecodeError>(&r)) ADD_FAILURE() << e->code << " at " << e->offset << ": " << e->detail;
    return std::get<Message>(std::move(r));
}

DecodeError failed(std::string text, ParseOptions options = {}) {
    auto r = protocols::hl7::parse(std::move(text), options);
    EXPECT_TRUE(std::holds_alternative<DecodeError>(r));
    return std::holds_alternative<DecodeError>(r) ? std::get<DecodeError>(r) : DecodeError{};
}

TEST(Hl7Parse, MshFieldNumberingCountsTheSeparatorAsMsh1) {
    const Message m = parsed(fixture("oru_r01_v251_example.hl7"));
    EXPECT_EQ(m.segment_count(), 6u);
    EXPECT_EQ(m.field(0, 1), "|");
    EXPECT_EQ(m.field(0, 2), "^~\\&");
    EXPECT_EQ(m.field(0, 3), "AU-Chem^SN41235");
    EXPECT_EQ(m.part(0, 3, 0, 2), "SN41235");
    EXPECT_EQ(m.field(0, 7), "20240611093015+0800");
    EXPECT_EQ(m.message_type(), "ORU");
    EXPECT_EQ(m.trigger_event(), "R01");
    EXPECT_EQ(m.part(0, 9, 0, 3), "ORU_R01");
    EXPECT_EQ(m.control_id(), "MSG000123");
    EXPECT_EQ(m.version(), "2.5.1");
    EXPECT_EQ(m.field(0, 18), "UNICODE UTF-8");
    EXPECT_EQ(m.field(0, 19), "");
    EXPECT_EQ(m.segment_name(3), "OBX");
    EXPECT_EQ(m.field(3, 1), "1");
    EXPECT_EQ(m.field(3, 19), "20240611092944");
    EXPECT_EQ(m.field(3, 20), "");
    EXPECT_EQ(m.segment_offset(1), m.text().find("PID|"));
}

TEST(Hl7Parse, ComponentsRepetitionsSubcomponents) {
    const Message m = parsed("MSH|^~\\&|A|B|C|D|1||ORU^R01|X|P|2.5\rZZZ|a1^b1&s2^c1~a2^b2||x\r");
    EXPECT_EQ(m.part(1, 1, 0, 1), "a1");
    EXPECT_EQ(m.part(1, 1, 0, 2), "b1&s2");
    EXPECT_EQ(m.part(1, 1, 0, 2, 1), "b1");
    EXPECT_EQ(m.part(1, 1, 0, 2, 2), "s2");
    EXPECT_EQ(m.part(1, 1, 0, 2, 3), "");
    EXPECT_EQ(m.part(1, 1, 1, 1), "a2");
    EXPECT_EQ(m.part(1, 1, 1, 2), "b2");
    EXPECT_EQ(m.part(1, 1, 2, 1), "");
    EXPECT_EQ(m.part(1, 1, 0, 4), "");
    EXPECT_EQ(m.repetition_count(1, 1), 2u);
    EXPECT_EQ(m.repetition_count(1, 2), 0u);
    EXPECT_EQ(m.field(1, 3), "x");
    EXPECT_EQ(m.field_count(1), 4u);
}

TEST(Hl7Parse, CustomEncodingCharacters) {
    const Message m = parsed(fixture("oru_r01_custom_delimiters.hl7"));
    EXPECT_EQ(m.delimiters(), (Delimiters{'#', '$', '*', '@', '%', '\0'}));
    EXPECT_EQ(m.field(0, 3), "ANALYSER$SN7");
    EXPECT_EQ(m.trigger_event(), "R01");
    EXPECT_EQ(m.part(2, 8, 1, 1), "A");
    EXPECT_EQ(m.text_of(3, 3), "ratio 1$2, line*2 @ done");
}

TEST(Hl7Parse, FifthEncodingCharacterIsTruncation) {
    const Message m = parsed(fixture("oru_r01_truncation_char.hl7"));
    EXPECT_EQ(m.delimiters().truncation, '#');
    EXPECT_EQ(m.field(0, 2), "^~\\&#");
    EXPECT_EQ(m.field(0, 3), "TOC-1");
    EXPECT_EQ(m.text_of(3, 3), "run #12 # cut");
}

TEST(Hl7Parse, LfTerminatedMessageIsRefusedUnlessTolerated) {
    const std::string text = fixture("oru_r01_lf_terminated.hl7");
    const DecodeError e = failed(text);
    EXPECT_EQ(e.code, "hl7.lf_terminated");
    EXPECT_EQ(e.offset, text.find('\n'));
    const Message m = parsed(text, ParseOptions{.tolerate_lf = true});
    EXPECT_EQ(m.segment_count(), 3u);
    EXPECT_EQ(m.field(2, 5), "4.2");
}

TEST(Hl7Parse, CrLfTerminatedMessageNeedsTolerance) {
    const std::string text = fixture("oru_r01_crlf_terminated.hl7");
    const DecodeError e = failed(text);
    EXPECT_EQ(e.code, "hl7.bad_segment_name");
    EXPECT_EQ(e.offset, text.find('\n'));
    const Message m = parsed(text, ParseOptions{.tolerate_lf = true});
    EXPECT_EQ(m.segment_count(), 3u);
    EXPECT_EQ(m.segment_name(2), "OBX");
    EXPECT_EQ(m.field(2, 5), "139");
    EXPECT_EQ(m.field(2, 11), "F");  // no CR left at the end of the field
}

TEST(Hl7Parse, LfInsideFieldDataIsDataByDefault) {
    const std::string text = fixture("oru_r01_lf_in_data.hl7");
    const Message m = parsed(text);
    EXPECT_EQ(m.segment_count(), 3u);
    EXPECT_EQ(m.field(2, 5), "first line\nsecond line");
    EXPECT_EQ(failed(text, ParseOptions{.tolerate_lf = true}).code, "hl7.bad_segment_name");
}

TEST(Hl7Parse, LastSegmentWithoutCarriageReturnIsKept) {
    const Message m = parsed("MSH|^~\\&|A|B|C|D|1||ORU^R01|X|P|2.5\rOBX|1|NM");
    ASSERT_EQ(m.segment_count(), 2u);
    EXPECT_EQ(m.field(1, 2), "NM");
}

struct Refusal {
    const char* fixture;
    const char* code;
    std::size_t offset;
};

class Hl7Refusals : public testing::TestWithParam<Refusal> {};

TEST_P(Hl7Refusals, GoldenVectorIsRefusedWithCodeAndOffset) {
    const DecodeError e = failed(fixture(GetParam().fixture));
    EXPECT_EQ(e.code, GetParam().code);
    EXPECT_EQ(e.offset, GetParam().offset);
    EXPECT_FALSE(e.detail.empty());
}

// In bad_segment_name.hl7 the lower-case "obx" line starts at byte 93.
INSTANTIATE_TEST_SUITE_P(Golden, Hl7Refusals,
                         testing::Values(Refusal{"missing_msh.hl7", "hl7.missing_msh", 0},
                                         Refusal{"truncated_msh.hl7", "hl7.missing_message_type", 0},
                                         Refusal{"bad_encoding_characters.hl7", "hl7.bad_encoding_characters", 4},
                                         Refusal{"bad_segment_name.hl7", "hl7.bad_segment_name", 93},
                                         Refusal{"missing_control_id.hl7", "hl7.missing_control_id", 0}));

TEST(Hl7Parse, OtherRefusals) {
    EXPECT_EQ(failed("").code, "hl7.empty");
    EXPECT_EQ(failed("MSH").code, "hl7.missing_msh");
    EXPECT_EQ(failed("MSHA^~\\&|").code, "hl7.bad_encoding_characters");
    EXPECT_EQ(failed("MSH|^~\\^|A").offset, 7u);  // repeated delimiter
    EXPECT_EQ(failed("MSH|^~\\&|A|B|C|D|1||ORU^R01|X|P|\r").code, "hl7.missing_version");
    EXPECT_EQ(failed("MSH|^~\\&|A|B|C|D|1||ORU^R01|X|P|2.5\rMSH|^~\\&|x\r").code, "hl7.bad_segment_name");
    EXPECT_EQ(failed("MSH|^~\\&|A|B|C|D|1||ORU^R01|X|P|2.5\rOBX1\r").code, "hl7.bad_segment_name");
}

TEST(Hl7Escapes, StandardSequences) {
    const Delimiters d;
    EXPECT_EQ(protocols::hl7::unescape("a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f", d), "a|b^c&d~e\\f");
    EXPECT_EQ(protocols::hl7::unescape("x\\X41\\\\X0D0A\\y", d), "xA\r\ny");
    EXPECT_EQ(protocols::hl7::unescape("one\\.br\\two", d), "one\ntwo");
    EXPECT_EQ(protocols::hl7::unescape("\\H\\bold\\N\\", d), "bold");
    EXPECT_EQ(protocols::hl7::unescape("\\P\\", d), "\\P\\");  // no truncation character declared
}

TEST(Hl7Escapes, MalformedSequencesAreKeptAsSent) {
    const Delimiters d;
    EXPECT_EQ(protocols::hl7::unescape("\\X4\\ \\Xzz\\ \\Q\\", d), "\\X4\\ \\Xzz\\ \\Q\\");
    EXPECT_EQ(protocols::hl7::unescape("tail \\F", d), "tail \\F");
    EXPECT_EQ(protocols::hl7::unescape("\\\\", d), "\\\\");
}

TEST(Hl7Escapes, EscapeRoundTrips) {
    const Delimiters d{'#', '$', '*', '@', '%', '!'};
    const std::string text = "a#b$c*d@e%f!g\rh\ni";
    const std::string escaped = protocols::hl7::escape(text, d);
    EXPECT_EQ(escaped, "a@F@b@S@c@R@d@E@e@T@f@P@g@X0D@h@.br@i");
    EXPECT_EQ(protocols::hl7::unescape(escaped, d), text);
}

TEST(Hl7Parse, EscapedFieldsDecodeAfterSplitting) {
    const Message m = parsed(fixture("oru_r01_escapes.hl7"));
    EXPECT_EQ(m.text_of(2, 3, 0, 1), "A^B");
    EXPECT_EQ(m.text_of(2, 3, 0, 2), "Name with | bar");
    EXPECT_EQ(m.text_of(1, 3), "S240619-&01");
}

}  // namespace
