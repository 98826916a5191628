#include "lims/store/excursion_repository.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>
#include <Poco/Nullable.h>
#include <Poco/Tuple.h>

#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

using NInt = Poco::Nullable<Poco::Int64>;
using NI32 = Poco::Nullable<int>;
using NDbl = Poco::Nullable<double>;
using NStr = Poco::Nullable<std::string>;

NInt nullable(const std::optional<std::int64_t>& v) { return v ? NInt(*v) : NInt(); }
template <typename T, typename N>
std::optional<T> opt(const N& v) {
    return v.isNull() ? std::nullopt : std::optional<T>(static_cast<T>(v.value()));
}

constexpr const char* kColumns =
    "id, logger_id, placement_id, storage_unit_id, shipment_id, rule, kind, accumulation, start_utc, opened_at_utc, "
    "end_utc, min_centi_celsius, max_centi_celsius, time_out_of_range_s, mkt_celsius, readings, ended_by, state, "
    "case_lead_id, rule_source, rule_version_id, rule_detail";

}  // namespace

std::string to_json(const ExcursionRow& x) {
    Poco::JSON::Object j;
    j.set("id", x.id);
    j.set("logger_id", x.logger_id);
    j.set("placement_id", x.placement_id);
    if (x.storage_unit_id) j.set("storage_unit_id", *x.storage_unit_id);
    if (x.shipment_id) j.set("shipment_id", *x.shipment_id);
    j.set("rule", x.rule);
    j.set("kind", x.kind);
    j.set("accumulation", x.accumulation);
    j.set("start_utc", x.start_utc);
    j.set("opened_at_utc", x.opened_at_utc);
    if (x.end_utc) j.set("end_utc", *x.end_utc);
    if (x.min_centi_celsius) j.set("min_centi_celsius", *x.min_centi_celsius);
    if (x.max_centi_celsius) j.set("max_centi_celsius", *x.max_centi_celsius);
    if (x.time_out_of_range_s) j.set("time_out_of_range_s", *x.time_out_of_range_s);
    if (x.mkt_celsius) j.set("mkt_celsius", *x.mkt_celsius);
    if (x.readings) j.set("readings", *x.readings);
    if (!x.ended_by.empty()) j.set("ended_by", x.ended_by);
    j.set("state", x.state);
    if (x.case_lead_id) j.set("case_lead_id", *x.case_lead_id);
    j.set("rule_source", x.rule_source);
    if (x.rule_version_id) j.set("rule_version_id", *x.rule_version_id);
    j.set("rule_detail", x.rule_detail);
    std::ostringstream s;
    j.stringify(s);
    return s.str();
}

StoreResult<std::vector<ExcursionRow>> ExcursionRepository::select(const std::string& where_and_order,
                                                                   std::int64_t key) {
    Poco::Data::Statement st(tx_.session());
    st << std::string("SELECT ") + kColumns + " FROM excursions " + where_and_order, bind(key);
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<ExcursionRow> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        ExcursionRow x;
        auto i64 = [&](std::size_t c) { return rs.value(c).convert<Poco::Int64>(); };
        auto oi64 = [&](std::size_t c) {
            return rs.value(c).isEmpty() ? std::nullopt : std::optional<std::int64_t>(i64(c));
        };
        x.id = i64(0);
        x.logger_id = i64(1);
        x.placement_id = i64(2);
        x.storage_unit_id = oi64(3);
        x.shipment_id = oi64(4);
        x.rule = rs.value(5).convert<std::string>();
        x.kind = rs.value(6).convert<std::string>();
        x.accumulation = rs.value(7).convert<std::string>();
        x.start_utc = i64(8);
        x.opened_at_utc = i64(9);
        x.end_utc = oi64(10);
        if (auto v = oi64(11)) x.min_centi_celsius = static_cast<std::int32_t>(*v);
        if (auto v = oi64(12)) x.max_centi_celsius = static_cast<std::int32_t>(*v);
        x.time_out_of_range_s = oi64(13);
        if (!rs.value(14).isEmpty()) x.mkt_celsius = rs.value(14).convert<double>();
        x.readings = oi64(15);
        if (!rs.value(16).isEmpty()) x.ended_by = rs.value(16).convert<std::string>();
        x.state = rs.value(17).convert<std::string>();
        x.case_lead_id = oi64(18);
        x.rule_source = rs.value(19).convert<std::string>();
        x.rule_version_id = oi64(20);
        x.rule_detail = rs.value(21).convert<std::string>();
        out.push_back(std::move(x));
    }
    return out;
}

