#include "protocols/astm/receiver.hpp"

#include <cstdint>
#include <cstring>
#include <utility>

#include "protocols/astm/framing.hpp"

namespace protocols::astm {

namespace {

std::string printable(char c) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7F) return std::string(1, c);
    return std::string("0x") + kHex[u >> 4] + kHex[u & 0x0F];
}

ArmTimer receive_timer() { return ArmTimer{TimerKind::receive, kReceiveTimeout}; }

}  // namespace

Receiver::Receiver(ReceiverConfig config) : config_(config) {
    if (config_.max_message_bytes == 0) config_.max_message_bytes = kDefaultMaxMessageBytes;
}

std::vector<ReceiverEvent> Receiver::feed(std::string_view bytes) {
    std::vector<ReceiverEvent> out;
    feed(bytes, out);
    return out;
}

void Receiver::feed(std::string_view bytes, std::vector<ReceiverEvent>& out) {
    if (phase_ == Phase::awaiting_commit) {
        enqueue(bytes, out);
        return;
    }
    process(bytes, out);
}

void Receiver::error(std::string code, std::size_t offset, std::string detail,
                     std::vector<ReceiverEvent>& out) {
    out.emplace_back(DecodeError{std::move(code), offset, std::move(detail)});
}

void Receiver::enqueue(std::string_view bytes, std::vector<ReceiverEvent>& out) {
    // Bounded: a sender that keeps talking while we commit cannot grow memory without limit.
    std::size_t room = config_.max_message_bytes > queued_.size() ? config_.max_message_bytes - queued_.size() : 0;
    if (bytes.size() > room) {
        if (queue_dropped_ == 0)
            error("astm.input_overflow", offset_ + queued_.size() + room,
                  "bytes arrived while a commit was awaited beyond the queue bound; dropped", out);
        queue_dropped_ += bytes.size() - room;
        bytes = bytes.substr(0, room);
    }
    queued_.append(bytes);
}

void Receiver::process(std::string_view bytes, std::vector<ReceiverEvent>& out) {
    const bool framed = config_.framing == Framing::e1381;
    std::size_t i = 0;
    const std::size_t n = bytes.size();
    while (i < n) {
        if (phase_ == Phase::awaiting_commit) {
            enqueue(bytes.substr(i), out);
            return;
        }
        if (framed && phase_ == Phase::in_frame && part_ == FramePart::text) {
            // Fast path: the run of ordinary text bytes up to the next control character.
            std::size_t j = i;
            unsigned sum = frame_sum_;
            while (j < n) {
                if (n - j >= 8) {
                    // Eight bytes at a time while none is below 0x20 (no control character,
                    // no CR): their sum added in one go (issue 18).
                    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
                    constexpr std::uint64_t kLowBytes = 0x00FF00FF00FF00FFULL;
                    std::uint64_t x;
                    std::memcpy(&x, bytes.data() + j, sizeof x);
                    if (((x - kOnes * 0x20) & ~x & (kOnes * 0x80)) == 0) {
                        const std::uint64_t pairs = (x & kLowBytes) + ((x >> 8) & kLowBytes);
                        sum += static_cast<unsigned>((pairs * 0x0001000100010001ULL) >> 48);
                        j += 8;
                        continue;
                    }
                }
                auto b = static_cast<unsigned char>(bytes[j]);
                if (b < 0x20 && (b == kEtx || b == kEtb || b == kEot || is_forbidden_in_text(b))) break;
                sum += b;
                ++j;
            }
            if (j > i) {
                frame_sum_ = sum;
                store_frame_bytes(bytes.substr(i, j - i), out);
                offset_ += j - i;
                i = j;
                continue;
            }
        }
        if (framed)
            process_framed_byte(bytes[i], out);
        else
            process_bare_byte(bytes[i], out);
        ++offset_;
        ++i;
    }
}

