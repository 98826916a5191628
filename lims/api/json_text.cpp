#include "lims/api/json_text.hpp"

#include <Poco/JSON/Stringifier.h>
#include <Poco/JSONString.h>

#include <sstream>

namespace lims::api {

Poco::JSON::Object::Ptr newObject() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

std::string toJsonText(const Poco::Dynamic::Var& value) {
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(value, out);
    return out.str();
}

}  // namespace lims::api
