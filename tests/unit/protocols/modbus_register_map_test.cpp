// Register map validation and the read planner.
#include "protocols/modbus/read_plan.hpp"
#include "protocols/modbus/register_map.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using namespace protocols::modbus;

Point reg(std::string name, std::uint16_t address, ValueType type = ValueType::int16,
          Function f = Function::holding_registers) {
    return Point{.name = std::move(name), .function = f, .address = address, .type = type};
}

Point bit(std::string name, std::uint16_t address, Function f = Function::coils) {
    return Point{.name = std::move(name), .function = f, .address = address, .type = ValueType::boolean};
}

TEST(ModbusMap, ValidMapHasNoErrors) {
    const RegisterMap map{"ok", {reg("t", 0), reg("f", 1, ValueType::float32), bit("door", 0)}};
    EXPECT_TRUE(validate(map).empty());
}

TEST(ModbusMap, ErrorsNameThePointAndField) {
    RegisterMap map{"bad", {}};
    map.points.push_back(reg("t", 0));
    map.points.push_back(reg("t", 1));                                     // duplicate
    map.points.push_back(reg("", 2));                                      // no name
    map.points.push_back(reg("wide", 65535, ValueType::float32));          // runs past 65535
    map.points.push_back(reg("coil_as_int", 0, ValueType::int16, Function::coils));
    map.points.push_back(reg("bool_register", 5, ValueType::boolean));
    Point zero_scale = reg("zero_scale", 6);
    zero_scale.scale = 0;
    map.points.push_back(zero_scale);
    Point nan_offset = reg("nan_offset", 7);
    nan_offset.offset = std::nan("");
    map.points.push_back(nan_offset);
    Point sentinel = reg("sentinel", 8);
    sentinel.fault_values = {70000};
    map.points.push_back(sentinel);
    const auto errors = validate(map);
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"t", "name"},         {"#2", "name"},         {"wide", "address"},      {"coil_as_int", "type"},
        {"bool_register", "type"}, {"zero_scale", "scale"}, {"nan_offset", "offset"}, {"sentinel", "fault_values"}};
    ASSERT_EQ(errors.size(), expected.size());
    for (std::size_t i = 0; i < errors.size(); ++i) {
        EXPECT_EQ(errors[i].point, expected[i].first) << i;
        EXPECT_EQ(errors[i].field, expected[i].second) << i;
        EXPECT_FALSE(errors[i].message.empty());
    }
}

TEST(ModbusMap, EmptyMapIsAnError) {
    const auto errors = validate(RegisterMap{"empty", {}});
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].field, "points");
}

TEST(ModbusMap, LastRegisterIsUsable) {
    EXPECT_TRUE(validate(RegisterMap{"edge", {reg("last", 65535), reg("pair", 65534, ValueType::uint32)}}).empty());
}

TEST(ModbusMap, NamesRoundTrip) {
    EXPECT_EQ(function_from_string("holding"), Function::holding_registers);
    EXPECT_EQ(function_from_string(to_string(Function::discrete_inputs)), Function::discrete_inputs);
    EXPECT_EQ(function_from_string("40001"), std::nullopt);
    EXPECT_EQ(value_type_from_string("float64"), ValueType::float64);
    EXPECT_EQ(value_type_from_string("bool"), ValueType::boolean);
    EXPECT_EQ(value_type_from_string("float"), std::nullopt);
    EXPECT_EQ(byte_order_from_string("DCBA"), ByteOrder::DCBA);
    EXPECT_EQ(byte_order_from_string("abcd"), std::nullopt);
}

TEST(ModbusPlan, ContiguousPointsShareOneRequestPerTable) {
    const RegisterMap map{"m", {reg("a", 0), reg("b", 1, ValueType::float32), reg("c", 3),
                                reg("i", 0, ValueType::int16, Function::input_registers), bit("d", 4)}};
    EXPECT_EQ(plan_reads(map), (std::vector<ReadRequest>{{Function::holding_registers, 0, 4},
                                                          {Function::input_registers, 0, 1},
                                                          {Function::coils, 4, 1}}));
}

TEST(ModbusPlan, SmallGapsMergeLargeGapsSplit) {
    const RegisterMap map{"m", {reg("a", 0), reg("b", 9), reg("c", 30)}};
    EXPECT_EQ(plan_reads(map), (std::vector<ReadRequest>{{Function::holding_registers, 0, 10},
                                                          {Function::holding_registers, 30, 1}}));
    EXPECT_EQ(plan_reads(map, PlanOptions{.max_register_gap = 0}),
              (std::vector<ReadRequest>{{Function::holding_registers, 0, 1},
                                        {Function::holding_registers, 9, 1},
                                        {Function::holding_registers, 30, 1}}));
    EXPECT_EQ(plan_reads(map, PlanOptions{.max_register_gap = 20}),
              (std::vector<ReadRequest>{{Function::holding_registers, 0, 31}}));
}

TEST(ModbusPlan, At125RegistersARequestSplitsWithoutCuttingAValue) {
    RegisterMap map{"big", {}};
    for (std::uint16_t a = 0; a < 200; a += 2) map.points.push_back(reg("f" + std::to_string(a), a, ValueType::float32));
    const auto plan = plan_reads(map);
    // 124 registers (62 floats) fit; the 63rd float would need registers 124..125.
    EXPECT_EQ(plan, (std::vector<ReadRequest>{{Function::holding_registers, 0, 124},
                                              {Function::holding_registers, 124, 76}}));
    for (const auto& r : plan) EXPECT_LE(r.count, kMaxRegistersPerRead);
}

TEST(ModbusPlan, BitsUpTo2000PerRequest) {
    RegisterMap map{"bits", {}};
    for (std::uint16_t a = 0; a < 2500; ++a) map.points.push_back(bit("b" + std::to_string(a), a, Function::discrete_inputs));
    EXPECT_EQ(plan_reads(map), (std::vector<ReadRequest>{{Function::discrete_inputs, 0, 2000},
                                                          {Function::discrete_inputs, 2000, 500}}));
}

TEST(ModbusPlan, OverlappingAndUnsortedPoints) {
    const RegisterMap map{"m", {reg("hi", 100, ValueType::float64), reg("lo", 3, ValueType::uint32),
                                reg("alias", 4), reg("same", 3, ValueType::int16)}};
    EXPECT_EQ(plan_reads(map), (std::vector<ReadRequest>{{Function::holding_registers, 3, 2},
                                                          {Function::holding_registers, 100, 4}}));
}

TEST(ModbusPlan, EveryPointIsInsideOneRequest) {
    RegisterMap map{"mixed", {}};
    const ValueType types[] = {ValueType::int16, ValueType::float32, ValueType::float64, ValueType::uint32};
    std::uint16_t address = 0;
    for (int i = 0; i < 300; ++i) {
        const ValueType t = types[i % 4];
        map.points.push_back(reg("p" + std::to_string(i), address, t));
        address = static_cast<std::uint16_t>(address + width(t) + (i % 7 == 0 ? 12 : i % 3));
    }
    for (const std::uint16_t gap : {0, 1, 8, 50}) {
        const auto plan = plan_reads(map, PlanOptions{.max_register_gap = gap});
        for (const Point& p : map.points) {
            int covering = 0;
            for (const auto& r : plan)
                if (p.address >= r.start && p.address + width(p.type) <= r.start + r.count) ++covering;
            EXPECT_GE(covering, 1) << p.name << " gap " << gap;
        }
        for (const auto& r : plan) EXPECT_LE(r.count, kMaxRegistersPerRead);
    }
}

}  // namespace
