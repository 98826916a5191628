// Whose records an actor may touch: the one jurisdiction check of every use case. An
// organisation's materialised path ("/1/4/9/") names its subtree; an actor acts on the
// records of organisations whose path lies under its own, whole segments only ("/1/4/"
// covers "/1/4/9/", not "/1/40/"). A record outside is answered like a missing one (the
// use case returns not_found), and an id in a request body that names one is refused as
// that field (invalid), so no answer tells another jurisdiction's records apart from
// missing ones. Called by the use cases of lims/workflow and by the api's thin routes.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <string>

namespace lims::workflow::jurisdiction {

// Path arithmetic: does the subtree `actor_path` cover the record's organisation path?
// An empty or malformed actor path covers nothing.
bool covers(const std::string& actor_path, const std::string& record_path);
inline bool covers(const Actor& actor, const std::string& record_path) { return covers(actor.org_path, record_path); }

// Does the actor's subtree hold organisation `org_id`? false for an unknown organisation;
// errors are the store's.
domain::Result<bool> holds_organisation(store::Transaction& tx, const Actor& actor, std::int64_t org_id);
// The same for an instrument (by its registry code) and a logger (by its serial; a trip
// logger placed in a shipment is also held by the shipment's destination): false for an
// unknown one, so a caller refuses another's exactly like an unknown one.
domain::Result<bool> holds_instrument(store::Transaction& tx, const Actor& actor, const std::string& code);
domain::Result<bool> holds_logger(store::Transaction& tx, const Actor& actor, const std::string& serial);
// The refusal of a body id whose record is not in the actor's subtree (or does not exist:
// the two are answered alike): errors::invalid(field, "<field>.not_in_jurisdiction"),
// 422 naming the field.
domain::Error body_id_refused(const std::string& field, const std::string& what, std::int64_t id);

}  // namespace lims::workflow::jurisdiction
