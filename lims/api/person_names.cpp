#include "lims/api/person_names.hpp"

#include "lims/workflow/admin/accounts.hpp"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <map>
#include <set>

namespace lims::api {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

bool named(const std::vector<std::string>& fields, const std::string& key) {
    return std::find(fields.begin(), fields.end(), key) != fields.end();
}

// Calls `visit` with every object in `value`, itself included, depth first.
template <typename Visit>
void each_object(const Poco::Dynamic::Var& value, Visit&& visit) {
    if (value.type() == typeid(Object::Ptr)) {
        Object::Ptr object = value.extract<Object::Ptr>();
        if (!object) return;
        visit(*object);
        for (const auto& [key, inner] : *object) each_object(inner, visit);
    } else if (value.type() == typeid(Array::Ptr)) {
        Array::Ptr array = value.extract<Array::Ptr>();
        if (!array) return;
        for (const auto& inner : *array) each_object(inner, visit);
    }
}

}  // namespace

Object::Ptr with_person_names(store::Database& db, Object::Ptr body, const std::vector<std::string>& fields) {
    if (!body) return body;
    const Poco::Dynamic::Var root(body);
    std::set<std::string> logins;
    each_object(root, [&](Object& o) {
        for (const auto& f : fields)
            if (o.has(f) && o.get(f).isString()) logins.insert(o.getValue<std::string>(f));
    });
    const auto names = workflow::admin::people_names(db, logins);
    each_object(root, [&](Object& o) {
        std::vector<std::pair<std::string, Poco::Dynamic::Var>> added;
        for (const auto& [key, value] : o) {
            if (!named(fields, key)) continue;
            Poco::Dynamic::Var name;
            if (names && value.isString())
                if (auto it = names->find(value.convert<std::string>()); it != names->end()) name = it->second;
            added.emplace_back(key + "_name", name);
        }
        for (auto& [key, value] : added) o.set(key, value);
    });
    return body;
}

FieldSchema person_name_field(const std::string& field) {
    return field::string(field + "_name")
        .orNull()
        .describedAs("The name of the person whose login " + field + " holds; null when it is no person's account");
}

}  // namespace lims::api
