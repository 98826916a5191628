#include "protocols/modbus/read_plan.hpp"

#include <algorithm>

namespace protocols::modbus {

std::vector<ReadRequest> plan_reads(const RegisterMap& map, const PlanOptions& options) {
    std::vector<ReadRequest> plan;
    for (const Function f : {Function::holding_registers, Function::input_registers, Function::coils,
                             Function::discrete_inputs}) {
        const bool bits = is_bit_table(f);
        const std::uint32_t limit = std::max<std::uint32_t>(1, bits ? options.max_bits : options.max_registers);
        const std::uint32_t gap = bits ? options.max_bit_gap : options.max_register_gap;

        struct Range {
            std::uint32_t begin, end;  // [begin, end)
        };
        std::vector<Range> ranges;
        for (const Point& p : map.points)
            if (p.function == f) ranges.push_back({p.address, static_cast<std::uint32_t>(p.address) + width(p.type)});
        std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) {
            return a.begin < b.begin || (a.begin == b.begin && a.end < b.end);
        });

        // Greedy: extend the open request while the next range starts within the gap and
        // the whole still fits one read. Each request starts at the first uncovered
        // register and reaches as far as allowed, so no plan needs fewer requests.
        std::uint32_t start = 0, end = 0;
        bool open = false;
        auto close = [&] {
            if (open)
                plan.push_back({f, static_cast<std::uint16_t>(start), static_cast<std::uint16_t>(end - start)});
        };
        for (const Range& r : ranges) {
            if (open && r.end <= end) continue;  // already covered
            if (open && r.begin <= end + gap && r.end - start <= limit) {
                end = std::max(end, r.end);
                continue;
            }
            close();
            open = true;
            // A range overlapping the closed request is read whole again: a value must
            // come from one answer, or its words could come from two different instants.
            start = r.begin;
            end = r.end;
        }
        close();
    }
    return plan;
}

}  // namespace protocols::modbus
