// libFuzzer target: Modbus register maps built from arbitrary bytes are validated, planned
// and decoded. Checks that every valid map's plan covers each point inside one request
// within the protocol's per-read limits.
#include "protocols/modbus/decode.hpp"
#include "protocols/modbus/read_plan.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>

using namespace protocols::modbus;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    PlanOptions options;
    options.max_register_gap = data[0];
    options.max_bit_gap = static_cast<std::uint16_t>(data[1] * 8);
    std::size_t at = 2;
    constexpr std::size_t kPointBytes = 6;
    RegisterMap map{"fuzz", {}};
    while (at + kPointBytes <= size && map.points.size() < 256) {
        Point p;
        p.name = "p" + std::to_string(map.points.size() % 200);  // duplicates possible on purpose
        p.function = static_cast<Function>(data[at] & 3);
        p.type = static_cast<ValueType>((data[at] >> 2) % 7);
        p.order = static_cast<ByteOrder>((data[at] >> 5) & 3);
        p.address = static_cast<std::uint16_t>(data[at + 1] << 8 | data[at + 2]);
        p.scale = (data[at + 3] % 5 == 0) ? 0.0 : 1.0 / (1 + data[at + 3] % 100);
        p.offset = static_cast<std::int8_t>(data[at + 4]);
        if (data[at + 5] & 1) p.fault_values.push_back(static_cast<std::int8_t>(data[at + 5]));
        map.points.push_back(std::move(p));
        at += kPointBytes;
    }
    std::vector<RegisterBlock> blocks;
    if (validate(map).empty()) {
        const auto plan = plan_reads(map, options);
        for (const Point& p : map.points) {
            bool covered = false;
            for (const ReadRequest& r : plan)
                covered = covered || (r.function == p.function && p.address >= r.start &&
                                      p.address + width(p.type) <= r.start + r.count);
            if (!covered) __builtin_trap();
        }
        for (const ReadRequest& r : plan) {
            if (r.count == 0 || r.count > (is_bit_table(r.function) ? kMaxBitsPerRead : kMaxRegistersPerRead))
                __builtin_trap();
            RegisterBlock b{r.function, r.start, {}};
            for (std::uint16_t k = 0; k < r.count; ++k) {
                std::uint16_t w = 0;
                if (at + 2 <= size) {
                    w = static_cast<std::uint16_t>(data[at] << 8 | data[at + 1]);
                    at += 2;
                }
                b.values.push_back(is_bit_table(r.function) ? (w & 1) : w);
            }
            blocks.push_back(std::move(b));
        }
        for (const Reading& reading : decode_map(map, blocks))
            if (reading.quality == Quality::not_read) __builtin_trap();  // the plan covered everything
    } else {
        (void)decode_map(map, blocks);
    }
    return 0;
}
