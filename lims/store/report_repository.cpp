#include "lims/store/report_repository.hpp"
#include "lims/store/row_values.hpp"

#include "lims/store/number_counter.hpp"
#include "lims/store/revisions.hpp"
#include "lims/store/sample_repository.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>

#include <cstdio>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

constexpr const char* report_select =
    "SELECT id, number, sample_id, state, round, supersedes_report_id, conclusion, serious_risk, content_json, "
    "content_sha256, pdf_sha256, approved_by, approved_at, issued_by, issued_at, version, created_at, updated_at "
    "FROM reports ";

std::vector<ReportRecord> select_reports(Poco::Data::Statement& st) {
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<ReportRecord> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        ReportRecord r;
        r.id = rs["id"].convert<Poco::Int64>();
        r.number = rs["number"].convert<std::string>();
        r.sample_id = rs["sample_id"].convert<Poco::Int64>();
        r.state = rs["state"].convert<std::string>();
        r.round = rs["round"].convert<int>();
        r.supersedes_report_id = optional_int(rs, "supersedes_report_id");
        r.conclusion = optional_text(rs, "conclusion");
        r.serious_risk = rs["serious_risk"].convert<int>() != 0;
        r.content_json = rs["content_json"].convert<std::string>();
        r.content_sha256 = optional_text(rs, "content_sha256");
        r.pdf_sha256 = optional_text(rs, "pdf_sha256");
        r.approved_by = optional_int(rs, "approved_by");
        r.approved_at = optional_text(rs, "approved_at");
        r.issued_by = optional_int(rs, "issued_by");
        r.issued_at = optional_text(rs, "issued_at");
        r.version = rs["version"].convert<Poco::Int64>();
        r.created_at = rs["created_at"].convert<std::string>();
        r.updated_at = rs["updated_at"].convert<std::string>();
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace

std::string to_json(const ReportRecord& r) {
    Poco::JSON::Object j;
    j.set("id", r.id);
    j.set("number", r.number);
    j.set("sample_id", r.sample_id);
    j.set("state", r.state);
    j.set("round", r.round);
    if (r.supersedes_report_id) j.set("supersedes_report_id", *r.supersedes_report_id);
    if (r.conclusion) j.set("conclusion", *r.conclusion);
    j.set("serious_risk", r.serious_risk);
    if (r.content_sha256) j.set("content_sha256", *r.content_sha256);
    if (r.pdf_sha256) j.set("pdf_sha256", *r.pdf_sha256);
    if (r.approved_by) j.set("approved_by", *r.approved_by);
    if (r.approved_at) j.set("approved_at", *r.approved_at);
    if (r.issued_by) j.set("issued_by", *r.issued_by);
    if (r.issued_at) j.set("issued_at", *r.issued_at);
    j.set("version", r.version);
    std::ostringstream out;
    j.stringify(out);
    return out.str();
}

StoreResult<ReportRecord> ReportRepository::create(const ReportRecord& in, const std::string& actor) {
    const std::string at = tx_.now_utc();
    const int year = sample_number_year(at).value_or(0);
    const auto seq = next_counter_value(tx_, "report:" + std::to_string(year));
    char number[32];
    std::snprintf(number, sizeof number, "JB%04d-%06lld", year, static_cast<long long>(seq));
    const std::string num = number;
    const int serious = in.serious_risk ? 1 : 0;
    Poco::Int64 id = 0;
    tx_.session() << "INSERT INTO reports (number, sample_id, state, round, supersedes_report_id, conclusion, "
                     "serious_risk, content_json, version, created_at, updated_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10) RETURNING id",
        bind(num), bind(in.sample_id), bind(in.state), bind(in.round), bind(nullable(in.supersedes_report_id)),
        bind(nullable(in.conclusion)), bind(serious), bind(in.content_json), bind(at), bind(at), into(id), now;
    auto created = get(id);
    if (!created) return created;
    const std::string json = to_json(*created);
    record_revision(tx_, {"report", id, 1, json, "drafted", actor, at});
    tx_.record({actor, "report.draft", "report", created->number, "", json, ""});
    return created;
}

StoreResult<ReportRecord> ReportRepository::get(std::int64_t id) {
    Poco::Data::Statement st(tx_.session());
    st << std::string(report_select) + "WHERE id = $1", bind(id);
    auto rows = select_reports(st);
    if (rows.empty()) return store_error(StoreErrorKind::not_found, "report " + std::to_string(id) + " does not exist");
    return rows.front();
}

StoreResult<ReportRecord> ReportRepository::get_by_number(const std::string& number) {
    Poco::Data::Statement st(tx_.session());
    st << std::string(report_select) + "WHERE number = $1", bind(number);
    auto rows = select_reports(st);
    if (rows.empty()) return store_error(StoreErrorKind::not_found, "report " + number + " does not exist");
    return rows.front();
}

std::vector<ReportRecord> ReportRepository::for_sample(std::int64_t sample_id) {
    Poco::Data::Statement st(tx_.session());
    st << std::string(report_select) + "WHERE sample_id = $1 ORDER BY id", bind(sample_id);
    return select_reports(st);
}

StoreResult<ReportRecord> ReportRepository::update(const ReportRecord& r, const std::string& action,
                                                   const std::string& reason, const std::string& actor) {
    auto before = get(r.id);
    if (!before) return before;
    if (before->version != r.version)
        return store_error(StoreErrorKind::conflict, "report " + before->number + " is at version " +
                                                         std::to_string(before->version) + ", not " +
                                                         std::to_string(r.version) + ": changed meanwhile");
    const std::string at = tx_.now_utc();
    const int serious = r.serious_risk ? 1 : 0;
    Poco::Data::Statement update(tx_.session());
    update << "UPDATE reports SET state = $1, supersedes_report_id = $2, conclusion = $3, serious_risk = $4, "
              "content_json = $5, content_sha256 = $6, pdf_sha256 = $7, approved_by = $8, approved_at = $9, "
              "issued_by = $10, issued_at = $11, version = version + 1, updated_at = $12 WHERE id = $13 AND version = $14",
        bind(r.state), bind(nullable(r.supersedes_report_id)), bind(nullable(r.conclusion)), bind(serious),
        bind(r.content_json), bind(nullable(r.content_sha256)), bind(nullable(r.pdf_sha256)),
        bind(nullable(r.approved_by)), bind(nullable(r.approved_at)), bind(nullable(r.issued_by)),
        bind(nullable(r.issued_at)), bind(at), bind(r.id), bind(r.version);
    if (update.execute() == 0)
        return store_error(StoreErrorKind::conflict, "report " + before->number + " is no longer at version " +
                                                         std::to_string(r.version) + ": changed meanwhile");
    auto after = get(r.id);
    if (!after) return after;
    const std::string json = to_json(*after);
    record_revision(tx_, {"report", r.id, after->version, json, reason.empty() ? action : reason, actor, at});
    tx_.record({actor, action, "report", after->number, to_json(*before), json, reason});
    return after;
}

}  // namespace lims::store
