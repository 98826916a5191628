// The E1381 receiver state machine: session start, busy, deferred and immediate ACK,
// timeouts, size bounds, ENQ inside a session, bare-records mode.
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "astm_test_support.hpp"
#include "protocols/astm/framing.hpp"
#include "protocols/astm/receiver.hpp"

using namespace protocols::astm;
using namespace astm_test;

namespace {

const std::string kEnqS(1, kEnq);
const std::string kEotS(1, kEot);
const std::vector<std::string> kRecords = {
    "H|\\^&|||AU-Chem^2.1.0^SN41235|||||LIS||P|LIS2-A2|20240611093015",
    "P|1||PID778812||WANG^LI||19800214|F",
    "O|1|S240611-0042||^^^GLU|R",
    "R|1|^^^GLU^Glucose|7.8|mmol/L|3.9 to 6.1|H||F||OPR01||20240611092944",
    "L|1|N",
};

std::vector<std::string> frames_of(const std::vector<std::string>& records) {
    return encode_frames(records_text(records));
}

template <class T>
std::size_t count_of(const std::vector<ReceiverEvent>& events) {
    std::size_t n = 0;
    for (const auto& e : events) n += std::holds_alternative<T>(e) ? 1 : 0;
    return n;
}

ReceiverConfig immediate() {
    ReceiverConfig c;
    c.ack_mode = AckMode::immediate;
    return c;
}

}  // namespace

TEST(AstmReceiver, IgnoresEverythingButEnqWhileIdle) {
    Receiver r;
    auto events = r.feed(std::string("\x06\x15\x02" "1H|\r\x03" "00\r\n\x04junk", 17));
    EXPECT_TRUE(events.empty());
    EXPECT_FALSE(r.in_session());
}

TEST(AstmReceiver, EnqStartsASessionWithAckAndReceiveTimer) {
    Receiver r;
    auto events = r.feed(kEnqS);
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0], ReceiverEvent{SessionStarted{}});
    EXPECT_EQ(events[1], ReceiverEvent{Send{std::string(1, kAck)}});
    EXPECT_EQ(events[2], (ReceiverEvent{ArmTimer{TimerKind::receive, kReceiveTimeout}}));
    EXPECT_TRUE(r.in_session());
}

TEST(AstmReceiver, BusyAnswersNakAndStaysIdle) {
    Receiver r;
    r.set_busy(true);
    EXPECT_EQ(replies(r.feed(kEnqS)), "N");
    EXPECT_FALSE(r.in_session());
    r.set_busy(false);
    EXPECT_EQ(replies(r.feed(kEnqS)), "A");
}

TEST(AstmReceiver, HoldsTheAckOfTheTerminatorFrameUntilCommit) {
    Receiver r;
    std::vector<ReceiverEvent> events = r.feed(kEnqS);
    auto frames = frames_of(kRecords);
    for (std::size_t i = 0; i + 1 < frames.size(); ++i) r.feed(frames[i], events);
    EXPECT_EQ(replies(events), "AAAAA");
    events = r.feed(frames.back());
    EXPECT_EQ(replies(events), "");  // the L frame's ACK is held
    ASSERT_EQ(messages(events).size(), 1u);
    EXPECT_TRUE(messages(events)[0].awaiting_commit);
    EXPECT_EQ(messages(events)[0].records, records_text(kRecords));
    EXPECT_EQ(count_of<CancelTimer>(events), 1u);
    EXPECT_TRUE(r.awaiting_commit());

    events = r.commit_succeeded();
    EXPECT_EQ(replies(events), "A");
    EXPECT_FALSE(r.awaiting_commit());
    events = r.feed(kEotS);
    EXPECT_EQ(events.back(), ReceiverEvent{SessionEnded{SessionEnd::eot}});
    EXPECT_TRUE(error_codes(events).empty());
}

TEST(AstmReceiver, FailedCommitNaksAndTheRetransmissionYieldsTheSameMessage) {
    Receiver r;
    r.feed(kEnqS);
    auto frames = frames_of(kRecords);
    std::vector<ReceiverEvent> events;
    for (const auto& f : frames) r.feed(f, events);
    auto first = messages(events);
    ASSERT_EQ(first.size(), 1u);

    EXPECT_EQ(replies(r.commit_failed()), "N");
    events = r.feed(frames.back());  // the sender retransmits the NAKed frame
    auto second = messages(events);
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0], first[0]);  // same records, same raw bytes
    EXPECT_EQ(replies(r.commit_succeeded()), "A");
    EXPECT_TRUE(error_codes(r.feed(kEotS)).empty());
}

TEST(AstmReceiver, ImmediateModeAcksAtOnce) {
    Receiver r(immediate());
    std::vector<ReceiverEvent> events = r.feed(kEnqS);
    for (const auto& f : frames_of(kRecords)) r.feed(f, events);
    EXPECT_EQ(replies(events), "AAAAAA");
    ASSERT_EQ(messages(events).size(), 1u);
    EXPECT_FALSE(messages(events)[0].awaiting_commit);
    EXPECT_FALSE(r.awaiting_commit());
}