void Receiver::store_frame_bytes(std::string_view run, std::vector<ReceiverEvent>& out) {
    if (frame_oversize_ || rejecting_) return;  // counted, not kept: memory stays bounded
    if (raw_.size() + frame_.size() + run.size() > config_.max_message_bytes) {
        std::size_t fits = config_.max_message_bytes - std::min(config_.max_message_bytes, raw_.size() + frame_.size());
        error("astm.message_too_large", offset_ + fits,
              "message exceeds " + std::to_string(config_.max_message_bytes) + " bytes; refused", out);
        frame_oversize_ = true;
        frame_.clear();
        frame_.shrink_to_fit();
        return;
    }
    frame_.append(run);
}

void Receiver::start_frame() {
    phase_ = Phase::in_frame;
    part_ = FramePart::text;
    frame_.clear();
    frame_offset_ = offset_;
    frame_has_control_ = false;
    frame_oversize_ = false;
    frame_sum_ = 0;
    terminator_ = 0;
}

void Receiver::process_framed_byte(char c, std::vector<ReceiverEvent>& out) {
    switch (phase_) {
        case Phase::idle:
            // LIS1-A 8.2: while idle only ENQ matters; everything else is line noise.
            if (c != kEnq) return;
            if (busy_) {
                out.emplace_back(Send{std::string(1, kNak)});
                return;
            }
            out.emplace_back(SessionStarted{});
            out.emplace_back(Send{std::string(1, kAck)});
            out.emplace_back(receive_timer());
            phase_ = Phase::between_frames;
            expected_fn_ = 1;
            last_fn_ = -1;
            rejecting_ = false;
            return;
        case Phase::between_frames:
            if (c == kStx) {
                start_frame();
                frame_.push_back(c);
            } else if (c == kEot) {
                end_session(SessionEnd::eot, out);
            } else if (c == kEnq) {
                // The sender bid again without ending the session: it has given up on it.
                error("astm.enq_in_session", offset_, "ENQ inside a session; the session is ended and a new one begins",
                      out);
                end_session(SessionEnd::aborted, out);
                process_framed_byte(c, out);
            }
            return;  // CR, LF, stray ACK/NAK between frames are ignored
        case Phase::awaiting_commit:
            return;  // unreachable: process() queues instead
        case Phase::in_frame:
            break;
    }
    switch (part_) {
        case FramePart::text: {
            auto b = static_cast<unsigned char>(c);
            if (c == kEtx || c == kEtb) {
                terminator_ = c;
                frame_sum_ += b;
                store_frame_bytes(std::string_view(&c, 1), out);
                part_ = FramePart::checksum_high;
            } else if (c == kEot) {
                error("astm.eot_in_frame", offset_, "EOT before the frame ended; the partial frame is discarded", out);
                frame_.clear();
                end_session(SessionEnd::eot, out);
            } else {
                if (is_forbidden_in_text(b) && !frame_has_control_) {
                    frame_has_control_ = true;
                    frame_control_offset_ = offset_;
                }
                frame_sum_ += b;
                store_frame_bytes(std::string_view(&c, 1), out);
            }
            return;
        }
        case FramePart::checksum_high:
            checksum_high_ = c;
            store_frame_bytes(std::string_view(&c, 1), out);
            part_ = FramePart::checksum_low;
            return;
        case FramePart::checksum_low:
            checksum_low_ = c;
            store_frame_bytes(std::string_view(&c, 1), out);
            part_ = FramePart::cr;
            return;
        case FramePart::cr:
            if (c == kCr) {
                store_frame_bytes(std::string_view(&c, 1), out);
                part_ = FramePart::lf;
            } else {
                malformed_frame(("expected CR after the checksum, got " + printable(c)).c_str(), out);
                process_framed_byte(c, out);
            }
            return;
        case FramePart::lf:
            if (c == kLf) {
                store_frame_bytes(std::string_view(&c, 1), out);
                finish_frame(out);
            } else {
                malformed_frame(("expected LF after CR, got " + printable(c)).c_str(), out);
                process_framed_byte(c, out);
            }
            return;
    }
}

