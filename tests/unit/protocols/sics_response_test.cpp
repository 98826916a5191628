// MT-SICS answers and commands: every answer kind, malformed lines with offsets, and the
// captured sessions fed at every split.
#include "protocols/sics/command.hpp"
#include "message_fixture.hpp"
#include "protocols/sics/response.hpp"

#include <gtest/gtest.h>

namespace {

using protocols::DecodeError;
using protocols::sics::Response;
using protocols::sics::ResponseDecoder;
using protocols::sics::ResponseEvent;
using protocols::sics::Status;
using protocols::sics::Weight;

std::string fixture(const std::string& name) { return lims::test::message_fixture("sics", name); }

std::vector<ResponseEvent> decode_in_pieces(std::string_view stream, const std::vector<std::size_t>& cuts,
                                            std::size_t max = protocols::sics::kDefaultMaxLineLength) {
    ResponseDecoder d(max);
    std::vector<ResponseEvent> out;
    std::size_t from = 0;
    for (const std::size_t cut : cuts) {
        d.feed(stream.substr(from, cut - from), out);
        from = cut;
    }
    d.feed(stream.substr(from), out);
    d.finish(out);
    return out;
}

std::vector<ResponseEvent> decode_every_split(std::string_view stream,
                                              std::size_t max = protocols::sics::kDefaultMaxLineLength) {
    const auto whole = decode_in_pieces(stream, {}, max);
    for (std::size_t cut = 0; cut <= stream.size(); ++cut)
        EXPECT_EQ(decode_in_pieces(stream, {cut}, max), whole) << "split at " << cut;
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < stream.size(); ++i) every.push_back(i);
    EXPECT_EQ(decode_in_pieces(stream, every, max), whole) << "one byte at a time";
    return whole;
}

Response ok(std::string_view line) {
    auto r = protocols::sics::parse_response(line);
    if (auto* e = std::get_if<DecodeError>(&r)) ADD_FAILURE() << line << ": " << e->code;
    return std::holds_alternative<Response>(r) ? std::get<Response>(r) : Response{};
}

DecodeError bad(std::string_view line) {
    auto r = protocols::sics::parse_response(line);
    EXPECT_TRUE(std::holds_alternative<DecodeError>(r)) << line;
    return std::holds_alternative<DecodeError>(r) ? std::get<DecodeError>(r) : DecodeError{};
}

Response weight(const char* command, Status status, const char* value, const char* unit) {
    return Response{command, status, Weight{value, unit}, ""};
}

TEST(SicsResponse, StableAndDynamicWeightsParsedByTokens) {
    EXPECT_EQ(ok("S S     100.00 g"), weight("S", Status::stable, "100.00", "g"));
    EXPECT_EQ(ok("S D  99.98 g"), weight("S", Status::dynamic, "99.98", "g"));
    EXPECT_EQ(ok("S S      -0.012 g"), weight("S", Status::stable, "-0.012", "g"));
    EXPECT_EQ(ok("S S   -   1.2 kg"), weight("S", Status::stable, "-1.2", "kg"));
    EXPECT_EQ(ok("T S      12.345 g"), weight("T", Status::stable, "12.345", "g"));
    EXPECT_EQ(ok("TI D 0.004 mg"), weight("TI", Status::dynamic, "0.004", "mg"));
}

TEST(SicsResponse, ErrorsAndRangeAnswers) {
    EXPECT_EQ(ok("ES"), (Response{"", Status::syntax_error, std::nullopt, ""}));
    EXPECT_EQ(ok("ET").status, Status::transmission_error);
    EXPECT_EQ(ok("EL").status, Status::logical_error);
    EXPECT_EQ(ok("S I"), (Response{"S", Status::not_executable, std::nullopt, ""}));
    EXPECT_EQ(ok("S +").status, Status::overload);
    EXPECT_EQ(ok("S -").status, Status::underload);
    EXPECT_EQ(ok("T L").status, Status::parameter_error);
}

