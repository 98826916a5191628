// MT-SICS (Mettler-Toledo Standard Interface Command Set) answers from a balance. The
// balance driver feeds serial/TCP bytes to a ResponseDecoder and gets weights, tare/zero
// confirmations, identification and errors back as values.
#pragma once

#include "protocols/decode_error.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace protocols::sics {

// The status token after the command echo (MT-SICS reference manual, level 0 commands).
enum class Status {
    stable,              // "S": stable weight (S, SI, SIR, T, TI) or zero/tare done stable (ZI)
    dynamic,             // "D": non-stable weight (SI, SIR, TI) or zero set while moving (ZI)
    done,                // "A": command executed (Z, I4 and other identification)
    not_executable,      // "I": busy, or no stability within the timeout
    overload,            // "+": above the weighing range (Z, T: above the zero/tare range)
    underload,           // "-": below the weighing range
    parameter_error,     // "L": logical error in the parameters
    syntax_error,        // "ES": the balance did not understand the command
    transmission_error,  // "ET": parity, framing or overflow on the line
    logical_error,       // "EL": command understood but not executable
};

struct Weight {
    std::string value;  // decimal text as sent, sign included: "-0.012", "100.00"
    std::string unit;   // "g", "kg", "mg", "ct", ...

    friend bool operator==(const Weight&, const Weight&) = default;
};

struct Response {
    std::string command;  // echoed identifier: "S", "SI", "Z", "ZI", "T", "TI", "I4"...; empty for ES/ET/EL
    Status status = Status::stable;
    std::optional<Weight> weight;  // for S S / S D / T S / TI S / TI D
    std::string text;              // quoted text of identification answers (I4: serial number)

    friend bool operator==(const Response&, const Response&) = default;
};

// Parses one line without its CR LF. Error codes: sics.empty, sics.bad_status,
// sics.bad_weight (value not a decimal or unit missing), sics.bad_text (unterminated quote),
// sics.trailing (unexpected tokens).
std::variant<Response, DecodeError> parse_response(std::string_view line);

// The longest line we buffer; a longer one is reported (sics.line_too_long) and skipped to
// its LF. MT-SICS answers are well under 100 characters.
inline constexpr std::size_t kDefaultMaxLineLength = 256;

using ResponseEvent = std::variant<Response, DecodeError>;

// Splits a byte stream into lines ending CR LF (a bare LF also ends a line: some
// serial-to-network converters drop the CR) and parses each. Error offsets are stream
// offsets of the line's first byte.
class ResponseDecoder {
public:
    explicit ResponseDecoder(std::size_t max_line_length = kDefaultMaxLineLength);

    void feed(std::string_view bytes, std::vector<ResponseEvent>& out);
    // End of stream: a partial line is reported as sics.truncated.
    void finish(std::vector<ResponseEvent>& out);

private:
    void complete_line(std::vector<ResponseEvent>& out);

    std::size_t max_;
    std::string line_;
    std::size_t line_offset_ = 0;
    std::size_t consumed_ = 0;
    bool skipping_ = false;  // an over-long line: drop bytes up to its LF
};

}  // namespace protocols::sics
