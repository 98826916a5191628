// E1394 records: escapes, delimiters, field numbering, the record hierarchy, censored
// values and the H/P/O/Q/L encoders (round trip through parse_message and decode_*).
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "astm_test_support.hpp"
#include "protocols/astm/encode.hpp"
#include "protocols/astm/observations.hpp"
#include "protocols/astm/records.hpp"

using namespace protocols::astm;
using astm_test::records_text;

namespace {

const Delimiters kStd{};
const Delimiters kCustom{'!', '@', '#', '$'};

// The error parse_message gives, checked to be the one decode_observations gives.
protocols::DecodeError error_of(std::string_view text) {
    auto parsed = parse_message(text);
    std::vector<protocols::Observation> arena(3);  // left over from an earlier message
    const auto direct = decode_observations(text, arena);
    if (auto* e = std::get_if<protocols::DecodeError>(&parsed)) {
        EXPECT_EQ(direct, *e);
        EXPECT_TRUE(arena.empty());
        return *e;
    }
    EXPECT_FALSE(direct.has_value());
    return {"(parsed)", 0, ""};
}

Message parsed(std::string_view text) {
    auto p = parse_message(text);
    EXPECT_TRUE(std::holds_alternative<Message>(p)) << (std::holds_alternative<protocols::DecodeError>(p)
                                                            ? std::get<protocols::DecodeError>(p).code : "");
    return std::holds_alternative<Message>(p) ? std::get<Message>(p) : Message{};
}

}  // namespace

TEST(AstmRecords, UnescapesEverySequence) {
    EXPECT_EQ(unescape("a&F&b&S&c&R&d&E&e", kStd), "a|b^c\\d&e");
    EXPECT_EQ(unescape("&X41&&X4243&", kStd), "ABC");
    EXPECT_EQ(unescape("$F$$S$", kCustom), "!#");
}

TEST(AstmRecords, KeepsUnknownOrBrokenEscapesLiterally) {
    EXPECT_EQ(unescape("a&Q&b", kStd), "a&Q&b");
    EXPECT_EQ(unescape("a&X4&b", kStd), "a&X4&b");   // odd hex length
    EXPECT_EQ(unescape("a&XZZ&b", kStd), "a&XZZ&b"); // not hex
    EXPECT_EQ(unescape("50 & over", kStd), "50 & over");  // unterminated
    EXPECT_EQ(unescape("a&&F&", kStd), "a&|");
}

TEST(AstmRecords, EscapeRoundTripsAnyText) {
    for (const Delimiters& d : {kStd, kCustom}) {
        const std::string text = std::string("x|y\\z^w&v!u@t#s$r\rq\n") + "\xE4\xB8\xBD";
        const std::string escaped = escape(text, d);
        for (char c : {d.field, d.repeat, d.component, '\r', '\n'}) EXPECT_EQ(escaped.find(c), std::string::npos);
        EXPECT_EQ(unescape(escaped, d), text);
    }
}

TEST(AstmRecords, FieldsAreNumberedAsInTheStandard) {
    Record r("R|1|^^^GLU^Glucose|7.8|mmol/L||H\\A", 0, kStd);
    EXPECT_EQ(r.type(), 'R');
    EXPECT_EQ(r.field(1), "R");
    EXPECT_EQ(r.field(3), "^^^GLU^Glucose");
    EXPECT_EQ(r.component(3, 4), "GLU");
    EXPECT_EQ(r.component(3, 5), "Glucose");
    EXPECT_EQ(r.component(3, 6), "");
    EXPECT_EQ(r.field(4), "7.8");
    EXPECT_EQ(r.field(6), "");
    EXPECT_EQ(r.repeats(7), (std::vector<std::string>{"H", "A"}));
    EXPECT_EQ(r.field(40), "");
    EXPECT_EQ(r.field(0), "");
    Record h("H|\\^&|||X", 0, kStd);
    EXPECT_EQ(h.field(2), "\\^&");  // the declaration itself, not unescaped
}

TEST(AstmRecords, DelimitersComeFromTheHeader) {
    Message m = parsed("H!@#$!!!X\rP!1\rO!1!S1\rR!1!###A!5\rL!1!N\r");
    EXPECT_EQ(m.delimiters, kCustom);
    ASSERT_EQ(m.records.size(), 5u);
    EXPECT_EQ(m.records[3].component(3, 4), "A");
}

TEST(AstmRecords, ToleratesCrLfAndRecordsOffsets) {
    Message m = parsed("H|\\^&\r\nP|1\r\nL|1|N\r\n");
    ASSERT_EQ(m.records.size(), 3u);
    EXPECT_EQ(m.records[1].offset(), 7u);
    EXPECT_EQ(m.records[2].offset(), 12u);
}