TEST(SicsResponse, ZeroTareAndIdentification) {
    EXPECT_EQ(ok("Z A"), (Response{"Z", Status::done, std::nullopt, ""}));
    EXPECT_EQ(ok("ZI S"), (Response{"ZI", Status::stable, std::nullopt, ""}));
    EXPECT_EQ(ok("ZI D"), (Response{"ZI", Status::dynamic, std::nullopt, ""}));
    EXPECT_EQ(ok("I4 A \"B123456789\""), (Response{"I4", Status::done, std::nullopt, "B123456789"}));
    EXPECT_EQ(ok("I2 A \"XP205\" \"220 g\"").text, "XP205 220 g");
}

TEST(SicsResponse, MalformedLinesNameTheProblemAndWhere) {
    EXPECT_EQ(bad(""), (DecodeError{"sics.empty", 0, "empty line"}));
    EXPECT_EQ(bad("S X 1.00 g").code, "sics.bad_status");
    EXPECT_EQ(bad("S X 1.00 g").offset, 2u);
    EXPECT_EQ(bad("S SS").code, "sics.bad_status");
    EXPECT_EQ(bad("S").code, "sics.bad_status");
    EXPECT_EQ(bad("s s 1.00 g").code, "sics.bad_status");
    EXPECT_EQ(bad("S S 1.0.0 g").code, "sics.bad_weight");
    EXPECT_EQ(bad("S S 1.0.0 g").offset, 4u);
    EXPECT_EQ(bad("S S 12.5").code, "sics.bad_weight");
    EXPECT_EQ(bad("S S 12.5 7").code, "sics.bad_weight");
    EXPECT_EQ(bad("S S").code, "sics.bad_weight");
    EXPECT_EQ(bad("S S \"x\"").code, "sics.bad_weight");
    EXPECT_EQ(bad("I4 A \"open").code, "sics.bad_text");
    EXPECT_EQ(bad("I4 A \"x\" y").code, "sics.trailing");
    EXPECT_EQ(bad("Z A extra").code, "sics.trailing");
    EXPECT_EQ(bad("Z A extra").offset, 4u);
}

TEST(SicsCommand, Lines) {
    using protocols::sics::Command;
    using protocols::sics::encode;
    EXPECT_EQ(encode(Command::weigh_stable), "S\r\n");
    EXPECT_EQ(encode(Command::weigh_immediately), "SI\r\n");
    EXPECT_EQ(encode(Command::weigh_repeatedly), "SIR\r\n");
    EXPECT_EQ(encode(Command::zero), "Z\r\n");
    EXPECT_EQ(encode(Command::zero_immediately), "ZI\r\n");
    EXPECT_EQ(encode(Command::tare), "T\r\n");
    EXPECT_EQ(encode(Command::tare_immediately), "TI\r\n");
    EXPECT_EQ(encode(Command::serial_number), "I4\r\n");
    EXPECT_EQ(encode(Command::reset), "@\r\n");
}

TEST(SicsDecoder, GoldenWeighingSession) {
    const auto events = decode_every_split(fixture("weighing_session.sics"));
    const std::vector<ResponseEvent> expected = {
        Response{"I4", Status::done, std::nullopt, "B123456789"},
        Response{"Z", Status::done, std::nullopt, ""},
        weight("T", Status::stable, "12.345", "g"),
        weight("S", Status::stable, "100.00", "g"),
        weight("S", Status::dynamic, "99.98", "g"),
        weight("S", Status::stable, "-0.012", "g"),
        weight("S", Status::stable, "-1.2", "kg"),
        weight("TI", Status::dynamic, "0.004", "g"),
        Response{"ZI", Status::stable, std::nullopt, ""},
        Response{"ZI", Status::dynamic, std::nullopt, ""},
    };
    EXPECT_EQ(events, expected);
}

