#include "lims/store/storage_unit_repository.hpp"

#include "lims/store/sql.hpp"

#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>
#include <Poco/Nullable.h>
#include <Poco/Tuple.h>

#include <set>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

using NInt = Poco::Nullable<Poco::Int64>;

NInt nullable(const std::optional<std::int64_t>& v) { return v ? NInt(*v) : NInt(); }
std::optional<std::int64_t> optional_of(const NInt& v) {
    return v.isNull() ? std::nullopt : std::optional<std::int64_t>(v.value());
}

const std::set<std::string> kUnitKinds{"refrigerator", "freezer",       "cold_room",
                                       "cool_store",   "ambient_store", "transport_box"};
const std::set<std::string> kStorageClasses{"refrigerated", "frozen", "cool", "ambient"};

std::string stringify(const Poco::JSON::Object& j) {
    std::ostringstream s;
    j.stringify(s);
    return s.str();
}

constexpr const char* kUnitColumns =
    "id, code, org_id, entity_id, name, kind, storage_class, min_centi_celsius, max_centi_celsius, active, version, "
    "product_class";

using UnitTuple = Poco::Tuple<Poco::Int64, std::string, Poco::Int64, NInt, std::string, std::string, std::string, int,
                              int, int, Poco::Int64, Poco::Nullable<std::string>>;

StorageUnitRow unit_of(const UnitTuple& t) {
    StorageUnitRow u;
    u.id = t.get<0>();
    u.code = t.get<1>();
    u.org_id = t.get<2>();
    u.entity_id = optional_of(t.get<3>());
    u.name = t.get<4>();
    u.kind = t.get<5>();
    u.storage_class = t.get<6>();
    u.min_centi_celsius = t.get<7>();
    u.max_centi_celsius = t.get<8>();
    u.active = t.get<9>() != 0;
    u.version = t.get<10>();
    if (!t.get<11>().isNull()) u.product_class = t.get<11>().value();
    return u;
}

using PlacementTuple = Poco::Tuple<Poco::Int64, Poco::Int64, NInt, NInt, Poco::Int64, NInt>;
constexpr const char* kPlacementColumns = "id, logger_id, storage_unit_id, shipment_id, from_utc, to_utc";

PlacementRow placement_of(const PlacementTuple& t) {
    return PlacementRow{t.get<0>(), t.get<1>(), optional_of(t.get<2>()), optional_of(t.get<3>()), t.get<4>(),
                        optional_of(t.get<5>())};
}

}  // namespace

std::string to_json(const StorageUnitRow& u) {
    Poco::JSON::Object j;
    j.set("id", u.id);
    j.set("code", u.code);
    j.set("org_id", u.org_id);
    if (u.entity_id) j.set("entity_id", *u.entity_id);
    j.set("name", u.name);
    j.set("kind", u.kind);
    j.set("storage_class", u.storage_class);
    j.set("min_centi_celsius", u.min_centi_celsius);
    j.set("max_centi_celsius", u.max_centi_celsius);
    if (!u.product_class.empty()) j.set("product_class", u.product_class);
    j.set("active", u.active);
    j.set("version", u.version);
    return stringify(j);
}

std::string to_json(const PlacementRow& p) {
    Poco::JSON::Object j;
    j.set("id", p.id);
    j.set("logger_id", p.logger_id);
    if (p.storage_unit_id) j.set("storage_unit_id", *p.storage_unit_id);
    if (p.shipment_id) j.set("shipment_id", *p.shipment_id);
    j.set("from_utc", p.from_utc);
    if (p.to_utc) j.set("to_utc", *p.to_utc);
    return stringify(j);
}

