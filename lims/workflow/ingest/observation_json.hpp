// An observation as JSON and back: how ingest keeps it beside quarantine entries and
// observation rows, and how the ingest API and the gateway carry it. Field names are
// protocols::Observation's own.
#pragma once

#include "lims/domain/result.hpp"
#include "protocols/observation.hpp"

#include <Poco/JSON/Object.h>

#include <string>

namespace lims::workflow::ingest {

Poco::JSON::Object::Ptr observation_to_object(const protocols::Observation& observation);
std::string observation_json(const protocols::Observation& observation);

// Every field optional except test_code; strings only (arrays of strings for
// abnormal_flags and comments). Errors: ingest.bad_observation naming the field.
domain::Result<protocols::Observation> observation_from_object(const Poco::JSON::Object& object);
domain::Result<protocols::Observation> observation_from_json(const std::string& json);

}  // namespace lims::workflow::ingest
