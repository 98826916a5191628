#include "lims/store/plan_repository.hpp"

#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/domain/calendar/report_period.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

std::vector<PlanQuota> load_quotas(Transaction& tx, std::int64_t plan_id) {
    Poco::Data::Statement st(tx.session());
    st << "SELECT q.id, q.plan_id, q.office_org_id, o.code, q.category, q.focus, q.quantity, q.due_on, o.name, o.kind "
          "FROM plan_quotas q JOIN organisations o ON o.id = q.office_org_id WHERE q.plan_id = $1 ORDER BY q.id",
        bind(static_cast<Poco::Int64>(plan_id));
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<PlanQuota> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        PlanQuota q{rs[0].convert<Poco::Int64>(), rs[1].convert<Poco::Int64>(), rs[2].convert<Poco::Int64>(),
                    rs[3].convert<std::string>(), rs[4].convert<std::string>(), rs[5].convert<std::string>(),
                    rs[6].convert<Poco::Int64>(), rs[7].convert<std::string>()};
        q.office_name = rs[8].convert<std::string>();
        q.office_kind = rs[9].convert<std::string>();
        out.push_back(std::move(q));
    }
    for (auto& q : out) {
        std::vector<std::string> months;
        std::vector<Poco::Int64> quantities;
        tx.session() << "SELECT month, quantity FROM quota_months WHERE quota_id = $1 ORDER BY month",
            bind(static_cast<Poco::Int64>(q.id)), into(months), into(quantities), now;
        for (std::size_t i = 0; i < months.size(); ++i) q.months.push_back({months[i], quantities[i]});
        tx.session() << "SELECT tag_code FROM quota_focus_tags WHERE quota_id = $1 ORDER BY tag_code",
            bind(static_cast<Poco::Int64>(q.id)), into(q.focus_tags), now;
    }
    return out;
}

std::vector<PlanPhaseRow> load_phases(Transaction& tx, std::int64_t plan_id) {
    Poco::Data::Statement st(tx.session());
    st << "SELECT name, starts_on, ends_on, summary_due_on FROM plan_phases WHERE plan_id = $1 ORDER BY position",
        bind(static_cast<Poco::Int64>(plan_id));
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<PlanPhaseRow> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        PlanPhaseRow p{rs[0].convert<std::string>(), rs[1].convert<std::string>(), rs[2].convert<std::string>(), {}};
        if (!rs[3].isEmpty()) p.summary_due_on = rs[3].convert<std::string>();
        out.push_back(std::move(p));
    }
    return out;
}

// The plan's own columns in the order read_plan_row reads them (prefixed "p." in list()).
constexpr const char* kPlanColumns =
    "id, code, title, org_id, year, state, starts_on, ends_on, version, created_at, updated_at";

SamplingPlan read_plan_row(Poco::Data::RecordSet& rs) {
    SamplingPlan p;
    p.id = rs[0].convert<Poco::Int64>();
    p.code = rs[1].convert<std::string>();
    p.title = rs[2].convert<std::string>();
    p.org_id = rs[3].convert<Poco::Int64>();
    p.year = rs[4].convert<int>();
    p.state = rs[5].convert<std::string>();
    p.starts_on = rs[6].convert<std::string>();
    p.ends_on = rs[7].convert<std::string>();
    p.version = rs[8].convert<Poco::Int64>();
    p.created_at = rs[9].convert<std::string>();
    p.updated_at = rs[10].convert<std::string>();
    return p;
}

}  // namespace

