// The append-only, hash-chained audit trail. Every state change and correction adds an
// AuditRecord to its Transaction (Transaction::record); at commit the entries get the
// next sequence numbers and a SHA-256 hash over their canonical serialisation plus the
// previous entry's hash. `lims audit verify` calls verify_audit_chain.
#pragma once

#include "lims/store/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace Poco::Data {
class Session;
}

namespace lims::store {

class Database;
class Transaction;
enum class Dialect;

// What a caller says about a change.
struct AuditRecord {
    std::string actor;        // user name, or "system:<component>"
    std::string action;       // e.g. "sample.register", "sample.correct", "user.create"
    std::string entity_type;  // e.g. "sample"
    std::string entity_id;    // the entity's business key or id, as text
    std::string before_json;  // "" when the entity did not exist
    std::string after_json;   // "" when the entity ceased to exist
    std::string reason;       // required for corrections; may be empty otherwise
};

// A stored entry of the chain.
struct AuditEntry {
    std::int64_t seq = 0;
    std::string at_utc;  // "YYYY-MM-DDTHH:MM:SS.mmmZ"
    AuditRecord record;
    std::string prev_hash;  // hex; genesis_hash for the first entry
    std::string hash;       // hex SHA-256 of prev_hash + canonical_audit_text(entry)
};

// The prev_hash of entry 1.
inline const std::string genesis_hash(64, '0');

// Length-prefixed fields in a fixed order ("lims-audit-v1", seq, time, actor, ...), so no
// two different entries serialise to the same text, whatever characters they contain.
std::string canonical_audit_text(const AuditEntry& entry);

// hex(SHA-256(prev_hash || canonical_audit_text(entry)))
std::string audit_hash(const AuditEntry& entry);

// Appends records to the chain on a session that is inside a write transaction. On
// PostgreSQL it first locks the chain-head row (FOR UPDATE), which serialises appenders
// for the rest of the transaction only — called at commit time, so the lock is short. On
// SQLite, BEGIN IMMEDIATE has already serialised writers. Throws on database errors.
// The entries are stamped with the transaction's time (Transaction::now_utc).
void append_audit_entries(Transaction& tx, const std::vector<AuditRecord>& records);

struct AuditVerification {
    bool intact = false;
    std::int64_t entries_checked = 0;
    std::int64_t head_seq = 0;        // last sequence number in the chain
    std::string head_hash;            // publish this to anchor the chain outside the database
    std::optional<std::int64_t> first_bad_seq;
    std::string problem;              // names the entry and what does not match
};

// Walks the whole chain in sequence order (in pages, so memory stays flat) and stops at
// the first entry whose sequence, previous hash or hash does not match, or at a gap.
StoreResult<AuditVerification> verify_audit_chain(Database& db);

// Reads entries [from_seq, from_seq + limit) for display and tests.
StoreResult<std::vector<AuditEntry>> read_audit_entries(Database& db, std::int64_t from_seq, std::int64_t limit);

}  // namespace lims::store
