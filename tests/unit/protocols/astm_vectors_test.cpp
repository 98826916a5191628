// Golden ASTM sessions (fixtures/messages/astm, written from LIS1-A/LIS2-A2 by
// generate.py): the outcome of each, and the same events for every split of the bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <variant>
#include <vector>

#include "astm_test_support.hpp"
#include "protocols/astm/encode.hpp"
#include "protocols/astm/observations.hpp"
#include "protocols/astm/records.hpp"

using namespace protocols::astm;
using namespace astm_test;
using protocols::Observation;

namespace {

struct Expected {
    const char* file;
    Framing framing;
    const char* replies;              // A = ACK, N = NAK written back, in order
    std::vector<bool> terminated;     // one entry per message, in order
    std::vector<std::string> errors;  // receiver error codes, in order
    std::size_t observations;         // over all messages that parse
    const char* parse_error;          // records-level error of the first message, or ""
};

const std::vector<Expected>& expectations() {
    static const std::vector<Expected> table = {
        {"01_protocols_example.astm", Framing::e1381, "AAAAAAAAA", {true}, {}, 3, ""},
        {"02_protocols_etb_split.astm", Framing::e1381, "AAAAAAAAAA", {true}, {}, 3, ""},
        {"03_single_result.astm", Framing::e1381, "AAAAAA", {true}, {}, 1, ""},
        {"04_two_patients.astm", Framing::e1381, "AAAAAAAAAA", {true}, {}, 3, ""},
        {"05_two_orders.astm", Framing::e1381, "AAAAAAAA", {true}, {}, 2, ""},
        {"06_escapes.astm", Framing::e1381, "AAAAAAA", {true}, {}, 1, ""},
        {"07_custom_delimiters.astm", Framing::e1381, "AAAAAAA", {true}, {}, 2, ""},
        {"08_bad_checksum.astm", Framing::e1381, "AANAAAA", {true}, {"astm.checksum"}, 1, ""},
        {"09_wrong_frame_number.astm", Framing::e1381, "AANAAAA", {true}, {"astm.frame_number"}, 1, ""},
        {"10_repeated_frame.astm", Framing::e1381, "AAAAAAA", {true}, {}, 1, ""},
        {"11_missing_terminator.astm", Framing::e1381, "AAAAA", {false}, {"astm.missing_terminator"}, 0,
         "astm.missing_terminator"},
        {"12_eot_mid_record.astm", Framing::e1381, "AAAAA", {false},
         {"astm.incomplete_record", "astm.missing_terminator"}, 0, "astm.missing_terminator"},
        {"13_control_char_in_text.astm", Framing::e1381, "AAANAAA", {true}, {"astm.control_char"}, 1, ""},
        {"14_censored_values.astm", Framing::e1381, "AAAAAAAAA", {true}, {}, 4, ""},
        {"15_bare_records.astm", Framing::bare_records, "", {true}, {}, 1, ""},
        {"16_long_record_etb.astm", Framing::e1381, "AAAAAAAAA", {true}, {}, 1, ""},
        {"17_two_messages.astm", Framing::e1381, "AAAAAAAAAAA", {true, true}, {}, 2, ""},
        {"18_noise_before_enq.astm", Framing::e1381, "AAAAAAAAA", {true}, {}, 3, ""},
        {"19_query.astm", Framing::e1381, "AAAA", {true}, {}, 0, ""},
        {"20_frame_number_wrap.astm", Framing::e1381, "AAAAAAAAAAAAAAAAA", {true}, {}, 12, ""},
        {"21_malformed_trailer.astm", Framing::e1381, "AANAAAA", {true}, {"astm.malformed_frame"}, 1, ""},
        {"22_record_order.astm", Framing::e1381, "AAAAA", {true}, {}, 0, "astm.record_order"},
        {"23_flags_and_comments.astm", Framing::e1381, "AAAAAAAAAA", {true}, {}, 2, ""},
        {"24_bare_two_messages.astm", Framing::bare_records, "", {true, true}, {}, 2, ""},
        {"25_lowercase_checksum.astm", Framing::e1381, "AAAAAAAAA", {true}, {}, 3, ""},
        {"26_eot_in_frame.astm", Framing::e1381, "AAA", {false}, {"astm.eot_in_frame", "astm.missing_terminator"}, 0,
         "astm.missing_terminator"},
        {"27_utf8_text.astm", Framing::e1381, "AAAAAA", {true}, {}, 1, ""},
        {"28_query_two_records.astm", Framing::e1381, "AAAAA", {true}, {}, 0, ""},
    };
    return table;
}

// Through parse_message and to_observations, checked against decode_observations into
// one arena shared by every message of every test (what a connection's driver reuses):
// the same observations, the same error, nothing left over from an earlier message.
std::vector<Observation> decode_all(const std::vector<MessageReceived>& received, std::string* first_error) {
    static std::vector<Observation> arena;
    std::vector<Observation> out;
    for (std::size_t i = 0; i < received.size(); ++i) {
        auto parsed = parse_message(received[i].records);
        const auto arena_error = decode_observations(received[i].records, arena);
        if (auto* e = std::get_if<protocols::DecodeError>(&parsed)) {
            EXPECT_EQ(arena_error, *e);
            EXPECT_TRUE(arena.empty());
            if (i == 0 && first_error) *first_error = e->code;
            continue;
        }
        auto obs = to_observations(std::get<Message>(parsed));
        EXPECT_FALSE(arena_error.has_value());
        EXPECT_EQ(arena, obs);
        out.insert(out.end(), obs.begin(), obs.end());
    }
    return out;
}

const std::vector<std::string> kExample = {
    "H|\\^&|||AU-Chem^2.1.0^SN41235|||||LIS||P|LIS2-A2|20240611093015",
    "P|1||PID778812||WANG^LI||19800214|F",
    "O|1|S240611-0042||^^^GLU\\^^^K\\^^^ALT|R|20240611081000|20240611081500||||N||||SERUM||||||||||F",
    "R|1|^^^GLU^Glucose|7.8|mmol/L|3.9 to 6.1|H||F||OPR01|20240611091210|20240611092944|AU-Chem^SN41235",
    "R|2|^^^K^Potassium|4.2|mmol/L|3.5 to 5.3|N||F||OPR01|20240611091210|20240611092950|AU-Chem^SN41235",
    "R|3|^^^ALT^ALT|>500|U/L|0 to 40|>||F||OPR01|20240611091210|20240611093001|AU-Chem^SN41235",
    "C|1|I|Result above linearity; dilute and rerun|G",
    "L|1|N",
};

ReceiverConfig config_for(Framing framing) {
    ReceiverConfig c;
    c.framing = framing;
    return c;
}

}  // namespace

