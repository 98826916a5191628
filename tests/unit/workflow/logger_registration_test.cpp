// register_map_problems(): a logger's register map is checked when it is configured, the
// way the poller will load it (a file inside lims.drivers.map_root or in-line JSON), and
// every problem is named by the request field it came from; a file's problems by where
// they are, never by what the file says.
#include "lims/workflow/ingest/logger_registration.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace {

using lims::workflow::ingest::MapProblem;

const std::string kFixtures = std::string(LIMS_SOURCE_DIR) + "/fixtures/messages/modbus/";

// Map files may lie in the source tree's fixtures/ (lims.drivers.map_root).
drivers::DevicePolicy maps_in(const std::string& root) {
    auto policy = drivers::make_device_policy("", "", root);
    if (auto* why = std::get_if<std::string>(&policy)) throw std::runtime_error(*why);
    return std::get<drivers::DevicePolicy>(policy);
}
const drivers::DevicePolicy kPolicy = maps_in(std::string(LIMS_SOURCE_DIR) + "/fixtures");

std::vector<MapProblem> register_map_problems(const lims::store::LoggerPollingFields& f) {
    return lims::workflow::ingest::register_map_problems(f, kPolicy);
}

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
    auto missing = register_map_problems(with_file(kFixtures + "nonexistent.json"));
    EXPECT_TRUE(names(missing, "map_file", "cannot read " + kFixtures + "nonexistent.json")) << describe(missing);
    // A directory or a device named by mistake is not read (it could block or never end).
    EXPECT_TRUE(names(register_map_problems(with_file(kFixtures)), "map_file", "cannot read"));

    const auto root = std::filesystem::temp_directory_path() / ("lims-map-big-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root);
    {
        std::ofstream out(root / "big.json");
        out << std::string((1 << 20) + 10, ' ');
    }
    auto large = lims::workflow::ingest::register_map_problems(with_file("big.json"), maps_in(root.string()));
    std::filesystem::remove_all(root);
    EXPECT_TRUE(names(large, "map_file", "larger than")) << describe(large);

    // Where each problem is, never what the file says there (point names, values, keys).
    auto invalid = register_map_problems(with_file(kFixtures + "invalid_map.json"));
    ASSERT_EQ(invalid.size(), 1u) << describe(invalid);
    EXPECT_TRUE(names(invalid, "map_file", "invalid_map.json is not a usable register map: ")) << describe(invalid);
    EXPECT_TRUE(names(invalid, "map_file", "points[0].address")) << describe(invalid);
    EXPECT_TRUE(names(invalid, "map_file", "points[3]")) << describe(invalid);
    EXPECT_TRUE(names(invalid, "map_file", "register_map")) << describe(invalid);  // where to see the details
    for (const char* content : {"temp", "scaling", "40001", "float", "abcd", "flow", "mistakes"})
        EXPECT_EQ(invalid[0].problem.find(content), std::string::npos) << content << ": " << describe(invalid);
}

TEST(LoggerRegistration, NoFileOutsideTheMapRootIsReadOrLookedAt) {
    for (const char* outside : {"/dev/zero", "/etc/passwd", "/nonexistent/fl20.json"}) {
        auto p = register_map_problems(with_file(outside));
        EXPECT_TRUE(names(p, "map_file", "must lie inside lims.drivers.map_root")) << describe(p);
        EXPECT_EQ(p.size(), 1u) << describe(p);
    }
    // The same answer whether or not the file exists: nothing is said about it.
    auto exists = register_map_problems(with_file("/etc/passwd"))[0].problem;
    auto absent = register_map_problems(with_file("/etc/no-such-file"))[0].problem;
    EXPECT_EQ(exists, absent);
    auto up = register_map_problems(with_file("messages/../../CMakeLists.txt"));
    EXPECT_TRUE(names(up, "map_file", "must not contain \"..\"")) << describe(up);
    auto unset = lims::workflow::ingest::register_map_problems(with_file(kFixtures + "freezer_logger.json"),
                                                               drivers::DevicePolicy{});
    EXPECT_TRUE(names(unset, "map_file", "lims.drivers.map_root is not set")) << describe(unset);
    // In-line maps need no root.
    EXPECT_TRUE(lims::workflow::ingest::register_map_problems(with_json(R"({"points": [{"name": "t",
        "function": "input_registers", "address": 0, "type": "int16", "unit": "Cel"}]})"),
                                                              drivers::DevicePolicy{})
                    .empty());
}

TEST(LoggerRegistration, APollingAddressOutsideTheAllowlistIsNamed) {
    auto f = with_file(kFixtures + "freezer_logger.json");
    auto p = lims::workflow::ingest::polling_problems(f, kPolicy);  // 127.0.0.1 is not a private range
    EXPECT_TRUE(names(p, "address", "is not allowed by lims.drivers.allow")) << describe(p);
    f.address = "10.0.0.21:502";
    EXPECT_TRUE(lims::workflow::ingest::polling_problems(f, kPolicy).empty())
        << describe(lims::workflow::ingest::polling_problems(f, kPolicy));
    f.transport = "modbus_rtu";
    f.address = "/dev/ttyUSB0";
    EXPECT_TRUE(lims::workflow::ingest::polling_problems(f, kPolicy).empty());
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
    // A file's point names are its content: not listed (an in-line map's are).
    EXPECT_TRUE(names(p, "point", "no point \"door\"")) << describe(p);
    EXPECT_FALSE(names(p, "point", "chamber_temperature")) << describe(p);
    auto inline_map = register_map_problems(with_json(R"({"points": [
        {"name": "t", "function": "holding_registers", "address": 0, "type": "int16", "unit": "Cel"}]})", "door"));
    EXPECT_TRUE(names(inline_map, "point", "no point \"door\" (it has t)")) << describe(inline_map);
    auto humidity = register_map_problems(with_json(R"({"points": [
        {"name": "rh", "function": "holding_registers", "address": 0, "type": "uint16", "unit": "%RH"}]})"));
    EXPECT_TRUE(names(humidity, "point", "no point in Cel")) << describe(humidity);
}

}  // namespace