void Receiver::malformed_frame(const char* what, std::vector<ReceiverEvent>& out) {
    error("astm.malformed_frame", offset_, what, out);
    if (!frame_oversize_ && !rejecting_) raw_ += frame_;  // it arrived: keep it with the message
    frame_.clear();
    phase_ = Phase::between_frames;
    if (frame_oversize_) {
        rejecting_ = true;
        drop_message();
    }
    reject_frame(out);
}

void Receiver::reject_frame(std::vector<ReceiverEvent>& out) {
    out.emplace_back(Send{std::string(1, kNak)});
    out.emplace_back(receive_timer());
}

void Receiver::finish_frame(std::vector<ReceiverEvent>& out) {
    phase_ = Phase::between_frames;
    if (frame_oversize_ || rejecting_) {
        if (!rejecting_) {
            rejecting_ = true;
            drop_message();
        }
        reject_frame(out);
        return;
    }
    frame_raw_begin_ = raw_.size();
    raw_ += frame_;

    const std::size_t trailer = frame_.size() - 4;  // C1 C2 CR LF
    const auto sent = parse_checksum(checksum_high_, checksum_low_);
    const auto computed = static_cast<std::uint8_t>(frame_sum_ & 0xFFu);
    if (!sent || *sent != computed) {
        error("astm.checksum", frame_offset_ + trailer,
              "checksum " + checksum_hex(computed) + " computed, frame says " + printable(checksum_high_) +
                  printable(checksum_low_),
              out);
        reject_frame(out);
        return;
    }
    if (frame_has_control_) {
        error("astm.control_char", frame_control_offset_,
              "control character " + printable(frame_[frame_control_offset_ - frame_offset_]) + " inside frame text",
              out);
        reject_frame(out);
        return;
    }
    const char fn_char = frame_.size() > 6 ? frame_[1] : '?';
    if (fn_char < '0' || fn_char > '7') {
        error("astm.frame_number", frame_offset_ + 1, "frame number must be a digit 0-7, got " + printable(fn_char),
              out);
        reject_frame(out);
        return;
    }
    const int fn = fn_char - '0';
    if (fn == expected_fn_) {
        accept_frame(fn, out);
        return;
    }
    if (fn == last_fn_) {
        // LIS1-A 8.3.6: our ACK was lost and the sender repeated the frame; acknowledge, keep once.
        out.emplace_back(Send{std::string(1, kAck)});
        out.emplace_back(receive_timer());
        return;
    }
    error("astm.frame_number", frame_offset_ + 1,
          "expected frame number " + std::to_string(expected_fn_) + ", got " + std::to_string(fn), out);
    reject_frame(out);
}

bool Receiver::frame_may_complete_message(std::string_view text, bool last_of_record) const {
    bool at_start = record_.empty();
    char first = at_start ? '\0' : record_[0];
    for (char c : text) {
        if (at_start) {
            first = c;
            at_start = false;
        }
        if (c == kCr) {
            if (first == 'L') return true;
            at_start = true;
        }
    }
    return last_of_record && !at_start && first == 'L';
}

void Receiver::accept_frame(int fn, std::vector<ReceiverEvent>& out) {
    const std::string_view text = std::string_view(frame_).substr(2, frame_.size() - 7);
    const bool last_of_record = terminator_ == kEtx;
    defer_frame_ = config_.ack_mode == AckMode::after_commit && frame_may_complete_message(text, last_of_record);
    if (defer_frame_) {
        before_commit_ = Snapshot{record_, message_, raw_.substr(0, frame_raw_begin_), message_open_, message_offset_};
    }
    commit_pending_ = false;
    frame_contributed_ = false;
    apply_text(text, last_of_record, out);
    defer_frame_ = false;
    if (commit_pending_) {
        commit_fn_ = fn;
        phase_ = Phase::awaiting_commit;
        out.emplace_back(CancelTimer{});  // the driver's commit is not the sender's delay
        return;
    }
    last_fn_ = fn;
    expected_fn_ = (fn + 1) % kFrameNumberModulus;
    out.emplace_back(Send{std::string(1, kAck)});
    out.emplace_back(receive_timer());
}

