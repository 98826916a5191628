#include "lims/store/excursion_rule_repository.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Nullable.h>

#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

using NInt = Poco::Nullable<Poco::Int64>;
using NStr = Poco::Nullable<std::string>;

template <typename T>
NInt nullable(const std::optional<T>& v) {
    return v ? NInt(static_cast<Poco::Int64>(*v)) : NInt();
}
NStr nullable_text(const std::string& v) { return v.empty() ? NStr() : NStr(v); }

constexpr const char* kColumns =
    "id, scope, scope_key, storage_unit_id, product_class, storage_class, version, withdrawn, min_centi_celsius, "
    "max_centi_celsius, alarm_confirmation_s, recording_interval_s, offline_alarm_after_s, excursions, reason, "
    "created_by, created_at";

}  // namespace

std::string unit_rule_key(std::int64_t storage_unit_id) { return "storage_unit:" + std::to_string(storage_unit_id); }

std::string product_class_rule_key(const std::string& product_class, const std::string& storage_class) {
    return "product_class:" + product_class + ":" + storage_class;
}

std::string to_json(const ExcursionRuleRow& r) {
    Poco::JSON::Object j;
    j.set("id", r.id);
    j.set("scope", r.scope);
    if (r.storage_unit_id) j.set("storage_unit_id", *r.storage_unit_id);
    if (!r.product_class.empty()) j.set("product_class", r.product_class);
    if (!r.storage_class.empty()) j.set("storage_class", r.storage_class);
    j.set("version", r.version);
    j.set("withdrawn", r.withdrawn);
    if (r.min_centi_celsius) j.set("min_centi_celsius", *r.min_centi_celsius);
    if (r.max_centi_celsius) j.set("max_centi_celsius", *r.max_centi_celsius);
    if (r.alarm_confirmation_s) j.set("alarm_confirmation_s", *r.alarm_confirmation_s);
    if (r.recording_interval_s) j.set("recording_interval_s", *r.recording_interval_s);
    if (r.offline_alarm_after_s) j.set("offline_alarm_after_s", *r.offline_alarm_after_s);
    Poco::JSON::Parser parser;
    j.set("excursions", parser.parse(r.excursions_json.empty() ? "[]" : r.excursions_json));
    j.set("reason", r.reason);
    j.set("created_by", r.created_by);
    j.set("created_at", r.created_at);
    std::ostringstream s;
    j.stringify(s);
    return s.str();
}

StoreResult<std::vector<ExcursionRuleRow>> ExcursionRuleRepository::select(const std::string& where,
                                                                           const std::string& key) {
    Poco::Data::Statement st(tx_.session());
    std::string k = key;
    st << std::string("SELECT ") + kColumns + " FROM excursion_rules " + where;
    if (!key.empty()) st, bind(k);
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<ExcursionRuleRow> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        auto i64 = [&](std::size_t c) { return rs.value(c).convert<Poco::Int64>(); };
        auto oi64 = [&](std::size_t c) {
            return rs.value(c).isEmpty() ? std::nullopt : std::optional<std::int64_t>(i64(c));
        };
        auto text = [&](std::size_t c) { return rs.value(c).isEmpty() ? std::string() : rs.value(c).convert<std::string>(); };
        ExcursionRuleRow r;
        r.id = i64(0);
        r.scope = text(1);
        r.scope_key = text(2);
        r.storage_unit_id = oi64(3);
        r.product_class = text(4);
        r.storage_class = text(5);
        r.version = i64(6);
        r.withdrawn = i64(7) != 0;
        if (auto v = oi64(8)) r.min_centi_celsius = static_cast<std::int32_t>(*v);
        if (auto v = oi64(9)) r.max_centi_celsius = static_cast<std::int32_t>(*v);
        r.alarm_confirmation_s = oi64(10);
        r.recording_interval_s = oi64(11);
        r.offline_alarm_after_s = oi64(12);
        r.excursions_json = text(13);
        r.reason = text(14);
        r.created_by = text(15);
        r.created_at = text(16);
        out.push_back(std::move(r));
    }
    return out;
}

StoreResult<std::optional<ExcursionRuleRow>> ExcursionRuleRepository::current(const std::string& scope_key) {
    auto rows = select("WHERE scope_key = $1 ORDER BY version DESC LIMIT 1", scope_key);
    if (!rows) return rows.error();
    if (rows->empty()) return std::optional<ExcursionRuleRow>();
    return std::optional<ExcursionRuleRow>(std::move(rows->front()));
}

StoreResult<std::vector<ExcursionRuleRow>> ExcursionRuleRepository::history(const std::string& scope_key) {
    return select("WHERE scope_key = $1 ORDER BY version", scope_key);
}

StoreResult<std::vector<ExcursionRuleRow>> ExcursionRuleRepository::product_class_rules() {
    return select("r WHERE r.scope = 'product_class' AND r.version = (SELECT max(n.version) FROM excursion_rules n "
                  "WHERE n.scope_key = r.scope_key) ORDER BY r.scope_key",
                  "");
}

StoreResult<ExcursionRuleRow> ExcursionRuleRepository::append(ExcursionRuleRow row, std::int64_t expected_version,
                                                              const std::string& actor) {
    auto before = current(row.scope_key);
    if (!before) return before.error();
    const std::int64_t newest = *before ? (*before)->version : 0;
    if (newest != expected_version)
        return store_error(StoreErrorKind::conflict,
                           "the excursion rule of " + row.scope_key + " is at version " + std::to_string(newest) +
                               ", not " + std::to_string(expected_version) + ": someone changed it meanwhile");
    row.version = newest + 1;
    row.created_by = actor;
    row.created_at = tx_.now_utc();
    NInt unit = nullable(row.storage_unit_id);
    NStr product_class = nullable_text(row.product_class);
    NStr storage_class = nullable_text(row.storage_class);
    NInt low = nullable(row.min_centi_celsius);
    NInt high = nullable(row.max_centi_celsius);
    NInt confirmation = nullable(row.alarm_confirmation_s);
    NInt interval = nullable(row.recording_interval_s);
    NInt offline = nullable(row.offline_alarm_after_s);
    int withdrawn = row.withdrawn ? 1 : 0;
    Poco::Int64 id = 0;
    tx_.session() << "INSERT INTO excursion_rules (scope, scope_key, storage_unit_id, product_class, storage_class, "
                     "version, withdrawn, min_centi_celsius, max_centi_celsius, alarm_confirmation_s, "
                     "recording_interval_s, offline_alarm_after_s, excursions, reason, created_by, created_at) VALUES "
                     "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
        bind(row.scope), bind(row.scope_key), bind(unit), bind(product_class), bind(storage_class), bind(row.version),
        bind(withdrawn), bind(low), bind(high), bind(confirmation), bind(interval), bind(offline),
        bind(row.excursions_json), bind(row.reason), bind(row.created_by), bind(row.created_at), into(id), now;
    row.id = id;
    tx_.record({actor, row.withdrawn ? "excursion_rule.withdraw" : "excursion_rule.set", "excursion_rule", row.scope_key,
                *before ? to_json(**before) : "", to_json(row), row.reason});
    return row;
}

}  // namespace lims::store
