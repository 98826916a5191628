// libFuzzer target: MT-SICS line decoding and response parsing on arbitrary bytes, whole
// versus chunked (the sans-I/O split invariant).
#include "protocols/sics/response.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t chunk = 1 + data[0] % 32;
    const std::size_t max_line = 8 + data[0] % 120;
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);

    protocols::sics::ResponseDecoder whole(max_line);
    std::vector<protocols::sics::ResponseEvent> expected;
    whole.feed(bytes, expected);
    whole.finish(expected);

    protocols::sics::ResponseDecoder pieces(max_line);
    std::vector<protocols::sics::ResponseEvent> got;
    for (std::size_t at = 0; at < bytes.size(); at += chunk) pieces.feed(bytes.substr(at, chunk), got);
    pieces.finish(got);
    if (got != expected) __builtin_trap();

    for (const auto& e : expected) {
        if (const auto* error = std::get_if<protocols::DecodeError>(&e)) {
            if (error->offset > bytes.size()) __builtin_trap();  // offsets point into the stream
        }
    }
    (void)protocols::sics::parse_response(bytes);
    return 0;
}
