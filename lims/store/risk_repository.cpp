#include "lims/store/risk_repository.hpp"

#include "lims/store/number_counter.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Nullable.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

using NStr = Poco::Nullable<std::string>;
using NInt = Poco::Nullable<Poco::Int64>;

constexpr const char* kRiskColumns =
    "r.id, r.number, r.org_id, o.path, r.title, r.description, r.source, r.tag_code, r.region_code, r.state, "
    "r.created_by, r.created_at, r.closed_at, r.version, r.updated_at";

std::optional<std::string> opt_text(const Poco::Dynamic::Var& v) {
    if (v.isEmpty()) return std::nullopt;
    return v.convert<std::string>();
}

Risk read_risk(Poco::Data::RecordSet& rs) {
    Risk r;
    r.id = rs[0].convert<Poco::Int64>();
    r.number = rs[1].convert<std::string>();
    r.org_id = rs[2].convert<Poco::Int64>();
    r.org_path = rs[3].convert<std::string>();
    r.title = rs[4].convert<std::string>();
    r.description = rs[5].convert<std::string>();
    r.source = rs[6].convert<std::string>();
    r.tag_code = opt_text(rs[7]);
    r.region_code = opt_text(rs[8]);
    r.state = rs[9].convert<std::string>();
    r.created_by = rs[10].convert<std::string>();
    r.created_at = rs[11].convert<std::string>();
    r.closed_at = opt_text(rs[12]);
    r.version = rs[13].convert<Poco::Int64>();
    r.updated_at = rs[14].convert<std::string>();
    return r;
}

std::vector<RiskItem> load_items(Transaction& tx, std::int64_t risk_id) {
    Poco::Data::Statement st(tx.session());
    st << "SELECT i.id, i.position, i.description, i.responsible_org_id, i.due_on, i.created_at, c.evidence, c.note, "
          "c.closed_by, c.closed_by_name, c.closed_at FROM risk_items i LEFT JOIN risk_item_closures c "
          "ON c.item_id = i.id WHERE i.risk_id = $1 ORDER BY i.position",
        bind(static_cast<Poco::Int64>(risk_id));
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<RiskItem> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        RiskItem i;
        i.id = rs[0].convert<Poco::Int64>();
        i.position = rs[1].convert<int>();
        i.description = rs[2].convert<std::string>();
        if (!rs[3].isEmpty()) i.responsible_org_id = rs[3].convert<Poco::Int64>();
        i.due_on = opt_text(rs[4]);
        i.created_at = rs[5].convert<std::string>();
        if (!rs[10].isEmpty()) {
            RiskItemClosure c;
            c.evidence = rs[6].convert<std::string>();
            c.note = rs[7].convert<std::string>();
            if (!rs[8].isEmpty()) c.closed_by = rs[8].convert<Poco::Int64>();
            c.closed_by_name = rs[9].convert<std::string>();
            c.closed_at = rs[10].convert<std::string>();
            i.closure = std::move(c);
        }
        out.push_back(std::move(i));
    }
    return out;
}

}  // namespace

StoreResult<Risk> RiskRepository::create(const Risk& in, int year) {
    char number[32];
    std::snprintf(number, sizeof number, "FX%d-%05lld", year,
                  static_cast<long long>(next_counter_value(tx_, "risk-" + std::to_string(year))));
    const std::string at = tx_.now_utc();
    NStr tag = in.tag_code ? NStr(*in.tag_code) : NStr();
    NStr region = in.region_code ? NStr(*in.region_code) : NStr();
    Poco::Int64 id = 0;
    std::string num = number;
    tx_.session() << "INSERT INTO risks (number, org_id, title, description, source, tag_code, region_code, state, "
                     "created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $9) "
                     "RETURNING id",
        bind(num), bind(static_cast<Poco::Int64>(in.org_id)), bind(in.title), bind(in.description), bind(in.source),
        bind(tag), bind(region), bind(in.created_by), bind(at), into(id), now;
    int position = 0;
    for (const auto& item : in.items) {
        NInt org = item.responsible_org_id ? NInt(*item.responsible_org_id) : NInt();
        NStr due = item.due_on ? NStr(*item.due_on) : NStr();
        tx_.session() << "INSERT INTO risk_items (risk_id, position, description, responsible_org_id, due_on, created_at) "
                         "VALUES ($1, $2, $3, $4, $5, $6)",
            bind(id), bind(++position), bind(item.description), bind(org), bind(due), bind(at), now;
    }
    return get_by_number(num);
}

