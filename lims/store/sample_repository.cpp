#include "lims/store/sample_repository.hpp"
#include "lims/store/json_text.hpp"
#include "lims/store/row_values.hpp"

#include "lims/domain/identifiers/region_code.hpp"
#include "lims/store/number_counter.hpp"
#include "lims/store/revisions.hpp"
#include "lims/store/sql.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

// China Standard Time is UTC+8 all year (no daylight saving since 1991); the number's year
// is the year the sampler's calendar shows.
constexpr int beijing_offset_hours = 8;

constexpr const char* sample_columns =
    "id, number, org_id, task_id, product_id, entity_id, product_name, batch_number, production_date, "
    "expiry_date, quantity, unit, storage_condition, sampled_at, sampling_place, state, registered_by, version, "
    "created_at, updated_at";

domain::Sample sample_from(Poco::Data::RecordSet& rs) {
    domain::Sample s;
    s.id = rs["id"].convert<Poco::Int64>();
    s.number = rs["number"].convert<std::string>();
    s.org_id = rs["org_id"].convert<Poco::Int64>();
    s.task_id = optional_int(rs, "task_id");
    s.product_id = optional_int(rs, "product_id");
    s.entity_id = optional_int(rs, "entity_id");
    s.product_name = rs["product_name"].convert<std::string>();
    s.batch_number = rs["batch_number"].convert<std::string>();
    s.production_date = optional_text(rs, "production_date");
    s.expiry_date = optional_text(rs, "expiry_date");
    s.quantity = rs["quantity"].convert<std::string>();
    s.unit = rs["unit"].convert<std::string>();
    s.storage_condition =
        domain::storage_condition_from(rs["storage_condition"].convert<std::string>()).value_or(domain::StorageCondition::ambient);
    s.sampled_at = rs["sampled_at"].convert<std::string>();
    s.sampling_place = rs["sampling_place"].convert<std::string>();
    s.state = rs["state"].convert<std::string>();
    s.registered_by = optional_int(rs, "registered_by");
    s.version = rs["version"].convert<Poco::Int64>();
    s.created_at = rs["created_at"].convert<std::string>();
    s.updated_at = rs["updated_at"].convert<std::string>();
    return s;
}

// The same from a row of sql() over sample_columns.
domain::Sample sample_from(SqlRow& r) {
    domain::Sample s;
    s.id = r.integer(0);
    s.number = r.take_text(1);
    s.org_id = r.integer(2);
    s.task_id = r.optional_integer(3);
    s.product_id = r.optional_integer(4);
    s.entity_id = r.optional_integer(5);
    s.product_name = r.take_text(6);
    s.batch_number = r.take_text(7);
    s.production_date = r.optional_text(8);
    s.expiry_date = r.optional_text(9);
    s.quantity = r.take_text(10);
    s.unit = r.take_text(11);
    s.storage_condition = domain::storage_condition_from(r.text(12)).value_or(domain::StorageCondition::ambient);
    s.sampled_at = r.take_text(13);
    s.sampling_place = r.take_text(14);
    s.state = r.take_text(15);
    s.registered_by = r.optional_integer(16);
    s.version = r.integer(17);
    s.created_at = r.take_text(18);
    s.updated_at = r.take_text(19);
    return s;
}

std::vector<domain::Sample> select_samples(Poco::Data::Statement& st) {
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<domain::Sample> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) out.push_back(sample_from(rs));
    return out;
}