TEST(AstmRecords, HeaderErrors) {
    EXPECT_EQ(error_of("").code, "astm.missing_header");
    EXPECT_EQ(error_of("P|1\rL|1\r").code, "astm.missing_header");
    EXPECT_EQ(error_of("H|\\^\r").code, "astm.delimiters");
    auto dup = error_of("H|\\^^\rL\r");
    EXPECT_EQ(dup.code, "astm.delimiters");
    EXPECT_EQ(dup.offset, 4u);
    EXPECT_EQ(error_of("H|A^&\rL\r").code, "astm.delimiters");
    EXPECT_EQ(error_of("H|\\^&X|\rL\r").code, "astm.delimiters");
}

TEST(AstmRecords, HierarchyIsEnforced) {
    auto e = error_of("H|\\^&\rP|1\rR|1|^^^A|1\rL|1|N\r");
    EXPECT_EQ(e.code, "astm.record_order");
    EXPECT_EQ(e.offset, 10u);
    EXPECT_EQ(error_of("H|\\^&\rO|1|S\rL\r").code, "astm.record_order");
    EXPECT_EQ(error_of("H|\\^&\rQ|1\rP|1\rL\r").code, "astm.record_order");
    EXPECT_EQ(error_of("H|\\^&\rP|1\rH|\\^&\rL\r").code, "astm.record_order");
    EXPECT_EQ(error_of("H|\\^&\rP|1\rX|1\rL\r").code, "astm.unknown_record");
    EXPECT_EQ(error_of("H|\\^&\rP1\rL\r").code, "astm.field_delimiter");
    EXPECT_EQ(error_of("H|\\^&\rL|1|N\rP|1\r").code, "astm.after_terminator");
    auto missing = error_of("H|\\^&\rP|1\r");
    EXPECT_EQ(missing.code, "astm.missing_terminator");
    EXPECT_EQ(missing.offset, 10u);
    // Allowed: comments anywhere, M and S records, O -> P, R -> O, H -> Q -> Q.
    parsed("H|\\^&\rC|1\rP|1\rC|1\rO|1\rC|1\rR|1\rC|1\rM|1\rR|2\rO|2\rR|1\rP|2\rL|1\r");
    parsed("H|\\^&\rQ|1\rQ|2\rL|1|N\r");
    parsed("H|\\^&\rL|1|N\r");
}

TEST(AstmRecords, CensoredValues) {
    EXPECT_EQ(split_censored(">500"), (CensoredValue{">", "500"}));
    EXPECT_EQ(split_censored("<0.01"), (CensoredValue{"<", "0.01"}));
    EXPECT_EQ(split_censored("<=5"), (CensoredValue{"<=", "5"}));
    EXPECT_EQ(split_censored(">= 1000"), (CensoredValue{">=", "1000"}));
    EXPECT_EQ(split_censored("=3"), (CensoredValue{"=", "3"}));
    EXPECT_EQ(split_censored(" -1.5 "), (CensoredValue{"", "-1.5"}));
    EXPECT_EQ(split_censored("+2"), (CensoredValue{"", "+2"}));
    EXPECT_EQ(split_censored("1.2.3"), CensoredValue{});
    EXPECT_EQ(split_censored("Positive"), CensoredValue{});
    EXPECT_EQ(split_censored(">"), CensoredValue{});
    EXPECT_EQ(split_censored(""), CensoredValue{});
    EXPECT_EQ(split_censored("1E3"), CensoredValue{});  // exponents are not decimal text
}

TEST(AstmRecords, CommentsAttachToResultsOnlyAndInstrumentFallsBackToTheHeader) {
    Message m = parsed("H|\\^&|||Inst\rP|1\rO|1|S1^R2^P3\rC|1|I|order note\rR|1|^^^A|1\rC|1|I|result note\r"
                       "P|2\rO|1|S2\rR|1|^^^B|2||||||||||Other\rL|1|N\r");
    auto obs = to_observations(m);
    ASSERT_EQ(obs.size(), 2u);
    EXPECT_EQ(obs[0].specimen_id, "S1");  // first component of O.3
    EXPECT_EQ(obs[0].comments, std::vector<std::string>{"result note"});
    EXPECT_EQ(obs[0].instrument_id, "Inst");
    EXPECT_EQ(obs[1].specimen_id, "S2");
    EXPECT_EQ(obs[1].instrument_id, "Other");
    EXPECT_TRUE(obs[0].value_type.empty());
}

TEST(AstmEncode, HeaderIsWrittenAsTheStandardLaysItOut) {
    HeaderRecord h;
    h.sender = {"LIS", "1.0"};
    h.receiver = {"AU-Chem"};
    h.timestamp = "20240611120000";
    EXPECT_EQ(encode(h), "H|\\^&|||LIS^1.0|||||AU-Chem||P|LIS2-A2|20240611120000\r");
    EXPECT_EQ(encode(TerminatorRecord{}), "L|1|N\r");
}