TEST(AstmVectors, AtLeastTwentySessionFilesExist) {
    std::size_t present = 0;
    for (const auto& e : expectations()) present += read_vector(e.file).empty() ? 0 : 1;
    EXPECT_EQ(present, expectations().size());
    EXPECT_GE(present, 20u);
}

TEST(AstmVectors, EachVectorHasItsExpectedOutcome) {
    for (const auto& e : expectations()) {
        SCOPED_TRACE(e.file);
        const std::string bytes = read_vector(e.file);
        ASSERT_FALSE(bytes.empty());
        auto events = run_whole(bytes, config_for(e.framing));
        EXPECT_EQ(replies(events), e.replies);
        auto received = messages(events);
        ASSERT_EQ(received.size(), e.terminated.size());
        for (std::size_t i = 0; i < received.size(); ++i) EXPECT_EQ(received[i].terminated, e.terminated[i]) << i;
        EXPECT_EQ(error_codes(events), e.errors);
        std::string parse_error;
        EXPECT_EQ(decode_all(received, &parse_error).size(), e.observations);
        EXPECT_EQ(parse_error, e.parse_error);
    }
}

TEST(AstmVectors, EverySplitIntoTwoChunksGivesTheSameEvents) {
    for (const auto& e : expectations()) {
        SCOPED_TRACE(e.file);
        const std::string bytes = read_vector(e.file);
        const auto whole = run_whole(bytes, config_for(e.framing));
        std::string_view all(bytes);
        for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
            auto events = run_chunks({all.substr(0, cut), all.substr(cut)}, config_for(e.framing));
            ASSERT_EQ(events, whole) << "split at " << cut;
        }
    }
}

