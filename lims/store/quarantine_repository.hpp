// The quarantine list: observations (or whole messages) from instruments that could not be
// matched to a sample's test, each with its raw message and the reason. The ingest
// workflow adds entries; technicians of the instrument's laboratory list them and resolve
// each once, by assigning it to a test or discarding it with a reason (both audited).
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::store {

struct QuarantineEntry {
    std::int64_t id = 0;
    std::int64_t org_id = 0;
    std::int64_t instrument_id = 0;
    std::string instrument_code;
    std::int64_t raw_message_id = 0;
    int position = 0;  // index of the observation in its message; -1: the message itself
    std::string specimen_id;
    std::string instrument_test_code;
    std::string observation_json;  // the decoded observation, as decoded
    std::string reason_code;       // "ingest.unknown_specimen", ...
    std::string reason;            // for a person
    std::string state;             // open, assigned, discarded
    std::optional<std::string> resolved_by;
    std::optional<std::string> resolved_at;
    std::optional<std::string> resolution_reason;
    std::optional<std::int64_t> result_id;
    std::int64_t version = 1;
    std::string created_at;
};

struct NewQuarantineEntry {
    std::int64_t org_id = 0;
    std::int64_t instrument_id = 0;
    std::int64_t raw_message_id = 0;
    int position = 0;
    std::string specimen_id;
    std::string instrument_test_code;
    std::string observation_json;
    std::string reason_code;
    std::string reason;
};

struct QuarantineQuery {
    std::string org_path_prefix;          // the caller's jurisdiction ("/1/4/"); "" for all
    std::optional<std::string> state;     // open, assigned, discarded
    std::int64_t after_id = 0;            // keyset cursor
    int limit = 50;                       // clamped to 1..max_page_size
};

class QuarantineRepository {
public:
    static constexpr int max_page_size = 500;

    explicit QuarantineRepository(Transaction& tx) : tx_(tx) {}

    // Audited as "quarantine.add" by `actor`.
    StoreResult<std::int64_t> add(const NewQuarantineEntry& entry, const std::string& actor);
    StoreResult<QuarantineEntry> get(std::int64_t id);
    StoreResult<std::vector<QuarantineEntry>> list(const QuarantineQuery& query);
    // Open -> assigned (with the result it became) or discarded (with the reason). Only an
    // open entry can be resolved: a second resolution is store.conflict naming how it was
    // resolved. The caller records the audit entry (it knows the whole story).
    StoreResult<QuarantineEntry> resolve(std::int64_t id, const std::string& new_state, const std::string& by,
                                         const std::string& reason, std::optional<std::int64_t> result_id);

private:
    Transaction& tx_;
};

std::string to_json(const QuarantineEntry& entry);

}  // namespace lims::store
