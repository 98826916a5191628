#include "lims/store/audit.hpp"

#include "lims/store/audit_seal.hpp"
#include "lims/store/database.hpp"
#include "lims/store/sql.hpp"
#include "lims/store/transaction.hpp"

#include "lims/domain/text/sha256.hpp"

#include <algorithm>
#include <optional>

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

namespace {

// Entries are inserted this many to a statement (a transaction has a few; a batch more).
constexpr std::size_t append_rows = 50;

}  // namespace

void append_audit_entries(Transaction& tx, const std::vector<AuditRecord>& records) {
    const std::string& at = tx.now_utc();
    if (tx.dialect() == Dialect::postgresql) {
        // No shared lock: each entry gets its number from the sequence (in the order of
        // `records`: the VALUES rows are evaluated in order) and a row in the seal queue;
        // a sealer gives it its chain position after COMMIT (audit_seal.hpp).
        for (std::size_t from = 0; from < records.size(); from += append_rows) {
            const std::size_t n = std::min(append_rows, records.size() - from);
            std::string text =
                "WITH e AS (INSERT INTO audit_log (seq, at_utc, actor, action, entity_type, entity_id, before_json, "
                "after_json, reason, prev_hash, hash) VALUES ";
            std::vector<SqlParam> params;
            params.reserve(n * 8);
            for (std::size_t i = 0; i < n; ++i) {
                const auto& r = records[from + i];
                const std::size_t p = i * 8;
                text += (i ? ", " : "");
                text += "(nextval('audit_log_entry_numbers')";
                for (std::size_t k = 1; k <= 8; ++k) text += ", $" + std::to_string(p + k);
                text += ", '', '')";
                for (const std::string* v : {&at, &r.actor, &r.action, &r.entity_type, &r.entity_id, &r.before_json,
                                             &r.after_json, &r.reason})
                    params.emplace_back(*v);
            }
            text += " RETURNING seq) INSERT INTO audit_pending (entry_seq) SELECT seq FROM e";
            sql(tx, text, params);
        }
        return;
    }
    // SQLite: BEGIN IMMEDIATE has serialised writers, so the entries are sealed here, in
    // the writer's own transaction (no window between commit and seal).
    auto head = sql(tx, "SELECT last_seq, last_hash, (SELECT coalesce(max(seq), 0) FROM audit_log) FROM audit_head "
                        "WHERE id = 1");
    if (head.rows.empty() || head.rows.front().is_null(1) || head.rows.front().text(1).empty())
        throw Poco::IllegalStateException("audit_head row is missing; run `lims migrate`");
    std::int64_t last_seq = head.rows.front().integer(0);
    std::string last_hash = head.rows.front().take_text(1);
    std::int64_t last_entry = head.rows.front().integer(2);

    std::vector<AuditEntry> chained(records.size());
    std::vector<std::int64_t> numbers(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
        AuditEntry& e = chained[i];
        e.seq = ++last_seq;
        e.at_utc = at;
        e.record = records[i];
        e.prev_hash = std::move(last_hash);
        e.hash = audit_hash(e);
        last_hash = e.hash;
        numbers[i] = ++last_entry;
    }
    for (std::size_t from = 0; from < chained.size(); from += append_rows) {
        const std::size_t n = std::min(append_rows, chained.size() - from);
        std::vector<SqlParam> entries, seals;
        entries.reserve(n * 9);
        seals.reserve(n * 4);
        for (std::size_t i = from; i < from + n; ++i) {
            const auto& e = chained[i];
            entries.emplace_back(numbers[i]);
            for (const std::string* v : {&e.at_utc, &e.record.actor, &e.record.action, &e.record.entity_type,
                                         &e.record.entity_id, &e.record.before_json, &e.record.after_json,
                                         &e.record.reason})
                entries.emplace_back(*v);
            seals.emplace_back(e.seq);
            seals.emplace_back(numbers[i]);
            seals.emplace_back(e.prev_hash);
            seals.emplace_back(e.hash);
        }
        std::string values;
        for (std::size_t i = 0; i < n; ++i) {
            values += i ? ", (" : "(";
            for (std::size_t k = 1; k <= 9; ++k) values += (k > 1 ? ", $" : "$") + std::to_string(i * 9 + k);
            values += ", '', '')";
        }
        sql(tx,
            "INSERT INTO audit_log (seq, at_utc, actor, action, entity_type, entity_id, before_json, after_json, "
            "reason, prev_hash, hash) VALUES " + values,
            entries);
        sql(tx, "INSERT INTO audit_seals (seq, entry_seq, prev_hash, hash) VALUES " + sql_value_rows(n, 4), seals);
    }
    sql(tx, "UPDATE audit_head SET last_seq = $1, last_hash = $2 WHERE id = 1", {last_seq, last_hash});
}

