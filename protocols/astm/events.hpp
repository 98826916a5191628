// What the ASTM E1381 state machines (Receiver, Sender) ask their driver to do or tell it
// happened. Drivers process events in order: write Send bytes, (re)arm or cancel their one
// timer, hand MessageReceived to ingest, log DecodeError values.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <variant>

#include "protocols/decode_error.hpp"

namespace protocols::astm {

// Which of the standard's timers the driver should run (one at a time per state machine;
// arming replaces the previous one). When it fires, call the machine's on_timeout().
enum class TimerKind {
    receive,             // receiver: next frame or EOT due (kReceiveTimeout)
    reply,               // sender: ACK/NAK due (kReplyTimeout)
    busy_retry,          // sender: ENQ was NAKed, re-bid when it fires (kBusyRetryDelay)
    contention_backoff,  // sender: yielded to the instrument, re-bid when it fires (kHostContentionDelay)
};

struct Send {
    std::string bytes;  // ACK, NAK, EOT, ENQ or a frame
    friend bool operator==(const Send&, const Send&) = default;
};

struct ArmTimer {
    TimerKind kind;
    std::chrono::milliseconds after;
    friend bool operator==(const ArmTimer&, const ArmTimer&) = default;
};

struct CancelTimer {
    friend bool operator==(const CancelTimer&, const CancelTimer&) = default;
};

struct SessionStarted {
    friend bool operator==(const SessionStarted&, const SessionStarted&) = default;
};

enum class SessionEnd { eot, timeout, aborted };

struct SessionEnded {
    SessionEnd reason;
    friend bool operator==(const SessionEnded&, const SessionEnded&) = default;
};

// A message from its first record to its L record (or to EOT / a new H when the L never
// came: then `terminated` is false and a DecodeError "astm.missing_terminator" precedes it).
struct MessageReceived {
    std::string records;           // the records' text, each ending CR, ETB frames joined
    std::string raw;               // exactly the frame bytes that arrived for it, NAKed and repeated frames included
    std::size_t offset = 0;        // stream offset of the message's first frame
    bool terminated = true;        // ended by an L record
    bool awaiting_commit = false;  // the completing frame's ACK waits for commit_succeeded()/commit_failed()
    friend bool operator==(const MessageReceived&, const MessageReceived&) = default;
};

// Sender outcomes.
struct MessageDelivered {
    std::size_t message_index = 0;  // the value send() returned
    friend bool operator==(const MessageDelivered&, const MessageDelivered&) = default;
};

enum class SendFailure { too_many_naks, reply_timeout, stopped_by_receiver };

struct MessageNotDelivered {
    std::size_t message_index = 0;
    SendFailure reason;
    bool requeued = false;  // it will be sent again from its first frame at the next bid
    friend bool operator==(const MessageNotDelivered&, const MessageNotDelivered&) = default;
};

// Both sides bid at once; the instrument has priority (LIS1-A 8.2.7). The driver hands the
// instrument's ENQ to its Receiver, which ACKs it; the sender re-bids after its backoff.
struct ContentionYielded {
    std::size_t receiver_bytes_from = 0;  // index in the bytes given to feed(): from the ENQ on, they are the Receiver's
    friend bool operator==(const ContentionYielded&, const ContentionYielded&) = default;
};

using ReceiverEvent =
    std::variant<Send, ArmTimer, CancelTimer, SessionStarted, SessionEnded, MessageReceived, DecodeError>;

using SenderEvent = std::variant<Send, ArmTimer, CancelTimer, SessionStarted, SessionEnded, MessageDelivered,
                                 MessageNotDelivered, ContentionYielded, DecodeError>;

}  // namespace protocols::astm