// A sample's seals, samplers, trace codes and portions in one query: a tag column says
// which child a row is, the ordering is each child's own (seal, user, code, portion id).
void load_children(Transaction& tx, domain::Sample& s) {
    auto children = sql(tx,
                        "SELECT 0 AS tag, CAST(NULL AS BIGINT) AS n, seal_number AS t1, CAST(NULL AS BIGINT) AS pid, "
                        "CAST(NULL AS TEXT) AS t2, CAST(NULL AS TEXT) AS t3, CAST(NULL AS TEXT) AS t4 "
                        "FROM sample_seals WHERE sample_id = $1 "
                        "UNION ALL SELECT 1, user_id, NULL, NULL, NULL, NULL, NULL FROM sample_samplers WHERE sample_id = $1 "
                        "UNION ALL SELECT 2, NULL, code, NULL, NULL, NULL, NULL FROM sample_trace_codes WHERE sample_id = $1 "
                        "UNION ALL SELECT 3, storage_unit_id, NULL, id, kind, quantity, unit FROM sample_portions "
                        "WHERE sample_id = $1 ORDER BY tag, t1, pid, n",
                        {s.id});
    for (auto& row : children.rows) {
        switch (row.integer(0)) {
            case 0: s.seal_numbers.push_back(row.take_text(2)); break;
            case 1: s.sampler_user_ids.push_back(row.integer(1)); break;
            case 2: s.trace_codes.push_back(row.take_text(2)); break;
            default: {
                domain::SamplePortion p{row.text(4) == "test" ? domain::PortionKind::test : domain::PortionKind::retained,
                                        row.take_text(5), row.take_text(6), row.optional_integer(1)};
                s.portions.push_back(std::move(p));
            }
        }
    }
}

StoreError invalid(const std::string& what) { return store_error(StoreErrorKind::invalid_argument, what); }

bool looks_like_date(const std::string& d) {
    return d.size() == 10 && d[4] == '-' && d[7] == '-' &&
           std::all_of(d.begin(), d.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
}

}  // namespace

std::optional<std::string> organisation_path(Transaction& tx, std::int64_t org_id) {
    auto path = sql(tx, "SELECT path FROM organisations WHERE id = $1", {org_id});
    if (path.rows.empty()) return std::nullopt;
    return path.rows.front().take_text(0);
}