namespace {

// A sealed entry as verify sees it: entry_number is absent when the seal names an entry
// that is not in audit_log (deleted).
struct SealedRow {
    AuditEntry entry;
    std::optional<std::int64_t> entry_number;
};

std::vector<SealedRow> read_page(Transaction& tx, std::int64_t after_seq, std::int64_t limit) {
    auto rows = sql(tx,
                    "SELECT s.seq, a.seq, a.at_utc, a.actor, a.action, a.entity_type, a.entity_id, a.before_json, "
                    "a.after_json, a.reason, s.prev_hash, s.hash FROM audit_seals s "
                    "LEFT JOIN audit_log a ON a.seq = s.entry_seq WHERE s.seq > $1 ORDER BY s.seq LIMIT $2",
                    {after_seq, limit});
    std::vector<SealedRow> out(rows.rows.size());
    for (std::size_t i = 0; i < rows.rows.size(); ++i) {
        auto& row = rows.rows[i];
        auto& e = out[i].entry;
        e.seq = row.integer(0);
        e.prev_hash = row.take_text(10);
        e.hash = row.take_text(11);
        if (row.is_null(1)) continue;
        out[i].entry_number = row.integer(1);
        e.at_utc = row.take_text(2);
        e.record = AuditRecord{row.take_text(3), row.take_text(4), row.take_text(5), row.take_text(6),
                               row.take_text(7), row.take_text(8), row.take_text(9)};
    }
    return out;
}

}  // namespace

StoreResult<std::vector<AuditEntry>> read_audit_entries(Database& db, std::int64_t from_seq, std::int64_t limit) {
    return db.read([&](Transaction& tx) -> StoreResult<std::vector<AuditEntry>> {
        std::vector<AuditEntry> out;
        for (auto& row : read_page(tx, from_seq - 1, limit))
            if (row.entry_number) out.push_back(std::move(row.entry));
        return out;
    });
}

StoreResult<AuditVerification> verify_audit_chain(Database& db) {
    return db.read([&](Transaction& tx) -> StoreResult<AuditVerification> {
        AuditVerification v;
        std::int64_t recorded_head_seq = 0;
        std::string recorded_head_hash;
        if (auto head = sql(tx, "SELECT last_seq, last_hash FROM audit_head WHERE id = 1"); !head.rows.empty()) {
            recorded_head_seq = head.rows.front().integer(0);
            recorded_head_hash = head.rows.front().text(1);
        }
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
            for (std::size_t i = 0; i < page.size(); ++i) {
                const auto& e = page[i].entry;
                if (e.seq != expected_seq) {
                    const std::string missing = e.seq == expected_seq + 1
                                                    ? "audit entry " + std::to_string(expected_seq) + " is missing"
                                                    : "audit entries " + std::to_string(expected_seq) + " to " +
                                                          std::to_string(e.seq - 1) + " are missing";
                    return fail(expected_seq, missing + " (deleted): the chain jumps from " +
                                                  std::to_string(expected_seq - 1) + " to " + std::to_string(e.seq));
                }
                if (!page[i].entry_number) {
                    // The seal is there, the entry it seals is not: name the run of them.
                    std::size_t j = i;
                    while (j + 1 < page.size() && !page[j + 1].entry_number && page[j + 1].entry.seq == page[j].entry.seq + 1)
                        ++j;
                    const std::string which = j == i ? "audit entry " + std::to_string(e.seq) + " is missing"
                                                     : "audit entries " + std::to_string(e.seq) + " to " +
                                                           std::to_string(page[j].entry.seq) + " are missing";
                    return fail(e.seq, which + " (deleted): the chain seals it but audit_log no longer has it");
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
        // Entries committed but not sealed: expected for a moment after their commit (on
        // PostgreSQL); past audit_seal_overdue_after, nobody is sealing, or someone added
        // them behind the application's back.
        if (auto backlog = audit_backlog(tx); backlog.overdue > 0)
            return fail(v.head_seq + 1,
                        std::to_string(backlog.overdue) + " audit entr" + (backlog.overdue == 1 ? "y" : "ies") +
                            " (first: entry number " + std::to_string(backlog.first_overdue_entry) +
                            ") committed more than " + std::to_string(audit_seal_overdue_after.count()) +
                            " s ago " + (backlog.overdue == 1 ? "is" : "are") +
                            " not sealed into the chain: no sealer is running (start `lims serve` or run "
                            "`lims audit seal`), or " + (backlog.overdue == 1 ? "it was" : "they were") +
                            " added outside the application");
        v.intact = true;
        return v;
    });
}

}  // namespace lims::store