TEST(AstmVectors, OneByteAtATimeGivesTheSameEvents) {
    for (const auto& e : expectations()) {
        SCOPED_TRACE(e.file);
        const std::string bytes = read_vector(e.file);
        std::vector<std::string_view> single;
        for (std::size_t i = 0; i < bytes.size(); ++i) single.push_back(std::string_view(bytes).substr(i, 1));
        EXPECT_EQ(run_chunks(single, config_for(e.framing)), run_whole(bytes, config_for(e.framing)));
    }
}

TEST(AstmVectors, ProtocolsExampleIsByteExactWithPublishedChecksums) {
    // The frames exactly as printed in PROTOCOLS.md, checksums included.
    const std::string expected = std::string("\x05") +
        "\x02" "1" + kExample[0] + "\r\x03" "F4\r\n" +
        "\x02" "2" + kExample[1] + "\r\x03" "C0\r\n" +
        "\x02" "3" + kExample[2] + "\r\x03" "56\r\n" +
        "\x02" "4" + kExample[3] + "\r\x03" "0B\r\n" +
        "\x02" "5" + kExample[4] + "\r\x03" "5A\r\n" +
        "\x02" "6" + kExample[5] + "\r\x03" "39\r\n" +
        "\x02" "7" + kExample[6] + "\r\x03" "59\r\n" +
        "\x02" "0" + kExample[7] + "\r\x03" "03\r\n" + "\x04";
    EXPECT_EQ(read_vector("01_protocols_example.astm"), expected);
    // Our encoder writes the same frames.
    std::string framed = "\x05";
    for (const auto& f : encode_frames(records_text(kExample))) framed += f;
    framed += "\x04";
    EXPECT_EQ(framed, expected);
}

TEST(AstmVectors, ProtocolsEtbExampleDecodesToTheSameRecords) {
    const std::string bytes = read_vector("02_protocols_etb_split.astm");
    EXPECT_NE(bytes.find("\x02" "4R|1|^^^GLU^Glucose|7.8|mmol/L|3.9 to 6.1\x17" "8B\r\n"), std::string::npos);
    EXPECT_NE(bytes.find("\x02" "5|H||F||OPR01|20240611091210|20240611092944|AU-Chem^SN41235\r\x03" "CC\r\n"),
              std::string::npos);
    auto received = messages(run_whole(bytes));
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0].records, records_text(kExample));
}

TEST(AstmVectors, ProtocolsExampleObservations) {
    const std::string bytes = read_vector("01_protocols_example.astm");
    auto received = messages(run_whole(bytes));
    ASSERT_EQ(received.size(), 1u);
    // The raw bytes are exactly the frames, without the ENQ and EOT around them.
    EXPECT_EQ(received[0].raw, bytes.substr(1, bytes.size() - 2));
    EXPECT_EQ(received[0].offset, 1u);
    auto obs = decode_all(received, nullptr);
    ASSERT_EQ(obs.size(), 3u);
    EXPECT_EQ(obs[0].specimen_id, "S240611-0042");
    EXPECT_EQ(obs[0].test_code, "GLU");
    EXPECT_EQ(obs[0].test_name, "Glucose");
    EXPECT_EQ(obs[0].universal_test_id, "^^^GLU^Glucose");
    EXPECT_EQ(obs[0].value, "7.8");
    EXPECT_EQ(obs[0].comparator, "");
    EXPECT_EQ(obs[0].number, "7.8");
    EXPECT_EQ(obs[0].units, "mmol/L");
    EXPECT_EQ(obs[0].reference_range, "3.9 to 6.1");
    EXPECT_EQ(obs[0].abnormal_flags, std::vector<std::string>{"H"});
    EXPECT_EQ(obs[0].status, "F");
    EXPECT_EQ(obs[0].operator_id, "OPR01");
    EXPECT_EQ(obs[0].observed_at, "20240611092944");
    EXPECT_EQ(obs[0].instrument_id, "AU-Chem^SN41235");
    EXPECT_TRUE(obs[0].comments.empty());
    EXPECT_EQ(obs[1].test_code, "K");
    EXPECT_EQ(obs[2].value, ">500");
    EXPECT_EQ(obs[2].comparator, ">");
    EXPECT_EQ(obs[2].number, "500");
    EXPECT_EQ(obs[2].abnormal_flags, std::vector<std::string>{">"});
    EXPECT_EQ(obs[2].comments, std::vector<std::string>{"Result above linearity; dilute and rerun"});
}