std::optional<int> sample_number_year(const std::string& t) {
    // "YYYY-MM-DDTHH..." in UTC
    if (t.size() < 13 || !looks_like_date(t.substr(0, 10)) || t[10] != 'T') return std::nullopt;
    try {
        using namespace std::chrono;
        const year_month_day ymd{year{std::stoi(t.substr(0, 4))}, month{static_cast<unsigned>(std::stoi(t.substr(5, 2)))},
                                 day{static_cast<unsigned>(std::stoi(t.substr(8, 2)))}};
        if (!ymd.ok()) return std::nullopt;
        const int hour = std::stoi(t.substr(11, 2));
        if (hour < 0 || hour > 23) return std::nullopt;
        const auto local = sys_days{ymd} + hours{hour + beijing_offset_hours};
        return static_cast<int>(year_month_day{floor<days>(local)}.year());
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string to_json(const domain::Sample& s) {
    // Twice for the first instrument result of every sample (it starts the testing):
    // JsonObjectText, the text Poco::JSON::Object gave (tested against it).
    std::vector<std::string> portions;
    portions.reserve(s.portions.size());
    for (const auto& p : s.portions)
        portions.push_back(JsonObjectText()
                               .text("kind", domain::to_string(p.kind))
                               .text("quantity", p.quantity)
                               .text("unit", p.unit)
                               .integer("storage_unit_id", p.storage_unit_id)
                               .str());
    return JsonObjectText()
        .integer("id", s.id)
        .text("number", s.number)
        .integer("org_id", s.org_id)
        .integer("task_id", s.task_id)
        .integer("product_id", s.product_id)
        .integer("entity_id", s.entity_id)
        .text("product_name", s.product_name)
        .text("batch_number", s.batch_number)
        .text("production_date", s.production_date)
        .text("expiry_date", s.expiry_date)
        .text("quantity", s.quantity)
        .text("unit", s.unit)
        .text("storage_condition", domain::to_string(s.storage_condition))
        .text("sampled_at", s.sampled_at)
        .text("sampling_place", s.sampling_place)
        .text("state", s.state)
        .integer("registered_by", s.registered_by)
        .texts("seal_numbers", s.seal_numbers)
        .integers("sampler_user_ids", s.sampler_user_ids)
        .texts("trace_codes", s.trace_codes)
        .objects("portions", portions)
        .integer("version", s.version)
        .str();
}

StoreResult<domain::Sample> SampleRepository::register_sample(const NewSample& in, const std::string& actor) {
    if (in.product_name.empty()) return invalid("sample: product_name is empty");
    if (in.quantity.empty() || in.unit.empty()) return invalid("sample: quantity and unit are required");
    const auto year = sample_number_year(in.sampled_at);
    if (!year) return invalid("sample: sampled_at \"" + in.sampled_at + "\" is not a UTC time YYYY-MM-DDTHH:MM:SSZ");
    for (const auto* d : {&in.production_date, &in.expiry_date})
        if (*d && !looks_like_date(**d)) return invalid("sample: date \"" + **d + "\" is not YYYY-MM-DD");
    if (std::set<std::string>(in.seal_numbers.begin(), in.seal_numbers.end()).size() != in.seal_numbers.size())
        return invalid("sample: a seal number is listed twice");
    if (std::set<std::int64_t>(in.sampler_user_ids.begin(), in.sampler_user_ids.end()).size() !=
        in.sampler_user_ids.size())
        return invalid("sample: a sampler is listed twice");
    for (const auto& seal : in.seal_numbers)
        if (seal.empty()) return invalid("sample: an empty seal number");

    auto region_row = sql(tx_, "SELECT region_code FROM organisations WHERE id = $1", {in.org_id});
    if (region_row.rows.empty()) return invalid("sample: organisation " + std::to_string(in.org_id) + " does not exist");
    const std::string region_text = region_row.rows.front().text(0);
    auto region = domain::RegionCode::parse(region_text);
    if (!region) return invalid("sample: the organisation's " + region.error().message);
    for (const auto& p : in.portions)
        if (p.quantity.empty() || p.unit.empty()) return invalid("sample: a portion needs a quantity and a unit");

    const std::string counter = "sample:" + region_text + ":" + std::to_string(*year);
    const auto serial = next_counter_value(tx_, counter);
    auto number = domain::SampleNumber::from_parts(
        {in.category, *year, *region, static_cast<std::uint32_t>(std::min<std::int64_t>(serial, UINT32_MAX))});
    if (!number) return invalid("sample number: " + number.error().message);

    const std::string at = tx_.now_utc();
    const std::string storage(domain::to_string(in.storage_condition));
    const std::string number_text = number->text();
    const std::int64_t id =
        sql(tx_,
            "INSERT INTO samples (number, org_id, task_id, product_id, entity_id, product_name, batch_number, "
            "production_date, expiry_date, quantity, unit, storage_condition, sampled_at, sampling_place, state, "
            "registered_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
            "$14, $15, $16, $17, $17) RETURNING id",
            {number_text, in.org_id, in.task_id, in.product_id, in.entity_id, in.product_name, in.batch_number,
             in.production_date, in.expiry_date, in.quantity, in.unit, storage, in.sampled_at, in.sampling_place,
             in.state, in.registered_by, at})
            .rows.at(0)
            .integer(0);

    // Each kind of child in one multi-row INSERT (the statement text, and so its cached
    // compilation, depends on the number of rows only).
    std::vector<SqlParam> params;
    if (!in.seal_numbers.empty()) {
        params.clear();
        for (const auto& seal : in.seal_numbers) {
            params.emplace_back(id);
            params.emplace_back(seal);
        }
        // The unique key is the check: one statement instead of a look-up and an insert.
        const auto inserted = sql(tx_,
                                  "INSERT INTO sample_seals (sample_id, seal_number) VALUES " +
                                      sql_value_rows(in.seal_numbers.size(), 2) +
                                      " ON CONFLICT (seal_number) DO NOTHING",
                                  params);
        if (inserted.changed != static_cast<std::int64_t>(in.seal_numbers.size())) {
            for (const auto& seal : in.seal_numbers) {
                auto owner = sql(tx_, "SELECT sample_id FROM sample_seals WHERE seal_number = $1", {seal});
                if (!owner.rows.empty() && owner.rows.front().integer(0) != id)
                    return store_error(StoreErrorKind::conflict, "seal " + seal + " is already on another sample");
            }
            return store_error(StoreErrorKind::conflict, "a seal of this sample is already on another sample");
        }
    }
    if (!in.sampler_user_ids.empty()) {
        params.clear();
        for (auto user : in.sampler_user_ids) {
            params.emplace_back(id);
            params.emplace_back(user);
        }
        sql(tx_, "INSERT INTO sample_samplers (sample_id, user_id) VALUES " + sql_value_rows(in.sampler_user_ids.size(), 2),
            params);
    }
    std::vector<std::string> kinds;
    kinds.reserve(in.portions.size());
    if (!in.portions.empty()) {
        params.clear();
        for (const auto& p : in.portions) {
            kinds.emplace_back(domain::to_string(p.kind));
            params.emplace_back(id);
            params.emplace_back(kinds.back());
            params.emplace_back(p.quantity);
            params.emplace_back(p.unit);
            params.emplace_back(p.storage_unit_id);
            params.emplace_back("held");
        }
        // Ids in insertion order keep the portions in the order given (load_children).
        sql(tx_,
            "INSERT INTO sample_portions (sample_id, kind, quantity, unit, storage_unit_id, state) VALUES " +
                sql_value_rows(in.portions.size(), 6),
            params);
    }
    const std::set<std::string> codes(in.trace_codes.begin(), in.trace_codes.end());
    if (!codes.empty()) {
        params.clear();
        for (const auto& code : codes) {
            params.emplace_back(id);
            params.emplace_back(code);
        }
        sql(tx_, "INSERT INTO sample_trace_codes (sample_id, code) VALUES " + sql_value_rows(codes.size(), 2), params);
    }

    // What was written, without reading it back (registration is the hot path).
    domain::Sample sample;
    sample.id = id;
    sample.number = number_text;
    sample.org_id = in.org_id;
    sample.task_id = in.task_id;
    sample.product_id = in.product_id;
    sample.entity_id = in.entity_id;
    sample.product_name = in.product_name;
    sample.batch_number = in.batch_number;
    sample.production_date = in.production_date;
    sample.expiry_date = in.expiry_date;
    sample.quantity = in.quantity;
    sample.unit = in.unit;
    sample.storage_condition = in.storage_condition;
    sample.sampled_at = in.sampled_at;
    sample.sampling_place = in.sampling_place;
    sample.state = in.state;
    sample.registered_by = in.registered_by;
    sample.seal_numbers = in.seal_numbers;
    std::sort(sample.seal_numbers.begin(), sample.seal_numbers.end());
    sample.sampler_user_ids = in.sampler_user_ids;
    std::sort(sample.sampler_user_ids.begin(), sample.sampler_user_ids.end());
    sample.portions = in.portions;
    sample.trace_codes.assign(codes.begin(), codes.end());
    sample.version = 1;
    sample.created_at = sample.updated_at = at;
    const std::string json = to_json(sample);
    record_revision(tx_, {"sample", id, 1, json, "registered", actor, at});
    tx_.record({actor, "sample.register", "sample", sample.number, "", json, ""});
    return sample;
}

StoreResult<domain::Sample> SampleRepository::get_by_number(const std::string& text) {
    auto number = domain::SampleNumber::parse(text);
    if (!number) return invalid(number.error().message);
    const std::string number_text = number->text();
    auto rows = sql(tx_, std::string("SELECT ") + sample_columns + " FROM samples WHERE number = $1", {number_text});
    if (rows.rows.empty()) return store_error(StoreErrorKind::not_found, "sample " + number_text + " does not exist");
    auto sample = sample_from(rows.rows.front());
    load_children(tx_, sample);
    return sample;
}

StoreResult<SamplePage> SampleRepository::list(const SampleQuery& q) {
    const int limit = std::clamp(q.limit, 1, max_page_size);
    Poco::Data::Statement st(tx_.session());
    std::string sql = "SELECT " + std::string(sample_columns) + " FROM samples WHERE id > $1";
    int param = 1;
    std::string prefix;
    if (q.within_org) {
        std::vector<std::string> path;
        tx_.session() << "SELECT path FROM organisations WHERE id = $1", bind(*q.within_org), into(path), now;
        if (path.empty()) return invalid("organisation " + std::to_string(*q.within_org) + " does not exist");
        prefix = path.front() + "%";
        sql += " AND org_id IN (SELECT id FROM organisations WHERE path LIKE $" + std::to_string(++param) + ")";
    }
    std::string lab_prefix;
    if (q.shipped_to_org) {
        auto path = organisation_path(tx_, *q.shipped_to_org);
        if (!path) return invalid("organisation " + std::to_string(*q.shipped_to_org) + " does not exist");
        lab_prefix = *path + "%";
        sql += " AND id IN (SELECT i.sample_id FROM shipment_items i JOIN shipments h ON h.id = i.shipment_id "
               "JOIN organisations o ON o.id = h.to_org_id WHERE o.path LIKE $" + std::to_string(++param) + ")";
    }
    if (q.state) sql += " AND state = $" + std::to_string(++param);
    if (q.task_id) sql += " AND task_id = $" + std::to_string(++param);
    // One row more than the page tells whether another page follows.
    sql += " ORDER BY id LIMIT $" + std::to_string(++param);
    st << sql, bind(static_cast<Poco::Int64>(q.after_id));
    if (q.within_org) st, bind(prefix);
    if (q.shipped_to_org) st, bind(lab_prefix);
    if (q.state) st, bind(*q.state);
    if (q.task_id) st, bind(static_cast<Poco::Int64>(*q.task_id));
    st, bind(static_cast<Poco::Int64>(limit + 1));
    SamplePage page;
    page.items = select_samples(st);
    if (static_cast<int>(page.items.size()) > limit) {
        page.items.pop_back();
        page.next_after_id = page.items.back().id;
    }
    return page;
}

StoreResult<domain::Sample> SampleRepository::correct(const std::string& number, std::int64_t expected_version,
                                                      const SampleCorrection& c, const std::string& reason,
                                                      const std::string& actor) {
    if (reason.empty()) return invalid("a correction of sample " + number + " needs a reason");
    auto before = get_by_number(number);
    if (!before) return before;
    if (before->version != expected_version)
        return store_error(StoreErrorKind::conflict, "sample " + before->number + " is at version " +
                                                         std::to_string(before->version) + ", not " +
                                                         std::to_string(expected_version) + ": reload and retry");
    for (const auto* d : {&c.production_date, &c.expiry_date})
        if (*d && !looks_like_date(**d)) return invalid("sample: date \"" + **d + "\" is not YYYY-MM-DD");
    domain::Sample after = *before;
    if (c.product_name) after.product_name = *c.product_name;
    if (c.batch_number) after.batch_number = *c.batch_number;
    if (c.production_date) after.production_date = *c.production_date;
    if (c.expiry_date) after.expiry_date = *c.expiry_date;
    if (c.quantity) after.quantity = *c.quantity;
    if (c.unit) after.unit = *c.unit;
    if (c.sampling_place) after.sampling_place = *c.sampling_place;
    if (after.product_name.empty() || after.quantity.empty() || after.unit.empty())
        return invalid("a correction cannot empty product_name, quantity or unit");
    after.version = before->version + 1;
    after.updated_at = tx_.now_utc();

    Poco::Data::Statement update(tx_.session());
    update << "UPDATE samples SET product_name = $1, batch_number = $2, production_date = $3, expiry_date = $4, "
              "quantity = $5, unit = $6, sampling_place = $7, version = $8, updated_at = $9 WHERE id = $10 AND "
              "version = $11",
        bind(after.product_name), bind(after.batch_number), bind(nullable(after.production_date)),
        bind(nullable(after.expiry_date)), bind(after.quantity), bind(after.unit), bind(after.sampling_place),
        bind(after.version), bind(after.updated_at), bind(after.id), bind(expected_version);
    if (update.execute() == 0)
        return store_error(StoreErrorKind::conflict,
                           "sample " + before->number + " was changed meanwhile: reload and retry");
    const std::string json = to_json(after);
    record_revision(tx_, {"sample", after.id, after.version, json, reason, actor, after.updated_at});
    tx_.record({actor, "sample.correct", "sample", after.number, to_json(*before), json, reason});
    return after;
}

StoreResult<domain::Sample> SampleRepository::get_by_id(std::int64_t id) {
    auto rows = sql(tx_, std::string("SELECT ") + sample_columns + " FROM samples WHERE id = $1", {id});
    if (rows.rows.empty()) return store_error(StoreErrorKind::not_found, "sample " + std::to_string(id) + " does not exist");
    auto sample = sample_from(rows.rows.front());
    load_children(tx_, sample);
    return sample;
}

StoreResult<domain::Sample> SampleRepository::move_state(const domain::Sample& current, std::int64_t expected_version,
                                                         const std::string& to_state) {
    domain::Sample after = current;
    after.state = to_state;
    after.version = expected_version + 1;
    after.updated_at = tx_.now_utc();
    auto update = sql(tx_, "UPDATE samples SET state = $1, version = $2, updated_at = $3 WHERE id = $4 AND version = $5",
                      {to_state, after.version, after.updated_at, current.id, expected_version});
    if (update.changed == 0)
        return store_error(StoreErrorKind::conflict, "sample " + current.number + " is no longer at version " +
                                                         std::to_string(expected_version) + ": reload and retry");
    return after;
}

StoreResult<domain::Sample> SampleRepository::link_product(const domain::Sample& current, std::int64_t expected_version,
                                                           std::int64_t product_id, const std::string& reason,
                                                           const std::string& actor) {
    if (reason.empty()) return invalid("linking a product to sample " + current.number + " needs a reason");
    domain::Sample after = current;
    after.product_id = product_id;
    after.version = expected_version + 1;
    after.updated_at = tx_.now_utc();
    auto update = sql(tx_, "UPDATE samples SET product_id = $1, version = $2, updated_at = $3 WHERE id = $4 AND version = $5",
                      {product_id, after.version, after.updated_at, current.id, expected_version});
    if (update.changed == 0)
        return store_error(StoreErrorKind::conflict, "sample " + current.number + " is no longer at version " +
                                                         std::to_string(expected_version) + ": reload and retry");
    const std::string json = to_json(after);
    record_revision(tx_, {"sample", after.id, after.version, json, reason, actor, after.updated_at});
    tx_.record({actor, "sample.link_product", "sample", after.number, to_json(current), json, reason});
    return after;
}

void SampleRepository::set_label(std::int64_t sample_id, const SampleLabel& l) {
    sql(tx_,
        "INSERT INTO sample_labels (sample_id, category, dosage_form, specification, approval_number, "
        "manufacturer_name, manufacturer_credit_code) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {sample_id, l.category, l.dosage_form, l.specification, l.approval_number, l.manufacturer_name,
         l.manufacturer_credit_code});
}

std::optional<SampleLabel> SampleRepository::label(std::int64_t sample_id) {
    auto rows = sql(tx_,
                    "SELECT category, dosage_form, specification, approval_number, manufacturer_name, "
                    "manufacturer_credit_code FROM sample_labels WHERE sample_id = $1",
                    {sample_id});
    if (rows.rows.empty()) return std::nullopt;
    auto& r = rows.rows.front();
    return SampleLabel{r.take_text(0), r.take_text(1), r.take_text(2), r.take_text(3), r.take_text(4), r.take_text(5)};
}

void SampleRepository::add_custody_event(const CustodyEvent& e) {
    const std::string at = e.at_utc.empty() ? tx_.now_utc() : e.at_utc;
    sql(tx_,
        "INSERT INTO custody_events (sample_id, action, from_state, to_state, actor_user_id, actor, holder_org_id, "
        "place, shipment_id, note, at_utc) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        {e.sample_id, e.action, e.from_state, e.to_state, e.actor_user_id, e.actor, e.holder_org_id, e.place,
         e.shipment_id, e.note, at});
}

