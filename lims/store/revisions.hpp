// The version history of corrected records: each version of a record, complete, with
// who made it and why (registration is version 1). Repositories call record_revision in
// the transaction that writes the version; see README.md "Corrections".
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lims::store {

struct Revision {
    std::string entity_type;
    std::int64_t entity_id = 0;
    std::int64_t version = 0;
    std::string data_json;
    std::string reason;
    std::string actor;
    std::string at_utc;
};

void record_revision(Transaction& tx, const Revision& revision);

std::vector<Revision> revisions_of(Transaction& tx, const std::string& entity_type, std::int64_t entity_id);

}  // namespace lims::store