TEST(SicsDecoder, GoldenErrorAnswers) {
    const auto events = decode_every_split(fixture("error_answers.sics"));
    const Status expected[] = {Status::syntax_error, Status::transmission_error, Status::logical_error,
                               Status::not_executable, Status::overload, Status::underload,
                               Status::not_executable, Status::overload, Status::underload,
                               Status::not_executable, Status::overload, Status::underload,
                               Status::not_executable, Status::not_executable, Status::not_executable};
    ASSERT_EQ(events.size(), std::size(expected));
    for (std::size_t i = 0; i < events.size(); ++i) {
        ASSERT_TRUE(std::holds_alternative<Response>(events[i])) << i;
        EXPECT_EQ(std::get<Response>(events[i]).status, expected[i]) << i;
        EXPECT_FALSE(std::get<Response>(events[i]).weight) << i;
    }
}

TEST(SicsDecoder, GoldenStreamingSir) {
    const auto events = decode_every_split(fixture("streaming_sir.sics"));
    ASSERT_EQ(events.size(), 5u);
    EXPECT_EQ(std::get<Response>(events[0]), weight("S", Status::dynamic, "1.1", "g"));
    EXPECT_EQ(std::get<Response>(events[3]), weight("S", Status::stable, "10.00", "g"));
}

TEST(SicsDecoder, GoldenMalformedLinesCarryStreamOffsets) {
    const std::string stream = fixture("malformed.sics");
    const auto events = decode_every_split(stream);
    const std::pair<const char*, std::size_t> expected[] = {
        {"sics.bad_status", 2},                           // "S X": the status token
        {"sics.bad_weight", 12 + 4},                      // "S S 1.0.0 g": the value
        {"sics.bad_weight", 12 + 13 + 8},                 // "S S 12.5": end of line, no unit
        {"sics.bad_text", 12 + 13 + 10 + 5},              // the opening quote
        {"sics.trailing", 12 + 13 + 10 + 20 + 4},         // "extra"
        {"sics.empty", 12 + 13 + 10 + 20 + 11},
        {"sics.bad_status", 12 + 13 + 10 + 20 + 11 + 2},  // lower case
    };
    ASSERT_EQ(events.size(), std::size(expected));
    for (std::size_t i = 0; i < events.size(); ++i) {
        ASSERT_TRUE(std::holds_alternative<DecodeError>(events[i])) << i;
        EXPECT_EQ(std::get<DecodeError>(events[i]).code, expected[i].first) << i;
        EXPECT_EQ(std::get<DecodeError>(events[i]).offset, expected[i].second) << i;
    }
}

TEST(SicsDecoder, BareLfEndsALineAndAPartialLineIsTruncated) {
    const auto events = decode_every_split(fixture("bare_lf_and_truncated.sics"));
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(std::get<Response>(events[0]), weight("S", Status::stable, "1.00", "g"));
    EXPECT_EQ(std::get<Response>(events[1]), weight("S", Status::stable, "2.00", "g"));
    EXPECT_EQ(std::get<DecodeError>(events[2]).code, "sics.truncated");
    EXPECT_EQ(std::get<DecodeError>(events[2]).offset, 23u);
}

TEST(SicsDecoder, OverlongLineIsSkippedWithBoundedMemory) {
    const std::string stream = std::string(40, 'S') + "\r\nS S 1 g\r\n";
    const auto events = decode_every_split(stream, 16);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(std::get<DecodeError>(events[0]).code, "sics.line_too_long");
    EXPECT_EQ(std::get<DecodeError>(events[0]).offset, 0u);
    EXPECT_EQ(std::get<Response>(events[1]), weight("S", Status::stable, "1", "g"));
}

TEST(SicsDecoder, LineOfExactlyTheLimitIsAccepted) {
    const auto events = decode_every_split("S S   1.5   g\r\n", 13);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(std::get<Response>(events[0]), weight("S", Status::stable, "1.5", "g"));
}

}  // namespace
