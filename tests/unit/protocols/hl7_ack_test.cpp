// ACK builder: the PROTOCOLS.md example exactly, AE/AR with ERR per version, and the
// best-effort reject of a message that did not parse.
#include "protocols/hl7/ack.hpp"
#include "message_fixture.hpp"

#include <gtest/gtest.h>

namespace {

using protocols::DecodeError;
using protocols::hl7::AckCode;
using protocols::hl7::AckCondition;
using protocols::hl7::AckParams;
using protocols::hl7::Message;

std::string fixture(const std::string& name) { return lims::test::message_fixture("hl7", name); }

Message parsed(const std::string& name) {
    auto r = protocols::hl7::parse(fixture(name));
    EXPECT_TRUE(std::holds_alternative<Message>(r)) << name;
    return std::get<Message>(std::move(r));
}

TEST(Hl7Ack, ReproducesTheProtocolsExample) {
    const std::string ack = protocols::hl7::build_ack(
        parsed("oru_r01_v251_example.hl7"),
        AckParams{.code = AckCode::accept, .control_id = "ACK000987", .timestamp = "20240611093016+0800"});
    EXPECT_EQ(ack,
              "MSH|^~\\&|LIS|HOSP|AU-Chem^SN41235|LAB01|20240611093016+0800||ACK^R01^ACK|ACK000987|P|2.5.1\r"
              "MSA|AA|MSG000123\r");
}

TEST(Hl7Ack, ApplicationErrorCarriesAnErrSegmentInTheV25Layout) {
    const std::string ack = protocols::hl7::build_ack(
        parsed("oru_r01_v251_example.hl7"),
        AckParams{.code = AckCode::error,
                  .control_id = "ACK1",
                  .timestamp = "20240611093016",
                  .condition = AckCondition::required_field_missing,
                  .reason = "specimen S240611-0042 unknown | check OBR-3",
                  .error_segment = "OBR",
                  .error_sequence = 1,
                  .error_field = 3});
    EXPECT_EQ(ack,
              "MSH|^~\\&|LIS|HOSP|AU-Chem^SN41235|LAB01|20240611093016||ACK^R01^ACK|ACK1|P|2.5.1\r"
              "MSA|AE|MSG000123|specimen S240611-0042 unknown \\F\\ check OBR-3\r"
              "ERR||OBR^1^3|101^Required field missing^HL70357|E||||specimen S240611-0042 unknown \\F\\ check "
              "OBR-3\r");
}

TEST(Hl7Ack, Version23HasNoMessageStructureAndUsesErr1) {
    const std::string ack = protocols::hl7::build_ack(
        parsed("oru_r01_v23.hl7"),
        AckParams{.code = AckCode::reject, .control_id = "A9", .timestamp = "20240612101501",
                  .condition = AckCondition::unsupported_processing_id});
    EXPECT_EQ(ack,
              "MSH|^~\\&|LIS|HOSP|HEMA-X|LAB02|20240612101501||ACK^R01|A9|P|2.3\r"
              "MSA|AR|H23-0001|Unsupported processing id\r"
              "ERR|^^^202&Unsupported processing id&HL70357\r");
}

TEST(Hl7Ack, KeepsTheSendersDelimiters) {
    const std::string ack = protocols::hl7::build_ack(
        parsed("oru_r01_custom_delimiters.hl7"),
        AckParams{.code = AckCode::accept, .control_id = "C#1", .timestamp = "20240616090001"});
    EXPECT_EQ(ack, "MSH#$*@%#LIS#HOSP#ANALYSER$SN7#LAB06#20240616090001##ACK$R01$ACK#C@F@1#P#2.5.1\r"
                   "MSA#AA#CD-1\r");
}

TEST(Hl7Ack, RejectsAnotherMessageTypeWithItsTrigger) {
    const std::string ack = protocols::hl7::build_ack(
        parsed("adt_a01.hl7"), AckParams{.code = AckCode::reject, .control_id = "R1", .timestamp = "20240626100001",
                                         .condition = AckCondition::unsupported_message_type});
    EXPECT_EQ(ack,
              "MSH|^~\\&|LIS|HOSP|HIS|WARD|20240626100001||ACK^A01^ACK|R1|P|2.5\r"
              "MSA|AR|ADT-5|Unsupported message type\r"
              "ERR|||200^Unsupported message type^HL70357|E||||Unsupported message type\r");
}

TEST(Hl7Ack, RejectOfATruncatedMshEchoesWhatItCouldRead) {
    const std::string raw = fixture("truncated_msh.hl7");
    const DecodeError why{"hl7.missing_message_type", 0, "MSH-9 message type is empty"};
    const std::string ack =
        protocols::hl7::build_reject_ack(raw, why, AckParams{.control_id = "R2", .timestamp = "20240701000000"});
    EXPECT_EQ(ack,
              "MSH|^~\\&|LIS|HO|AU-Chem|LAB01|20240701000000||ACK^^ACK|R2|P|2.5.1\r"
              "MSA|AR||hl7.missing_message_type at byte 0: MSH-9 message type is empty\r"
              "ERR|||102^Data type error^HL70357|E||||hl7.missing_message_type at byte 0: MSH-9 message type is "
              "empty\r");
}

TEST(Hl7Ack, RejectOfBytesWithoutMshUsesTheLocalIdentity) {
    const DecodeError why{"hl7.missing_msh", 0, "a message must start with an MSH segment"};
    const std::string ack = protocols::hl7::build_reject_ack(
        fixture("missing_msh.hl7"), why,
        AckParams{.control_id = "R3", .timestamp = "20240701000001", .reason = "no MSH"},
        protocols::hl7::LocalIdentity{.application = "LIMS", .facility = "NIFDC", .version = "2.4"});
    EXPECT_EQ(ack,
              "MSH|^~\\&|LIMS|NIFDC|||20240701000001||ACK^^ACK|R3|P|2.4\r"
              "MSA|AR||no MSH\r"
              "ERR|^^^102&Data type error&HL70357\r");
}

TEST(Hl7Ack, RejectOfAFullMshWithABadBodyEchoesControlIdAndVersion) {
    const DecodeError why{"hl7.bad_segment_name", 93, "segment does not start with a three-character name"};
    const std::string ack = protocols::hl7::build_reject_ack(
        fixture("bad_segment_name.hl7"), why, AckParams{.control_id = "R4", .timestamp = "20240701000002"});
    EXPECT_EQ(ack.substr(0, ack.find('\r')),
              "MSH|^~\\&|LIS|HOSP|BAD-1|LAB16|20240701000002||ACK^R01^ACK|R4|P|2.5.1");
    EXPECT_NE(ack.find("\rMSA|AR|BS-1|hl7.bad_segment_name at byte 93"), std::string::npos);
}

}  // namespace
