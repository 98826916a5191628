#include "lims/store/quarantine_repository.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

constexpr const char* select_entries =
    "SELECT q.id, q.org_id, q.instrument_id, i.code AS instrument_code, q.raw_message_id, q.position, q.specimen_id, "
    "q.instrument_test_code, q.observation_json, q.reason_code, q.reason, q.state, q.resolved_by, q.resolved_at, "
    "q.resolution_reason, q.result_id, q.version, q.created_at FROM quarantine q "
    "JOIN instruments i ON i.id = q.instrument_id ";

std::optional<std::string> optional_text(Poco::Data::RecordSet& rs, const char* col) {
    const auto& v = rs[col];
    if (v.isEmpty()) return std::nullopt;
    return v.convert<std::string>();
}

std::vector<QuarantineEntry> read_entries(Poco::Data::Statement& st) {
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<QuarantineEntry> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        QuarantineEntry e;
        e.id = rs["id"].convert<Poco::Int64>();
        e.org_id = rs["org_id"].convert<Poco::Int64>();
        e.instrument_id = rs["instrument_id"].convert<Poco::Int64>();
        e.instrument_code = rs["instrument_code"].convert<std::string>();
        e.raw_message_id = rs["raw_message_id"].convert<Poco::Int64>();
        e.position = rs["position"].convert<int>();
        e.specimen_id = rs["specimen_id"].convert<std::string>();
        e.instrument_test_code = rs["instrument_test_code"].convert<std::string>();
        e.observation_json = rs["observation_json"].convert<std::string>();
        e.reason_code = rs["reason_code"].convert<std::string>();
        e.reason = rs["reason"].convert<std::string>();
        e.state = rs["state"].convert<std::string>();
        e.resolved_by = optional_text(rs, "resolved_by");
        e.resolved_at = optional_text(rs, "resolved_at");
        e.resolution_reason = optional_text(rs, "resolution_reason");
        if (!rs["result_id"].isEmpty()) e.result_id = rs["result_id"].convert<Poco::Int64>();
        e.version = rs["version"].convert<Poco::Int64>();
        e.created_at = rs["created_at"].convert<std::string>();
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace

std::string to_json(const QuarantineEntry& e) {
    Poco::JSON::Object j;
    j.set("id", e.id);
    j.set("org_id", e.org_id);
    j.set("instrument", e.instrument_code);
    j.set("raw_message_id", e.raw_message_id);
    j.set("position", e.position);
    j.set("specimen_id", e.specimen_id);
    j.set("instrument_test_code", e.instrument_test_code);
    try {
        Poco::JSON::Parser parser;
        j.set("observation", parser.parse(e.observation_json));
    } catch (const Poco::Exception&) {
        j.set("observation", e.observation_json);  // stored by us, so never expected; kept readable anyway
    }
    j.set("reason_code", e.reason_code);
    j.set("reason", e.reason);
    j.set("state", e.state);
    if (e.resolved_by) j.set("resolved_by", *e.resolved_by);
    if (e.resolved_at) j.set("resolved_at", *e.resolved_at);
    if (e.resolution_reason) j.set("resolution_reason", *e.resolution_reason);
    if (e.result_id) j.set("result_id", *e.result_id);
    j.set("version", e.version);
    j.set("created_at", e.created_at);
    std::ostringstream s;
    j.stringify(s);
    return s.str();
}

StoreResult<std::int64_t> QuarantineRepository::add(const NewQuarantineEntry& in, const std::string& actor) {
    if (in.reason_code.empty() || in.reason.empty())
        return store_error(StoreErrorKind::invalid_argument, "a quarantine entry needs a reason");
    Poco::Int64 id = 0;
    Poco::Int64 org = in.org_id, instrument = in.instrument_id, raw = in.raw_message_id;
    int position = in.position;
    const std::string at = tx_.now_utc();
    tx_.session() << "INSERT INTO quarantine (org_id, instrument_id, raw_message_id, position, specimen_id, "
                     "instrument_test_code, observation_json, reason_code, reason, state, created_at, updated_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, $10) RETURNING id",
        bind(org), bind(instrument), bind(raw), bind(position), bind(in.specimen_id), bind(in.instrument_test_code),
        bind(in.observation_json), bind(in.reason_code), bind(in.reason), bind(at), into(id), now;
    Poco::JSON::Object after;
    after.set("raw_message_id", in.raw_message_id);
    after.set("position", in.position);
    after.set("specimen_id", in.specimen_id);
    after.set("instrument_test_code", in.instrument_test_code);
    after.set("reason_code", in.reason_code);
    after.set("state", "open");
    std::ostringstream s;
    after.stringify(s);
    tx_.record({actor, "quarantine.add", "quarantine", std::to_string(id), "", s.str(), in.reason});
    return static_cast<std::int64_t>(id);
}

StoreResult<QuarantineEntry> QuarantineRepository::get(std::int64_t id) {
    Poco::Int64 i = id;
    Poco::Data::Statement st(tx_.session());
    st << std::string(select_entries) + "WHERE q.id = $1", bind(i);
    auto rows = read_entries(st);
    if (rows.empty())
        return store_error(StoreErrorKind::not_found, "quarantine entry " + std::to_string(id) + " does not exist");
    return rows.front();
}

StoreResult<std::vector<QuarantineEntry>> QuarantineRepository::list(const QuarantineQuery& q) {
    const int limit = std::clamp(q.limit, 1, max_page_size);
    const std::string pattern = q.org_path_prefix + "%";
    Poco::Int64 after = q.after_id;
    Poco::Data::Statement st(tx_.session());
    std::string sql = std::string(select_entries) +
                      "JOIN organisations o ON o.id = q.org_id WHERE o.path LIKE $1 AND q.id > $2 ";
    if (q.state) {
        sql += "AND q.state = $3 ORDER BY q.id LIMIT $4";
        st << sql, bind(pattern), bind(after), bind(*q.state), bind(limit);
    } else {
        sql += "ORDER BY q.id LIMIT $3";
        st << sql, bind(pattern), bind(after), bind(limit);
    }
    return read_entries(st);
}

StoreResult<QuarantineEntry> QuarantineRepository::resolve(std::int64_t id, const std::string& new_state,
                                                           const std::string& by, const std::string& reason,
                                                           std::optional<std::int64_t> result_id) {
    if (new_state != "assigned" && new_state != "discarded")
        return store_error(StoreErrorKind::invalid_argument, "quarantine entries are resolved as assigned or discarded, not " + new_state);
    auto before = get(id);
    if (!before) return before;
    if (before->state != "open")
        return store_error(StoreErrorKind::conflict, "quarantine entry " + std::to_string(id) + " was already " +
                                                         before->state + " by " + before->resolved_by.value_or("?") +
                                                         " at " + before->resolved_at.value_or("?"));
    Poco::Int64 i = id;
    Poco::Int64 version = before->version;
    Poco::Nullable<Poco::Int64> result;
    if (result_id) result = *result_id;
    const std::string at = tx_.now_utc();
    Poco::Data::Statement st(tx_.session());
    st << "UPDATE quarantine SET state = $1, resolved_by = $2, resolved_at = $3, resolution_reason = $4, "
          "result_id = $5, version = version + 1, updated_at = $3 WHERE id = $6 AND version = $7 AND state = 'open'",
        bind(new_state), bind(by), bind(at), bind(reason), bind(result), bind(i), bind(version);
    if (st.execute() != 1)
        return store_error(StoreErrorKind::conflict, "quarantine entry " + std::to_string(id) + " was resolved meanwhile");
    return get(id);
}

}  // namespace lims::store