TEST(AstmVectors, BadFramesStayInTheRawBytes) {
    const std::string bytes = read_vector("08_bad_checksum.astm");
    auto events = run_whole(bytes);
    auto received = messages(events);
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0].raw, bytes.substr(1, bytes.size() - 2));  // the NAKed frame included
    for (const auto& e : events)
        if (const auto* d = std::get_if<protocols::DecodeError>(&e)) {
            // the offset names the checksum characters of the bad frame 2
            std::size_t frame2 = bytes.find("\x02" "2");
            std::size_t trailer = bytes.find('\x03', frame2) + 1;
            EXPECT_EQ(d->offset, trailer);
        }
}

TEST(AstmVectors, RepeatedFrameIsKeptOnce) {
    auto received = messages(run_whole(read_vector("10_repeated_frame.astm")));
    ASSERT_EQ(received.size(), 1u);
    auto parsed = parse_message(received[0].records);
    ASSERT_TRUE(std::holds_alternative<Message>(parsed));
    const auto& records = std::get<Message>(parsed).records;
    ASSERT_EQ(records.size(), 5u);
    EXPECT_EQ(records[1].type(), 'P');
    EXPECT_EQ(records[2].type(), 'O');
}

TEST(AstmVectors, EotMidRecordKeepsOnlyCompleteRecords) {
    auto received = messages(run_whole(read_vector("12_eot_mid_record.astm")));
    ASSERT_EQ(received.size(), 1u);
    EXPECT_FALSE(received[0].terminated);
    EXPECT_EQ(received[0].records.find("R|"), std::string::npos);
    EXPECT_NE(received[0].records.find("O|1|S240611-0009"), std::string::npos);
}

TEST(AstmVectors, EscapesAreDecoded) {
    auto obs = decode_all(messages(run_whole(read_vector("06_escapes.astm"))), nullptr);
    ASSERT_EQ(obs.size(), 1u);
    EXPECT_EQ(obs[0].specimen_id, "S|24^06\\11&7");
    EXPECT_EQ(obs[0].test_name, "Glu^cose");
    EXPECT_EQ(obs[0].units, "mmol|L");
    EXPECT_EQ(obs[0].instrument_id, "AU-Chem^2.1.0^SN41235");  // R.14 empty: the header's sender
    EXPECT_EQ(obs[0].comments, std::vector<std::string>{"AAB & done"});
}

TEST(AstmVectors, CustomDelimitersAreHonoured) {
    auto obs = decode_all(messages(run_whole(read_vector("07_custom_delimiters.astm"))), nullptr);
    ASSERT_EQ(obs.size(), 2u);
    EXPECT_EQ(obs[0].specimen_id, "S240611-0006");
    EXPECT_EQ(obs[0].test_code, "HGB");
    EXPECT_EQ(obs[0].test_name, "Haemoglobin");
    EXPECT_EQ(obs[0].number, "135");
    EXPECT_EQ(obs[1].value, "1!2");
    EXPECT_EQ(obs[1].number, "");
    EXPECT_EQ(obs[1].abnormal_flags, (std::vector<std::string>{"H", "A"}));
    EXPECT_EQ(obs[1].instrument_id, "BC-5000#1.0#SN7");
}