TEST(AstmEncode, WorklistRoundTrips) {
    for (const Delimiters& d : {kStd, kCustom}) {
        HeaderRecord h{"MSG-1", {"LIS", "1.0"}, {"AU-Chem", "SN41235"}, "P", "LIS2-A2", "20240611120000"};
        PatientRecord p{1, "PID|1", "LAB^2", {"WANG", "LI"}, "19800214", "F"};
        OrderRecord o;
        o.specimen_id = "S240611-0042";
        o.test_codes = {"GLU", "K", "A&B"};
        o.priority = "S";
        o.requested_at = "20240611081000";
        o.specimen_type = "SERUM";
        TerminatorRecord l{1, "N"};
        const std::string text = encode(h, d) + encode(p, d) + encode(o, d) + encode(l, d);
        Message m = parsed(text);
        ASSERT_EQ(m.records.size(), 4u);
        EXPECT_EQ(m.delimiters, d);
        EXPECT_EQ(decode_header(m.records[0]), h);
        EXPECT_EQ(decode_patient(m.records[1]), p);
        EXPECT_EQ(decode_order(m.records[2]), o);
        EXPECT_EQ(decode_terminator(m.records[3]), l);
    }
}

TEST(AstmEncode, QueryRoundTrips) {
    QueryRecord q{1, "PID9", "S240611-0016", "ALL", "O"};
    const std::string text = encode(HeaderRecord{}) + encode(q) + encode(TerminatorRecord{1, "F"});
    EXPECT_EQ(encode(q), "Q|1|PID9^S240611-0016||^^^ALL||||||||O\r");
    Message m = parsed(text);
    EXPECT_EQ(decode_query(m.records.at(1)), q);
    EXPECT_EQ(decode_terminator(m.records.at(2)).code, "F");
}

TEST(AstmEncode, OrderMatchesTheProtocolsExampleLayout) {
    OrderRecord o;
    o.specimen_id = "S240611-0042";
    o.test_codes = {"GLU", "K", "ALT"};
    o.requested_at = "20240611081000";
    o.collected_at = "20240611081500";
    o.specimen_type = "SERUM";
    o.report_type = "F";
    EXPECT_EQ(encode(o),
              "O|1|S240611-0042||^^^GLU\\^^^K\\^^^ALT|R|20240611081000|20240611081500||||N||||SERUM||||||||||F\r");
}

// decode_observations reads the same fields as parse_message + to_observations, from views
// into the text, into a reused arena: the same observations for escapes, custom delimiters,
// repeats with empty parts, comments, the header's sender, censored values, LF after CR;
// and a smaller message after a larger one leaves nothing of the larger one behind.
TEST(AstmRecords, DecodeObservationsEqualsParseThenToObservations) {
    const std::vector<std::string> texts = {
        "H|\\^&|||Inst\rP|1\rO|1|S1^R2^P3\rC|1|I|order note\rR|1|^^^A|1\rC|1|I|result note\r"
        "P|2\rO|1|S2\rR|1|^^^B|2||||||||||Other\rL|1|N\r",
        "H|\\^&|||A&F&B^1\rP|1\rO|1|S&S&1\\S9^x\rR|1|^^^GL&R&U^Glu&E&cose|&X3E&500|mg&F&dL|1 to 2|H\\\\A\\|x|F|"
        "y|OP&S&1|20240101|20240102|Ana&F&lyzer^SN\rC|1|I|c&F&1\rC|2|I|second\rM|1|x\rC|3|I|after M\rL|1\r",
        "H!@#$!!!Custom\r\nP!1\r\nO!1!S7\r\nR!1!#\x23#X1#Name!<= 3.5!U!R!N@L!!C\r\nL!1\r\n",
        "H|\\^&\rP|1\rO|1|S1\rR|1|^^^A|  Positive \rR|2|^^^B|= 7\rR|3\rL|1",
        "H|\\^&\rQ|1|^S1||ALL\rL|1|N\r",
    };
    std::vector<protocols::Observation> arena;
    for (int round = 0; round < 2; ++round) {
        for (auto it = texts.rbegin(); it != texts.rend(); ++it) {  // each after a different one
            SCOPED_TRACE(*it);
            const auto expected = to_observations(parsed(*it));
            ASSERT_FALSE(decode_observations(*it, arena).has_value());
            EXPECT_EQ(arena, expected);
        }
    }
    ASSERT_FALSE(decode_observations(texts[0], arena).has_value());
    ASSERT_EQ(arena.size(), 2u);
    EXPECT_EQ(arena[0].comments, std::vector<std::string>{"result note"});
    ASSERT_FALSE(decode_observations(texts[1], arena).has_value());
    ASSERT_EQ(arena.size(), 1u);
    EXPECT_EQ(arena[0].abnormal_flags, (std::vector<std::string>{"H", "", "A", ""}));
    EXPECT_EQ(arena[0].comments, (std::vector<std::string>{"c|1", "second", "after M"}));
    EXPECT_EQ(arena[0].value, ">500");
    EXPECT_EQ(arena[0].number, "500");
    EXPECT_EQ(arena[0].specimen_id, "S^1");
}
