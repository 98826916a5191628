// MT-SICS commands a host sends to a balance, each one line ending CR LF. The balance
// driver writes these and matches the answers from ResponseDecoder.
#pragma once

#include <string>
#include <string_view>

namespace protocols::sics {

enum class Command {
    weigh_stable,        // S: stable weight
    weigh_immediately,   // SI: weight now, stable or not
    weigh_repeatedly,    // SIR: weight now and then continuously
    zero,                // Z: zero when stable
    zero_immediately,    // ZI: zero now
    tare,                // T: tare when stable
    tare_immediately,    // TI: tare now
    serial_number,       // I4
    reset,               // @: cancel everything; answers with I4
};

std::string_view command_id(Command c);  // "S", "SI", ..., "@"
std::string encode(Command c);           // the line with its CR LF

}  // namespace protocols::sics
