// MLLP framing: split and coalesced reads, bytes outside frames, size limit, encoder.
#include "protocols/hl7/mllp.hpp"
#include "message_fixture.hpp"

#include <gtest/gtest.h>

namespace {

using protocols::DecodeError;
using protocols::hl7::MllpDecoder;
using protocols::hl7::MllpEvent;
using protocols::hl7::MllpFrame;

std::string fixture(const std::string& name) { return lims::test::message_fixture("hl7", name); }

std::vector<MllpEvent> decode_in_pieces(std::string_view stream, const std::vector<std::size_t>& cuts,
                                        std::size_t max = protocols::hl7::kDefaultMaxMessageSize) {
    MllpDecoder d(max);
    std::vector<MllpEvent> out;
    std::size_t from = 0;
    for (const std::size_t cut : cuts) {
        d.feed(stream.substr(from, cut - from), out);
        from = cut;
    }
    d.feed(stream.substr(from), out);
    d.finish(out);
    return out;
}

std::vector<MllpEvent> decode(std::string_view stream, std::size_t max = protocols::hl7::kDefaultMaxMessageSize) {
    return decode_in_pieces(stream, {}, max);
}

// Every two-piece split and the one-byte-at-a-time feed give the same events.
void expect_split_invariant(std::string_view stream, std::size_t max = protocols::hl7::kDefaultMaxMessageSize) {
    const auto whole = decode(stream, max);
    for (std::size_t cut = 0; cut <= stream.size(); ++cut)
        ASSERT_EQ(decode_in_pieces(stream, {cut}, max), whole) << "split at " << cut;
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < stream.size(); ++i) every.push_back(i);
    ASSERT_EQ(decode_in_pieces(stream, every, max), whole) << "one byte at a time";
}

const DecodeError& error_at(const std::vector<MllpEvent>& events, std::size_t i) {
    return std::get<DecodeError>(events.at(i));
}

TEST(MllpFraming, DecodesOneFrame) {
    const auto events = decode("\x0bMSH|^~\\&|A\r\x1c\x0d");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(std::get<MllpFrame>(events[0]), (MllpFrame{"MSH|^~\\&|A\r", 0}));
}

TEST(MllpFraming, CoalescedFramesComeOutInOrder) {
    const auto events = decode("\x0b" "A\r\x1c\x0d\x0b" "B\r\x1c\x0d\x0b" "C\r\x1c\x0d");
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(std::get<MllpFrame>(events[0]).payload, "A\r");
    EXPECT_EQ(std::get<MllpFrame>(events[1]).payload, "B\r");
    EXPECT_EQ(std::get<MllpFrame>(events[2]), (MllpFrame{"C\r", 10}));
}

