#include "protocols/modbus/register_map.hpp"

#include <cmath>
#include <limits>
#include <set>

namespace protocols::modbus {
namespace {

// Protocol addresses are 16 bits (Modbus Application Protocol v1.1b3, 4.4).
constexpr std::uint32_t kAddressSpace = 65536;

bool representable(ValueType t, double v) {
    if (std::isnan(v)) return false;
    auto integral_in = [&](double lo, double hi) { return v == std::floor(v) && v >= lo && v <= hi; };
    switch (t) {
    case ValueType::boolean: return v == 0 || v == 1;
    case ValueType::int16: return integral_in(-32768.0, 32767.0);
    case ValueType::uint16: return integral_in(0.0, 65535.0);
    case ValueType::int32: return integral_in(-2147483648.0, 2147483647.0);
    case ValueType::uint32: return integral_in(0.0, 4294967295.0);
    case ValueType::float32:
        return std::isinf(v) || (std::fabs(v) <= std::numeric_limits<float>::max() &&
                                 static_cast<double>(static_cast<float>(v)) == v);
    case ValueType::float64: return true;
    }
    return false;
}

}  // namespace

std::uint16_t width(ValueType type) {
    switch (type) {
    case ValueType::boolean:
    case ValueType::int16:
    case ValueType::uint16: return 1;
    case ValueType::int32:
    case ValueType::uint32:
    case ValueType::float32: return 2;
    case ValueType::float64: return 4;
    }
    return 1;
}

bool is_bit_table(Function f) { return f == Function::coils || f == Function::discrete_inputs; }

std::vector<MapError> validate(const RegisterMap& map) {
    std::vector<MapError> errors;
    if (map.points.empty()) errors.push_back({"", "points", "the map has no points"});
    std::set<std::string, std::less<>> names;
    for (std::size_t i = 0; i < map.points.size(); ++i) {
        const Point& p = map.points[i];
        const std::string who = p.name.empty() ? "#" + std::to_string(i) : p.name;
        auto fail = [&](const char* field, std::string message) { errors.push_back({who, field, std::move(message)}); };
        if (p.name.empty()) fail("name", "a point needs a name");
        else if (!names.insert(p.name).second) fail("name", "duplicate point name");
        if (is_bit_table(p.function) && p.type != ValueType::boolean)
            fail("type", std::string(to_string(p.function)) + " hold single bits: type must be boolean");
        if (!is_bit_table(p.function) && p.type == ValueType::boolean)
            fail("type", "boolean needs coils or discrete_inputs; registers are int16/uint16/...");
        if (static_cast<std::uint32_t>(p.address) + width(p.type) > kAddressSpace)
            fail("address", "a " + std::string(to_string(p.type)) + " at " + std::to_string(p.address) +
                                " runs past register 65535");
        if (!std::isfinite(p.scale) || p.scale == 0.0) fail("scale", "scale must be a finite, non-zero number");
        if (!std::isfinite(p.offset)) fail("offset", "offset must be a finite number");
        for (const double f : p.fault_values) {
            if (!representable(p.type, f))
                fail("fault_values", "fault value " + std::to_string(f) + " cannot occur in a " +
                                         std::string(to_string(p.type)));
        }
    }
    return errors;
}

std::string_view to_string(Function f) {
    switch (f) {
    case Function::holding_registers: return "holding_registers";
    case Function::input_registers: return "input_registers";
    case Function::coils: return "coils";
    case Function::discrete_inputs: return "discrete_inputs";
    }
    return "holding_registers";
}

std::string_view to_string(ValueType t) {
    switch (t) {
    case ValueType::boolean: return "boolean";
    case ValueType::int16: return "int16";
    case ValueType::uint16: return "uint16";
    case ValueType::int32: return "int32";
    case ValueType::uint32: return "uint32";
    case ValueType::float32: return "float32";
    case ValueType::float64: return "float64";
    }
    return "uint16";
}

std::string_view to_string(ByteOrder o) {
    switch (o) {
    case ByteOrder::ABCD: return "ABCD";
    case ByteOrder::CDAB: return "CDAB";
    case ByteOrder::BADC: return "BADC";
    case ByteOrder::DCBA: return "DCBA";
    }
    return "ABCD";
}

std::optional<Function> function_from_string(std::string_view s) {
    if (s == "holding_registers" || s == "holding") return Function::holding_registers;
    if (s == "input_registers" || s == "input") return Function::input_registers;
    if (s == "coils" || s == "coil") return Function::coils;
    if (s == "discrete_inputs" || s == "discrete") return Function::discrete_inputs;
    return std::nullopt;
}

std::optional<ValueType> value_type_from_string(std::string_view s) {
    for (const ValueType t : {ValueType::boolean, ValueType::int16, ValueType::uint16, ValueType::int32,
                              ValueType::uint32, ValueType::float32, ValueType::float64})
        if (s == to_string(t)) return t;
    if (s == "bool") return ValueType::boolean;
    return std::nullopt;
}

std::optional<ByteOrder> byte_order_from_string(std::string_view s) {
    for (const ByteOrder o : {ByteOrder::ABCD, ByteOrder::CDAB, ByteOrder::BADC, ByteOrder::DCBA})
        if (s == to_string(o)) return o;
    return std::nullopt;
}

}  // namespace protocols::modbus
