// What a codec reports when bytes do not make a valid message. Every decoder returns
// these as values (never throws on bad input); drivers log them and answer NAK/AE/AR.
#pragma once

#include <cstddef>
#include <string>

namespace protocols {

struct DecodeError {
    std::string code;        // stable, dotted: "astm.checksum", "hl7.missing_msh", ...
    std::size_t offset = 0;  // byte offset in the input stream (or message) where it was found
    std::string detail;      // for a person: what was expected and what came

    friend bool operator==(const DecodeError&, const DecodeError&) = default;
};

}  // namespace protocols