StoreResult<SamplingPlan> PlanRepository::create(const SamplingPlan& in) {
    std::vector<Poco::Int64> taken;
    tx_.session() << "SELECT id FROM sampling_plans WHERE code = $1", bind(in.code), into(taken), now;
    if (!taken.empty()) return store_error(StoreErrorKind::conflict, "plan code " + in.code + " is already used");
    SamplingPlan plan = in;
    plan.version = 1;
    plan.created_at = plan.updated_at = tx_.now_utc();
    Poco::Int64 id = 0;
    tx_.session() << "INSERT INTO sampling_plans (code, title, org_id, year, state, starts_on, ends_on, created_at, "
                     "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        bind(plan.code), bind(plan.title), bind(static_cast<Poco::Int64>(plan.org_id)), bind(plan.year),
        bind(plan.state), bind(plan.starts_on), bind(plan.ends_on), bind(plan.created_at), into(id), now;
    plan.id = id;
    for (auto& q : plan.quotas) {
        Poco::Int64 qid = 0;
        tx_.session() << "INSERT INTO plan_quotas (plan_id, office_org_id, category, focus, quantity, due_on) VALUES "
                         "($1, $2, $3, $4, $5, $6) RETURNING id",
            bind(id), bind(static_cast<Poco::Int64>(q.office_org_id)), bind(q.category), bind(q.focus),
            bind(static_cast<Poco::Int64>(q.quantity)), bind(q.due_on), into(qid), now;
        q.id = qid;
        q.plan_id = id;
        for (const auto& m : q.months)
            tx_.session() << "INSERT INTO quota_months (quota_id, month, quantity) VALUES ($1, $2, $3)", bind(qid),
                bind(m.month), bind(static_cast<Poco::Int64>(m.quantity)), now;
        for (const auto& tag : q.focus_tags)
            tx_.session() << "INSERT INTO quota_focus_tags (quota_id, tag_code) VALUES ($1, $2)", bind(qid), bind(tag), now;
    }
    int position = 0;
    for (const auto& p : plan.phases) {
        Poco::Nullable<std::string> summary;
        if (p.summary_due_on) summary = *p.summary_due_on;
        tx_.session() << "INSERT INTO plan_phases (plan_id, position, name, starts_on, ends_on, summary_due_on) VALUES "
                         "($1, $2, $3, $4, $5, $6)",
            bind(id), bind(++position), bind(p.name), bind(p.starts_on), bind(p.ends_on), bind(summary), now;
    }
    plan.quotas = load_quotas(tx_, id);
    plan.phases = load_phases(tx_, id);
    return plan;
}

StoreResult<SamplingPlan> PlanRepository::get_by_code(const std::string& code) {
    Poco::Data::Statement st(tx_.session());
    st << std::string("SELECT ") + kPlanColumns + " FROM sampling_plans WHERE code = $1",
        bind(code);
    st.execute();
    Poco::Data::RecordSet rs(st);
    if (!rs.moveFirst()) return store_error(StoreErrorKind::not_found, "plan " + code + " does not exist");
    SamplingPlan p = read_plan_row(rs);
    p.quotas = load_quotas(tx_, p.id);
    p.phases = load_phases(tx_, p.id);
    return p;
}

StoreResult<SamplingPlan> PlanRepository::move_state(const SamplingPlan& current, std::int64_t expected_version,
                                                     const std::string& to_state) {
    SamplingPlan after = current;
    after.state = to_state;
    after.version = expected_version + 1;
    after.updated_at = tx_.now_utc();
    Poco::Data::Statement update(tx_.session());
    update << "UPDATE sampling_plans SET state = $1, version = $2, updated_at = $3 WHERE id = $4 AND version = $5",
        bind(to_state), bind(static_cast<Poco::Int64>(after.version)), bind(after.updated_at),
        bind(static_cast<Poco::Int64>(current.id)), bind(static_cast<Poco::Int64>(expected_version));
    if (update.execute() == 0)
        return store_error(StoreErrorKind::conflict, "plan " + current.code + " is no longer at version " +
                                                         std::to_string(expected_version) + ": reload and retry");
    return after;
}

