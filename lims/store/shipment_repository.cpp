#include "lims/store/shipment_repository.hpp"

#include "lims/store/number_counter.hpp"
#include "lims/store/sample_repository.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

Poco::Nullable<std::string> nullable(const std::optional<std::string>& v) {
    return v ? Poco::Nullable<std::string>(*v) : Poco::Nullable<std::string>();
}

}  // namespace

StoreResult<Shipment> ShipmentRepository::create(const Shipment& in, int year) {
    Shipment s = in;
    const auto serial = next_counter_value(tx_, "shipment:" + std::to_string(year));
    char number[32];
    std::snprintf(number, sizeof number, "S%04d-%06lld", year, static_cast<long long>(serial));
    s.number = number;
    s.version = 1;
    s.created_at = s.updated_at = tx_.now_utc();
    Poco::Nullable<Poco::Int64> logger;
    if (s.logger_id) logger = *s.logger_id;
    Poco::Int64 id = 0;
    tx_.session() << "INSERT INTO shipments (number, from_org_id, to_org_id, state, carrier, logger_id, sent_at, "
                     "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        bind(s.number), bind(static_cast<Poco::Int64>(s.from_org_id)), bind(static_cast<Poco::Int64>(s.to_org_id)),
        bind(s.state), bind(s.carrier), bind(logger), bind(nullable(s.sent_at)), bind(s.created_at), into(id), now;
    s.id = id;
    for (const auto& item : s.items)
        tx_.session() << "INSERT INTO shipment_items (shipment_id, sample_id) VALUES ($1, $2)", bind(id),
            bind(static_cast<Poco::Int64>(item.sample_id)), now;
    return load("h.id = $1", static_cast<Poco::Int64>(id));
}

StoreResult<Shipment> ShipmentRepository::load(const std::string& where, const Poco::Dynamic::Var& key) {
    Poco::Data::Statement st(tx_.session());
    st << "SELECT h.id, h.number, h.from_org_id, f.path, h.to_org_id, t.path, h.state, h.carrier, h.logger_id, "
          "l.serial, h.sent_at, h.received_at, h.version, h.created_at, h.updated_at, f.name, t.name FROM shipments h "
          "JOIN organisations f ON f.id = h.from_org_id JOIN organisations t ON t.id = h.to_org_id "
          "LEFT JOIN loggers l ON l.id = h.logger_id WHERE " +
              where;
    if (key.isString()) st, bind(key.convert<std::string>());
    else st, bind(key.convert<Poco::Int64>());
    st.execute();
    Poco::Data::RecordSet rs(st);
    if (!rs.moveFirst())
        return store_error(StoreErrorKind::not_found, "shipment " + key.convert<std::string>() + " does not exist");
    Shipment s;
    s.id = rs[0].convert<Poco::Int64>();
    s.number = rs[1].convert<std::string>();
    s.from_org_id = rs[2].convert<Poco::Int64>();
    s.from_path = rs[3].convert<std::string>();
    s.to_org_id = rs[4].convert<Poco::Int64>();
    s.to_path = rs[5].convert<std::string>();
    s.state = rs[6].convert<std::string>();
    s.carrier = rs[7].convert<std::string>();
    if (!rs[8].isEmpty()) s.logger_id = rs[8].convert<Poco::Int64>();
    if (!rs[9].isEmpty()) s.logger_serial = rs[9].convert<std::string>();
    if (!rs[10].isEmpty()) s.sent_at = rs[10].convert<std::string>();
    if (!rs[11].isEmpty()) s.received_at = rs[11].convert<std::string>();
    s.version = rs[12].convert<Poco::Int64>();
    s.created_at = rs[13].convert<std::string>();
    s.updated_at = rs[14].convert<std::string>();
    s.from_name = rs[15].convert<std::string>();
    s.to_name = rs[16].convert<std::string>();

    Poco::Data::Statement items(tx_.session());
    items << "SELECT i.sample_id, s.number, i.receipt_condition, i.receipt_note FROM shipment_items i "
             "JOIN samples s ON s.id = i.sample_id WHERE i.shipment_id = $1 ORDER BY s.id",
        bind(static_cast<Poco::Int64>(s.id));
    items.execute();
    Poco::Data::RecordSet ri(items);
    for (bool more = ri.moveFirst(); more; more = ri.moveNext()) {
        ShipmentItem item{ri[0].convert<Poco::Int64>(), ri[1].convert<std::string>(), std::nullopt,
                          ri[3].convert<std::string>()};
        if (!ri[2].isEmpty()) item.receipt_condition = ri[2].convert<std::string>();
        s.items.push_back(std::move(item));
    }
    return s;
}

