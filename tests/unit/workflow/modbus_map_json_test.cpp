// Modbus maps from JSON: the example maps load, plan and decode their register dumps;
// bad maps are refused with errors naming point and field.
#include "lims/workflow/modbus_map_json.hpp"
#include "protocols/modbus/decode.hpp"
#include "protocols/modbus/read_plan.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

using namespace protocols::modbus;
using lims::workflow::load_modbus_map;

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(LIMS_SOURCE_DIR) + "/fixtures/messages/modbus/" + name, std::ios::binary);
    EXPECT_TRUE(in) << name;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// "<table> <start> <hex words...>" lines; '#' starts a comment.
std::vector<RegisterBlock> read_dump(const std::string& name) {
    std::vector<RegisterBlock> blocks;
    std::istringstream lines(fixture(name));
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream words(line);
        std::string table;
        unsigned start = 0;
        words >> table >> start;
        RegisterBlock b;
        b.function = function_from_string(table).value();
        b.start = static_cast<std::uint16_t>(start);
        std::string hex;
        while (words >> hex) b.values.push_back(static_cast<std::uint16_t>(std::stoul(hex, nullptr, 16)));
        blocks.push_back(std::move(b));
    }
    return blocks;
}

RegisterMap loaded(const std::string& name) {
    auto r = load_modbus_map(fixture(name));
    if (auto* errors = std::get_if<std::vector<MapError>>(&r))
        for (const auto& e : *errors) ADD_FAILURE() << e.point << "." << e.field << ": " << e.message;
    return std::get<RegisterMap>(std::move(r));
}

std::vector<MapError> refused(std::string_view json) {
    auto r = load_modbus_map(json);
    EXPECT_TRUE(std::holds_alternative<std::vector<MapError>>(r)) << json;
    return std::holds_alternative<std::vector<MapError>>(r) ? std::get<std::vector<MapError>>(r)
                                                              : std::vector<MapError>{};
}

// The plan's requests are exactly the blocks in the dump.
void expect_plan_matches_dump(const RegisterMap& map, const std::vector<RegisterBlock>& dump) {
    const auto plan = plan_reads(map);
    ASSERT_EQ(plan.size(), dump.size());
    for (std::size_t i = 0; i < plan.size(); ++i) {
        EXPECT_EQ(plan[i].function, dump[i].function) << i;
        EXPECT_EQ(plan[i].start, dump[i].start) << i;
        EXPECT_EQ(plan[i].count, dump[i].values.size()) << i;
    }
}

TEST(ModbusMapJson, FreezerLoggerLoadsPlansAndDecodes) {
    const RegisterMap map = loaded("freezer_logger.json");
    EXPECT_EQ(map.name, "Freezer logger FL-20 (example)");
    ASSERT_EQ(map.points.size(), 6u);
    EXPECT_EQ(map.points[0].type, ValueType::int16);
    EXPECT_EQ(map.points[0].scale, 0.1);
    EXPECT_EQ(map.points[0].unit, "Cel");
    EXPECT_EQ(map.points[0].fault_values, (std::vector<double>{-32768, 32767}));
    EXPECT_EQ(map.points[0].order, ByteOrder::ABCD);  // the default
    EXPECT_EQ(map.points[4].function, Function::coils);

    const auto dump = read_dump("freezer_logger.dump");
    expect_plan_matches_dump(map, dump);
    const auto r = decode_map(map, dump);
    ASSERT_EQ(r.size(), 6u);
    EXPECT_EQ(r[0].value, -20.0);
    EXPECT_EQ(r[1].quality, Quality::sensor_fault);
    EXPECT_FALSE(r[1].value.has_value());
    EXPECT_EQ(r[2].value, 51.5);
    EXPECT_EQ(r[3].value, 3.71);
    EXPECT_EQ(r[4].value, 1.0);
    EXPECT_EQ(r[5].value, 0.0);
}

TEST(ModbusMapJson, EnergyMeterMixedByteOrders) {
    const RegisterMap map = loaded("energy_meter.json");
    const auto dump = read_dump("energy_meter.dump");
    expect_plan_matches_dump(map, dump);  // gaps of 6 and 8 registers merge into one read
    const auto r = decode_map(map, dump);
    ASSERT_EQ(r.size(), 5u);
    EXPECT_EQ(r[0].value, 25.5);
    EXPECT_EQ(r[1].value, 123.456);
    EXPECT_EQ(r[2].value, 1.5);
    EXPECT_EQ(r[3].value, 123456.0);
    EXPECT_EQ(r[4].raw, -2.0);
    EXPECT_EQ(r[4].value, 98.0);
    EXPECT_EQ(plan_reads(map, PlanOptions{.max_register_gap = 0}).size(), 4u);
}

TEST(ModbusMapJson, InvalidMapNamesEveryMistake) {
    const auto errors = refused(fixture("invalid_map.json"));
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"temp", "address"}, {"rh", "type"}, {"rh", "order"}, {"door", "function"},
        {"flow", "json"},    {"level", "address"}};
    ASSERT_EQ(errors.size(), expected.size());
    for (std::size_t i = 0; i < errors.size(); ++i) {
        EXPECT_EQ(errors[i].point, expected[i].first) << i;
        EXPECT_EQ(errors[i].field, expected[i].second) << i;
    }
    EXPECT_NE(errors[4].message.find("scaling"), std::string::npos);
    EXPECT_NE(errors[5].message.find("zero-based"), std::string::npos);
}

TEST(ModbusMapJson, StructuralErrors) {
    EXPECT_EQ(refused("{not json").at(0).field, "json");
    EXPECT_EQ(refused("[1, 2]").at(0).field, "json");
    EXPECT_EQ(refused("{\"name\": \"x\"}").at(0).field, "points");
    EXPECT_EQ(refused("{\"points\": {}}").at(0).field, "points");
    EXPECT_EQ(refused("{\"points\": [3]}").at(0), (MapError{"#0", "json", "a point must be a JSON object"}));
    EXPECT_EQ(refused("{\"points\": []}").at(0).field, "points");  // validate(): no points
    EXPECT_EQ(refused("{\"name\": 5, \"points\": []}").at(0).field, "name");
}

TEST(ModbusMapJson, FieldTypeErrors) {
    const auto errors = refused(R"({"points": [
        {"function": "coils", "address": 1.5, "type": "boolean"},
        {"name": "s", "function": "holding_registers", "address": 0, "type": "int16", "scale": "0.1",
         "fault_values": [1, "x"]},
        {"name": "b", "function": "holding_registers", "address": 1, "type": "int16", "fault_values": 5},
        {"name": "t", "function": "holding_registers", "address": 2, "type": "int16", "unit": 7}]})");
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"#0", "name"}, {"#0", "address"}, {"s", "scale"}, {"s", "fault_values"}, {"b", "fault_values"},
        {"t", "unit"}};
    ASSERT_EQ(errors.size(), expected.size());
    for (std::size_t i = 0; i < errors.size(); ++i) {
        EXPECT_EQ(errors[i].point, expected[i].first) << i;
        EXPECT_EQ(errors[i].field, expected[i].second) << i;
    }
}

TEST(ModbusMapJson, ValidationRunsAfterLoading) {
    const auto errors = refused(R"({"points": [
        {"name": "a", "function": "holding_registers", "address": 0, "type": "int16"},
        {"name": "a", "function": "coils", "address": 0, "type": "int16"}]})");
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0], (MapError{"a", "name", "duplicate point name"}));
    EXPECT_EQ(errors[1].field, "type");
}

}  // namespace
