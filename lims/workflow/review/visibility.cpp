#include "lims/workflow/review/visibility.hpp"

#include "lims/store/sql.hpp"
#include "lims/workflow/jurisdiction.hpp"

#include <Poco/NumberParser.h>

namespace lims::workflow::review {

namespace {

// The owners' paths of the sample the query `target` names (its office and every laboratory
// a shipment of it went to).
std::string of_sample(const std::string& target) {
    return "WITH target(id) AS (" + target +
           ") SELECT o.path FROM organisations o WHERE o.id IN (SELECT s.org_id FROM samples s JOIN target t ON "
           "s.id = t.id UNION SELECT h.to_org_id FROM shipment_items i JOIN shipments h ON h.id = i.shipment_id "
           "JOIN target t ON i.sample_id = t.id)";
}

std::string owner_paths_sql(RecordKind k) {
    switch (k) {
        case RecordKind::test: return of_sample("SELECT sample_id FROM tests WHERE id = $1");
        case RecordKind::sample: return of_sample("SELECT id FROM samples WHERE number = $1");
        case RecordKind::report: return of_sample("SELECT sample_id FROM reports WHERE number = $1");
        case RecordKind::notice:
            // An external notice (to another province) has no recipient here: it belongs to
            // the office that took the sample, whose administrators deliver it.
            return "SELECT o.path FROM notices n JOIN organisations o ON o.id = COALESCE(n.to_org_id, (SELECT s.org_id "
                   "FROM samples s WHERE s.id = n.sample_id)) WHERE n.id = $1";
        case RecordKind::case_lead:
            return "SELECT o.path FROM case_leads l JOIN organisations o ON o.id = l.assigned_org_id WHERE l.number = $1";
    }
    return {};
}

bool any_covered(const Actor& actor, const store::SqlResult& found) {
    for (const auto& row : found.rows)
        if (jurisdiction::covers(actor, row.text(0))) return true;
    return false;
}

domain::Result<std::int64_t> id_by_number(store::Transaction& tx, const char* query, const std::string& number,
                                          domain::Error missing) {
    auto found = store::sql(tx, query, {number});
    if (found.rows.empty()) return missing;
    return found.rows.front().integer(0);
}

}  // namespace

const char* record_word(RecordKind k) {
    switch (k) {
        case RecordKind::test: return "test";
        case RecordKind::sample: return "sample";
        case RecordKind::report: return "report";
        case RecordKind::notice: return "notice";
        case RecordKind::case_lead: return "case lead";
    }
    return "record";
}

domain::Result<bool> holds_record(store::Transaction& tx, const Actor& actor, RecordKind kind, const std::string& key) {
    const bool numeric_key = kind == RecordKind::test || kind == RecordKind::notice;
    if (numeric_key) {
        Poco::Int64 id = 0;
        if (!Poco::NumberParser::tryParse64(key, id) || id <= 0) return false;
        return any_covered(actor, store::sql(tx, owner_paths_sql(kind), {static_cast<std::int64_t>(id)}));
    }
    return any_covered(actor, store::sql(tx, owner_paths_sql(kind), {key}));
}

domain::Result<bool> holds_sample(store::Transaction& tx, const Actor& actor, std::int64_t sample_id) {
    return any_covered(actor, store::sql(tx, of_sample("SELECT CAST($1 AS BIGINT)"), {sample_id}));
}

domain::Result<void> check_held(store::Transaction& tx, const Actor& actor, RecordKind kind, const std::string& key) {
    auto held = holds_record(tx, actor, kind, key);
    if (!held) return held.error();
    if (!*held)
        return domain::errors::not_found("review.record_not_found",
                                         std::string("There is no ") + record_word(kind) + " " + key + ".");
    return {};
}

domain::Result<void> check_visible(store::Database& db, const Actor& actor, RecordKind kind, const std::string& key) {
    return db.read([&](store::Transaction& tx) { return check_held(tx, actor, kind, key); });
}

domain::Result<std::int64_t> sample_id_by_number(store::Transaction& tx, const std::string& number) {
    return id_by_number(tx, "SELECT id FROM samples WHERE number = $1", number,
                        domain::errors::not_found("review.sample_not_found", "sample " + number + " does not exist"));
}

domain::Result<std::int64_t> report_id_by_number(store::Transaction& tx, const std::string& number) {
    return id_by_number(tx, "SELECT id FROM reports WHERE number = $1", number,
                        domain::errors::not_found("review.report_not_found", "report " + number + " does not exist"));
}

domain::Result<std::int64_t> case_lead_id_by_number(store::Transaction& tx, const std::string& number) {
    return id_by_number(tx, "SELECT id FROM case_leads WHERE number = $1", number,
                        domain::errors::not_found("case_lead.not_found", "case lead " + number + " does not exist"));
}

domain::Result<std::int64_t> sample_id_by_number(store::Database& db, const std::string& number) {
    return db.read([&](store::Transaction& tx) { return sample_id_by_number(tx, number); });
}

domain::Result<std::int64_t> report_id_by_number(store::Database& db, const std::string& number) {
    return db.read([&](store::Transaction& tx) { return report_id_by_number(tx, number); });
}

domain::Result<std::int64_t> case_lead_id_by_number(store::Database& db, const std::string& number) {
    return db.read([&](store::Transaction& tx) { return case_lead_id_by_number(tx, number); });
}

}  // namespace lims::workflow::review