StoreResult<Shipment> ShipmentRepository::get_by_number(const std::string& number) {
    return load("h.number = $1", number);
}

StoreResult<Shipment> ShipmentRepository::get(std::int64_t id) { return load("h.id = $1", static_cast<Poco::Int64>(id)); }

StoreResult<std::vector<Shipment>> ShipmentRepository::list(const ShipmentListQuery& q) {
    // Paths hold only digits and '/', so LIKE's wildcards cannot occur in the prefix; an
    // empty path covers nothing ("%" alone would match every organisation).
    const std::string prefix = q.within_path.empty() ? std::string("(no subtree)") : q.within_path + "%";
    std::string sql = "SELECT h.id FROM shipments h JOIN organisations f ON f.id = h.from_org_id "
                      "JOIN organisations t ON t.id = h.to_org_id WHERE ";
    if (q.direction && *q.direction == "sent") sql += "f.path LIKE $1";
    else if (q.direction && *q.direction == "incoming") sql += "t.path LIKE $1";
    else sql += "(f.path LIKE $1 OR t.path LIKE $1)";
    int param = 1;
    if (q.state) sql += " AND h.state = $" + std::to_string(++param);
    if (q.sample_number)
        sql += " AND EXISTS (SELECT 1 FROM shipment_items i JOIN samples s ON s.id = i.sample_id "
               "WHERE i.shipment_id = h.id AND s.number = $" + std::to_string(++param) + ")";
    if (q.before_id > 0) sql += " AND h.id < $" + std::to_string(++param);
    sql += " ORDER BY h.id DESC LIMIT $" + std::to_string(++param);
    Poco::Data::Statement st(tx_.session());
    st << sql, bind(prefix);
    if (q.state) st, bind(*q.state);
    if (q.sample_number) st, bind(*q.sample_number);
    if (q.before_id > 0) st, bind(static_cast<Poco::Int64>(q.before_id));
    st, bind(static_cast<Poco::Int64>(std::clamp(q.limit, 1, 500) + 1));
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<Poco::Int64> ids;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) ids.push_back(rs[0].convert<Poco::Int64>());
    std::vector<Shipment> out;
    out.reserve(ids.size());
    for (auto id : ids) {
        auto s = load("h.id = $1", id);
        if (!s) return s.error();
        out.push_back(std::move(*s));
    }
    return out;
}

StoreResult<Shipment> ShipmentRepository::move_state(const Shipment& current, std::int64_t expected_version,
                                                     const std::string& to_state,
                                                     const std::optional<std::string>& sent_at,
                                                     const std::optional<std::string>& received_at) {
    Shipment after = current;
    after.state = to_state;
    after.version = expected_version + 1;
    after.updated_at = tx_.now_utc();
    if (sent_at) after.sent_at = sent_at;
    if (received_at) after.received_at = received_at;
    Poco::Data::Statement update(tx_.session());
    update << "UPDATE shipments SET state = $1, version = $2, updated_at = $3, sent_at = $4, received_at = $5 "
              "WHERE id = $6 AND version = $7",
        bind(to_state), bind(static_cast<Poco::Int64>(after.version)), bind(after.updated_at),
        bind(nullable(after.sent_at)), bind(nullable(after.received_at)), bind(static_cast<Poco::Int64>(current.id)),
        bind(static_cast<Poco::Int64>(expected_version));
    if (update.execute() == 0)
        return store_error(StoreErrorKind::conflict, "shipment " + current.number + " is no longer at version " +
                                                         std::to_string(expected_version) + ": reload and retry");
    return after;
}