std::vector<QuotaProgress> PlanRepository::progress(std::int64_t plan_id) {
    std::vector<QuotaProgress> out;
    for (auto& q : load_quotas(tx_, plan_id)) {
        std::vector<std::string> sampled;
        tx_.session() << "SELECT s.sampled_at FROM samples s JOIN tasks t ON t.id = s.task_id WHERE t.quota_id = $1 "
                         "AND s.state NOT IN ('voided', 'rejected')",
            bind(static_cast<Poco::Int64>(q.id)), into(sampled), now;
        QuotaProgress p{std::move(q), static_cast<std::int64_t>(sampled.size()), {}};
        for (const auto& at : sampled) {
            // The month a person in Beijing would file it under; a time that does not parse
            // still counts toward the quota, under "" (never lost from the total).
            auto instant = domain::parse_instant(at);
            ++p.registered_by_month[instant ? domain::month_of(domain::beijing_date(*instant)).key : std::string()];
        }
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<SamplingPlan> PlanRepository::list(const PlanListQuery& q) {
    Poco::Data::Statement st(tx_.session());
    std::string sql =
        "SELECT p.id, p.code, p.title, p.org_id, p.year, p.state, p.starts_on, p.ends_on, p.version, p.created_at, "
        "p.updated_at FROM sampling_plans p JOIN organisations o ON o.id = p.org_id WHERE (o.path LIKE $1";
    int param = 1;
    if (q.quota_office_id)
        sql += " OR EXISTS (SELECT 1 FROM plan_quotas q WHERE q.plan_id = p.id AND q.office_org_id = $" +
               std::to_string(++param) + ")";
    sql += ")";
    if (q.year) sql += " AND p.year = $" + std::to_string(++param);
    if (q.state) sql += " AND p.state = $" + std::to_string(++param);
    if (q.before_id > 0) sql += " AND p.id < $" + std::to_string(++param);
    sql += " ORDER BY p.id DESC LIMIT $" + std::to_string(++param);
    // An empty path covers nothing: "%" alone would match every organisation.
    const std::string prefix = q.within_path.empty() ? std::string("(no subtree)") : q.within_path + "%";
    st << sql, bind(prefix);
    if (q.quota_office_id) st, bind(static_cast<Poco::Int64>(*q.quota_office_id));
    if (q.year) st, bind(*q.year);
    if (q.state) st, bind(*q.state);
    if (q.before_id > 0) st, bind(static_cast<Poco::Int64>(q.before_id));
    st, bind(static_cast<Poco::Int64>(std::clamp(q.limit, 1, 500) + 1));
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<SamplingPlan> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        out.push_back(read_plan_row(rs));
    }
    return out;
}

StoreResult<std::vector<PlanPhaseRow>> PlanRepository::phases_of(const std::string& plan_code) {
    std::vector<Poco::Int64> ids;
    tx_.session() << "SELECT id FROM sampling_plans WHERE code = $1", bind(plan_code), into(ids), now;
    if (ids.empty()) return store_error(StoreErrorKind::not_found, "plan " + plan_code + " does not exist");
    return load_phases(tx_, ids.front());
}

void PlanRepository::copy_quota_tags_to_task(std::int64_t quota_id, std::int64_t task_id) {
    tx_.session() << "INSERT INTO task_focus_tags (task_id, tag_code) SELECT $1, tag_code FROM quota_focus_tags "
                     "WHERE quota_id = $2",
        bind(static_cast<Poco::Int64>(task_id)), bind(static_cast<Poco::Int64>(quota_id)), now;
}

std::string to_json(const SamplingPlan& p) {
    Poco::JSON::Object j;
    j.set("id", p.id);
    j.set("code", p.code);
    j.set("title", p.title);
    j.set("org_id", p.org_id);
    j.set("year", p.year);
    j.set("state", p.state);
    j.set("starts_on", p.starts_on);
    j.set("ends_on", p.ends_on);
    Poco::JSON::Array quotas;
    for (const auto& q : p.quotas) {
        Poco::JSON::Object o;
        o.set("id", q.id);
        o.set("office_org_id", q.office_org_id);
        o.set("category", q.category);
        o.set("focus", q.focus);
        o.set("quantity", q.quantity);
        o.set("due_on", q.due_on);
        Poco::JSON::Array months, tags;
        for (const auto& m : q.months) {
            Poco::JSON::Object mo;
            mo.set("month", m.month);
            mo.set("quantity", m.quantity);
            months.add(mo);
        }
        for (const auto& t : q.focus_tags) tags.add(t);
        o.set("months", months);
        o.set("focus_tags", tags);
        quotas.add(o);
    }
    j.set("quotas", quotas);
    Poco::JSON::Array phases;
    for (const auto& ph : p.phases) {
        Poco::JSON::Object o;
        o.set("name", ph.name);
        o.set("starts_on", ph.starts_on);
        o.set("ends_on", ph.ends_on);
        if (ph.summary_due_on) o.set("summary_due_on", *ph.summary_due_on);
        phases.add(o);
    }
    j.set("phases", phases);
    j.set("version", p.version);
    std::ostringstream out;
    j.stringify(out);
    return out.str();
}

}  // namespace lims::store