std::vector<CustodyEvent> SampleRepository::custody(std::int64_t sample_id) {
    Poco::Data::Statement st(tx_.session());
    st << "SELECT c.id, c.sample_id, c.action, c.from_state, c.to_state, c.actor_user_id, c.actor, c.holder_org_id, "
          "o.code AS holder_org_code, c.place, c.shipment_id, h.number AS shipment_number, c.note, c.at_utc "
          "FROM custody_events c JOIN organisations o ON o.id = c.holder_org_id "
          "LEFT JOIN shipments h ON h.id = c.shipment_id WHERE c.sample_id = $1 ORDER BY c.id",
        bind(static_cast<Poco::Int64>(sample_id));
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<CustodyEvent> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        CustodyEvent e;
        e.id = rs["id"].convert<Poco::Int64>();
        e.sample_id = rs["sample_id"].convert<Poco::Int64>();
        e.action = rs["action"].convert<std::string>();
        e.from_state = rs["from_state"].convert<std::string>();
        e.to_state = rs["to_state"].convert<std::string>();
        e.actor_user_id = optional_int(rs, "actor_user_id");
        e.actor = rs["actor"].convert<std::string>();
        e.holder_org_id = rs["holder_org_id"].convert<Poco::Int64>();
        e.holder_org_code = rs["holder_org_code"].convert<std::string>();
        e.place = rs["place"].convert<std::string>();
        e.shipment_id = optional_int(rs, "shipment_id");
        e.shipment_number = optional_text(rs, "shipment_number").value_or("");
        e.note = rs["note"].convert<std::string>();
        e.at_utc = rs["at_utc"].convert<std::string>();
        out.push_back(std::move(e));
    }
    return out;
}

