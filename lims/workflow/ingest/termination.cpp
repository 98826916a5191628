#include "lims/workflow/ingest/termination.hpp"

namespace lims::workflow::ingest {

bool terminated_normally(std::string_view protocol, std::string_view raw) {
    if (protocol != "astm") return true;
    // The header record fixes the field delimiter: "H|\^&" -> '|'.
    const auto header = raw.find('H');
    if (header == std::string_view::npos || header + 1 >= raw.size()) return true;
    const char field = raw[header + 1];
    // The last record that starts with L (records end with CR).
    std::string_view terminator;
    std::size_t start = 0;
    while (start < raw.size()) {
        auto end = raw.find('\r', start);
        if (end == std::string_view::npos) end = raw.size();
        std::string_view record = raw.substr(start, end - start);
        // Framed (E1381) raw bytes: LF of the previous frame, STX and the frame number.
        while (!record.empty() && (record.front() == '\n' || record.front() == '\x02')) record.remove_prefix(1);
        if (record.size() >= 2 && record[0] >= '0' && record[0] <= '7' && record[1] == 'L') record.remove_prefix(1);
        if (record.size() >= 2 && record[0] == 'L' && record[1] == field) terminator = record;
        start = end + 1;
    }
    if (terminator.empty()) return false;  // a message without its terminator never ended
    // L|1|N: the third field is the termination code.
    const auto first = terminator.find(field);
    const auto second = terminator.find(field, first + 1);
    if (second == std::string_view::npos) return true;  // "L|1": no code, normal by default
    std::string_view code = terminator.substr(second + 1);
    if (const auto next = code.find(field); next != std::string_view::npos) code = code.substr(0, next);
    return code.empty() || code == "N" || code == "F";
}

}  // namespace lims::workflow::ingest
