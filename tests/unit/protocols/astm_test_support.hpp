// Helpers shared by the ASTM codec tests: golden vectors from fixtures/messages/astm and a
// driver stand-in that feeds a Receiver in chunks and commits every message it is handed.
#pragma once

#include <fstream>
#include <iterator>
#include <string>
#include <variant>
#include <vector>

#include "protocols/astm/framing.hpp"
#include "protocols/astm/receiver.hpp"

namespace astm_test {

inline std::string read_vector(const std::string& name) {
    std::ifstream in(std::string(LIMS_SOURCE_DIR) + "/fixtures/messages/astm/" + name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Feeds the chunks in order; whenever the receiver holds an ACK for a commit, commits it
// (as the driver does once the message is stored), so every split yields the same events.
inline std::vector<protocols::astm::ReceiverEvent> run_chunks(const std::vector<std::string_view>& chunks,
                                                              protocols::astm::ReceiverConfig config = {}) {
    protocols::astm::Receiver receiver(config);
    std::vector<protocols::astm::ReceiverEvent> events;
    for (std::string_view chunk : chunks) {
        receiver.feed(chunk, events);
        while (receiver.awaiting_commit()) {
            auto more = receiver.commit_succeeded();
            events.insert(events.end(), more.begin(), more.end());
        }
    }
    return events;
}

inline std::vector<protocols::astm::ReceiverEvent> run_whole(std::string_view bytes,
                                                             protocols::astm::ReceiverConfig config = {}) {
    return run_chunks({bytes}, config);
}

// 'A' per ACK, 'N' per NAK, 'E' per EOT written back.
inline std::string replies(const std::vector<protocols::astm::ReceiverEvent>& events) {
    std::string out;
    for (const auto& e : events)
        if (const auto* s = std::get_if<protocols::astm::Send>(&e))
            for (char c : s->bytes)
                out.push_back(c == protocols::astm::kAck ? 'A' : c == protocols::astm::kNak ? 'N' : c == protocols::astm::kEot ? 'E' : '?');
    return out;
}

inline std::vector<protocols::astm::MessageReceived> messages(const std::vector<protocols::astm::ReceiverEvent>& events) {
    std::vector<protocols::astm::MessageReceived> out;
    for (const auto& e : events)
        if (const auto* m = std::get_if<protocols::astm::MessageReceived>(&e)) out.push_back(*m);
    return out;
}

inline std::vector<std::string> error_codes(const std::vector<protocols::astm::ReceiverEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events)
        if (const auto* d = std::get_if<protocols::DecodeError>(&e)) out.push_back(d->code);
    return out;
}

// Records as one message text: each ends CR.
inline std::string records_text(const std::vector<std::string>& records) {
    std::string out;
    for (const auto& r : records) out += r + "\r";
    return out;
}

}  // namespace astm_test