TEST(AstmVectors, CensoredValuesKeepTextAndSplitNumber) {
    auto obs = decode_all(messages(run_whole(read_vector("14_censored_values.astm"))), nullptr);
    ASSERT_EQ(obs.size(), 4u);
    EXPECT_EQ(obs[0].value, "<0.01");
    EXPECT_EQ(obs[0].comparator, "<");
    EXPECT_EQ(obs[0].number, "0.01");
    EXPECT_EQ(obs[1].comparator, ">=");
    EXPECT_EQ(obs[1].number, "1000");
    EXPECT_EQ(obs[2].value, "> 500");
    EXPECT_EQ(obs[2].comparator, ">");
    EXPECT_EQ(obs[2].number, "500");
    EXPECT_EQ(obs[3].value, "Positive");
    EXPECT_EQ(obs[3].comparator, "");
    EXPECT_EQ(obs[3].number, "");
}

TEST(AstmVectors, LongRecordJoinsEtbFrames) {
    const std::string bytes = read_vector("16_long_record_etb.astm");
    EXPECT_EQ(std::count(bytes.begin(), bytes.end(), '\x17'), 2);
    auto obs = decode_all(messages(run_whole(bytes)), nullptr);
    ASSERT_EQ(obs.size(), 1u);
    ASSERT_EQ(obs[0].comments.size(), 1u);
    EXPECT_EQ(obs[0].comments[0].size(), 594u);
    EXPECT_EQ(obs[0].comments[0].substr(0, 3), "abc");
}

TEST(AstmVectors, TwoMessagesInOneSessionAreSeparate) {
    auto received = messages(run_whole(read_vector("17_two_messages.astm")));
    ASSERT_EQ(received.size(), 2u);
    auto a = decode_all({received[0]}, nullptr);
    auto b = decode_all({received[1]}, nullptr);
    ASSERT_EQ(a.size(), 1u);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(a[0].specimen_id, "S240611-0014");
    EXPECT_EQ(b[0].specimen_id, "S240611-0015");
    EXPECT_EQ(received[0].raw + received[1].raw, read_vector("17_two_messages.astm").substr(1, received[0].raw.size() + received[1].raw.size()));
}

TEST(AstmVectors, QueryRecordDecodes) {
    auto received = messages(run_whole(read_vector("19_query.astm")));
    ASSERT_EQ(received.size(), 1u);
    auto parsed = parse_message(received[0].records);
    ASSERT_TRUE(std::holds_alternative<Message>(parsed));
    const auto q = decode_query(std::get<Message>(parsed).records.at(1));
    EXPECT_EQ(q.specimen_id, "S240611-0016");
    EXPECT_EQ(q.patient_id, "");
    EXPECT_EQ(q.test_code, "ALL");
    EXPECT_EQ(q.status_code, "O");
}

TEST(AstmVectors, FlagsAndSeveralComments) {
    auto obs = decode_all(messages(run_whole(read_vector("23_flags_and_comments.astm"))), nullptr);
    ASSERT_EQ(obs.size(), 2u);
    EXPECT_EQ(obs[0].abnormal_flags, (std::vector<std::string>{"HH", "A"}));
    EXPECT_EQ(obs[0].comments,
              (std::vector<std::string>{"Critical value phoned to ward", "Repeated, same result"}));
    EXPECT_TRUE(obs[1].comments.empty());
}

TEST(AstmVectors, BareRecordsNeedTheExplicitMode) {
    const std::string bytes = read_vector("15_bare_records.astm");
    // Framed mode never guesses: bare records are line noise while idle.
    auto framed = run_whole(bytes);
    EXPECT_TRUE(messages(framed).empty());
    EXPECT_EQ(replies(framed), "");
    auto bare = messages(run_whole(bytes, config_for(Framing::bare_records)));
    ASSERT_EQ(bare.size(), 1u);
    EXPECT_EQ(decode_all(bare, nullptr).at(0).specimen_id, "S240611-0012");
}

TEST(AstmVectors, Utf8TextPassesThrough) {
    auto received = messages(run_whole(read_vector("27_utf8_text.astm")));
    ASSERT_EQ(received.size(), 1u);
    auto parsed = parse_message(received[0].records);
    ASSERT_TRUE(std::holds_alternative<Message>(parsed));
    EXPECT_EQ(decode_patient(std::get<Message>(parsed).records.at(1)).name,
              (Components{"\xE7\x8E\x8B", "\xE4\xB8\xBD"}));
}
