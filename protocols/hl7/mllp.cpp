#include "protocols/hl7/mllp.hpp"

#include <cstring>

namespace protocols::hl7 {

MllpDecoder::MllpDecoder(std::size_t max_message_size) : max_size_(max_message_size) {}

void MllpDecoder::start_frame(std::size_t at) {
    state_ = State::in_frame;
    buffer_.clear();
    // The payload is handed out whole (MllpFrame owns it), so each frame needs its own
    // string; sized like the last one it does not grow (and copy itself) a dozen times.
    buffer_.reserve(last_frame_size_);
    frame_offset_ = at;
    reported_outside_ = false;
}

void MllpDecoder::feed(std::string_view bytes, std::vector<MllpEvent>& out) {
    std::size_t i = 0;
    const std::size_t n = bytes.size();
    while (i < n) {
        const std::size_t at = consumed_ + i;
        switch (state_) {
        case State::idle: {
            const char c = bytes[i++];
            if (c == kMllpStartBlock) {
                start_frame(at);
            } else if (!reported_outside_) {
                reported_outside_ = true;
                out.push_back(DecodeError{"mllp.outside_frame", at,
                                          "bytes outside an MLLP frame (expected start block 0x0B)"});
            }
            break;
        }
        case State::in_frame: {
            // Copy the run of payload bytes up to the next block character in one go.
            const char* begin = bytes.data() + i;
            std::size_t run = n - i;
            const void* end_block = std::memchr(begin, kMllpEndBlock, run);
            const void* start_block = std::memchr(begin, kMllpStartBlock, run);
            const char* stop = nullptr;
            if (end_block) stop = static_cast<const char*>(end_block);
            if (start_block && (!stop || static_cast<const char*>(start_block) < stop))
                stop = static_cast<const char*>(start_block);
            if (stop) run = static_cast<std::size_t>(stop - begin);
            if (buffer_.size() + run > max_size_) {
                const std::size_t fits = max_size_ - buffer_.size();
                out.push_back(DecodeError{"mllp.too_large", at + fits,
                                          "message exceeds " + std::to_string(max_size_) +
                                              " bytes; discarded up to its end block"});
                buffer_.clear();
                buffer_.shrink_to_fit();
                state_ = State::discarding;
                i += fits;
                break;
            }
            buffer_.append(begin, run);
            i += run;
            if (!stop) break;
            const char c = bytes[i++];
            if (c == kMllpEndBlock) {
                state_ = State::after_end_block;
            } else {  // start block inside a frame
                out.push_back(DecodeError{"mllp.unterminated_frame", frame_offset_,
                                          "a new start block came before the end block 0x1C 0x0D"});
                start_frame(consumed_ + i - 1);
            }
            break;
        }
        case State::after_end_block: {
            const char c = bytes[i];
            if (c == kMllpEndCarriageReturn) {
                ++i;
                last_frame_size_ = buffer_.size();
                out.push_back(MllpFrame{std::move(buffer_), frame_offset_});
                buffer_ = std::string();
                state_ = State::idle;
                reported_outside_ = false;
            } else {
                // Leave the byte for the idle state: it may start the next frame.
                out.push_back(DecodeError{"mllp.bad_end_block", at,
                                          "end block 0x1C not followed by 0x0D; frame discarded"});
                buffer_.clear();
                state_ = State::idle;
                reported_outside_ = c != kMllpStartBlock;  // this byte is the fault already reported
                if (reported_outside_) ++i;
            }
            break;
        }
        case State::discarding: {
            const char c = bytes[i++];
            if (c == kMllpEndBlock) {
                state_ = State::discarding_end;
            } else if (c == kMllpStartBlock) {
                start_frame(at);
            }
            break;
        }
        case State::discarding_end: {
            // The oversized frame ends here; its error is already reported.
            state_ = State::idle;
            if (bytes[i] == kMllpEndCarriageReturn) ++i;
            break;
        }
        }
    }
    consumed_ += n;
}

void MllpDecoder::finish(std::vector<MllpEvent>& out) {
    if (state_ == State::in_frame || state_ == State::after_end_block) {
        out.push_back(DecodeError{"mllp.truncated", frame_offset_,
                                  "connection ended inside a frame (no end block 0x1C 0x0D)"});
    }
    buffer_.clear();
    state_ = State::idle;
    reported_outside_ = false;
}

std::variant<std::string, DecodeError> mllp_encode(std::string_view message) {
    for (std::size_t i = 0; i < message.size(); ++i) {
        if (message[i] == kMllpStartBlock || message[i] == kMllpEndBlock) {
            return DecodeError{"mllp.reserved_byte", i,
                               "message holds an MLLP block character (0x0B or 0x1C)"};
        }
    }
    std::string framed;
    framed.reserve(message.size() + 3);
    framed += kMllpStartBlock;
    framed += message;
    framed += kMllpEndBlock;
    framed += kMllpEndCarriageReturn;
    return framed;
}

}  // namespace protocols::hl7