void Receiver::apply_text(std::string_view text, bool last_of_record, std::vector<ReceiverEvent>& out) {
    while (!text.empty()) {
        const std::size_t cr = text.find(kCr);
        if (cr == std::string_view::npos) {
            record_.append(text);
            break;
        }
        record_.append(text.substr(0, cr));
        complete_record(out);
        text.remove_prefix(cr + 1);
    }
    // ETX ends the record even when the sender left out the record's own CR.
    if (last_of_record && !record_.empty()) complete_record(out);
}

void Receiver::complete_record(std::vector<ReceiverEvent>& out) {
    if (record_.empty()) return;  // an empty line between records carries nothing
    const bool bare = config_.framing == Framing::bare_records;
    if (record_[0] == 'H' && message_open_) {
        // A new header while a message is open: the previous one lost its L record.
        std::string previous;
        if (frame_contributed_ || bare) {
            previous = std::move(raw_);
            raw_ = bare ? std::string() : frame_;
        } else {
            previous = raw_.substr(0, frame_raw_begin_);
            raw_.erase(0, frame_raw_begin_);
        }
        frame_raw_begin_ = 0;
        finish_message(false, std::move(previous), out);
    }
    if (!message_open_) {
        message_open_ = true;
        message_offset_ = frame_offset_;
        if (!bare && raw_.empty()) raw_ = frame_;  // the frame that closed the previous message opens this one
    }
    message_ += record_;
    message_ += kCr;
    if (bare) {
        raw_ += record_;
        raw_ += kCr;
    }
    const bool terminator = record_[0] == 'L';
    record_.clear();
    frame_contributed_ = true;
    if (terminator) {
        std::string raw = std::move(raw_);
        raw_.clear();
        finish_message(true, std::move(raw), out);
    }
}

void Receiver::finish_message(bool terminated, std::string raw, std::vector<ReceiverEvent>& out) {
    if (!terminated)
        error("astm.missing_terminator", message_offset_, "message ended without an L record; delivered as is", out);
    MessageReceived message;
    message.records = std::move(message_);
    message.raw = std::move(raw);
    message.offset = message_offset_;
    message.terminated = terminated;
    message.awaiting_commit = defer_frame_;
    if (defer_frame_) commit_pending_ = true;
    out.emplace_back(std::move(message));
    message_.clear();
    message_open_ = false;
    frame_contributed_ = false;
}

void Receiver::drop_message() {
    record_.clear();
    message_.clear();
    raw_.clear();
    message_open_ = false;
    record_oversize_ = false;
    record_has_control_ = false;
}

void Receiver::end_session(SessionEnd reason, std::vector<ReceiverEvent>& out) {
    if (!record_.empty())
        error("astm.incomplete_record", offset_, "a record continued with ETB never ended; discarded", out);
    record_.clear();
    if (message_open_) finish_message(false, std::move(raw_), out);
    drop_message();
    rejecting_ = false;
    phase_ = Phase::idle;
    out.emplace_back(CancelTimer{});
    out.emplace_back(SessionEnded{reason});
}

std::vector<ReceiverEvent> Receiver::on_timeout() {
    std::vector<ReceiverEvent> out;
    if (config_.framing == Framing::bare_records) {
        if (message_open_ || !record_.empty()) {
            error("astm.receive_timeout", offset_, "no record within the receive timeout; partial message dropped",
                  out);
            drop_message();
        }
        return out;
    }
    if (phase_ != Phase::between_frames && phase_ != Phase::in_frame) return out;  // stale timer
    // LIS1-A 8.5.1: the receiver discards the incomplete message and returns to idle.
    error("astm.receive_timeout", offset_, "no frame within the receive timeout; partial message dropped", out);
    drop_message();
    frame_.clear();
    rejecting_ = false;
    phase_ = Phase::idle;
    out.emplace_back(SessionEnded{SessionEnd::timeout});
    return out;
}

