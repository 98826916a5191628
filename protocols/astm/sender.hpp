// ASTM E1381 (LIS1-A) sender, the host side: bids with ENQ, sends a queued message as
// frames of at most 240 text characters (ETB continuation), retransmits NAKed frames up
// to 6 attempts, handles busy NAKs, receiver interrupts and contention. The driver writes
// Send bytes, runs the timer it is asked for and calls on_timeout() when it fires.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/astm/events.hpp"
#include "protocols/astm/framing.hpp"

namespace protocols::astm {

struct SenderConfig {
    std::size_t max_frame_text = kMaxFrameText;
    int max_attempts = kMaxTransmitAttempts;
};

class Sender {
public:
    explicit Sender(SenderConfig config = {});

    // Queues a message (records, each ending CR) and returns its index for the
    // MessageDelivered / MessageNotDelivered events. Call start() to bid.
    std::size_t enqueue(std::string records);

    // Bids (ENQ) when idle and something is queued. The driver calls it only while its
    // Receiver is idle: the line belongs to one direction at a time.
    std::vector<SenderEvent> start();

    // Bytes from the instrument while the sender owns the line. On contention (the
    // instrument's ENQ answering ours) the sender stops reading: the bytes from
    // ContentionYielded::receiver_bytes_from on belong to the Receiver.
    std::vector<SenderEvent> feed(std::string_view bytes);

    // The timer the sender asked for fired.
    std::vector<SenderEvent> on_timeout();

    bool idle() const noexcept { return state_ == State::idle; }
    std::size_t queued() const noexcept { return queue_.size(); }

private:
    enum class State { idle, bidding, transferring, waiting_busy, waiting_contention };
    struct Outgoing {
        std::size_t index;
        std::string records;
    };

    void bid(std::vector<SenderEvent>& out);
    void send_frame(std::vector<SenderEvent>& out);
    void finish(std::vector<SenderEvent>& out);
    void give_up(SendFailure reason, SessionEnd end, std::vector<SenderEvent>& out);

    SenderConfig config_;
    State state_ = State::idle;
    std::deque<Outgoing> queue_;
    std::size_t next_index_ = 0;
    std::vector<std::string> frames_;
    std::size_t frame_ = 0;
    int attempts_ = 0;
};

}  // namespace protocols::astm
