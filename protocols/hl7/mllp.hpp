// MLLP framing for HL7 v2 over TCP: start block 0x0B, the message, end block 0x1C 0x0D.
// The HL7 driver feeds every read into an MllpDecoder and gets whole messages back,
// however the stream was split or coalesced; mllp_encode() frames what it sends.
#pragma once

#include "protocols/decode_error.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace protocols::hl7 {

// HL7 v2.x Implementation Guide, appendix C (MLLP release 1): <SB> data <EB><CR>.
inline constexpr char kMllpStartBlock = '\x0B';
inline constexpr char kMllpEndBlock = '\x1C';
inline constexpr char kMllpEndCarriageReturn = '\x0D';

// 16 MiB, the largest message the OpenELIS analyzer bridge accepts (LESSONS.md); drivers
// may lower it per interface.
inline constexpr std::size_t kDefaultMaxMessageSize = 16u * 1024u * 1024u;

struct MllpFrame {
    std::string payload;      // the HL7 message, without the block characters
    std::size_t offset = 0;   // stream offset of its start block

    friend bool operator==(const MllpFrame&, const MllpFrame&) = default;
};

// One thing the decoder found: a whole message, or an error with the stream offset.
using MllpEvent = std::variant<MllpFrame, DecodeError>;

// Error codes (DecodeError::code):
//   mllp.outside_frame      bytes between frames (reported once per run, at its first byte)
//   mllp.too_large          a frame grew beyond max_message_size; discarded up to its end
//   mllp.bad_end_block      0x1C not followed by 0x0D; the frame is discarded
//   mllp.unterminated_frame a new start block came before the end block; the old frame is discarded
//   mllp.truncated          finish() found a frame that never ended
class MllpDecoder {
public:
    explicit MllpDecoder(std::size_t max_message_size = kDefaultMaxMessageSize);

    // Consumes all of `bytes`, appending what completed to `out`.
    void feed(std::string_view bytes, std::vector<MllpEvent>& out);
    // The peer closed the connection: reports a frame left open, then resets.
    void finish(std::vector<MllpEvent>& out);

    std::size_t bytes_consumed() const { return consumed_; }
    bool inside_frame() const { return state_ != State::idle; }

private:
    enum class State { idle, in_frame, after_end_block, discarding, discarding_end };

    void start_frame(std::size_t at);

    std::size_t max_size_;
    State state_ = State::idle;
    bool reported_outside_ = false;
    std::string buffer_;
    std::size_t last_frame_size_ = 0;  // a new frame's buffer is reserved at this: one allocation per message
    std::size_t frame_offset_ = 0;
    std::size_t consumed_ = 0;
};

// Frames one message. Fails (mllp.reserved_byte) if the message holds 0x0B or 0x1C,
// which MLLP release 1 cannot carry.
std::variant<std::string, DecodeError> mllp_encode(std::string_view message);

}  // namespace protocols::hl7
