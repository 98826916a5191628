#include "lims/workflow/modbus_map_json.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace lims::workflow {
namespace {

using protocols::modbus::MapError;
using protocols::modbus::Point;
using protocols::modbus::RegisterMap;

constexpr double kMaxAddress = 65535.0;  // 16-bit protocol address

const char* const kKnownPointKeys[] = {"name", "function", "address", "type", "order",
                                       "scale", "offset", "unit", "fault_values", "description"};

bool is_number(const Poco::Dynamic::Var& v) { return v.isNumeric() && !v.isBoolean() && !v.isString(); }

class PointReader {
public:
    PointReader(const Poco::JSON::Object& object, std::string who, std::vector<MapError>& errors)
        : o_(object), who_(std::move(who)), errors_(errors) {}

    void fail(const char* field, std::string message) { errors_.push_back({who_, field, std::move(message)}); }

    // A required or optional string member; nullopt when absent or wrong.
    std::optional<std::string> text(const char* key, bool required) {
        if (!o_.has(key) || o_.get(key).isEmpty()) {
            if (required) fail(key, "missing");
            return std::nullopt;
        }
        const Poco::Dynamic::Var v = o_.get(key);
        if (!v.isString()) {
            fail(key, "expected a string");
            return std::nullopt;
        }
        return v.extract<std::string>();
    }

    std::optional<double> number(const char* key, bool required) {
        if (!o_.has(key) || o_.get(key).isEmpty()) {
            if (required) fail(key, "missing");
            return std::nullopt;
        }
        const Poco::Dynamic::Var v = o_.get(key);
        if (!is_number(v)) {
            fail(key, "expected a number");
            return std::nullopt;
        }
        return v.convert<double>();
    }

    void read_faults(Point& p) {
        if (!o_.has("fault_values")) return;
        const Poco::JSON::Array::Ptr list = o_.getArray("fault_values");
        if (!list) {
            fail("fault_values", "expected an array of numbers");
            return;
        }
        for (std::size_t i = 0; i < list->size(); ++i) {
            const Poco::Dynamic::Var v = list->get(static_cast<unsigned>(i));
            if (!is_number(v)) {
                fail("fault_values", "element " + std::to_string(i) + " is not a number");
                continue;
            }
            p.fault_values.push_back(v.convert<double>());
        }
    }

    void reject_unknown_keys() {
        std::vector<std::string> names;
        o_.getNames(names);
        for (const std::string& n : names) {
            bool known = false;
            for (const char* k : kKnownPointKeys) known = known || n == k;
            if (!known) fail("json", "unknown key \"" + n + "\" (a misspelt option would be ignored silently)");
        }
    }

private:
    const Poco::JSON::Object& o_;
    std::string who_;
    std::vector<MapError>& errors_;
};

Point read_point(const Poco::JSON::Object& o, std::size_t index, std::vector<MapError>& errors) {
    Point p;
    std::string who = "#" + std::to_string(index);
    if (o.has("name") && o.get("name").isString()) who = o.get("name").extract<std::string>();
    PointReader r(o, who, errors);
    r.reject_unknown_keys();
    if (auto name = r.text("name", true)) p.name = *name;
    if (auto f = r.text("function", true)) {
        if (auto parsed = protocols::modbus::function_from_string(*f)) p.function = *parsed;
        else r.fail("function", "\"" + *f + "\" is not holding_registers, input_registers, coils or discrete_inputs");
    }
    if (auto a = r.number("address", true)) {
        if (*a != std::floor(*a) || *a < 0 || *a > kMaxAddress)
            r.fail("address", "must be a whole number from 0 to 65535 (zero-based: \"40001\" is 0)");
        else p.address = static_cast<std::uint16_t>(*a);
    }
    if (auto t = r.text("type", true)) {
        if (auto parsed = protocols::modbus::value_type_from_string(*t)) p.type = *parsed;
        else r.fail("type", "\"" + *t + "\" is not boolean, int16, uint16, int32, uint32, float32 or float64");
    }
    if (auto order = r.text("order", false)) {
        if (auto parsed = protocols::modbus::byte_order_from_string(*order)) p.order = *parsed;
        else r.fail("order", "\"" + *order + "\" is not ABCD, CDAB, BADC or DCBA");
    }
    if (auto s = r.number("scale", false)) p.scale = *s;
    if (auto s = r.number("offset", false)) p.offset = *s;
    if (auto u = r.text("unit", false)) p.unit = *u;
    r.text("description", false);
    r.read_faults(p);
    return p;
}

}  // namespace