TEST(AstmReceiver, BytesArrivingDuringACommitAreProcessedAfterIt) {
    Receiver r;
    std::string session = kEnqS;
    for (const auto& f : frames_of(kRecords)) session += f;
    session += kEotS;
    auto events = r.feed(session);
    EXPECT_TRUE(r.awaiting_commit());
    EXPECT_EQ(count_of<SessionEnded>(events), 0u);  // EOT queued behind the commit
    events = r.commit_succeeded();
    EXPECT_EQ(replies(events), "A");
    EXPECT_EQ(events.back(), ReceiverEvent{SessionEnded{SessionEnd::eot}});
}

TEST(AstmReceiver, CommitWithoutPendingMessageIsAnErrorValue) {
    Receiver r;
    auto events = r.commit_succeeded();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(std::get<protocols::DecodeError>(events[0]).code, "astm.no_commit_pending");
    EXPECT_EQ(error_codes(r.commit_failed()), std::vector<std::string>{"astm.no_commit_pending"});
}

TEST(AstmReceiver, ReceiveTimeoutDropsThePartialMessage) {
    Receiver r;
    r.feed(kEnqS);
    auto frames = frames_of(kRecords);
    r.feed(frames[0]);
    r.feed(frames[1]);
    r.feed(frames[2].substr(0, 10));  // mid-frame
    auto events = r.on_timeout();
    EXPECT_EQ(error_codes(events), std::vector<std::string>{"astm.receive_timeout"});
    EXPECT_EQ(events.back(), ReceiverEvent{SessionEnded{SessionEnd::timeout}});
    EXPECT_FALSE(r.in_session());
    EXPECT_TRUE(r.on_timeout().empty());  // a stale timer does nothing

    // A fresh session afterwards starts clean: frame 1 again, nothing of the old message.
    events = r.feed(kEnqS);
    for (const auto& f : frames) r.feed(f, events);
    r.commit_succeeded();
    ASSERT_EQ(messages(events).size(), 1u);
    EXPECT_EQ(messages(events)[0].records, records_text(kRecords));
}

TEST(AstmReceiver, OversizedMessageIsRefusedAndLaterFramesNaked) {
    ReceiverConfig c;
    c.max_message_bytes = 200;
    Receiver r(c);
    std::vector<ReceiverEvent> events = r.feed(kEnqS);
    for (const auto& f : frames_of(kRecords)) r.feed(f, events);
    EXPECT_EQ(error_codes(events), std::vector<std::string>{"astm.message_too_large"});
    EXPECT_TRUE(messages(events).empty());
    const std::string answers = replies(events);
    EXPECT_EQ(answers.substr(answers.find('N')), std::string(answers.size() - answers.find('N'), 'N'));
    r.feed(kEotS, events);
    // After EOT a small message goes through again.
    std::vector<ReceiverEvent> again = r.feed(kEnqS);
    for (const auto& f : frames_of({"H|\\^&", "L|1|N"})) r.feed(f, again);
    r.commit_succeeded();
    EXPECT_EQ(messages(again).size(), 1u);
}

TEST(AstmReceiver, AFrameThatNeverEndsHoldsBoundedMemory) {
    ReceiverConfig c;
    c.max_message_bytes = 4096;
    Receiver r(c);
    r.feed(kEnqS);
    std::vector<ReceiverEvent> events = r.feed("\x02" "1");
    const std::string chunk(1 << 16, 'A');
    for (int i = 0; i < 64; ++i) r.feed(chunk, events);  // 4 MiB of text, no ETX
    EXPECT_EQ(error_codes(events), std::vector<std::string>{"astm.message_too_large"});
    // ENQ is byte 0, the frame starts at 1: byte 1 + 4096 is the first that does not fit.
    EXPECT_EQ(std::get<protocols::DecodeError>(events.back()).offset, 4097u);
    r.feed("\x03" "00\r\n", events);
    EXPECT_EQ(replies(events), "N");
}

TEST(AstmReceiver, EnqInsideASessionRestartsIt) {
    Receiver r;
    r.feed(kEnqS);
    auto frames = frames_of(kRecords);
    r.feed(frames[0]);
    auto events = r.feed(kEnqS);
    EXPECT_EQ(error_codes(events), (std::vector<std::string>{"astm.enq_in_session", "astm.missing_terminator"}));
    EXPECT_EQ(messages(events).size(), 1u);  // the H record already ACKed is handed over, unterminated
    EXPECT_EQ(replies(events), "A");
    EXPECT_EQ(replies(r.feed(frames[0])), "A");  // numbering starts at 1 again
}

TEST(AstmReceiver, FrameNumberOutOfRangeIsNaked) {
    Receiver r;
    r.feed(kEnqS);
    auto events = r.feed(encode_frame(1, "H|\\^&\r", true).replace(1, 1, "9"));
    EXPECT_EQ(replies(events), "N");
    EXPECT_EQ(error_codes(events), std::vector<std::string>{"astm.checksum"});  // FN is inside the checksum
    std::string frame = "\x02" "9H|\r\x03";
    frame += checksum_hex(frame_checksum(frame.substr(1))) + "\r\n";
    events = r.feed(frame);
    EXPECT_EQ(error_codes(events), std::vector<std::string>{"astm.frame_number"});
    EXPECT_EQ(std::get<protocols::DecodeError>(events[0]).offset, r.bytes_consumed() - frame.size() + 1);
}