std::int64_t SampleRepository::record_receipt(const SampleReceipt& r) {
    Poco::Nullable<Poco::Int64> temperature_ok;
    if (r.temperature_record_ok) temperature_ok = *r.temperature_record_ok ? 1 : 0;
    Poco::Int64 id = 0;
    const int seals = r.seals_intact, numbers = r.seal_numbers_match, labels = r.labels_match,
              quantity = r.quantity_matches;
    tx_.session() << "INSERT INTO sample_receipts (sample_id, shipment_id, lab_org_id, receiver_user_id, seals_intact, "
                     "seal_numbers_match, labels_match, quantity_matches, package_condition, temperature_record_ok, "
                     "cold_chain_verdict, decision, reason, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                     "$10, $11, $12, $13, $14) RETURNING id",
        bind(static_cast<Poco::Int64>(r.sample_id)), bind(nullable(r.shipment_id)),
        bind(static_cast<Poco::Int64>(r.lab_org_id)), bind(static_cast<Poco::Int64>(r.receiver_user_id)), bind(seals),
        bind(numbers), bind(labels), bind(quantity), bind(r.package_condition), bind(temperature_ok),
        bind(nullable(r.cold_chain_verdict)), bind(r.decision), bind(r.reason),
        bind(r.received_at.empty() ? tx_.now_utc() : r.received_at), into(id), now;
    return id;
}

