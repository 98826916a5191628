// Who did something, as people read it: records keep the login of whoever refused an
// application, handed a portion over, closed a risk item or uploaded a file ("planner"); the
// screens show the person ("王芳"). A route adds, beside each such field of its answer,
// "<field>_name" with the account's display name, or null when the login is no person's
// account (a gateway, the system). One read for the whole answer
// (workflow::admin::people_names).
#pragma once

#include "lims/api/body_schema.hpp"
#include "lims/store/database.hpp"

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace lims::api {

// Beside each of `fields` holding a text, wherever it is in `body` (objects within objects
// and arrays), sets "<field>_name"; returns `body`, so a route answers
// Response::json(200, with_person_names(db, record_json(r), kPeople)). A store that cannot be
// read leaves the names null: the record is answered all the same, with its logins.
Poco::JSON::Object::Ptr with_person_names(store::Database& db, Poco::JSON::Object::Ptr body,
                                          const std::vector<std::string>& fields);

// The schema of such a name: "<field>_name", a text or null.
FieldSchema person_name_field(const std::string& field);

}  // namespace lims::api
