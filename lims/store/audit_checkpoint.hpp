// Signed checkpoints of the audit chain (issue 15 item 15). The chain is a hash chain
// without a key: whoever can write the database can rewrite an entry and every hash after
// it, and `lims audit verify` still passes. A checkpoint is the chain head (sequence and
// hash) at a moment, signed with HMAC-SHA256 under a key kept outside the database; an
// operator exports one on a schedule (`lims audit checkpoint`) to a file somewhere the
// database's writers cannot reach, and `lims audit verify --checkpoints FILE` checks that
// every checkpointed entry is still in the chain with the same hash. A rewrite at or
// before a checkpoint, or a chain cut shorter than it, is then found and named.
#pragma once

#include "lims/store/database.hpp"
#include "lims/store/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lims::store {

struct AuditCheckpoint {
    std::int64_t seq = 0;   // the chain head's sequence number when taken
    std::string hash;       // that entry's hash (hex)
    std::string taken_at;   // UTC, when taken
    std::string mac;        // hex HMAC-SHA256 over the three above, under the checkpoint key
};

// The key: at least 32 bytes read from a file (binary or text; one trailing newline is not
// part of it). Errors name the file and what is wrong.
StoreResult<std::string> read_checkpoint_key(const std::string& path);

// The current head, signed. An empty chain has no checkpoint (an error says so).
StoreResult<AuditCheckpoint> take_audit_checkpoint(Database& db, const std::string& key);

// One line of a checkpoints file (JSON object text, no newline), and back.
std::string checkpoint_line(const AuditCheckpoint& checkpoint);
std::optional<AuditCheckpoint> parse_checkpoint_line(std::string_view line);

struct CheckpointVerification {
    std::size_t checked = 0;
    bool intact = true;
    std::size_t bad_line = 0;  // 1-based line of the checkpoints file
    std::string problem;       // names the line, the entry and what does not match
};

// Checks each line of a checkpoints file against the database: a line that is not a
// checkpoint or whose MAC does not match (forged, or another key) fails; so does an entry
// that is missing (the chain was cut) or whose hash differs (rewritten). Stops at the
// first problem. Empty lines are skipped.
StoreResult<CheckpointVerification> verify_audit_checkpoints(Database& db, const std::vector<std::string>& lines,
                                                             const std::string& key);

}  // namespace lims::store
