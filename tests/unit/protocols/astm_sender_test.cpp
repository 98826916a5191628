// The E1381 sender (host to instrument): bid, frames with ETB continuation, NAK
// retransmission and the 6-attempt abort, busy retry, timeouts, receiver interrupt,
// contention; and a loopback through the Receiver.
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "astm_test_support.hpp"
#include "protocols/astm/encode.hpp"
#include "protocols/astm/framing.hpp"
#include "protocols/astm/receiver.hpp"
#include "protocols/astm/sender.hpp"

using namespace protocols::astm;
using astm_test::records_text;

namespace {

const std::string kAckS(1, kAck);
const std::string kNakS(1, kNak);
const std::string kEotS(1, kEot);
const std::string kEnqS(1, kEnq);

std::string worklist() {
    OrderRecord o;
    o.specimen_id = "S240611-0042";
    o.test_codes = {"GLU", "K"};
    return encode(HeaderRecord{}) + encode(PatientRecord{}) + encode(o) + encode(TerminatorRecord{});
}

std::vector<std::string> sent(const std::vector<SenderEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events)
        if (const auto* s = std::get_if<Send>(&e)) out.push_back(s->bytes);
    return out;
}

template <class T>
const T* find(const std::vector<SenderEvent>& events) {
    for (const auto& e : events)
        if (const auto* t = std::get_if<T>(&e)) return t;
    return nullptr;
}

}  // namespace

TEST(AstmSender, SendsAMessageFrameByFrame) {
    Sender s;
    const std::string records = worklist();
    EXPECT_EQ(s.enqueue(records), 0u);
    auto events = s.start();
    EXPECT_EQ(sent(events), std::vector<std::string>{kEnqS});
    EXPECT_EQ(events.back(), (SenderEvent{ArmTimer{TimerKind::reply, kReplyTimeout}}));
    const auto frames = encode_frames(records);
    ASSERT_EQ(frames.size(), 4u);
    std::vector<std::string> written;
    events = s.feed(kAckS);
    EXPECT_NE(find<SessionStarted>(events), nullptr);
    for (std::size_t i = 0; i < frames.size(); ++i) {
        EXPECT_EQ(sent(events), std::vector<std::string>{frames[i]}) << i;
        events = s.feed(kAckS);
    }
    EXPECT_EQ(sent(events), std::vector<std::string>{kEotS});
    ASSERT_NE(find<MessageDelivered>(events), nullptr);
    EXPECT_EQ(find<MessageDelivered>(events)->message_index, 0u);
    EXPECT_TRUE(s.idle());
    EXPECT_EQ(s.queued(), 0u);
}

TEST(AstmSender, LongRecordsContinueInEtbFramesOfAtMost240Characters) {
    const std::string comment = "C|1|I|" + std::string(600, 'x') + "|G\r";
    const auto frames = encode_frames("H|\\^&\r" + comment + "L|1|N\r");
    ASSERT_EQ(frames.size(), 5u);  // H, three pieces of C, L
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const std::size_t text = frames[i].size() - 7;  // STX FN ... ETX/ETB C1 C2 CR LF
        EXPECT_LE(text, kMaxFrameText);
        EXPECT_EQ(frames[i][1], static_cast<char>('1' + i));
    }
    EXPECT_EQ(frames[1][frames[1].size() - 5], kEtb);
    EXPECT_EQ(frames[2][frames[2].size() - 5], kEtb);
    EXPECT_EQ(frames[3][frames[3].size() - 5], kEtx);
    EXPECT_EQ(frames[1].size() - 7, 240u);
}

TEST(AstmSender, FrameNumbersWrapAfterSeven) {
    std::string records;
    for (int i = 0; i < 10; ++i) records += "C|" + std::to_string(i) + "\r";
    const auto frames = encode_frames(records);
    std::string numbers;
    for (const auto& f : frames) numbers.push_back(f[1]);
    EXPECT_EQ(numbers, "1234567012");
}

TEST(AstmSender, NakedFrameIsRetransmittedThenTheSessionGoesOn) {
    Sender s;
    s.enqueue(worklist());
    s.start();
    auto first = sent(s.feed(kAckS));
    auto again = sent(s.feed(kNakS));
    EXPECT_EQ(again, first);
    auto garbage = sent(s.feed("?"));  // LIS1-A: anything but ACK or EOT counts as NAK
    EXPECT_EQ(garbage, first);
    auto next = sent(s.feed(kAckS));
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0][1], '2');
}

TEST(AstmSender, SixRefusalsAbortTheSession) {
    Sender s;
    s.enqueue(worklist());
    s.start();
    std::vector<SenderEvent> events = s.feed(kAckS);
    std::size_t transmissions = sent(events).size();
    for (int i = 0; i < kMaxTransmitAttempts - 1; ++i) {
        events = s.feed(kNakS);
        transmissions += sent(events).size();
        EXPECT_EQ(find<MessageNotDelivered>(events), nullptr);
    }
    EXPECT_EQ(transmissions, 6u);
    events = s.feed(kNakS);  // the sixth refusal
    EXPECT_EQ(sent(events), std::vector<std::string>{kEotS});
    ASSERT_NE(find<MessageNotDelivered>(events), nullptr);
    EXPECT_EQ(find<MessageNotDelivered>(events)->reason, SendFailure::too_many_naks);
    EXPECT_FALSE(find<MessageNotDelivered>(events)->requeued);
    ASSERT_NE(find<protocols::DecodeError>(events), nullptr);
    EXPECT_EQ(find<protocols::DecodeError>(events)->code, "astm.too_many_naks");
    EXPECT_EQ(*find<SessionEnded>(events), SessionEnded{SessionEnd::aborted});
    EXPECT_TRUE(s.idle());
}