StoreResult<StorageUnitRow> StorageUnitRepository::create(const StorageUnitRow& u, const std::string& actor) {
    auto invalid = [&](const std::string& what) {
        return store_error(StoreErrorKind::invalid_argument, "storage unit '" + u.code + "': " + what);
    };
    if (u.code.empty()) return store_error(StoreErrorKind::invalid_argument, "a storage unit needs a code");
    if (u.name.empty()) return invalid("name is empty");
    if (!kUnitKinds.contains(u.kind)) return invalid("kind '" + u.kind + "' is not one of refrigerator, freezer, "
                                                     "cold_room, cool_store, ambient_store, transport_box");
    if (!kStorageClasses.contains(u.storage_class))
        return invalid("storage_class '" + u.storage_class + "' is not one of refrigerated, frozen, cool, ambient");
    if (u.min_centi_celsius >= u.max_centi_celsius) return invalid("min_centi_celsius must be below max_centi_celsius");
    if (!u.product_class.empty() && !domain::is_product_category(u.product_class))
        return invalid("product_class '" + u.product_class + "' is not one of " + std::string(kProductClassList));
    int org = 0;
    tx_.session() << "SELECT count(*) FROM organisations WHERE id = $1", bind(u.org_id), into(org), now;
    if (!org) return invalid("organisation " + std::to_string(u.org_id) + " does not exist");
    if (u.entity_id) {
        int entity = 0;
        tx_.session() << "SELECT count(*) FROM regulated_entities WHERE id = $1", bind(*u.entity_id), into(entity),
            now;
        if (!entity) return invalid("regulated entity " + std::to_string(*u.entity_id) + " does not exist");
    }
    int taken = 0;
    tx_.session() << "SELECT count(*) FROM storage_units WHERE code = $1", bind(u.code), into(taken), now;
    if (taken) return store_error(StoreErrorKind::conflict, "storage unit code '" + u.code + "' is taken");

    const std::string at = tx_.now_utc();
    NInt entity = nullable(u.entity_id);
    int active = u.active ? 1 : 0;
    Poco::Nullable<std::string> product_class;
    if (!u.product_class.empty()) product_class = u.product_class;
    Poco::Int64 id = 0;
    tx_.session() << "INSERT INTO storage_units (code, org_id, entity_id, name, kind, storage_class, min_centi_celsius, "
                     "max_centi_celsius, active, created_at, updated_at, product_class) VALUES ($1, $2, $3, $4, $5, $6, "
                     "$7, $8, $9, $10, $10, $11) RETURNING id",
        bind(u.code), bind(u.org_id), bind(entity), bind(u.name), bind(u.kind), bind(u.storage_class),
        bind(u.min_centi_celsius), bind(u.max_centi_celsius), bind(active), bind(at), bind(product_class), into(id), now;
    auto created = get(id);
    if (created) tx_.record({actor, "storage_unit.create", "storage_unit", std::to_string(id), "", to_json(*created), ""});
    return created;
}

StoreResult<StorageUnitRow> StorageUnitRepository::get(std::int64_t id) {
    // Through sql(): the readings ingest reads each placed logger's unit in every batch.
    static const std::string kGet = std::string("SELECT ") + kUnitColumns + " FROM storage_units WHERE id = $1";
    auto rows = sql(tx_, kGet, {id}).rows;
    if (rows.empty()) return store_error(StoreErrorKind::not_found, "storage unit " + std::to_string(id) + " does not exist");
    SqlRow& r = rows.front();
    StorageUnitRow u;
    u.id = r.integer(0);
    u.code = r.take_text(1);
    u.org_id = r.integer(2);
    u.entity_id = r.optional_integer(3);
    u.name = r.take_text(4);
    u.kind = r.take_text(5);
    u.storage_class = r.take_text(6);
    u.min_centi_celsius = static_cast<std::int32_t>(r.integer(7));
    u.max_centi_celsius = static_cast<std::int32_t>(r.integer(8));
    u.active = r.integer(9) != 0;
    u.version = r.integer(10);
    if (!r.is_null(11)) u.product_class = r.take_text(11);
    return u;
}

StoreResult<std::vector<StorageUnitRow>> StorageUnitRepository::list(const std::vector<std::int64_t>& org_ids) {
    std::vector<StorageUnitRow> out;
    if (org_ids.empty()) return out;
    std::string ids;
    for (auto id : org_ids) ids += (ids.empty() ? "" : ",") + std::to_string(id);
    std::vector<UnitTuple> rows;
    tx_.session() << std::string("SELECT ") + kUnitColumns + " FROM storage_units WHERE org_id IN (" + ids +
                         ") ORDER BY id",
        into(rows), now;
    for (const auto& r : rows) out.push_back(unit_of(r));
    return out;
}

