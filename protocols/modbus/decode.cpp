#include "protocols/modbus/decode.hpp"

#include <bit>
#include <cmath>
#include <cstring>

namespace protocols::modbus {
namespace {

constexpr std::uint16_t swap_bytes(std::uint16_t w) { return static_cast<std::uint16_t>((w >> 8) | (w << 8)); }

bool swaps_bytes(ByteOrder o) { return o == ByteOrder::BADC || o == ByteOrder::DCBA; }
bool swaps_words(ByteOrder o) { return o == ByteOrder::CDAB || o == ByteOrder::DCBA; }

// The value's bits with A as the most significant byte, from `n` registers.
std::uint64_t assemble(ByteOrder order, std::span<const std::uint16_t> words, std::size_t n) {
    std::uint64_t bits = 0;
    for (std::size_t k = 0; k < n; ++k) {
        std::uint16_t w = words[swaps_words(order) ? n - 1 - k : k];
        if (swaps_bytes(order)) w = swap_bytes(w);
        bits = (bits << 16) | w;
    }
    return bits;
}

// A scale like 0.1 is not exact in binary: dividing by 10 gives the correctly rounded
// 21.5 where multiplying by 0.1 gives 21.500000000000004.
double apply_scale(double raw, double scale) {
    const double inverse = 1.0 / scale;
    const double rounded = std::round(inverse);
    if (std::fabs(rounded) > 1.0 && std::fabs(inverse - rounded) <= 1e-9 * std::fabs(rounded)) return raw / rounded;
    return raw * scale;
}

}  // namespace

double raw_value(ValueType type, ByteOrder order, std::span<const std::uint16_t> words) {
    switch (type) {
    case ValueType::boolean: return words[0] != 0 ? 1.0 : 0.0;
    case ValueType::uint16: return static_cast<double>(static_cast<std::uint16_t>(assemble(order, words, 1)));
    case ValueType::int16:
        return static_cast<double>(std::bit_cast<std::int16_t>(static_cast<std::uint16_t>(assemble(order, words, 1))));
    case ValueType::uint32: return static_cast<double>(static_cast<std::uint32_t>(assemble(order, words, 2)));
    case ValueType::int32:
        return static_cast<double>(std::bit_cast<std::int32_t>(static_cast<std::uint32_t>(assemble(order, words, 2))));
    case ValueType::float32:
        return static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(assemble(order, words, 2))));
    case ValueType::float64: return std::bit_cast<double>(assemble(order, words, 4));
    }
    return 0.0;
}

Reading decode_point(const Point& point, std::span<const std::uint16_t> words, std::size_t index) {
    Reading r;
    r.point = index;
    if (words.size() < width(point.type)) return r;
    r.raw = raw_value(point.type, point.order, words);
    bool fault = std::isnan(r.raw);
    for (const double f : point.fault_values) fault = fault || f == r.raw;
    if (fault) {
        r.quality = Quality::sensor_fault;
        return r;
    }
    r.quality = Quality::good;
    r.value = apply_scale(r.raw, point.scale) + point.offset;
    return r;
}

std::vector<Reading> decode_map(const RegisterMap& map, std::span<const RegisterBlock> blocks) {
    std::vector<Reading> out;
    out.reserve(map.points.size());
    for (std::size_t i = 0; i < map.points.size(); ++i) {
        const Point& p = map.points[i];
        const std::size_t need = width(p.type);
        std::span<const std::uint16_t> words;
        for (const RegisterBlock& b : blocks) {
            if (b.function != p.function || p.address < b.start) continue;
            const std::size_t at = p.address - b.start;
            if (at + need <= b.values.size()) {
                words = std::span<const std::uint16_t>(b.values).subspan(at, need);
                break;
            }
        }
        out.push_back(decode_point(p, words, i));
    }
    return out;
}

}  // namespace protocols::modbus
