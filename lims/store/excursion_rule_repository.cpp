#include "lims/store/excursion_rule_repository.hpp"

#include "lims/store/sql.hpp"
#include "lims/store/transaction.hpp"

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
    // Through sql(): compiled or prepared once per connection. The ingest reads a unit's
    // and its product class's rule for every logger of every batch.
    const std::string statement = std::string("SELECT ") + kColumns + " FROM excursion_rules " + where;
    SqlResult result = key.empty() ? sql(tx_, statement) : sql(tx_, statement, {key});
    std::vector<ExcursionRuleRow> out;
    out.reserve(result.rows.size());
    for (auto& row : result.rows) {
        ExcursionRuleRow r;
        r.id = row.integer(0);
        r.scope = row.optional_text(1).value_or("");
        r.scope_key = row.optional_text(2).value_or("");
        r.storage_unit_id = row.optional_integer(3);
        r.product_class = row.optional_text(4).value_or("");
        r.storage_class = row.optional_text(5).value_or("");
        r.version = row.integer(6);
        r.withdrawn = row.integer(7) != 0;
        if (auto v = row.optional_integer(8)) r.min_centi_celsius = static_cast<std::int32_t>(*v);
        if (auto v = row.optional_integer(9)) r.max_centi_celsius = static_cast<std::int32_t>(*v);
        r.alarm_confirmation_s = row.optional_integer(10);
        r.recording_interval_s = row.optional_integer(11);
        r.offline_alarm_after_s = row.optional_integer(12);
        r.excursions_json = row.optional_text(13).value_or("");
        r.reason = row.optional_text(14).value_or("");
        r.created_by = row.optional_text(15).value_or("");
        r.created_at = row.optional_text(16).value_or("");
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