std::vector<SampleReceipt> SampleRepository::receipts(std::int64_t sample_id) {
    auto rows = sql(tx_,
                    "SELECT id, sample_id, shipment_id, lab_org_id, receiver_user_id, seals_intact, seal_numbers_match, "
                    "labels_match, quantity_matches, package_condition, temperature_record_ok, cold_chain_verdict, "
                    "decision, reason, received_at FROM sample_receipts WHERE sample_id = $1 ORDER BY id",
                    {sample_id});
    std::vector<SampleReceipt> out;
    out.reserve(rows.rows.size());
    for (auto& row : rows.rows) {
        SampleReceipt r;
        r.id = row.integer(0);
        r.sample_id = row.integer(1);
        r.shipment_id = row.optional_integer(2);
        r.lab_org_id = row.integer(3);
        r.receiver_user_id = row.integer(4);
        r.seals_intact = row.integer(5) != 0;
        r.seal_numbers_match = row.integer(6) != 0;
        r.labels_match = row.integer(7) != 0;
        r.quantity_matches = row.integer(8) != 0;
        r.package_condition = row.take_text(9);
        if (auto t = row.optional_integer(10)) r.temperature_record_ok = *t != 0;
        r.cold_chain_verdict = row.optional_text(11);
        r.decision = row.take_text(12);
        r.reason = row.take_text(13);
        r.received_at = row.take_text(14);
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace lims::store
