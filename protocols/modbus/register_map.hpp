// A Modbus device's register map as data: which registers hold which measurement and how
// to turn raw 16-bit words into a value. The logger driver loads one per device model
// (JSON, see lims/workflow/modbus_map_json.hpp), plans its reads and decodes the answers.
//
// Addresses are the protocol's zero-based numbers as sent on the wire. Vendor tables often
// print "40001" for holding register 0 (and "30001" for input register 0): subtract the
// table's base before writing a map; getting this wrong is the commonest field fault
// (exception 2, illegal data address).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace protocols::modbus {

// Modbus Application Protocol v1.1b3, section 6: the four data tables.
enum class Function {
    holding_registers,  // FC03
    input_registers,    // FC04
    coils,              // FC01
    discrete_inputs,    // FC02
};

enum class ValueType { boolean, int16, uint16, int32, uint32, float32, float64 };

// Where each byte of a value sits, naming the value's bytes A (most significant) to D.
// ABCD: big-endian, registers in order (the Modbus default). CDAB: words swapped.
// BADC: bytes swapped inside each word. DCBA: both (little-endian). For 16-bit values only
// the byte swap matters; for 64-bit values "word swapped" reverses all four registers.
enum class ByteOrder { ABCD, CDAB, BADC, DCBA };

struct Point {
    std::string name{};
    Function function = Function::holding_registers;
    std::uint16_t address = 0;  // zero-based protocol address
    ValueType type = ValueType::uint16;
    ByteOrder order = ByteOrder::ABCD;
    double scale = 1.0;   // value = raw * scale + offset
    double offset = 0.0;
    std::string unit{};
    std::vector<double> fault_values{};  // raw values the device sends for "sensor fault"
};

struct RegisterMap {
    std::string name{};
    std::vector<Point> points{};
};

struct MapError {
    std::string point;  // the point's name (or "#<index>" when it has none); empty for the map
    std::string field;  // "address", "type", "scale", ...
    std::string message;

    friend bool operator==(const MapError&, const MapError&) = default;
};

// Checks a map before use: names present and unique, bit tables typed boolean and register
// tables not, the value fits below address 65535, scale finite and non-zero, offset finite,
// fault values representable in the point's type.
std::vector<MapError> validate(const RegisterMap& map);

// Registers (or bits) a point occupies.
std::uint16_t width(ValueType type);
bool is_bit_table(Function f);

// Names used in maps and logs: "holding_registers", "int16", "ABCD", ...
std::string_view to_string(Function f);
std::string_view to_string(ValueType t);
std::string_view to_string(ByteOrder o);
std::optional<Function> function_from_string(std::string_view s);  // also "holding", "input", "coil", "discrete"
std::optional<ValueType> value_type_from_string(std::string_view s);  // also "bool"
std::optional<ByteOrder> byte_order_from_string(std::string_view s);

}  // namespace protocols::modbus
