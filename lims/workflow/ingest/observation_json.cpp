#include "lims/workflow/ingest/observation_json.hpp"

#include "lims/store/json_text.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <sstream>
#include <utility>

namespace lims::workflow::ingest {

namespace {

using Text = std::string protocols::Observation::*;
using List = std::vector<std::string> protocols::Observation::*;

const std::pair<const char*, Text> kTextFields[] = {
    {"instrument_id", &protocols::Observation::instrument_id},
    {"specimen_id", &protocols::Observation::specimen_id},
    {"test_code", &protocols::Observation::test_code},
    {"test_name", &protocols::Observation::test_name},
    {"universal_test_id", &protocols::Observation::universal_test_id},
    {"value_type", &protocols::Observation::value_type},
    {"value", &protocols::Observation::value},
    {"comparator", &protocols::Observation::comparator},
    {"number", &protocols::Observation::number},
    {"units", &protocols::Observation::units},
    {"reference_range", &protocols::Observation::reference_range},
    {"status", &protocols::Observation::status},
    {"operator_id", &protocols::Observation::operator_id},
    {"observed_at", &protocols::Observation::observed_at},
};

const std::pair<const char*, List> kListFields[] = {
    {"abnormal_flags", &protocols::Observation::abnormal_flags},
    {"comments", &protocols::Observation::comments},
};

domain::Error bad(const std::string& what) { return domain::make_error("ingest.bad_observation", what); }

}  // namespace

Poco::JSON::Object::Ptr observation_to_object(const protocols::Observation& o) {
    Poco::JSON::Object::Ptr j = new Poco::JSON::Object;
    for (const auto& [name, member] : kTextFields) j->set(name, o.*member);
    for (const auto& [name, member] : kListFields) {
        Poco::JSON::Array list;
        for (const auto& item : o.*member) list.add(item);
        j->set(name, list);
    }
    return j;
}

std::string observation_json(const protocols::Observation& o) {
    // Once per observation of every instrument message: written directly, the same text
    // as observation_to_object(o)->stringify() gives (store::JsonObjectText's promise).
    store::JsonObjectText j;
    for (const auto& [name, member] : kTextFields) j.text(name, o.*member);
    for (const auto& [name, member] : kListFields) j.texts(name, o.*member);
    return j.str();
}

domain::Result<protocols::Observation> observation_from_object(const Poco::JSON::Object& j) {
    protocols::Observation o;
    for (const auto& [name, member] : kTextFields) {
        if (!j.has(name)) continue;
        const auto value = j.get(name);
        if (!value.isString()) return bad(std::string(name) + " must be a string");
        o.*member = value.extract<std::string>();
    }
    for (const auto& [name, member] : kListFields) {
        if (!j.has(name)) continue;
        auto list = j.getArray(name);
        if (!list) return bad(std::string(name) + " must be an array of strings");
        for (std::size_t i = 0; i < list->size(); ++i) {
            const auto item = list->get(static_cast<unsigned>(i));
            if (!item.isString()) return bad(std::string(name) + "[" + std::to_string(i) + "] must be a string");
            (o.*member).push_back(item.extract<std::string>());
        }
    }
    if (o.test_code.empty()) return bad("test_code is missing or empty");
    return o;
}

domain::Result<protocols::Observation> observation_from_json(const std::string& json) {
    try {
        Poco::JSON::Parser parser;
        auto parsed = parser.parse(json);
        auto object = parsed.extract<Poco::JSON::Object::Ptr>();
        if (!object) return bad("not a JSON object");
        return observation_from_object(*object);
    } catch (const Poco::Exception& e) {
        return bad("not JSON: " + e.displayText());
    } catch (const std::exception& e) {
        return bad(std::string("not a JSON object: ") + e.what());
    }
}

}  // namespace lims::workflow::ingest
