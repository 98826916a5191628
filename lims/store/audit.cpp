#include "lims/store/audit.hpp"

#include "lims/store/database.hpp"
#include "lims/store/transaction.hpp"

#include "lims/domain/text/sha256.hpp"

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

constexpr std::string_view canonical_version_tag = "lims-audit-v1";
// Verification reads the chain in pages of this many entries, so memory stays flat.
constexpr std::int64_t verify_page_size = 2000;

void put_field(std::string& out, std::string_view value) {
    out += std::to_string(value.size());
    out += ':';
    out += value;
    out += '\n';
}

}  // namespace

std::string canonical_audit_text(const AuditEntry& e) {
    std::string out;
    out.reserve(256 + e.record.before_json.size() + e.record.after_json.size());
    put_field(out, canonical_version_tag);
    put_field(out, std::to_string(e.seq));
    put_field(out, e.at_utc);
    put_field(out, e.record.actor);
    put_field(out, e.record.action);
    put_field(out, e.record.entity_type);
    put_field(out, e.record.entity_id);
    put_field(out, e.record.before_json);
    put_field(out, e.record.after_json);
    put_field(out, e.record.reason);
    return out;
}

std::string audit_hash(const AuditEntry& e) {
    return domain::sha256_hex({e.prev_hash, canonical_audit_text(e)});
}

void append_audit_entries(Transaction& tx, const std::vector<AuditRecord>& records) {
    // The head row is the chain's lock: on PostgreSQL FOR UPDATE makes concurrent
    // appenders wait here until this transaction commits; taken only now, at commit,
    // so it is held for the last few statements alone.
    const char* head_query = tx.dialect() == Dialect::postgresql
                                 ? "SELECT last_seq, last_hash FROM audit_head WHERE id = 1 FOR UPDATE"
                                 : "SELECT last_seq, last_hash FROM audit_head WHERE id = 1";
    auto head = sql(tx, head_query);
    if (head.rows.empty() || head.rows.front().is_null(1) || head.rows.front().text(1).empty())
        throw Poco::IllegalStateException("audit_head row is missing; run `lims migrate`");
    std::int64_t last_seq = head.rows.front().integer(0);
    std::string last_hash = head.rows.front().take_text(1);

    for (const auto& r : records) {
        AuditEntry e;
        e.seq = last_seq + 1;
        e.at_utc = tx.now_utc();
        e.record = r;
        e.prev_hash = std::move(last_hash);
        e.hash = audit_hash(e);
        sql(tx,
            "INSERT INTO audit_log (seq, at_utc, actor, action, entity_type, entity_id, before_json, after_json, "
            "reason, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            {e.seq, e.at_utc, e.record.actor, e.record.action, e.record.entity_type, e.record.entity_id,
             e.record.before_json, e.record.after_json, e.record.reason, e.prev_hash, e.hash});
        last_seq = e.seq;
        last_hash = std::move(e.hash);
    }
    sql(tx, "UPDATE audit_head SET last_seq = $1, last_hash = $2 WHERE id = 1", {last_seq, last_hash});
}

namespace {

std::vector<AuditEntry> read_page(Transaction& tx, std::int64_t after_seq, std::int64_t limit) {
    std::vector<Poco::Int64> seq;
    std::vector<std::string> at, actor, action, type, id, before, after, reason, prev, hash;
    tx.session() << "SELECT seq, at_utc, actor, action, entity_type, entity_id, before_json, after_json, reason, "
                    "prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        use(after_seq), use(limit), into(seq), into(at), into(actor), into(action), into(type), into(id),
        into(before), into(after), into(reason), into(prev), into(hash), now;
    std::vector<AuditEntry> out(seq.size());
    for (std::size_t i = 0; i < seq.size(); ++i) {
        out[i].seq = seq[i];
        out[i].at_utc = std::move(at[i]);
        out[i].record = AuditRecord{std::move(actor[i]),  std::move(action[i]), std::move(type[i]),
                                    std::move(id[i]),     std::move(before[i]), std::move(after[i]),
                                    std::move(reason[i])};
        out[i].prev_hash = std::move(prev[i]);
        out[i].hash = std::move(hash[i]);
    }
    return out;
}

}  // namespace

StoreResult<std::vector<AuditEntry>> read_audit_entries(Database& db, std::int64_t from_seq, std::int64_t limit) {
    return db.read([&](Transaction& tx) -> StoreResult<std::vector<AuditEntry>> {
        return read_page(tx, from_seq - 1, limit);
    });
}

StoreResult<AuditVerification> verify_audit_chain(Database& db) {
    return db.read([&](Transaction& tx) -> StoreResult<AuditVerification> {
        AuditVerification v;
        std::int64_t recorded_head_seq = 0;
        std::string recorded_head_hash;
        tx.session() << "SELECT last_seq, last_hash FROM audit_head WHERE id = 1", into(recorded_head_seq),
            into(recorded_head_hash), now;
        if (recorded_head_hash.empty()) {
            v.problem = "the audit chain head row is missing (database not migrated, or the row was deleted)";
            return v;
        }
        auto fail = [&](std::int64_t seq, std::string problem) {
            v.first_bad_seq = seq;
            v.problem = std::move(problem);
            return v;
        };
        std::int64_t expected_seq = 1;
        std::string prev_hash = genesis_hash;
        for (;;) {
            auto page = read_page(tx, expected_seq - 1, verify_page_size);
            if (page.empty()) break;
            for (const auto& e : page) {
                if (e.seq != expected_seq) {
                    const std::string missing = e.seq == expected_seq + 1
                                                    ? "audit entry " + std::to_string(expected_seq) + " is missing"
                                                    : "audit entries " + std::to_string(expected_seq) + " to " +
                                                          std::to_string(e.seq - 1) + " are missing";
                    return fail(expected_seq, missing + " (deleted): the chain jumps from " +
                                                  std::to_string(expected_seq - 1) + " to " + std::to_string(e.seq));
                }
                if (e.prev_hash != prev_hash)
                    return fail(e.seq, "audit entry " + std::to_string(e.seq) +
                                           ": prev_hash does not match the hash of entry " +
                                           std::to_string(e.seq - 1));
                if (audit_hash(e) != e.hash)
                    return fail(e.seq, "audit entry " + std::to_string(e.seq) +
                                           ": contents do not match its hash (altered after it was written)");
                prev_hash = e.hash;
                v.head_seq = e.seq;
                v.head_hash = e.hash;
                ++v.entries_checked;
                ++expected_seq;
            }
        }
        if (recorded_head_seq > v.head_seq)
            return fail(v.head_seq + 1, "audit entries " + std::to_string(v.head_seq + 1) + " to " +
                                            std::to_string(recorded_head_seq) +
                                            " are missing (deleted) from the end of the chain");
        if (recorded_head_seq < v.head_seq)
            return fail(recorded_head_seq + 1, "audit entry " + std::to_string(recorded_head_seq + 1) +
                                                   " was added outside the application (the chain head records " +
                                                   std::to_string(recorded_head_seq) + ")");
        if (v.head_seq > 0 && recorded_head_hash != v.head_hash)
            return fail(v.head_seq, "audit entry " + std::to_string(v.head_seq) +
                                        ": hash does not match the chain head record");
        if (v.head_seq == 0) v.head_hash = genesis_hash;
        v.intact = true;
        return v;
    });
}

}  // namespace lims::store
