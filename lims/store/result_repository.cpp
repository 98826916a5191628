#include "lims/store/result_repository.hpp"
#include "lims/store/json_text.hpp"
#include "lims/store/row_values.hpp"
#include "lims/store/sql.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>

#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

constexpr const char* result_select =
    "SELECT id, test_id, replaces_result_id, value_text, qualitative, unit, flags, source, raw_message_id, "
    "conformity, entered_by, entered_at FROM results ";

// The same from a row of sql() over result_select.
ResultRecord result_from(SqlRow& r) {
    ResultRecord out;
    out.id = r.integer(0);
    out.test_id = r.integer(1);
    out.replaces_result_id = r.optional_integer(2);
    out.value_text = r.optional_text(3);
    out.qualitative = r.optional_text(4);
    out.unit = r.take_text(5);
    out.flags = r.take_text(6);
    out.source = r.take_text(7);
    out.raw_message_id = r.optional_integer(8);
    out.conformity = r.optional_text(9);
    out.entered_by = r.optional_integer(10);
    out.entered_at = r.take_text(11);
    return out;
}

std::vector<ResultRecord> select_results(Transaction& tx, const std::string& statement, std::int64_t key) {
    auto rows = sql(tx, statement, {key});
    std::vector<ResultRecord> out;
    out.reserve(rows.rows.size());
    for (auto& r : rows.rows) out.push_back(result_from(r));
    return out;
}

void field(std::string& out, const std::string& value) {
    out += std::to_string(value.size());
    out += ':';
    out += value;
    out += ';';
}

}  // namespace

std::string canonical_result_text(const ResultRecord& r) {
    std::string out;
    field(out, "lims-result-v1");
    field(out, std::to_string(r.id));
    field(out, std::to_string(r.test_id));
    field(out, r.replaces_result_id ? std::to_string(*r.replaces_result_id) : "");
    field(out, r.value_text.value_or(""));
    field(out, r.qualitative.value_or(""));
    field(out, r.unit);
    field(out, r.flags);
    field(out, r.source);
    field(out, r.raw_message_id ? std::to_string(*r.raw_message_id) : "");
    field(out, r.entered_by ? std::to_string(*r.entered_by) : "");
    field(out, r.entered_at);
    return out;
}

std::string to_json(const ResultRecord& r) {
    // One per instrument result: JsonObjectText, not Poco.
    return JsonObjectText()
        .integer("id", r.id)
        .integer("test_id", r.test_id)
        .integer("replaces_result_id", r.replaces_result_id)
        .text("value_text", r.value_text)
        .text("qualitative", r.qualitative)
        .text("unit", r.unit)
        .text("flags", r.flags)
        .text("source", r.source)
        .integer("raw_message_id", r.raw_message_id)
        .text("conformity", r.conformity)
        .integer("entered_by", r.entered_by)
        .text("entered_at", r.entered_at)
        .str();
}

std::string to_json(const SignatureRecord& s) {
    Poco::JSON::Object j;
    j.set("id", s.id);
    j.set("entity_type", s.entity_type);
    j.set("entity_id", s.entity_id);
    j.set("signer_user_id", s.signer_user_id);
    j.set("meaning", s.meaning);
    j.set("method", s.method);
    j.set("content_sha256", s.content_sha256);
    j.set("signed_at", s.signed_at);
    std::ostringstream out;
    j.stringify(out);
    return out.str();
}

StoreResult<ResultRecord> ResultRepository::insert(const ResultRecord& in) {
    if (!in.value_text && !in.qualitative)
        return store_error(StoreErrorKind::invalid_argument, "result: neither a value nor a qualitative outcome");
    ResultRecord row = in;
    row.entered_at = tx_.now_utc();
    auto inserted = sql(tx_,
                        "INSERT INTO results (test_id, replaces_result_id, value_text, qualitative, unit, flags, "
                        "source, raw_message_id, conformity, entered_by, entered_at) "
                        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                        {row.test_id, row.replaces_result_id, row.value_text, row.qualitative, row.unit, row.flags,
                         row.source, row.raw_message_id, row.conformity, row.entered_by, row.entered_at});
    // Every column is bound from `row` (no defaults apply), so the stored row is `row`
    // with its new id; reading it back would return exactly this.
    row.id = inserted.rows.at(0).integer(0);
    return row;
}

