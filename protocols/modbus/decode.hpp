// Turning raw Modbus registers into engineering values for a RegisterMap. The logger
// driver reads the blocks its read plan asks for and calls decode_map() on the answers;
// readings then become cold-chain samples (or sensor-fault events).
#pragma once

#include "protocols/modbus/register_map.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace protocols::modbus {

// What one read returned: consecutive registers (or bits, one per element, 0 or 1) of one
// table starting at `start`.
struct RegisterBlock {
    Function function = Function::holding_registers;
    std::uint16_t start = 0;
    std::vector<std::uint16_t> values{};
};

enum class Quality {
    good,          // value holds the scaled reading
    sensor_fault,  // the device sent one of the point's fault values, or a float NaN
    not_read,      // no block covered the point's registers
};

struct Reading {
    std::size_t point = 0;  // index into RegisterMap::points
    Quality quality = Quality::not_read;
    double raw = 0.0;              // decoded before scale and offset (0 when not read)
    std::optional<double> value{};   // raw * scale + offset; empty unless quality is good

    friend bool operator==(const Reading&, const Reading&) = default;
};

// The raw number in `words` (words[0] is the register at the point's address), honouring
// type and byte order. `words` must hold width(type) entries.
double raw_value(ValueType type, ByteOrder order, std::span<const std::uint16_t> words);

// One point from the registers starting at its address. Fewer words than the point needs
// gives quality not_read.
Reading decode_point(const Point& point, std::span<const std::uint16_t> words, std::size_t index = 0);

// Every point of the map, in map order, from whatever blocks were read.
std::vector<Reading> decode_map(const RegisterMap& map, std::span<const RegisterBlock> blocks);

}  // namespace protocols::modbus