void ShipmentRepository::set_item_condition(std::int64_t shipment_id, std::int64_t sample_id,
                                            const std::string& condition, const std::string& note) {
    tx_.session() << "UPDATE shipment_items SET receipt_condition = $1, receipt_note = $2 WHERE shipment_id = $3 AND "
                     "sample_id = $4",
        bind(condition), bind(note), bind(static_cast<Poco::Int64>(shipment_id)),
        bind(static_cast<Poco::Int64>(sample_id)), now;
}

std::optional<std::int64_t> ShipmentRepository::latest_shipment_of(std::int64_t sample_id) {
    std::vector<Poco::Int64> ids;
    tx_.session() << "SELECT i.shipment_id FROM shipment_items i JOIN shipments h ON h.id = i.shipment_id "
                     "WHERE i.sample_id = $1 AND h.state <> 'cancelled' ORDER BY i.shipment_id DESC LIMIT 1",
        bind(static_cast<Poco::Int64>(sample_id)), into(ids), now;
    if (ids.empty()) return std::nullopt;
    return ids.front();
}

std::optional<std::int64_t> ShipmentRepository::logger_id_by_serial(const std::string& serial) {
    std::vector<Poco::Int64> ids;
    tx_.session() << "SELECT id FROM loggers WHERE serial = $1", bind(serial), into(ids), now;
    if (ids.empty()) return std::nullopt;
    return ids.front();
}

bool ShipmentRepository::logger_busy(std::int64_t logger_id) {
    Poco::Int64 n = 0;
    tx_.session() << "SELECT count(*) FROM logger_placements p LEFT JOIN shipments h ON h.id = p.shipment_id "
                     "WHERE p.logger_id = $1 AND p.to_utc IS NULL AND p.shipment_id IS NOT NULL "
                     "AND h.state IN ('ready', 'in_transit')",
        bind(static_cast<Poco::Int64>(logger_id)), into(n), now;
    return n > 0;
}

void ShipmentRepository::place_logger_on_trip(std::int64_t logger_id, std::int64_t shipment_id, std::int64_t from_utc) {
    tx_.session() << "INSERT INTO logger_placements (logger_id, shipment_id, from_utc) VALUES ($1, $2, $3)",
        bind(static_cast<Poco::Int64>(logger_id)), bind(static_cast<Poco::Int64>(shipment_id)),
        bind(static_cast<Poco::Int64>(from_utc)), now;
}

void ShipmentRepository::end_logger_trip(std::int64_t shipment_id, std::int64_t to_utc) {
    tx_.session() << "UPDATE logger_placements SET to_utc = $1 WHERE shipment_id = $2 AND to_utc IS NULL AND from_utc < $1",
        bind(static_cast<Poco::Int64>(to_utc)), bind(static_cast<Poco::Int64>(shipment_id)), now;
}

std::string to_json(const Shipment& s) {
    Poco::JSON::Object j;
    j.set("id", s.id);
    j.set("number", s.number);
    j.set("from_org_id", s.from_org_id);
    j.set("to_org_id", s.to_org_id);
    j.set("state", s.state);
    j.set("carrier", s.carrier);
    if (s.logger_id) j.set("logger_id", *s.logger_id);
    if (s.sent_at) j.set("sent_at", *s.sent_at);
    if (s.received_at) j.set("received_at", *s.received_at);
    Poco::JSON::Array items;
    for (const auto& i : s.items) items.add(i.sample_number);
    j.set("samples", items);
    j.set("version", s.version);
    std::ostringstream out;
    j.stringify(out);
    return out.str();
}

}  // namespace lims::store
