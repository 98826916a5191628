// Loads a Modbus register map from its JSON form (protocols/ has no JSON library). The
// service and the gateway call it when a logger model's map is configured or uploaded;
// the result is validated with protocols::modbus::validate, so a loaded map is usable.
//
// {"name": "...", "points": [{"name": "temperature", "function": "holding_registers",
//   "address": 0, "type": "int16", "order": "ABCD", "scale": 0.1, "offset": 0,
//   "unit": "Cel", "fault_values": [-32768]}]}
// "address" is the zero-based protocol address: holding register "40001" in a vendor
// table is address 0. Only name, function, address and type are required.
#pragma once

#include "protocols/modbus/register_map.hpp"

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lims::workflow {

// Errors name the point (MapError::point) and the field ("address", "type", ...); a JSON
// syntax error has field "json" and the parser's message.
std::variant<protocols::modbus::RegisterMap, std::vector<protocols::modbus::MapError>> load_modbus_map(
    std::string_view json);

// Where load_modbus_map found problems in `json`, without a word of the file's own text
// (no point name, value or parser excerpt): "points[2].address, points[3]" — for a map
// read from a file on the service's machine, whose content an answer must not carry.
std::string map_problem_places(std::string_view json, const std::vector<protocols::modbus::MapError>& errors);

}  // namespace lims::workflow