TEST(AstmSender, BusyReceiverMeansRetryAfterTenSeconds) {
    Sender s;
    s.enqueue(worklist());
    s.start();
    auto events = s.feed(kNakS);
    EXPECT_TRUE(sent(events).empty());
    EXPECT_EQ(events.back(), (SenderEvent{ArmTimer{TimerKind::busy_retry, kBusyRetryDelay}}));
    EXPECT_EQ(sent(s.on_timeout()), std::vector<std::string>{kEnqS});
}

TEST(AstmSender, NoReplyMeansEotAndTheMessageIsReported) {
    Sender s;
    s.enqueue(worklist());
    s.start();
    s.feed(kAckS);
    auto events = s.on_timeout();
    EXPECT_EQ(sent(events), std::vector<std::string>{kEotS});
    ASSERT_NE(find<MessageNotDelivered>(events), nullptr);
    EXPECT_EQ(find<MessageNotDelivered>(events)->reason, SendFailure::reply_timeout);
    EXPECT_TRUE(s.idle());
    EXPECT_TRUE(s.on_timeout().empty());
}

TEST(AstmSender, ReceiverInterruptStopsAndRequeuesTheMessage) {
    Sender s;
    s.enqueue(worklist());
    s.start();
    s.feed(kAckS);
    auto events = s.feed(kEotS);  // frame 1 accepted, the instrument wants the line
    EXPECT_EQ(sent(events), std::vector<std::string>{kEotS});
    ASSERT_NE(find<MessageNotDelivered>(events), nullptr);
    EXPECT_EQ(find<MessageNotDelivered>(events)->reason, SendFailure::stopped_by_receiver);
    EXPECT_TRUE(find<MessageNotDelivered>(events)->requeued);
    EXPECT_EQ(s.queued(), 1u);
    EXPECT_EQ(events.back(), (SenderEvent{ArmTimer{TimerKind::contention_backoff, kHostContentionDelay}}));
    EXPECT_EQ(sent(s.on_timeout()), std::vector<std::string>{kEnqS});
    auto restart = sent(s.feed(kAckS));
    ASSERT_EQ(restart.size(), 1u);
    EXPECT_EQ(restart[0], encode_frames(worklist())[0]);  // from the first frame again
}

TEST(AstmSender, ContentionYieldsToTheInstrument) {
    Sender s;
    Receiver r(ReceiverConfig{Framing::e1381, AckMode::immediate, kDefaultMaxMessageBytes});
    s.enqueue(worklist());
    s.start();
    // The instrument's ENQ crosses ours, and its first frame follows in the same read.
    const std::string incoming = kEnqS + encode_frame(1, "H|\\^&\r", true);
    auto events = s.feed(incoming);
    ASSERT_NE(find<ContentionYielded>(events), nullptr);
    EXPECT_EQ(find<ContentionYielded>(events)->receiver_bytes_from, 0u);
    EXPECT_TRUE(sent(events).empty());  // the host says nothing: it yields
    EXPECT_EQ(events.back(), (SenderEvent{ArmTimer{TimerKind::contention_backoff, kHostContentionDelay}}));
    auto handed = r.feed(std::string_view(incoming).substr(find<ContentionYielded>(events)->receiver_bytes_from));
    EXPECT_EQ(astm_test::replies(handed), "AA");  // the host ACKs the instrument's ENQ and frame
    EXPECT_TRUE(sent(s.feed(kAckS)).empty());    // bytes while yielded are not the sender's
    r.feed(encode_frame(2, "L|1|N\r", true) + kEotS);
    EXPECT_FALSE(r.in_session());
    EXPECT_EQ(sent(s.on_timeout()), std::vector<std::string>{kEnqS});  // re-bid after the backoff
}

TEST(AstmSender, LoopbackThroughTheReceiverDeliversTheSameRecords) {
    Sender s;
    Receiver r;
    const std::string records = worklist() + encode(HeaderRecord{}) + "C|1|I|" + std::string(500, 'z') + "|G\r" +
                                encode(TerminatorRecord{});
    s.enqueue(worklist());
    s.enqueue(records);
    std::vector<SenderEvent> to_instrument = s.start();
    std::vector<MessageReceived> got;
    std::size_t delivered = 0;
    for (int guard = 0; guard < 100 && !to_instrument.empty(); ++guard) {
        std::string wire;
        for (const auto& b : sent(to_instrument)) wire += b;
        for (const auto& e : to_instrument) delivered += std::holds_alternative<MessageDelivered>(e) ? 1 : 0;
        auto back = r.feed(wire);
        while (r.awaiting_commit()) {
            auto more = r.commit_succeeded();
            back.insert(back.end(), more.begin(), more.end());
        }
        for (auto& m : astm_test::messages(back)) got.push_back(m);
        std::string reply;
        for (const auto& e : back)
            if (const auto* sb = std::get_if<Send>(&e)) reply += sb->bytes;
        to_instrument = s.feed(reply);
    }
    EXPECT_EQ(delivered, 2u);
    ASSERT_EQ(got.size(), 3u);  // the second message holds two H..L messages
    EXPECT_EQ(got[0].records, worklist());
    EXPECT_EQ(got[1].records + got[2].records, records);
}
