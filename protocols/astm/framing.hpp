// ASTM E1381 (CLSI LIS1-A) low-level facts shared by the receiver and the sender: the
// control bytes, the standard's timers and limits, the frame checksum and frame encoding.
// Drivers read the constants to size their timers; the codecs use the functions.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace protocols::astm {

// Control characters, LIS1-A clause 6.
inline constexpr char kStx = 0x02;
inline constexpr char kEtx = 0x03;
inline constexpr char kEot = 0x04;
inline constexpr char kEnq = 0x05;
inline constexpr char kAck = 0x06;
inline constexpr char kNak = 0x15;
inline constexpr char kEtb = 0x17;
inline constexpr char kCr = 0x0D;
inline constexpr char kLf = 0x0A;

// Timers, LIS1-A clause 8.5 (timeouts) and 8.2.7 (contention).
inline constexpr std::chrono::seconds kReplyTimeout{15};        // sender waits for ACK/NAK
inline constexpr std::chrono::seconds kReceiveTimeout{30};      // receiver waits for the next frame
inline constexpr std::chrono::seconds kBusyRetryDelay{10};      // ENQ answered by NAK: wait, then re-bid
inline constexpr std::chrono::seconds kInstrumentContentionDelay{1};  // instrument re-bids after >= 1 s
inline constexpr std::chrono::seconds kHostContentionDelay{20};       // host waits before re-bidding (unconfirmed)

// Limits, LIS1-A clauses 8.3.1 and 8.3.4.
inline constexpr std::size_t kMaxFrameText = 240;     // text characters per frame when sending
inline constexpr int kMaxTransmitAttempts = 6;        // a frame NAKed this many times aborts the session
inline constexpr int kFrameNumberModulus = 8;         // FN runs 1..7, 0, 1, ...

// True for the characters LIS1-A forbids inside frame text (clause 8.3.2): SOH, STX, ETX,
// EOT, ENQ, ACK, DLE, NAK, SYN, ETB, LF, DC1-DC4. CR is allowed: it ends a record.
constexpr bool is_forbidden_in_text(unsigned char c) noexcept {
    switch (c) {
        case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06: case 0x0A:
        case 0x10: case 0x11: case 0x12: case 0x13: case 0x14: case 0x15: case 0x16: case 0x17:
            return true;
        default:
            return false;
    }
}

// Sum modulo 256 of the bytes from the frame number through ETX/ETB inclusive (not STX).
std::uint8_t frame_checksum(std::string_view fn_through_terminator) noexcept;

// The two uppercase hexadecimal characters for a checksum ("F4").
std::string checksum_hex(std::uint8_t sum);

// Parses two hexadecimal characters (either case is accepted when receiving).
std::optional<std::uint8_t> parse_checksum(char high, char low) noexcept;

// One complete frame: STX FN text (ETB|ETX) C1 C2 CR LF. `frame_number` is taken mod 8.
std::string encode_frame(int frame_number, std::string_view text, bool last_of_record);

// Frames for a message's records (each ending CR), numbered from `first_frame_number`:
// each record starts a new frame; a record longer than `max_text` continues in ETB frames.
std::vector<std::string> encode_frames(std::string_view records, int first_frame_number = 1,
                                       std::size_t max_text = kMaxFrameText);

}  // namespace protocols::astm
