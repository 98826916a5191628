// Modbus value decoding: byte orders pinned with known values, signed registers, scale,
// offset, fault values, and whole maps decoded from read blocks.
#include "protocols/modbus/decode.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using namespace protocols::modbus;

using Words = std::vector<std::uint16_t>;

double raw(ValueType t, ByteOrder o, const Words& w) { return raw_value(t, o, w); }

TEST(ModbusDecode, Float32ByteOrdersPinnedWith123456) {
    // 123456.0f is 0x47F12000.
    EXPECT_EQ(raw(ValueType::float32, ByteOrder::ABCD, {0x47F1, 0x2000}), 123456.0);
    EXPECT_EQ(raw(ValueType::float32, ByteOrder::CDAB, {0x2000, 0x47F1}), 123456.0);
    EXPECT_EQ(raw(ValueType::float32, ByteOrder::BADC, {0xF147, 0x0020}), 123456.0);
    EXPECT_EQ(raw(ValueType::float32, ByteOrder::DCBA, {0x0020, 0xF147}), 123456.0);
}

TEST(ModbusDecode, Float32ByteOrdersPinnedWith25Point5) {
    // 25.5f is 0x41CC0000.
    EXPECT_EQ(raw(ValueType::float32, ByteOrder::ABCD, {0x41CC, 0x0000}), 25.5);
    EXPECT_EQ(raw(ValueType::float32, ByteOrder::CDAB, {0x0000, 0x41CC}), 25.5);
    EXPECT_EQ(raw(ValueType::float32, ByteOrder::BADC, {0xCC41, 0x0000}), 25.5);
    EXPECT_EQ(raw(ValueType::float32, ByteOrder::DCBA, {0x0000, 0xCC41}), 25.5);
    // Reading ABCD data as CDAB gives a different number: the orders are not aliases.
    EXPECT_NE(raw(ValueType::float32, ByteOrder::CDAB, {0x41CC, 0x0000}), 25.5);
}

TEST(ModbusDecode, Integers32) {
    // 123456 = 0x0001E240; -2 = 0xFFFFFFFE.
    EXPECT_EQ(raw(ValueType::uint32, ByteOrder::ABCD, {0x0001, 0xE240}), 123456.0);
    EXPECT_EQ(raw(ValueType::uint32, ByteOrder::CDAB, {0xE240, 0x0001}), 123456.0);
    EXPECT_EQ(raw(ValueType::uint32, ByteOrder::BADC, {0x0100, 0x40E2}), 123456.0);
    EXPECT_EQ(raw(ValueType::uint32, ByteOrder::DCBA, {0x40E2, 0x0100}), 123456.0);
    EXPECT_EQ(raw(ValueType::int32, ByteOrder::ABCD, {0xFFFF, 0xFFFE}), -2.0);
    EXPECT_EQ(raw(ValueType::uint32, ByteOrder::ABCD, {0xFFFF, 0xFFFE}), 4294967294.0);
    EXPECT_EQ(raw(ValueType::int32, ByteOrder::CDAB, {0xFFFE, 0xFFFF}), -2.0);
}

TEST(ModbusDecode, Float64) {
    // 1.5 = 0x3FF8000000000000.
    EXPECT_EQ(raw(ValueType::float64, ByteOrder::ABCD, {0x3FF8, 0, 0, 0}), 1.5);
    EXPECT_EQ(raw(ValueType::float64, ByteOrder::CDAB, {0, 0, 0, 0x3FF8}), 1.5);
    EXPECT_EQ(raw(ValueType::float64, ByteOrder::BADC, {0xF83F, 0, 0, 0}), 1.5);
    EXPECT_EQ(raw(ValueType::float64, ByteOrder::DCBA, {0, 0, 0, 0xF83F}), 1.5);
}