StoreResult<std::optional<PlacementRow>> StorageUnitRepository::current_placement(std::int64_t logger_id) {
    std::vector<PlacementTuple> rows;
    tx_.session() << std::string("SELECT ") + kPlacementColumns +
                         " FROM logger_placements WHERE logger_id = $1 AND to_utc IS NULL ORDER BY id DESC",
        bind(logger_id), into(rows), now;
    if (rows.empty()) return std::optional<PlacementRow>();
    return std::optional<PlacementRow>(placement_of(rows.front()));
}

StoreResult<std::vector<PlacementRow>> StorageUnitRepository::placements(std::int64_t logger_id) {
    std::vector<PlacementTuple> rows;
    tx_.session() << std::string("SELECT ") + kPlacementColumns +
                         " FROM logger_placements WHERE logger_id = $1 ORDER BY from_utc, id",
        bind(logger_id), into(rows), now;
    std::vector<PlacementRow> out;
    for (const auto& r : rows) out.push_back(placement_of(r));
    return out;
}

StoreResult<std::optional<PlacementRow>> StorageUnitRepository::shipment_placement(std::int64_t shipment_id) {
    std::vector<PlacementTuple> rows;
    tx_.session() << std::string("SELECT ") + kPlacementColumns +
                         " FROM logger_placements WHERE shipment_id = $1 ORDER BY id DESC",
        bind(shipment_id), into(rows), now;
    if (rows.empty()) return std::optional<PlacementRow>();
    return std::optional<PlacementRow>(placement_of(rows.front()));
}

StoreResult<PlacementRow> StorageUnitRepository::place(std::int64_t logger_id,
                                                       std::optional<std::int64_t> storage_unit_id,
                                                       std::optional<std::int64_t> shipment_id, std::int64_t from_utc,
                                                       const std::string& actor) {
    if (storage_unit_id.has_value() == shipment_id.has_value())
        return store_error(StoreErrorKind::invalid_argument,
                           "a placement names exactly one of storage_unit_id and shipment_id");
    int logger = 0;
    tx_.session() << "SELECT count(*) FROM loggers WHERE id = $1", bind(logger_id), into(logger), now;
    if (!logger) return store_error(StoreErrorKind::not_found, "logger " + std::to_string(logger_id) + " does not exist");
    if (storage_unit_id) {
        auto unit = get(*storage_unit_id);
        if (!unit) return unit.error();
        if (!unit->active)
            return store_error(StoreErrorKind::invalid_argument, "storage unit '" + unit->code + "' is not active");
    } else {
        int shipment = 0;
        tx_.session() << "SELECT count(*) FROM shipments WHERE id = $1", bind(*shipment_id), into(shipment), now;
        if (!shipment)
            return store_error(StoreErrorKind::not_found, "shipment " + std::to_string(*shipment_id) + " does not exist");
    }
    auto open = current_placement(logger_id);
    if (!open) return open.error();
    if (*open) {
        if (from_utc <= (*open)->from_utc)
            return store_error(StoreErrorKind::conflict, "logger " + std::to_string(logger_id) +
                                                             ": a new placement must start after the current one (" +
                                                             std::to_string((*open)->from_utc) + ")");
        auto ended = end_placement(logger_id, from_utc, actor);
        if (!ended) return ended.error();
    }
    NInt unit = nullable(storage_unit_id);
    NInt ship = nullable(shipment_id);
    Poco::Int64 id = 0;
    tx_.session() << "INSERT INTO logger_placements (logger_id, storage_unit_id, shipment_id, from_utc) VALUES ($1, $2, "
                     "$3, $4) RETURNING id",
        bind(logger_id), bind(unit), bind(ship), bind(from_utc), into(id), now;
    PlacementRow row{id, logger_id, storage_unit_id, shipment_id, from_utc, std::nullopt};
    tx_.record({actor, "logger.place", "logger", std::to_string(logger_id), "", to_json(row), ""});
    return row;
}