StoreResult<ExcursionRow> ExcursionRepository::open(const ExcursionRow& row, const std::string& actor) {
    std::vector<Poco::Int64> ids;
    tx_.session() << "SELECT id FROM excursions WHERE logger_id = $1 AND rule = $2 AND start_utc = $3",
        bind(row.logger_id), bind(row.rule), bind(row.start_utc), into(ids), now;
    if (!ids.empty()) return get(ids.front());
    NInt unit = nullable(row.storage_unit_id);
    NInt shipment = nullable(row.shipment_id);
    const std::string at = tx_.now_utc();
    NInt rule_version = nullable(row.rule_version_id);
    Poco::Int64 id = 0;
    tx_.session() << "INSERT INTO excursions (logger_id, placement_id, storage_unit_id, shipment_id, rule, kind, "
                     "accumulation, start_utc, opened_at_utc, state, created_at, updated_at, rule_source, "
                     "rule_version_id, rule_detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, $10, $11, "
                     "$12, $13) RETURNING id",
        bind(row.logger_id), bind(row.placement_id), bind(unit), bind(shipment), bind(row.rule), bind(row.kind),
        bind(row.accumulation), bind(row.start_utc), bind(row.opened_at_utc), bind(at), bind(row.rule_source),
        bind(rule_version), bind(row.rule_detail), into(id), now;
    auto created = get(id);
    if (created) tx_.record({actor, "excursion.open", "excursion", std::to_string(id), "", to_json(*created), ""});
    return created;
}

StoreResult<ExcursionRow> ExcursionRepository::close(std::int64_t logger_id, const std::string& rule,
                                                     std::int64_t start_utc, const ExcursionFigures& f,
                                                     const std::string& actor) {
    std::vector<Poco::Int64> ids;
    tx_.session() << "SELECT id FROM excursions WHERE logger_id = $1 AND rule = $2 AND start_utc = $3 AND state = 'open'",
        bind(logger_id), bind(rule), bind(start_utc), into(ids), now;
    if (ids.empty())
        return store_error(StoreErrorKind::not_found, "no open excursion of logger " + std::to_string(logger_id) +
                                                          " under rule " + rule + " from " + std::to_string(start_utc));
    auto before = get(ids.front());
    if (!before) return before.error();
    const std::string at = tx_.now_utc();
    Poco::Int64 id = ids.front();
    tx_.session() << "UPDATE excursions SET end_utc = $1, min_centi_celsius = $2, max_centi_celsius = $3, "
                     "time_out_of_range_s = $4, mkt_celsius = $5, readings = $6, ended_by = $7, state = 'closed', "
                     "version = version + 1, updated_at = $8 WHERE id = $9",
        bind(f.end_utc), bind(f.min_centi_celsius), bind(f.max_centi_celsius), bind(f.time_out_of_range_s),
        bind(f.mkt_celsius), bind(f.readings), bind(f.ended_by), bind(at), bind(id), now;
    auto after = get(id);
    if (after) tx_.record({actor, "excursion.close", "excursion", std::to_string(id), to_json(*before), to_json(*after), ""});
    return after;
}

StoreResult<Done> ExcursionRepository::set_case_lead(std::int64_t excursion_id, std::int64_t case_lead_id) {
    tx_.session() << "UPDATE excursions SET case_lead_id = $1, version = version + 1 WHERE id = $2 AND case_lead_id IS NULL",
        bind(case_lead_id), bind(excursion_id), now;
    return Done{};
}

StoreResult<ExcursionRow> ExcursionRepository::get(std::int64_t id) {
    auto rows = select("WHERE id = $1", id);
    if (!rows) return rows.error();
    if (rows->empty()) return store_error(StoreErrorKind::not_found, "excursion " + std::to_string(id) + " does not exist");
    return rows->front();
}

StoreResult<std::vector<ExcursionRow>> ExcursionRepository::list(const ExcursionFilter& f) {
    std::string where = "WHERE id > $1";
    if (f.logger_id) where += " AND logger_id = " + std::to_string(*f.logger_id);
    if (f.storage_unit_id) where += " AND storage_unit_id = " + std::to_string(*f.storage_unit_id);
    if (f.shipment_id) where += " AND shipment_id = " + std::to_string(*f.shipment_id);
    if (!f.org_ids.empty()) {
        std::string ids;
        for (auto id : f.org_ids) ids += (ids.empty() ? "" : ",") + std::to_string(id);
        where += " AND (storage_unit_id IN (SELECT id FROM storage_units WHERE org_id IN (" + ids +
                 ")) OR shipment_id IN (SELECT id FROM shipments WHERE from_org_id IN (" + ids + ") OR to_org_id IN (" +
                 ids + ")))";
    }
    where += " ORDER BY id LIMIT " + std::to_string(f.limit);
    return select(where, f.after_id);
}

StoreResult<std::vector<std::pair<std::int64_t, std::int64_t>>> ExcursionRepository::windows(std::int64_t logger_id,
                                                                                             std::int64_t open_until) {
    std::vector<Poco::Int64> start;
    std::vector<NInt> end;
    tx_.session() << "SELECT start_utc, end_utc FROM excursions WHERE logger_id = $1 ORDER BY start_utc",
        bind(logger_id), into(start), into(end), now;
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    for (std::size_t i = 0; i < start.size(); ++i)
        out.emplace_back(start[i], end[i].isNull() ? open_until : end[i].value());
    return out;
}

}  // namespace lims::store