std::vector<ReceiverEvent> Receiver::commit_succeeded() {
    std::vector<ReceiverEvent> out;
    if (phase_ != Phase::awaiting_commit) {
        error("astm.no_commit_pending", offset_, "commit_succeeded() without a message awaiting commit", out);
        return out;
    }
    last_fn_ = commit_fn_;
    expected_fn_ = (commit_fn_ + 1) % kFrameNumberModulus;
    commit_pending_ = false;
    phase_ = Phase::between_frames;
    out.emplace_back(Send{std::string(1, kAck)});
    out.emplace_back(receive_timer());
    auto more = resume_after_commit();
    out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    return out;
}

std::vector<ReceiverEvent> Receiver::commit_failed() {
    std::vector<ReceiverEvent> out;
    if (phase_ != Phase::awaiting_commit) {
        error("astm.no_commit_pending", offset_, "commit_failed() without a message awaiting commit", out);
        return out;
    }
    // Undo the frame: NAK makes the sender retransmit it, and the message is emitted again.
    record_ = std::move(before_commit_.record);
    message_ = std::move(before_commit_.message);
    raw_ = std::move(before_commit_.raw);
    message_open_ = before_commit_.message_open;
    message_offset_ = before_commit_.message_offset;
    commit_pending_ = false;
    phase_ = Phase::between_frames;
    reject_frame(out);
    auto more = resume_after_commit();
    out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    return out;
}

std::vector<ReceiverEvent> Receiver::resume_after_commit() {
    std::vector<ReceiverEvent> out;
    std::string queued = std::move(queued_);
    queued_.clear();
    const std::size_t dropped = queue_dropped_;
    queue_dropped_ = 0;
    process(queued, out);
    offset_ += dropped;  // the dropped bytes were at the end of the queue
    return out;
}

// --- bare records ---------------------------------------------------------------------

void Receiver::process_bare_byte(char c, std::vector<ReceiverEvent>& out) {
    if (c == kCr) {
        complete_bare_record(out);
        return;
    }
    if (c == kLf && record_.empty() && !record_oversize_ && !record_has_control_) return;  // CR LF line ends
    if (record_.empty() && !record_oversize_ && !record_has_control_) frame_offset_ = offset_;
    auto b = static_cast<unsigned char>(c);
    if (is_forbidden_in_text(b) && !record_has_control_) {
        record_has_control_ = true;
        record_control_offset_ = offset_;
    }
    if (record_oversize_) return;
    // + 2: this byte and the CR that will end the record both count toward the bound.
    if (message_.size() + record_.size() + 2 > config_.max_message_bytes) {
        error("astm.message_too_large", offset_,
              "message exceeds " + std::to_string(config_.max_message_bytes) + " bytes; refused", out);
        record_oversize_ = true;
        record_.clear();
        return;
    }
    record_.push_back(c);
}

void Receiver::complete_bare_record(std::vector<ReceiverEvent>& out) {
    if (record_oversize_) {
        drop_message();  // the error was reported when the bound was crossed
        out.emplace_back(CancelTimer{});
        return;
    }
    if (record_has_control_) {
        error("astm.control_char", record_control_offset_, "control character inside a record; message dropped",
              out);
        drop_message();
        out.emplace_back(CancelTimer{});
        return;
    }
    if (record_.empty()) return;
    frame_raw_begin_ = raw_.size();
    frame_contributed_ = false;
    defer_frame_ = false;
    complete_record(out);
    out.emplace_back(message_open_ ? ReceiverEvent{receive_timer()} : ReceiverEvent{CancelTimer{}});
}

}  // namespace protocols::astm