StoreResult<Risk> RiskRepository::get_by_number(const std::string& number) {
    Poco::Data::Statement st(tx_.session());
    st << std::string("SELECT ") + kRiskColumns + " FROM risks r JOIN organisations o ON o.id = r.org_id WHERE r.number = $1",
        bind(number);
    st.execute();
    Poco::Data::RecordSet rs(st);
    if (!rs.moveFirst()) return store_error(StoreErrorKind::not_found, "risk " + number + " does not exist");
    Risk r = read_risk(rs);
    r.items = load_items(tx_, r.id);
    return r;
}

std::vector<Risk> RiskRepository::list(const RiskListQuery& q) {
    Poco::Data::Statement st(tx_.session());
    std::string sql = std::string("SELECT ") + kRiskColumns +
                      " FROM risks r JOIN organisations o ON o.id = r.org_id WHERE o.path LIKE $1";
    int param = 1;
    if (q.state) sql += " AND r.state = $" + std::to_string(++param);
    if (q.before_id > 0) sql += " AND r.id < $" + std::to_string(++param);
    sql += " ORDER BY r.id DESC LIMIT $" + std::to_string(++param);
    // An empty path covers nothing: "%" alone would match every organisation.
    const std::string prefix = q.within_path.empty() ? std::string("(no subtree)") : q.within_path + "%";
    st << sql, bind(prefix);
    if (q.state) st, bind(*q.state);
    if (q.before_id > 0) st, bind(static_cast<Poco::Int64>(q.before_id));
    st, bind(static_cast<Poco::Int64>(std::clamp(q.limit, 1, 500) + 1));
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<Risk> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) out.push_back(read_risk(rs));
    for (auto& r : out) r.items = load_items(tx_, r.id);
    return out;
}

StoreResult<Done> RiskRepository::close_item(std::int64_t item_id, const RiskItemClosure& c) {
    Poco::Int64 taken = 0;
    tx_.session() << "SELECT count(*) FROM risk_item_closures WHERE item_id = $1", bind(static_cast<Poco::Int64>(item_id)),
        into(taken), now;
    if (taken > 0) return store_error(StoreErrorKind::conflict, "the item is already closed");
    NInt by = c.closed_by ? NInt(*c.closed_by) : NInt();
    tx_.session() << "INSERT INTO risk_item_closures (item_id, evidence, note, closed_by, closed_by_name, closed_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6)",
        bind(static_cast<Poco::Int64>(item_id)), bind(c.evidence), bind(c.note), bind(by), bind(c.closed_by_name),
        bind(c.closed_at), now;
    return Done{};
}

StoreResult<Risk> RiskRepository::advance(const Risk& current, std::int64_t expected_version, bool close,
                                          const std::string& at) {
    Poco::Data::Statement update(tx_.session());
    NStr closed_at = close ? NStr(at) : NStr();
    const std::string state = close ? "closed" : "open";
    update << "UPDATE risks SET state = $1, closed_at = $2, version = version + 1, updated_at = $3 "
              "WHERE id = $4 AND version = $5 AND state = 'open'",
        bind(state), bind(closed_at), bind(at), bind(static_cast<Poco::Int64>(current.id)),
        bind(static_cast<Poco::Int64>(expected_version));
    if (update.execute() == 0)
        return store_error(StoreErrorKind::conflict, "risk " + current.number + " is no longer at version " +
                                                         std::to_string(expected_version) + ": reload and retry");
    return get_by_number(current.number);
}

std::string to_json(const Risk& r) {
    Poco::JSON::Object j;
    j.set("number", r.number);
    j.set("org_id", r.org_id);
    j.set("title", r.title);
    j.set("description", r.description);
    j.set("source", r.source);
    if (r.tag_code) j.set("focus_tag", *r.tag_code);
    if (r.region_code) j.set("region_code", *r.region_code);
    j.set("state", r.state);
    if (r.closed_at) j.set("closed_at", *r.closed_at);
    j.set("version", r.version);
    Poco::JSON::Array items;
    for (const auto& i : r.items) {
        Poco::JSON::Object o;
        o.set("position", i.position);
        o.set("description", i.description);
        o.set("closed", i.closure.has_value());
        if (i.closure) {
            o.set("evidence", i.closure->evidence);
            o.set("note", i.closure->note);
            o.set("closed_by", i.closure->closed_by_name);
            o.set("closed_at", i.closure->closed_at);
        }
        items.add(o);
    }
    j.set("items", items);
    std::ostringstream out;
    j.stringify(out);
    return out.str();
}

}  // namespace lims::store