std::variant<RegisterMap, std::vector<MapError>> load_modbus_map(std::string_view json) {
    std::vector<MapError> errors;
    Poco::Dynamic::Var root;
    try {
        Poco::JSON::Parser parser;
        root = parser.parse(std::string(json));
    } catch (const Poco::Exception& e) {
        errors.push_back({"", "json", "not valid JSON: " + e.displayText()});
        return errors;
    }
    Poco::JSON::Object::Ptr object;
    try {
        object = root.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    if (!object) {
        errors.push_back({"", "json", "the map must be a JSON object"});
        return errors;
    }
    RegisterMap map;
    if (object->has("name")) {
        if (object->get("name").isString()) map.name = object->get("name").extract<std::string>();
        else errors.push_back({"", "name", "expected a string"});
    }
    const Poco::JSON::Array::Ptr points = object->has("points") ? object->getArray("points") : nullptr;
    if (!points) {
        errors.push_back({"", "points", "expected an array of points"});
        return errors;
    }
    for (std::size_t i = 0; i < points->size(); ++i) {
        const Poco::JSON::Object::Ptr p = points->getObject(static_cast<unsigned>(i));
        if (!p) {
            errors.push_back({"#" + std::to_string(i), "json", "a point must be a JSON object"});
            continue;
        }
        map.points.push_back(read_point(*p, i, errors));
    }
    if (!errors.empty()) return errors;
    errors = protocols::modbus::validate(map);
    if (!errors.empty()) return errors;
    return map;
}

std::string map_problem_places(std::string_view json, const std::vector<MapError>& errors) {
    // The points' names by index, to turn a name (the file's text) into its position.
    std::vector<std::string> names;
    try {
        Poco::JSON::Parser parser;
        auto root = parser.parse(std::string(json)).extract<Poco::JSON::Object::Ptr>();
        auto points = root && root->has("points") ? root->getArray("points") : nullptr;
        for (std::size_t i = 0; points && i < points->size(); ++i) {
            auto point = points->getObject(static_cast<unsigned>(i));
            names.push_back(point && point->has("name") && point->get("name").isString()
                                ? point->getValue<std::string>("name")
                                : "");
        }
    } catch (const Poco::Exception&) {
        // Not JSON, or not an object: the problem is "the file" itself.
    }
    constexpr std::size_t kMaxPlaces = 10;
    std::vector<std::string> places;
    for (const auto& e : errors) {
        std::string place;
        if (e.point.empty()) {
            place = e.field == "json" ? "the file is not a JSON object" : e.field;
        } else {
            place = "points";
            if (e.point[0] == '#') {
                place += "[" + e.point.substr(1) + "]";
            } else {
                auto at = std::find(names.begin(), names.end(), e.point);
                place += at == names.end() ? "" : "[" + std::to_string(at - names.begin()) + "]";
            }
            if (e.field != "json") place += "." + e.field;  // a field name of the map's schema
        }
        if (std::find(places.begin(), places.end(), place) == places.end()) places.push_back(place);
    }
    std::string out = std::to_string(errors.size()) + (errors.size() == 1 ? " problem at " : " problems at ");
    for (std::size_t i = 0; i < places.size() && i < kMaxPlaces; ++i) out += (i == 0 ? "" : ", ") + places[i];
    if (places.size() > kMaxPlaces) out += " and " + std::to_string(places.size() - kMaxPlaces) + " more places";
    return out;
}

}  // namespace lims::workflow
