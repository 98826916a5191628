#include "drivers/registry.hpp"

#include <gtest/gtest.h>

namespace {

std::string error_of(std::string_view json) {
    auto r = drivers::parse_registry_json(json);
    return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : std::string("(parsed)");
}

TEST(Registry, ParsesInstrumentsAndLoggers) {
    auto r = drivers::parse_registry_json(R"({
      "instruments": [
        {"id": "AU-1", "family": "astm", "transport": "tcp_listen", "address": "0.0.0.0:5000",
         "options": {"framing": "e1381", "max_connections": 2},
         "test_codes": [{"code": "GLU", "test_item": "glucose", "unit": "mmol/L", "factor": "0.0555"}]},
        {"id": "BAL-1", "family": "sics", "transport": "serial", "address": "/dev/ttyUSB0",
         "options": {"serial": "9600,8N1"}}
      ],
      "loggers": [
        {"id": "FRZ-1", "address": "10.0.0.5:502", "unit_id": 3, "map_file": "maps/fl20.json",
         "point": "chamber_temperature", "interval_s": 60, "timeout_ms": 800, "retries": 1,
         "storage_unit": "CR-1"}
      ]})");
    ASSERT_TRUE(std::holds_alternative<drivers::Registry>(r)) << std::get<std::string>(r);
    const auto& reg = std::get<drivers::Registry>(r);
    ASSERT_EQ(reg.instruments.size(), 2u);
    EXPECT_EQ(reg.instruments[0].family, drivers::Family::astm);
    EXPECT_EQ(reg.instruments[0].options.at("max_connections"), "2");
    ASSERT_EQ(reg.instruments[0].test_codes.size(), 1u);
    EXPECT_EQ(reg.instruments[0].test_codes[0].factor, "0.0555");
    EXPECT_EQ(reg.instruments[1].family, drivers::Family::sics);
    ASSERT_EQ(reg.loggers.size(), 1u);
    const auto& l = reg.loggers[0];
    EXPECT_EQ(l.transport, "tcp");
    EXPECT_EQ(l.unit_id, 3);
    EXPECT_EQ(l.interval, std::chrono::seconds(60));
    EXPECT_EQ(l.timeout, std::chrono::milliseconds(800));
    EXPECT_EQ(l.retries, 1);
    EXPECT_EQ(l.storage_unit, "CR-1");
}

TEST(Registry, ErrorsNameTheEntryAndField) {
    EXPECT_NE(error_of("{").find("registry JSON line"), std::string::npos);
    EXPECT_EQ(error_of(R"({"instruments": [{"id": "X", "family": "astm", "transport": "tcp_listen"}]})"),
              "instruments[0] (X): field \"address\" is required");
    EXPECT_EQ(error_of(R"({"instruments": [{"id": "X", "family": "fax", "transport": "t", "address": "a"}]})"),
              "instruments[0] (X): family \"fax\" is not astm, hl7, sics or csv");
    EXPECT_EQ(error_of(R"({"loggers": [{"id": "L", "address": "h:1", "map_file": "m", "unit_id": 300}]})"),
              "loggers[0] (L): field \"unit_id\" must be between 0 and 247, got 300");
    EXPECT_EQ(error_of(R"({"loggers": [{"id": "L", "address": "h:1", "map_file": "m", "interval_s": "soon"}]})"),
              "loggers[0] (L): field \"interval_s\" must be an integer, got \"soon\"");
    EXPECT_EQ(error_of(R"({"loggers": [{"id": "L", "address": "h:1", "map_file": "m", "intervall_s": 5}]})"),
              "loggers[0] (L): unknown field \"intervall_s\"");
    EXPECT_EQ(error_of(R"({"loggers": [{"id": "L", "address": "h:1", "map_file": "m", "transport": "udp"}]})"),
              "loggers[0] (L): transport \"udp\" is not tcp or rtu");
    EXPECT_EQ(error_of(R"({"loggers": [{"id": "L", "address": "h:1", "map_file": "m", "storage_unit": "A",
                           "shipment": "B"}]})"),
              "loggers[0] (L): a logger belongs to a storage_unit or a shipment, not both");
    EXPECT_EQ(error_of(R"({"instruments": "none"})"), "instruments must be an array");
    EXPECT_EQ(error_of(R"({"devices": []})"), "registry: unknown field \"devices\"");
}

TEST(Registry, DuplicateIdsAreRefused) {
    EXPECT_EQ(error_of(R"({"instruments": [{"id": "A", "family": "hl7", "transport": "tcp_listen", "address": "h:1"}],
                          "loggers": [{"id": "A", "address": "h:1", "map_file": "m"}]})"),
              "loggers[0] (A): id \"A\" is used twice");
}

}  // namespace