TEST(MllpFraming, EndBlockSplitAcrossReadsStillEndsTheFrame) {
    MllpDecoder d;
    std::vector<MllpEvent> out;
    d.feed("\x0bMSH|x\r\x1c", out);
    EXPECT_TRUE(out.empty());
    EXPECT_TRUE(d.inside_frame());
    d.feed("\x0d", out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(std::get<MllpFrame>(out[0]).payload, "MSH|x\r");
    EXPECT_FALSE(d.inside_frame());
}

TEST(MllpFraming, BytesOutsideFramesAreReportedOncePerRun) {
    const auto events = decode("\r\nxx\x0b" "A\x1c\x0dzz");
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(error_at(events, 0).code, "mllp.outside_frame");
    EXPECT_EQ(error_at(events, 0).offset, 0u);
    EXPECT_EQ(std::get<MllpFrame>(events[1]), (MllpFrame{"A", 4}));
    EXPECT_EQ(error_at(events, 2).code, "mllp.outside_frame");
    EXPECT_EQ(error_at(events, 2).offset, 8u);
}

TEST(MllpFraming, EndBlockWithoutCarriageReturnDiscardsTheFrame) {
    const auto events = decode("\x0b" "A\x1cZ\x0b" "B\x1c\x0d");
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(error_at(events, 0).code, "mllp.bad_end_block");
    EXPECT_EQ(error_at(events, 0).offset, 3u);
    EXPECT_EQ(std::get<MllpFrame>(events[1]), (MllpFrame{"B", 4}));
}

TEST(MllpFraming, EndBlockFollowedByStartBlockKeepsTheNextFrame) {
    const auto events = decode("\x0b" "A\x1c\x0b" "B\x1c\x0d");
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(error_at(events, 0).code, "mllp.bad_end_block");
    EXPECT_EQ(std::get<MllpFrame>(events[1]), (MllpFrame{"B", 3}));
}

TEST(MllpFraming, StartBlockInsideAFrameRestarts) {
    const auto events = decode("\x0b" "AB\x0b" "C\x1c\x0d");
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(error_at(events, 0), (DecodeError{"mllp.unterminated_frame", 0,
                                               "a new start block came before the end block 0x1C 0x0D"}));
    EXPECT_EQ(std::get<MllpFrame>(events[1]), (MllpFrame{"C", 3}));
}

TEST(MllpFraming, OversizedFrameIsCutWithAnErrorAndTheStreamRecovers) {
    const std::string stream = "\x0b" "0123456789" "\x1c\x0d\x0b" "ok\x1c\x0d";
    const auto events = decode(stream, 8);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(error_at(events, 0).code, "mllp.too_large");
    EXPECT_EQ(error_at(events, 0).offset, 9u);  // the ninth payload byte
    EXPECT_EQ(std::get<MllpFrame>(events[1]), (MllpFrame{"ok", 13}));
    expect_split_invariant(stream, 8);
}

TEST(MllpFraming, FrameOfExactlyTheLimitIsAccepted) {
    const auto events = decode("\x0b" "12345678\x1c\x0d", 8);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(std::get<MllpFrame>(events[0]).payload, "12345678");
}

TEST(MllpFraming, EndlessFrameHoldsBoundedMemory) {
    MllpDecoder d(1024);
    std::vector<MllpEvent> out;
    d.feed("\x0b", out);
    const std::string chunk(4096, 'x');
    for (int i = 0; i < 100; ++i) d.feed(chunk, out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(error_at(out, 0).code, "mllp.too_large");
    d.finish(out);
    EXPECT_EQ(out.size(), 1u);  // already reported, not reported again as truncated
}

TEST(MllpFraming, ConnectionClosedInsideAFrameIsTruncated) {
    const auto events = decode("\x0b" "MSH|half");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(error_at(events, 0).code, "mllp.truncated");
    EXPECT_EQ(error_at(events, 0).offset, 0u);
}

TEST(MllpFraming, GoldenMixedStream) {
    const std::string stream = fixture("stream_mixed.mllp");
    const std::string first = fixture("oru_r01_v23.hl7");
    const std::string second = fixture("oru_r01_v231.hl7");
    const auto events = decode(stream);
    ASSERT_EQ(events.size(), 5u);
    EXPECT_EQ(error_at(events, 0).code, "mllp.outside_frame");  // the CR LF before the first frame
    EXPECT_EQ(std::get<MllpFrame>(events[1]), (MllpFrame{first, 2}));
    EXPECT_EQ(std::get<MllpFrame>(events[2]), (MllpFrame{second, 2 + first.size() + 3}));
    EXPECT_EQ(error_at(events, 3).code, "mllp.bad_end_block");
    EXPECT_EQ(error_at(events, 4).code, "mllp.truncated");
    expect_split_invariant(stream);
}

TEST(MllpFraming, EverySplitOfEveryHl7VectorGivesTheSameFrame) {
    for (const char* name : {"oru_r01_v251_example.hl7", "oru_r01_escapes.hl7", "oru_r01_lf_terminated.hl7"}) {
        const std::string message = fixture(name);
        const std::string framed = std::get<std::string>(protocols::hl7::mllp_encode(message));
        const auto events = decode(framed + framed);
        ASSERT_EQ(events.size(), 2u) << name;
        EXPECT_EQ(std::get<MllpFrame>(events[1]).payload, message);
        expect_split_invariant(framed + framed);
    }
}

TEST(MllpEncode, WrapsInBlockCharacters) {
    EXPECT_EQ(std::get<std::string>(protocols::hl7::mllp_encode("MSH|x\r")), "\x0bMSH|x\r\x1c\x0d");
}

TEST(MllpEncode, RefusesBlockCharactersInTheMessage) {
    const auto r = protocols::hl7::mllp_encode("MSH|a\x1c" "b");
    ASSERT_TRUE(std::holds_alternative<DecodeError>(r));
    EXPECT_EQ(std::get<DecodeError>(r).code, "mllp.reserved_byte");
    EXPECT_EQ(std::get<DecodeError>(r).offset, 5u);
}

}  // namespace