StoreResult<PlacementRow> StorageUnitRepository::end_placement(std::int64_t logger_id, std::int64_t to_utc,
                                                               const std::string& actor) {
    auto open = current_placement(logger_id);
    if (!open) return open.error();
    if (!*open)
        return store_error(StoreErrorKind::not_found, "logger " + std::to_string(logger_id) + " has no open placement");
    PlacementRow p = **open;
    if (to_utc <= p.from_utc)
        return store_error(StoreErrorKind::conflict, "a placement cannot end before it starts");
    tx_.session() << "UPDATE logger_placements SET to_utc = $1 WHERE id = $2 AND to_utc IS NULL", bind(to_utc),
        bind(p.id), now;
    const std::string before = to_json(p);
    p.to_utc = to_utc;
    tx_.record({actor, "logger.unplace", "logger", std::to_string(logger_id), before, to_json(p), ""});
    return p;
}

StoreResult<Done> StorageUnitRepository::bind_transport_box(std::int64_t shipment_id, std::int64_t storage_unit_id,
                                                            std::int64_t at_utc, const std::string& actor) {
    auto unit = get(storage_unit_id);
    if (!unit) return unit.error();
    if (unit->kind != "transport_box")
        return store_error(StoreErrorKind::invalid_argument,
                           "storage unit '" + unit->code + "' is a " + unit->kind + ", not a transport_box");
    int shipment = 0;
    tx_.session() << "SELECT count(*) FROM shipments WHERE id = $1", bind(shipment_id), into(shipment), now;
    if (!shipment) return store_error(StoreErrorKind::not_found, "shipment " + std::to_string(shipment_id) + " does not exist");
    auto existing = transport_box_of(shipment_id);
    if (!existing) return existing.error();
    if (*existing)
        return store_error(StoreErrorKind::conflict, "shipment " + std::to_string(shipment_id) +
                                                         " already travels in storage unit " + std::to_string(**existing));
    tx_.session() << "INSERT INTO transport_box_trips (shipment_id, storage_unit_id, bound_at_utc) VALUES ($1, $2, $3)",
        bind(shipment_id), bind(storage_unit_id), bind(at_utc), now;
    tx_.record({actor, "transport_box.bind", "shipment", std::to_string(shipment_id), "",
                "{\"storage_unit_id\":" + std::to_string(storage_unit_id) + ",\"at_utc\":" + std::to_string(at_utc) + "}",
                ""});
    return Done{};
}

StoreResult<std::optional<std::int64_t>> StorageUnitRepository::transport_box_of(std::int64_t shipment_id) {
    std::vector<Poco::Int64> ids;
    tx_.session() << "SELECT storage_unit_id FROM transport_box_trips WHERE shipment_id = $1", bind(shipment_id),
        into(ids), now;
    if (ids.empty()) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(ids.front());
}

StoreResult<ContactRow> StorageUnitRepository::add_contact(const ContactRow& c, const std::string& actor) {
    if (c.name.empty()) return store_error(StoreErrorKind::invalid_argument, "a contact needs a name");
    if (!c.user_id && c.email.empty() && c.phone.empty())
        return store_error(StoreErrorKind::invalid_argument,
                           "contact '" + c.name + "' needs a user, an e-mail address or a phone number");
    if (!c.email.empty() && c.email.find('@') == std::string::npos)
        return store_error(StoreErrorKind::invalid_argument, "contact '" + c.name + "': e-mail '" + c.email +
                                                                  "' has no '@'");
    if (c.escalation_level < 0)
        return store_error(StoreErrorKind::invalid_argument, "contact '" + c.name + "': escalation_level below 0");
    int org = 0;
    tx_.session() << "SELECT count(*) FROM organisations WHERE id = $1", bind(c.org_id), into(org), now;
    if (!org)
        return store_error(StoreErrorKind::invalid_argument, "organisation " + std::to_string(c.org_id) + " does not exist");
    NInt entity = nullable(c.entity_id);
    NInt user = nullable(c.user_id);
    int level = c.escalation_level;
    const std::string at = tx_.now_utc();
    Poco::Int64 id = 0;
    tx_.session() << "INSERT INTO coldchain_contacts (org_id, entity_id, name, user_id, email, phone, escalation_level, "
                     "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        bind(c.org_id), bind(entity), bind(c.name), bind(user), bind(c.email), bind(c.phone), bind(level), bind(at),
        into(id), now;
    ContactRow row = c;
    row.id = id;
    Poco::JSON::Object j;
    j.set("org_id", c.org_id);
    if (c.entity_id) j.set("entity_id", *c.entity_id);
    j.set("name", c.name);
    j.set("email", c.email);
    j.set("phone", c.phone);
    j.set("escalation_level", c.escalation_level);
    tx_.record({actor, "coldchain_contact.create", "coldchain_contact", std::to_string(id), "", stringify(j), ""});
    return row;
}

