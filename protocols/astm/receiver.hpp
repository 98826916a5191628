// ASTM E1381 (LIS1-A) receiver: one per instrument connection. Bytes in (any split, down
// to one at a time), events out: ACK/NAK to write, timers to arm, completed messages with
// their raw bytes. The driver owns the socket and the clock; it calls on_timeout() when
// the receive timer it was asked to arm fires, and commit_succeeded()/commit_failed()
// once the message it was handed is (or is not) durably stored.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/astm/events.hpp"

namespace protocols::astm {

enum class Framing {
    e1381,         // ENQ, STX FN text ETX|ETB C1 C2 CR LF, EOT
    bare_records,  // no framing at all: records end CR (an LF after it is skipped), a message ends at L
};

enum class AckMode {
    after_commit,  // the frame completing a message is ACKed only after commit_succeeded()
    immediate,     // every good frame is ACKed at once (instruments that cannot wait)
};

// A message larger than this is refused: error "astm.message_too_large", the frames NAKed
// until the sender gives up. 1 MiB covers the largest result batches seen in manuals.
inline constexpr std::size_t kDefaultMaxMessageBytes = std::size_t{1} << 20;

struct ReceiverConfig {
    Framing framing = Framing::e1381;
    AckMode ack_mode = AckMode::after_commit;
    std::size_t max_message_bytes = kDefaultMaxMessageBytes;  // raw bytes of one message
};

class Receiver {
public:
    explicit Receiver(ReceiverConfig config = {});

    // Feeds bytes as they arrive. While a commit is awaited the bytes are queued (up to
    // max_message_bytes) and processed when the commit resolves.
    std::vector<ReceiverEvent> feed(std::string_view bytes);
    void feed(std::string_view bytes, std::vector<ReceiverEvent>& out);

    // The receive timer fired: the partial message is dropped, the session ends.
    std::vector<ReceiverEvent> on_timeout();

    // Resolve the messages emitted with awaiting_commit: ACK (the sender moves on) or NAK
    // (the sender retransmits the frame and the same messages are emitted again).
    std::vector<ReceiverEvent> commit_succeeded();
    std::vector<ReceiverEvent> commit_failed();

    // While busy, ENQ is answered NAK (LIS1-A 8.2.4): the sender retries after 10 s.
    void set_busy(bool busy) noexcept { busy_ = busy; }

    bool in_session() const noexcept { return phase_ != Phase::idle; }
    bool awaiting_commit() const noexcept { return phase_ == Phase::awaiting_commit; }
    std::size_t bytes_consumed() const noexcept { return offset_; }

private:
    enum class Phase { idle, between_frames, in_frame, awaiting_commit };
    enum class FramePart { text, checksum_high, checksum_low, cr, lf };

    struct Snapshot {
        std::string record;
        std::string message;
        std::string raw;
        bool message_open = false;
        std::size_t message_offset = 0;
    };

    void process(std::string_view bytes, std::vector<ReceiverEvent>& out);
    void process_framed_byte(char c, std::vector<ReceiverEvent>& out);
    void process_bare_byte(char c, std::vector<ReceiverEvent>& out);
    void start_frame();
    void store_frame_bytes(std::string_view run, std::vector<ReceiverEvent>& out);
    void enqueue(std::string_view bytes, std::vector<ReceiverEvent>& out);
    void complete_bare_record(std::vector<ReceiverEvent>& out);
    void finish_frame(std::vector<ReceiverEvent>& out);
    void malformed_frame(const char* what, std::vector<ReceiverEvent>& out);
    void reject_frame(std::vector<ReceiverEvent>& out);
    void accept_frame(int fn, std::vector<ReceiverEvent>& out);
    bool frame_may_complete_message(std::string_view text, bool last_of_record) const;
    void apply_text(std::string_view text, bool last_of_record, std::vector<ReceiverEvent>& out);
    void complete_record(std::vector<ReceiverEvent>& out);
    void finish_message(bool terminated, std::string raw, std::vector<ReceiverEvent>& out);
    void end_session(SessionEnd reason, std::vector<ReceiverEvent>& out);
    void drop_message();
    void error(std::string code, std::size_t offset, std::string detail, std::vector<ReceiverEvent>& out);
    std::vector<ReceiverEvent> resume_after_commit();

    ReceiverConfig config_;
    Phase phase_ = Phase::idle;
    bool busy_ = false;
    std::size_t offset_ = 0;  // stream offset of the next byte to process

    // Frame being read.
    FramePart part_ = FramePart::text;
    std::string frame_;  // STX .. LF as it arrived
    std::size_t frame_offset_ = 0;
    std::size_t frame_control_offset_ = 0;  // first forbidden character, when frame_has_control_
    bool frame_has_control_ = false;
    bool frame_oversize_ = false;
    unsigned frame_sum_ = 0;
    char terminator_ = 0;
    char checksum_high_ = 0;
    char checksum_low_ = 0;

    // Session state.
    int expected_fn_ = 1;
    int last_fn_ = -1;        // last accepted frame number, -1 before the first
    bool rejecting_ = false;  // message too large: NAK every frame until EOT

    // Message being assembled.
    std::string record_;   // current record, possibly continued over ETB frames
    std::string message_;  // completed records of the open message, each ending CR
    std::string raw_;      // frame bytes since the last completed message
    bool message_open_ = false;
    std::size_t message_offset_ = 0;
    bool record_oversize_ = false;  // bare mode: a record that never ends
    bool record_has_control_ = false;
    std::size_t record_control_offset_ = 0;
    bool frame_contributed_ = false;  // the current frame added records to the open message
    std::size_t frame_raw_begin_ = 0;

    // Deferred ACK.
    Snapshot before_commit_;
    int commit_fn_ = 0;
    bool defer_frame_ = false;     // the frame being applied completes a message: hold its ACK
    bool commit_pending_ = false;  // a message in this frame awaits commit
    std::string queued_;           // bytes that arrived while awaiting commit
    std::size_t queue_dropped_ = 0;  // bytes beyond the queue bound, counted into offsets
};

}  // namespace protocols::astm
