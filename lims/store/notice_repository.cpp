#include "lims/store/notice_repository.hpp"
#include "lims/store/row_values.hpp"

#include "lims/store/number_counter.hpp"
#include "lims/store/sample_repository.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

constexpr const char* notice_select =
    "SELECT id, number, sample_id, report_id, recipient, to_org_id, external, external_region_code, "
    "external_recipient, serious_risk, state, due_at, deadline_provisional, acknowledged_at, acknowledged_by, "
    "acknowledgement_reference, version, created_at, "
    "(SELECT s.number FROM samples s WHERE s.id = notices.sample_id) AS sample_number, "
    "(SELECT s.product_name FROM samples s WHERE s.id = notices.sample_id) AS product_name, "
    "(SELECT r.number FROM reports r WHERE r.id = notices.report_id) AS report_number FROM notices ";

// deadline_provisional: 1 when counted through a provisional calendar year, else NULL.
Poco::Nullable<Poco::Int64> provisional_flag(bool provisional) {
    return provisional ? Poco::Nullable<Poco::Int64>(1) : Poco::Nullable<Poco::Int64>();
}

std::vector<NoticeRecord> select_notices(Poco::Data::Statement& st) {
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<NoticeRecord> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        NoticeRecord n;
        n.id = rs["id"].convert<Poco::Int64>();
        n.number = rs["number"].convert<std::string>();
        n.sample_id = optional_int(rs, "sample_id");
        n.report_id = optional_int(rs, "report_id");
        n.sample_number = optional_text(rs, "sample_number");
        n.product_name = optional_text(rs, "product_name");
        n.report_number = optional_text(rs, "report_number");
        n.recipient = rs["recipient"].convert<std::string>();
        n.to_org_id = optional_int(rs, "to_org_id");
        n.external = rs["external"].convert<int>() != 0;
        n.external_region_code = optional_text(rs, "external_region_code");
        n.external_recipient = rs["external_recipient"].convert<std::string>();
        n.serious_risk = rs["serious_risk"].convert<int>() != 0;
        n.state = rs["state"].convert<std::string>();
        n.due_at = optional_text(rs, "due_at").value_or("");
        n.deadline_provisional = optional_int(rs, "deadline_provisional").value_or(0) != 0;
        n.acknowledged_at = optional_text(rs, "acknowledged_at");
        n.acknowledged_by = optional_int(rs, "acknowledged_by");
        n.acknowledgement_reference = optional_text(rs, "acknowledgement_reference");
        n.version = rs["version"].convert<Poco::Int64>();
        n.created_at = rs["created_at"].convert<std::string>();
        out.push_back(std::move(n));
    }
    return out;
}

}  // namespace

std::string to_json(const NoticeRecord& n) {
    Poco::JSON::Object j;
    j.set("id", n.id);
    j.set("number", n.number);
    if (n.sample_id) j.set("sample_id", *n.sample_id);
    if (n.report_id) j.set("report_id", *n.report_id);
    if (n.sample_number) j.set("sample_number", *n.sample_number);
    if (n.product_name) j.set("product_name", *n.product_name);
    if (n.report_number) j.set("report_number", *n.report_number);
    j.set("recipient", n.recipient);
    if (n.to_org_id) j.set("to_org_id", *n.to_org_id);
    j.set("external", n.external);
    if (n.external_region_code) j.set("external_region_code", *n.external_region_code);
    j.set("external_recipient", n.external_recipient);
    j.set("serious_risk", n.serious_risk);
    j.set("state", n.state);
    j.set("due_at", n.due_at);
    if (n.deadline_provisional) j.set("deadline_provisional", true);  // absent when official
    if (n.acknowledged_at) j.set("acknowledged_at", *n.acknowledged_at);
    if (n.acknowledged_by) j.set("acknowledged_by", *n.acknowledged_by);
    if (n.acknowledgement_reference) j.set("acknowledgement_reference", *n.acknowledgement_reference);
    j.set("version", n.version);
    std::ostringstream out;
    j.stringify(out);
    return out.str();
}

StoreResult<NoticeRecord> NoticeRepository::create(const NoticeRecord& in, const std::string& actor) {
    if (!in.to_org_id && !in.external)
        return store_error(StoreErrorKind::invalid_argument, "notice: neither a receiving bureau nor external delivery");
    const std::string at = tx_.now_utc();
    const int year = sample_number_year(at).value_or(0);
    const auto seq = next_counter_value(tx_, "notice:" + std::to_string(year));
    char number[32];
    std::snprintf(number, sizeof number, "TZ%04d-%06lld", year, static_cast<long long>(seq));
    const std::string num = number;
    const int external = in.external ? 1 : 0, serious = in.serious_risk ? 1 : 0;
    Poco::Int64 id = 0;
    tx_.session() << "INSERT INTO notices (number, sample_id, report_id, recipient, to_org_id, external, "
                     "external_region_code, external_recipient, serious_risk, state, due_at, version, created_at, "
                     "updated_at, deadline_provisional) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, "
                     "$13, $14) RETURNING id",
        bind(num), bind(nullable(in.sample_id)), bind(nullable(in.report_id)), bind(in.recipient),
        bind(nullable(in.to_org_id)), bind(external), bind(nullable(in.external_region_code)),
        bind(in.external_recipient), bind(serious), bind(in.state), bind(in.due_at), bind(at), bind(at),
        bind(provisional_flag(in.deadline_provisional)), into(id), now;
    auto created = get(id);
    if (!created) return created;
    tx_.record({actor, "notice.send", "notice", created->number, "", to_json(*created), ""});
    return created;
}