StoreResult<std::vector<ContactRow>> StorageUnitRepository::contacts(std::int64_t org_id,
                                                                     std::optional<std::int64_t> entity_id) {
    std::vector<Poco::Tuple<Poco::Int64, Poco::Int64, NInt, std::string, NInt, std::string, std::string, int>> rows;
    NInt entity = nullable(entity_id);
    tx_.session() << "SELECT id, org_id, entity_id, name, user_id, email, phone, escalation_level FROM "
                     "coldchain_contacts WHERE active = 1 AND org_id = $1 AND (entity_id IS NULL OR entity_id = $2) "
                     "ORDER BY escalation_level, id",
        bind(org_id), bind(entity), into(rows), now;
    std::vector<ContactRow> out;
    for (const auto& r : rows)
        out.push_back({r.get<0>(), r.get<1>(), optional_of(r.get<2>()), r.get<3>(), optional_of(r.get<4>()), r.get<5>(),
                       r.get<6>(), r.get<7>()});
    return out;
}

StoreResult<std::optional<LoggerWatch>> StorageUnitRepository::watch_by_serial(const std::string& serial) {
    return watch("l.serial = $1", serial);
}

StoreResult<std::optional<LoggerWatch>> StorageUnitRepository::watch_by_id(std::int64_t logger_id) {
    std::vector<std::string> serial;
    tx_.session() << "SELECT serial FROM loggers WHERE id = $1", bind(logger_id), into(serial), now;
    if (serial.empty()) return std::optional<LoggerWatch>();
    return watch("l.serial = $1", serial.front());
}

StoreResult<std::optional<LoggerWatch>> StorageUnitRepository::watch(const std::string& where, const std::string& key) {
    // One row: the logger, its open placement, the unit that sets its rules (the transport
    // box of a shipment), the shipment's sender, and the detector state of this placement.
    // Through sql() (compiled or prepared once per connection): the readings ingest asks
    // this for every logger of every batch.
    const std::string statement =
        "SELECT l.id, l.serial, l.org_id, p.id, COALESCE(p.storage_unit_id, t.storage_unit_id), "
        "s.from_org_id, p.from_utc, p.shipment_id, p.storage_unit_id, d.state "
        "FROM loggers l LEFT JOIN logger_placements p ON p.logger_id = l.id AND p.to_utc IS NULL "
        "LEFT JOIN transport_box_trips t ON t.shipment_id = p.shipment_id "
        "LEFT JOIN shipments s ON s.id = p.shipment_id "
        "LEFT JOIN detector_states d ON d.logger_id = l.id AND d.placement_id = p.id WHERE " +
        where + " ORDER BY p.id DESC";
    auto rows = sql(tx_, statement, {key}).rows;
    if (rows.empty()) return std::optional<LoggerWatch>();
    SqlRow& r = rows.front();
    LoggerWatch w;
    w.logger_id = r.integer(0);
    w.serial = r.take_text(1);
    w.site_org_id = r.integer(2);
    if (!r.is_null(3)) {
        w.placement = PlacementRow{r.integer(3), w.logger_id, r.optional_integer(8), r.optional_integer(7), r.integer(6),
                                   std::nullopt};
        if (!r.is_null(4)) {
            auto unit = get(r.integer(4));
            if (!unit) return unit.error();
            w.unit = *unit;
            if (w.placement->storage_unit_id) {
                w.site_org_id = unit->org_id;
                w.entity_id = unit->entity_id;
            }
        }
        if (!r.is_null(5)) w.site_org_id = r.integer(5);
        if (!r.is_null(9)) w.detector_state = r.take_text(9);
    }
    return std::optional<LoggerWatch>(std::move(w));
}

StoreResult<std::vector<std::int64_t>> StorageUnitRepository::placed_loggers() {
    std::vector<Poco::Int64> ids;
    tx_.session() << "SELECT DISTINCT logger_id FROM logger_placements WHERE to_utc IS NULL ORDER BY logger_id",
        into(ids), now;
    return std::vector<std::int64_t>(ids.begin(), ids.end());
}

}  // namespace lims::store
