// register_map_problems(): a logger's register map is checked when it is configured, the
// way the poller will load it (file on this machine or in-line JSON), and every problem is
// named by the request field it came from.
#include "lims/workflow/ingest/logger_registration.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace {

using lims::workflow::ingest::MapProblem;
using lims::workflow::ingest::register_map_problems;

const std::string kFixtures = std::string(LIMS_SOURCE_DIR) + "/fixtures/messages/modbus/";

lims::store::LoggerPollingFields with_file(const std::string& path, const std::string& point = "") {
    lims::store::LoggerPollingFields f;
    f.transport = "modbus_tcp";
    f.address = "127.0.0.1:502";
    f.map_file = path;
    f.point = point;
    return f;
}

lims::store::LoggerPollingFields with_json(const std::string& json, const std::string& point = "") {
    auto f = with_file("", point);
    f.map_json = json;
    return f;
}

bool names(const std::vector<MapProblem>& problems, const std::string& field, const std::string& words) {
    for (const auto& p : problems)
        if (p.field == field && p.problem.find(words) != std::string::npos) return true;
    return false;
}

std::string describe(const std::vector<MapProblem>& problems) {
    std::string out;
    for (const auto& p : problems) out += p.field + ": " + p.problem + "\n";
    return out;
}

TEST(LoggerRegistration, AUsableMapHasNoProblems) {
    EXPECT_TRUE(register_map_problems(with_file(kFixtures + "freezer_logger.json", "chamber_temperature")).empty());
    // No point named: the first point in Cel is taken, and the freezer map has one.
    EXPECT_TRUE(register_map_problems(with_file(kFixtures + "freezer_logger.json")).empty());
    EXPECT_TRUE(register_map_problems(with_json(R"({"points": [{"name": "t", "function": "input_registers",
        "address": 0, "type": "int16", "scale": 0.1, "unit": "Cel"}]})"))
                    .empty());
}

TEST(LoggerRegistration, ExactlyOneMapIsNeeded) {
    auto neither = register_map_problems(with_file(""));
    EXPECT_TRUE(names(neither, "map_file", "exactly one")) << describe(neither);
    auto both = with_file(kFixtures + "freezer_logger.json");
    both.map_json = R"({"points": []})";
    EXPECT_TRUE(names(register_map_problems(both), "map_file", "exactly one"));
}

TEST(LoggerRegistration, AFileThatCannotBeReadOrIsNoMapIsNamed) {
    auto missing = register_map_problems(with_file("/nonexistent/fl20.json"));
    EXPECT_TRUE(names(missing, "map_file", "cannot read /nonexistent/fl20.json")) << describe(missing);
    // A directory or a device named by mistake is not read (it could block or never end).
    EXPECT_TRUE(names(register_map_problems(with_file(kFixtures)), "map_file", "cannot read"));
    EXPECT_TRUE(names(register_map_problems(with_file("/dev/zero")), "map_file", "cannot read"));

    const std::string big = (std::filesystem::temp_directory_path() /
                             ("lims-map-big-" + std::to_string(::getpid()) + ".json"))
                                .string();
    {
        std::ofstream out(big);
        out << std::string((1 << 20) + 10, ' ');
    }
    auto large = register_map_problems(with_file(big));
    std::remove(big.c_str());
    EXPECT_TRUE(names(large, "map_file", "larger than")) << describe(large);

    auto invalid = register_map_problems(with_file(kFixtures + "invalid_map.json"));
    EXPECT_GE(invalid.size(), 4u) << describe(invalid);
    EXPECT_TRUE(names(invalid, "map_file", "invalid_map.json: temp.address")) << describe(invalid);
    EXPECT_TRUE(names(invalid, "map_file", "flow.json: unknown key \"scaling\"")) << describe(invalid);
}

TEST(LoggerRegistration, InlineProblemsNameThePointByIndex) {
    auto p = register_map_problems(with_json(R"({"points": [
        {"name": "t", "function": "holding_registers", "address": 0, "type": "int16", "unit": "Cel"},
        {"name": "rh", "function": "holding", "address": 1, "type": "float24"},
        {"function": "coils", "address": 2, "type": "boolean"}]})"));
    EXPECT_TRUE(names(p, "register_map.points[1].type", "\"float24\" is not")) << describe(p);
    EXPECT_TRUE(names(p, "register_map.points[2].name", "missing")) << describe(p);
    auto syntax = register_map_problems(with_json("{\"points\": ["));
    EXPECT_TRUE(names(syntax, "register_map", "not valid JSON")) << describe(syntax);
    // Valid shapes but a meaning the poller cannot use (protocols::modbus::validate).
    auto meaning = register_map_problems(with_json(R"({"points": [
        {"name": "t", "function": "coils", "address": 0, "type": "int16", "unit": "Cel"}]})"));
    EXPECT_FALSE(meaning.empty());
    EXPECT_EQ(meaning[0].field.rfind("register_map.points[0].", 0), 0u) << describe(meaning);
}

TEST(LoggerRegistration, ThePointMustBeInTheMap) {
    auto p = register_map_problems(with_file(kFixtures + "freezer_logger.json", "door"));
    EXPECT_TRUE(names(p, "point", "no point \"door\" (it has chamber_temperature, ")) << describe(p);
    auto humidity = register_map_problems(with_json(R"({"points": [
        {"name": "rh", "function": "holding_registers", "address": 0, "type": "uint16", "unit": "%RH"}]})"));
    EXPECT_TRUE(names(humidity, "point", "no point in Cel")) << describe(humidity);
}

}  // namespace