StoreResult<NoticeRecord> NoticeRepository::get(std::int64_t id) {
    Poco::Data::Statement st(tx_.session());
    st << std::string(notice_select) + "WHERE id = $1", bind(id);
    auto rows = select_notices(st);
    if (rows.empty()) return store_error(StoreErrorKind::not_found, "notice " + std::to_string(id) + " does not exist");
    return rows.front();
}

StoreResult<NoticeRecord> NoticeRepository::update(const NoticeRecord& n, const std::string& action,
                                                   const std::string& actor) {
    auto before = get(n.id);
    if (!before) return before;
    if (before->version != n.version)
        return store_error(StoreErrorKind::conflict, "notice " + before->number + " is at version " +
                                                         std::to_string(before->version) + ", not " +
                                                         std::to_string(n.version) + ": changed meanwhile");
    const std::string at = tx_.now_utc();
    Poco::Data::Statement update(tx_.session());
    update << "UPDATE notices SET state = $1, acknowledged_at = $2, acknowledged_by = $3, "
              "acknowledgement_reference = $4, version = version + 1, updated_at = $5, due_at = $6, "
              "deadline_provisional = $7 WHERE id = $8 AND version = $9",
        bind(n.state), bind(nullable(n.acknowledged_at)), bind(nullable(n.acknowledged_by)),
        bind(nullable(n.acknowledgement_reference)), bind(at), bind(n.due_at),
        bind(provisional_flag(n.deadline_provisional)), bind(n.id), bind(n.version);
    if (update.execute() == 0)
        return store_error(StoreErrorKind::conflict, "notice " + before->number + " changed meanwhile");
    auto after = get(n.id);
    if (!after) return after;
    tx_.record({actor, action, "notice", after->number, to_json(*before), to_json(*after), ""});
    return after;
}

std::vector<NoticeRecord> NoticeRepository::list(const NoticeQuery& q) {
    const int limit = std::clamp(q.limit, 1, max_page_size);
    Poco::Int64 after = q.after_id, org = q.to_org_id.value_or(0), report = q.report_id.value_or(0);
    std::string state = q.state.value_or(""), overdue = q.overdue_at.value_or("");
    const std::string subtree = q.within_org_path.value_or("") + "%";
    int n = 2;
    std::string sql = std::string(notice_select) + "WHERE id > $1" + where(q, n) + " ORDER BY id LIMIT " +
                      std::to_string(limit);
    Poco::Data::Statement st(tx_.session());
    st << sql, use(after);
    if (q.to_org_id) st, use(org);
    if (q.within_org_path) st, bind(subtree);
    if (q.report_id) st, use(report);
    if (q.state) st, use(state);
    if (q.overdue_at) st, use(overdue);
    return select_notices(st);
}

std::int64_t NoticeRepository::count(const NoticeQuery& q) {
    Poco::Int64 after = q.after_id, org = q.to_org_id.value_or(0), report = q.report_id.value_or(0);
    std::string state = q.state.value_or(""), overdue = q.overdue_at.value_or("");
    const std::string subtree = q.within_org_path.value_or("") + "%";
    int n = 2;
    Poco::Int64 total = 0;
    Poco::Data::Statement st(tx_.session());
    st << "SELECT count(*) FROM notices WHERE id > $1" + where(q, n), use(after);
    if (q.to_org_id) st, use(org);
    if (q.within_org_path) st, bind(subtree);
    if (q.report_id) st, use(report);
    if (q.state) st, use(state);
    if (q.overdue_at) st, use(overdue);
    st, into(total);
    st.execute();
    return total;
}

std::string NoticeRepository::where(const NoticeQuery& q, int& n) const {
    std::string sql;
    if (q.to_org_id) sql += " AND to_org_id = $" + std::to_string(n++);
    // Paths hold only digits and '/', so LIKE's wildcards cannot occur in the prefix.
    if (q.within_org_path) {
        const std::string p = "$" + std::to_string(n++);
        sql += " AND (to_org_id IN (SELECT id FROM organisations WHERE path LIKE " + p +
               ") OR (to_org_id IS NULL AND sample_id IN (SELECT s.id FROM samples s JOIN organisations o ON o.id = "
               "s.org_id WHERE o.path LIKE " + p + ")))";
    }
    if (q.report_id) sql += " AND report_id = $" + std::to_string(n++);
    if (q.state) sql += " AND state = $" + std::to_string(n++);
    if (q.overdue_at) sql += " AND state = 'sent' AND due_at <= $" + std::to_string(n++);
    return sql;
}

}  // namespace lims::store