TEST(AstmReceiver, ANewHeaderClosesAnUnterminatedMessage) {
    Receiver r(immediate());
    std::vector<ReceiverEvent> events = r.feed(kEnqS);
    auto frames = frames_of({kRecords[0], kRecords[1], kRecords[0], kRecords[4]});
    for (const auto& f : frames) r.feed(f, events);
    auto got = messages(events);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_FALSE(got[0].terminated);
    EXPECT_EQ(got[0].records, records_text({kRecords[0], kRecords[1]}));
    EXPECT_EQ(got[0].raw, frames[0] + frames[1]);
    EXPECT_TRUE(got[1].terminated);
    EXPECT_EQ(got[1].raw, frames[2] + frames[3]);
    EXPECT_EQ(error_codes(events), std::vector<std::string>{"astm.missing_terminator"});
}

TEST(AstmReceiver, SeveralRecordsPackedInOneFrameAreSplit) {
    Receiver r;
    std::vector<ReceiverEvent> events = r.feed(kEnqS);
    r.feed(encode_frame(1, records_text(kRecords), true), events);
    ASSERT_TRUE(r.awaiting_commit());
    r.commit_succeeded();
    ASSERT_EQ(messages(events).size(), 1u);
    EXPECT_EQ(messages(events)[0].records, records_text(kRecords));
}

TEST(AstmReceiver, QueueWhileCommittingIsBounded) {
    ReceiverConfig c;
    c.max_message_bytes = 1024;
    Receiver r(c);
    r.feed(kEnqS);
    std::vector<ReceiverEvent> events;
    for (const auto& f : frames_of(kRecords)) r.feed(f, events);
    ASSERT_TRUE(r.awaiting_commit());
    events = r.feed(std::string(5000, 'x'));
    EXPECT_EQ(error_codes(events), std::vector<std::string>{"astm.input_overflow"});
    const std::size_t before = r.bytes_consumed();
    r.commit_succeeded();
    EXPECT_EQ(r.bytes_consumed(), before + 5000);  // dropped bytes still count in offsets
}

TEST(AstmReceiver, BareRecordsModeDeliversWithoutReplies) {
    ReceiverConfig c;
    c.framing = Framing::bare_records;
    Receiver r(c);
    auto events = r.feed(records_text(kRecords));
    EXPECT_EQ(replies(events), "");
    ASSERT_EQ(messages(events).size(), 1u);
    EXPECT_EQ(messages(events)[0].raw, records_text(kRecords));
    EXPECT_FALSE(messages(events)[0].awaiting_commit);
}

TEST(AstmReceiver, BareRecordsControlCharacterDropsTheMessage) {
    ReceiverConfig c;
    c.framing = Framing::bare_records;
    Receiver r(c);
    auto events = r.feed("H|\\^&\rP|1\x02\rL|1|N\r");
    EXPECT_EQ(error_codes(events), std::vector<std::string>{"astm.control_char"});
    EXPECT_EQ(std::get<protocols::DecodeError>(events[1]).offset, 9u);
    // The records after the bad one form a message of their own; the decoder refuses it (no H).
    ASSERT_EQ(messages(events).size(), 1u);
    EXPECT_EQ(messages(events)[0].records, "L|1|N\r");
}

TEST(AstmReceiver, BareRecordsTimeoutAndSizeBound) {
    ReceiverConfig c;
    c.framing = Framing::bare_records;
    c.max_message_bytes = 64;
    Receiver r(c);
    auto events = r.feed("H|\\^&\rP|1\r");
    EXPECT_EQ(error_codes(r.on_timeout()), std::vector<std::string>{"astm.receive_timeout"});
    events = r.feed("H|\\^&\r" + std::string(100, 'C') + "\rL|1|N\r");
    EXPECT_EQ(error_codes(events), std::vector<std::string>{"astm.message_too_large"});
    ASSERT_EQ(messages(events).size(), 1u);  // the L alone, after the refused part
    EXPECT_EQ(messages(events)[0].records, "L|1|N\r");
}

TEST(AstmReceiver, BareRecordsBoundCountsTheRecordTerminator) {
    // Found by fuzzing: the CR ending a record must count toward the bound.
    const std::string message = "H|\\^&\rL|1|N\r";  // 12 bytes
    for (std::size_t bound : {message.size(), message.size() - 1}) {
        ReceiverConfig c;
        c.framing = Framing::bare_records;
        c.max_message_bytes = bound;
        Receiver r(c);
        auto events = r.feed(message);
        const bool fits = bound == message.size();
        EXPECT_EQ(messages(events).size(), fits ? 1u : 0u) << bound;
        for (const auto& m : messages(events)) EXPECT_LE(m.raw.size(), bound);
        EXPECT_EQ(error_codes(events).empty(), fits) << bound;
    }
}
