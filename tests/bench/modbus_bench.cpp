// Modbus decoding throughput: a 120-point logger map (int16 temperatures, uint16 humidity,
// float32 in two byte orders, fault values) decoded from the blocks its read plan asks for.
#include "protocols/modbus/decode.hpp"
#include "protocols/modbus/read_plan.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace protocols::modbus;

RegisterMap logger_map() {
    RegisterMap map{"bench", {}};
    std::uint16_t address = 0;
    for (int i = 0; i < 120; ++i) {
        Point p;
        p.name = "p" + std::to_string(i);
        switch (i % 4) {
        case 0: p.type = ValueType::int16; p.scale = 0.1; p.fault_values = {-32768, 32767}; break;
        case 1: p.type = ValueType::uint16; p.scale = 0.1; break;
        case 2: p.type = ValueType::float32; p.order = ByteOrder::CDAB; break;
        case 3: p.type = ValueType::float32; p.order = ByteOrder::ABCD; p.offset = -1.0; break;
        }
        p.address = address;
        address = static_cast<std::uint16_t>(address + width(p.type));
        map.points.push_back(std::move(p));
    }
    return map;
}

void BM_ModbusDecodeMap(benchmark::State& state) {
    const RegisterMap map = logger_map();
    std::vector<RegisterBlock> blocks;
    for (const ReadRequest& r : plan_reads(map)) {
        RegisterBlock b{r.function, r.start, {}};
        for (std::uint16_t k = 0; k < r.count; ++k) b.values.push_back(static_cast<std::uint16_t>(0x41CC + k * 37));
        blocks.push_back(std::move(b));
    }
    for (auto _ : state) {
        auto readings = decode_map(map, blocks);
        benchmark::DoNotOptimize(readings);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(map.points.size()));
    state.counters["requests"] = static_cast<double>(blocks.size());
}
BENCHMARK(BM_ModbusDecodeMap);

void BM_ModbusPlanReads(benchmark::State& state) {
    const RegisterMap map = logger_map();
    for (auto _ : state) {
        auto plan = plan_reads(map);
        benchmark::DoNotOptimize(plan);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(map.points.size()));
}
BENCHMARK(BM_ModbusPlanReads);

}  // namespace

BENCHMARK_MAIN();
