// libFuzzer target: MLLP framing, HL7 parsing, ORU extraction and ACK building on arbitrary
// bytes. Also checks that feeding the stream in chunks gives the same events as feeding it
// whole (the sans-I/O split invariant).
#include "protocols/hl7/ack.hpp"
#include "protocols/hl7/mllp.hpp"
#include "protocols/hl7/oru.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace {

using namespace protocols::hl7;

void digest(std::string_view text, bool tolerate_lf) {
    auto parsed = parse(std::string(text), ParseOptions{.tolerate_lf = tolerate_lf});
    const AckParams params{.code = AckCode::accept, .control_id = "F1", .timestamp = "20240101000000"};
    if (auto* m = std::get_if<Message>(&parsed)) {
        auto obs = observations_from_oru(*m);
        // The arena form (reused across inputs, as a connection reuses it) gives the same.
        static std::vector<protocols::Observation> arena;
        const auto arena_error = observations_from_oru(*m, arena);
        if (auto* e = std::get_if<protocols::DecodeError>(&obs)) {
            if (arena_error != *e || !arena.empty()) __builtin_trap();
        } else if (arena_error || arena != std::get<std::vector<protocols::Observation>>(obs)) {
            __builtin_trap();
        }
        AckParams p = params;
        if (auto* e = std::get_if<protocols::DecodeError>(&obs)) {
            p.code = AckCode::error;
            p.reason = e->detail;
        }
        const std::string ack = build_ack(*m, p);
        // The ACK we write must itself parse.
        if (std::holds_alternative<protocols::DecodeError>(parse(ack))) __builtin_trap();
    } else {
        (void)build_reject_ack(text, std::get<protocols::DecodeError>(parsed), params);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bool tolerate_lf = data[0] & 1;
    const std::size_t chunk = 1 + (data[0] >> 1) % 64;
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    constexpr std::size_t kFuzzMaxMessage = 4096;

    MllpDecoder whole(kFuzzMaxMessage);
    std::vector<MllpEvent> expected;
    whole.feed(bytes, expected);
    whole.finish(expected);

    MllpDecoder pieces(kFuzzMaxMessage);
    std::vector<MllpEvent> got;
    for (std::size_t at = 0; at < bytes.size(); at += chunk) pieces.feed(bytes.substr(at, chunk), got);
    pieces.finish(got);
    if (got != expected) __builtin_trap();

    for (const MllpEvent& e : expected)
        if (const auto* frame = std::get_if<MllpFrame>(&e)) digest(frame->payload, tolerate_lf);
    digest(bytes, tolerate_lf);  // senders without framing: the bytes as one message
    return 0;
}