TEST(ModbusDecode, Int16IsSignedSoAFreezerIsNotPlus6553Degrees) {
    Point p{.name = "freezer", .type = ValueType::int16, .scale = 0.1, .unit = "Cel"};
    const Reading r = decode_point(p, Words{0xFF38});  // -200
    EXPECT_EQ(r.quality, Quality::good);
    EXPECT_EQ(r.raw, -200.0);
    EXPECT_EQ(r.value, -20.0);
    p.type = ValueType::uint16;
    EXPECT_EQ(decode_point(p, Words{0xFF38}).value, 6533.6);
    p.type = ValueType::int16;
    p.order = ByteOrder::BADC;
    EXPECT_EQ(decode_point(p, Words{0x38FF}).value, -20.0);
}

TEST(ModbusDecode, ScaleAndOffsetRoundCorrectly) {
    const Point p{.name = "t", .type = ValueType::int16, .scale = 0.1, .offset = -40.0};
    EXPECT_EQ(decode_point(p, Words{615}).value, 21.5);  // 61.5 - 40, no 21.500000000000004
    const Point q{.name = "rh", .type = ValueType::uint16, .scale = 0.01};
    EXPECT_EQ(decode_point(q, Words{4567}).value, 45.67);
    const Point m{.name = "kpa", .type = ValueType::uint16, .scale = 2.5};
    EXPECT_EQ(decode_point(m, Words{4}).value, 10.0);
}

TEST(ModbusDecode, FaultValuesAreSensorFaultsNotNumbers) {
    const Point p{.name = "probe", .type = ValueType::int16, .scale = 0.1, .fault_values = {-32768, 32767}};
    const Reading open_circuit = decode_point(p, Words{0x8000});
    EXPECT_EQ(open_circuit.quality, Quality::sensor_fault);
    EXPECT_EQ(open_circuit.raw, -32768.0);
    EXPECT_FALSE(open_circuit.value.has_value());
    EXPECT_EQ(decode_point(p, Words{0x7FFF}).quality, Quality::sensor_fault);
    EXPECT_EQ(decode_point(p, Words{0x7FFE}).quality, Quality::good);
}

TEST(ModbusDecode, FloatNanIsASensorFault) {
    const Point p{.name = "f", .type = ValueType::float32};
    EXPECT_EQ(decode_point(p, Words{0x7FC0, 0x0000}).quality, Quality::sensor_fault);
}

TEST(ModbusDecode, TooFewWordsIsNotRead) {
    const Point p{.name = "f", .type = ValueType::float32};
    const Reading r = decode_point(p, Words{0x41CC}, 3);
    EXPECT_EQ(r, (Reading{3, Quality::not_read, 0.0, std::nullopt}));
}

TEST(ModbusDecode, MapFromBlocks) {
    const RegisterMap map{"logger", {
        Point{.name = "temp", .function = Function::input_registers, .address = 0, .type = ValueType::int16, .scale = 0.1},
        Point{.name = "flow", .function = Function::holding_registers, .address = 10, .type = ValueType::float32,
              .order = ByteOrder::CDAB},
        Point{.name = "door", .function = Function::discrete_inputs, .address = 3, .type = ValueType::boolean},
        Point{.name = "missing", .function = Function::holding_registers, .address = 13, .type = ValueType::uint32},
    }};
    const std::vector<RegisterBlock> blocks = {
        {Function::holding_registers, 8, {0, 0, 0x0000, 0x41CC, 7}},
        {Function::input_registers, 0, {0x00D7}},
        {Function::discrete_inputs, 0, {0, 0, 0, 1}},
    };
    const auto readings = decode_map(map, blocks);
    ASSERT_EQ(readings.size(), 4u);
    EXPECT_EQ(readings[0].value, 21.5);
    EXPECT_EQ(readings[1].value, 25.5);
    EXPECT_EQ(readings[2].value, 1.0);
    EXPECT_EQ(readings[3].quality, Quality::not_read);  // 13..14 runs past the block's end at 12
    EXPECT_EQ(readings[3].point, 3u);
}

}  // namespace
