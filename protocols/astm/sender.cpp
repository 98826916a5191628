#include "protocols/astm/sender.hpp"

#include <utility>

namespace protocols::astm {

Sender::Sender(SenderConfig config) : config_(config) {
    if (config_.max_frame_text == 0) config_.max_frame_text = kMaxFrameText;
    if (config_.max_attempts <= 0) config_.max_attempts = kMaxTransmitAttempts;
}

std::size_t Sender::enqueue(std::string records) {
    queue_.push_back(Outgoing{next_index_, std::move(records)});
    return next_index_++;
}

std::vector<SenderEvent> Sender::start() {
    std::vector<SenderEvent> out;
    if (state_ == State::idle && !queue_.empty()) bid(out);
    return out;
}

void Sender::bid(std::vector<SenderEvent>& out) {
    out.emplace_back(Send{std::string(1, kEnq)});
    out.emplace_back(ArmTimer{TimerKind::reply, kReplyTimeout});
    state_ = State::bidding;
}

void Sender::send_frame(std::vector<SenderEvent>& out) {
    out.emplace_back(Send{frames_[frame_]});
    out.emplace_back(ArmTimer{TimerKind::reply, kReplyTimeout});
}

void Sender::finish(std::vector<SenderEvent>& out) {
    out.emplace_back(Send{std::string(1, kEot)});
    out.emplace_back(CancelTimer{});
    out.emplace_back(MessageDelivered{queue_.front().index});
    out.emplace_back(SessionEnded{SessionEnd::eot});
    queue_.pop_front();
    state_ = State::idle;
    if (!queue_.empty()) bid(out);
}

void Sender::give_up(SendFailure reason, SessionEnd end, std::vector<SenderEvent>& out) {
    out.emplace_back(Send{std::string(1, kEot)});
    out.emplace_back(CancelTimer{});
    out.emplace_back(MessageNotDelivered{queue_.front().index, reason, false});
    if (state_ == State::transferring) out.emplace_back(SessionEnded{end});
    queue_.pop_front();
    state_ = State::idle;
}

std::vector<SenderEvent> Sender::feed(std::string_view bytes) {
    std::vector<SenderEvent> out;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        switch (state_) {
            case State::bidding:
                if (c == kAck) {
                    frames_ = encode_frames(queue_.front().records, 1, config_.max_frame_text);
                    if (frames_.empty()) {  // nothing to say: close the session at once
                        out.emplace_back(SessionStarted{});
                        finish(out);
                        break;
                    }
                    frame_ = 0;
                    attempts_ = 1;
                    state_ = State::transferring;
                    out.emplace_back(SessionStarted{});
                    send_frame(out);
                } else if (c == kNak) {
                    // LIS1-A 8.2.4: the receiver is busy; bid again after the delay.
                    state_ = State::waiting_busy;
                    out.emplace_back(ArmTimer{TimerKind::busy_retry, kBusyRetryDelay});
                } else if (c == kEnq) {
                    // LIS1-A 8.2.7: both bid; the instrument wins and the host becomes receiver.
                    state_ = State::waiting_contention;
                    out.emplace_back(ContentionYielded{i});
                    out.emplace_back(ArmTimer{TimerKind::contention_backoff, kHostContentionDelay});
                    return out;
                }
                break;  // anything else while bidding is noise
            case State::transferring:
                if (c == kAck) {
                    ++frame_;
                    attempts_ = 1;
                    if (frame_ == frames_.size())
                        finish(out);
                    else
                        send_frame(out);
                } else if (c == kEot) {
                    // LIS1-A 8.3.5 receiver interrupt: the frame is accepted, the receiver wants the line.
                    ++frame_;
                    if (frame_ == frames_.size()) {
                        finish(out);
                    } else {
                        out.emplace_back(Send{std::string(1, kEot)});
                        out.emplace_back(MessageNotDelivered{queue_.front().index, SendFailure::stopped_by_receiver, true});
                        out.emplace_back(SessionEnded{SessionEnd::eot});
                        out.emplace_back(ArmTimer{TimerKind::contention_backoff, kHostContentionDelay});
                        state_ = State::waiting_contention;
                    }
                } else {
                    // LIS1-A 8.3.4: NAK, or any character but ACK and EOT, means retransmit.
                    if (attempts_ >= config_.max_attempts) {
                        out.emplace_back(DecodeError{"astm.too_many_naks", i,
                                                     "frame refused " + std::to_string(attempts_) + " times; session aborted"});
                        give_up(SendFailure::too_many_naks, SessionEnd::aborted, out);
                    } else {
                        ++attempts_;
                        send_frame(out);
                    }
                }
                break;
            case State::idle:
            case State::waiting_busy:
            case State::waiting_contention:
                break;  // not our turn: the driver routes the instrument's bytes to its Receiver
        }
    }
    return out;
}

std::vector<SenderEvent> Sender::on_timeout() {
    std::vector<SenderEvent> out;
    switch (state_) {
        case State::bidding:
        case State::transferring:
            // LIS1-A 8.5.1: no reply within 15 s: send EOT and give up the message.
            give_up(SendFailure::reply_timeout, SessionEnd::timeout, out);
            break;
        case State::waiting_busy:
        case State::waiting_contention:
            state_ = State::idle;
            if (!queue_.empty()) bid(out);
            break;
        case State::idle:
            break;
    }
    return out;
}

}  // namespace protocols::astm
