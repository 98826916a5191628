#include "lims/store/task_repository.hpp"

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

constexpr const char* task_columns =
    "t.id, t.number, t.plan_id, t.quota_id, t.office_org_id, o.path, t.state, t.due_on, t.version, t.created_at, "
    "t.updated_at";

SamplingTask task_from(Poco::Data::RecordSet& rs) {
    SamplingTask t;
    t.id = rs[0].convert<Poco::Int64>();
    t.number = rs[1].convert<std::string>();
    t.plan_id = rs[2].convert<Poco::Int64>();
    if (!rs[3].isEmpty()) t.quota_id = rs[3].convert<Poco::Int64>();
    t.office_org_id = rs[4].convert<Poco::Int64>();
    t.office_path = rs[5].convert<std::string>();
    t.state = rs[6].convert<std::string>();
    t.due_on = rs[7].convert<std::string>();
    t.version = rs[8].convert<Poco::Int64>();
    t.created_at = rs[9].convert<std::string>();
    t.updated_at = rs[10].convert<std::string>();
    return t;
}

}  // namespace

StoreResult<SamplingTask> TaskRepository::create(const std::string& plan_code, const SamplingTask& in) {
    SamplingTask t = in;
    const auto serial = next_counter_value(tx_, "task:" + plan_code);
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "-T%04lld", static_cast<long long>(serial));
    t.number = plan_code + suffix;
    t.version = 1;
    t.created_at = t.updated_at = tx_.now_utc();
    Poco::Nullable<Poco::Int64> quota;
    if (t.quota_id) quota = *t.quota_id;
    Poco::Int64 id = 0;
    tx_.session() << "INSERT INTO tasks (number, plan_id, quota_id, office_org_id, state, due_on, created_at, "
                     "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        bind(t.number), bind(static_cast<Poco::Int64>(t.plan_id)), bind(quota),
        bind(static_cast<Poco::Int64>(t.office_org_id)), bind(t.state), bind(t.due_on), bind(t.created_at), into(id),
        now;
    t.id = id;
    t.office_path = organisation_path(tx_, t.office_org_id).value_or("");
    return t;
}

StoreResult<SamplingTask> TaskRepository::load(const std::string& where, const Poco::Dynamic::Var& key) {
    Poco::Data::Statement st(tx_.session());
    st << "SELECT " + std::string(task_columns) + " FROM tasks t JOIN organisations o ON o.id = t.office_org_id WHERE " +
              where;
    if (key.isString()) st, bind(key.convert<std::string>());
    else st, bind(key.convert<Poco::Int64>());
    st.execute();
    Poco::Data::RecordSet rs(st);
    if (!rs.moveFirst())
        return store_error(StoreErrorKind::not_found, "task " + key.convert<std::string>() + " does not exist");
    auto t = task_from(rs);
    t.focus_tags = focus_tags_of(t.id);
    return t;
}

std::vector<std::string> TaskRepository::focus_tags_of(std::int64_t task_id) {
    std::vector<std::string> tags;
    tx_.session() << "SELECT tag_code FROM task_focus_tags WHERE task_id = $1 ORDER BY tag_code",
        bind(static_cast<Poco::Int64>(task_id)), into(tags), now;
    return tags;
}

StoreResult<SamplingTask> TaskRepository::get_by_number(const std::string& number) {
    return load("t.number = $1", number);
}

StoreResult<SamplingTask> TaskRepository::get(std::int64_t id) {
    return load("t.id = $1", static_cast<Poco::Int64>(id));
}

StoreResult<SamplingTask> TaskRepository::move_state(const SamplingTask& current, std::int64_t expected_version,
                                                     const std::string& to_state) {
    SamplingTask after = current;
    after.state = to_state;
    after.version = expected_version + 1;
    after.updated_at = tx_.now_utc();
    Poco::Data::Statement update(tx_.session());
    update << "UPDATE tasks SET state = $1, version = $2, updated_at = $3 WHERE id = $4 AND version = $5",
        bind(to_state), bind(static_cast<Poco::Int64>(after.version)), bind(after.updated_at),
        bind(static_cast<Poco::Int64>(current.id)), bind(static_cast<Poco::Int64>(expected_version));
    if (update.execute() == 0)
        return store_error(StoreErrorKind::conflict, "task " + current.number + " is no longer at version " +
                                                         std::to_string(expected_version) + ": reload and retry");
    return after;
}

std::vector<SamplingTask> TaskRepository::list(const TaskQuery& q) {
    Poco::Data::Statement st(tx_.session());
    std::string sql = "SELECT " + std::string(task_columns) +
                      " FROM tasks t JOIN organisations o ON o.id = t.office_org_id WHERE t.id > $1";
    int param = 1;
    if (q.plan_id) sql += " AND t.plan_id = $" + std::to_string(++param);
    if (q.within_path) sql += " AND o.path LIKE $" + std::to_string(++param);
    sql += " ORDER BY t.id LIMIT $" + std::to_string(++param);
    st << sql, bind(static_cast<Poco::Int64>(q.after_id));
    if (q.plan_id) st, bind(static_cast<Poco::Int64>(*q.plan_id));
    std::string prefix = q.within_path.value_or("") + "%";
    if (q.within_path) st, bind(prefix);
    st, bind(static_cast<Poco::Int64>(std::clamp(q.limit, 1, 500) + 1));
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<SamplingTask> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) out.push_back(task_from(rs));
    if (out.empty()) return out;
    // The page's focus tags in one query (the ids are the integers just read).
    std::string ids;
    for (const auto& t : out) ids += (ids.empty() ? "" : ", ") + std::to_string(t.id);
    std::vector<Poco::Int64> task_ids;
    std::vector<std::string> codes;
    tx_.session() << "SELECT task_id, tag_code FROM task_focus_tags WHERE task_id IN (" + ids + ") ORDER BY task_id, tag_code",
        into(task_ids), into(codes), now;
    for (std::size_t i = 0; i < task_ids.size(); ++i)
        for (auto& t : out)
            if (t.id == task_ids[i]) t.focus_tags.push_back(codes[i]);
    return out;
}

std::string to_json(const SamplingTask& t) {
    Poco::JSON::Object j;
    j.set("id", t.id);
    j.set("number", t.number);
    j.set("plan_id", t.plan_id);
    if (t.quota_id) j.set("quota_id", *t.quota_id);
    j.set("office_org_id", t.office_org_id);
    j.set("state", t.state);
    j.set("due_on", t.due_on);
    j.set("version", t.version);
    std::ostringstream out;
    j.stringify(out);
    return out.str();
}

}  // namespace lims::store
