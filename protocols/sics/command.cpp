#include "protocols/sics/command.hpp"

namespace protocols::sics {

std::string_view command_id(Command c) {
    switch (c) {
    case Command::weigh_stable: return "S";
    case Command::weigh_immediately: return "SI";
    case Command::weigh_repeatedly: return "SIR";
    case Command::zero: return "Z";
    case Command::zero_immediately: return "ZI";
    case Command::tare: return "T";
    case Command::tare_immediately: return "TI";
    case Command::serial_number: return "I4";
    case Command::reset: return "@";
    }
    return "@";
}

std::string encode(Command c) {
    std::string line(command_id(c));
    line += "\r\n";  // MT-SICS: every command ends CR LF
    return line;
}

}  // namespace protocols::sics