StoreResult<ResultRecord> ResultRepository::get(std::int64_t id) {
    static const std::string statement = std::string(result_select) + "WHERE id = $1";
    auto rows = select_results(tx_, statement, id);
    if (rows.empty()) return store_error(StoreErrorKind::not_found, "result " + std::to_string(id) + " does not exist");
    return rows.front();
}

std::optional<ResultRecord> ResultRepository::latest_for_test(std::int64_t test_id) {
    static const std::string statement = std::string(result_select) + "WHERE test_id = $1 ORDER BY id DESC LIMIT 1";
    auto rows = select_results(tx_, statement, test_id);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::vector<ResultRecord> ResultRepository::history(std::int64_t test_id) {
    static const std::string statement = std::string(result_select) + "WHERE test_id = $1 ORDER BY id";
    return select_results(tx_, statement, test_id);
}

StoreResult<ReviewRecord> ResultRepository::add_review(const ReviewRecord& in) {
    ReviewRecord r = in;
    r.reviewed_at = tx_.now_utc();
    Poco::Int64 id = 0;
    tx_.session() << "INSERT INTO result_reviews (result_id, reviewer_user_id, decision, reason, reviewed_at) "
                     "VALUES ($1, $2, $3, $4, $5) RETURNING id",
        bind(r.result_id), bind(r.reviewer_user_id), bind(r.decision), bind(r.reason), bind(r.reviewed_at), into(id),
        now;
    r.id = id;
    return r;
}

std::vector<ReviewRecord> ResultRepository::reviews_of(std::int64_t result_id) {
    std::vector<Poco::Int64> id, reviewer;
    std::vector<std::string> decision, reason, at;
    tx_.session() << "SELECT id, reviewer_user_id, decision, reason, reviewed_at FROM result_reviews "
                     "WHERE result_id = $1 ORDER BY id",
        bind(result_id), into(id), into(reviewer), into(decision), into(reason), into(at), now;
    std::vector<ReviewRecord> out;
    for (std::size_t i = 0; i < id.size(); ++i)
        out.push_back({id[i], result_id, reviewer[i], decision[i], reason[i], at[i]});
    return out;
}

StoreResult<SignatureRecord> ResultRepository::add_signature(const SignatureRecord& in) {
    SignatureRecord s = in;
    s.signed_at = tx_.now_utc();
    Poco::Int64 id = 0;
    tx_.session() << "INSERT INTO signatures (entity_type, entity_id, signer_user_id, meaning, method, address, "
                     "content_sha256, signed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        bind(s.entity_type), bind(s.entity_id), bind(s.signer_user_id), bind(s.meaning), bind(s.method),
        bind(s.address), bind(s.content_sha256), bind(s.signed_at), into(id), now;
    s.id = id;
    return s;
}

std::vector<SignatureRecord> ResultRepository::signatures_of(const std::string& entity_type,
                                                             const std::string& entity_id) {
    std::vector<Poco::Int64> id, signer;
    std::vector<std::string> meaning, method, address, sha, at;
    tx_.session() << "SELECT id, signer_user_id, meaning, method, address, content_sha256, signed_at FROM signatures "
                     "WHERE entity_type = $1 AND entity_id = $2 ORDER BY id",
        bind(entity_type), bind(entity_id), into(id), into(signer), into(meaning), into(method), into(address),
        into(sha), into(at), now;
    std::vector<SignatureRecord> out;
    for (std::size_t i = 0; i < id.size(); ++i)
        out.push_back({id[i], entity_type, entity_id, signer[i], meaning[i], method[i], address[i], sha[i], at[i]});
    return out;
}

bool ResultRepository::raw_message_exists(std::int64_t id) {
    return !sql(tx_, "SELECT 1 FROM raw_messages WHERE id = $1", {id}).rows.empty();
}

}  // namespace lims::store
