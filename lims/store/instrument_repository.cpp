#include "lims/store/instrument_repository.hpp"

#include "lims/domain/decimal.hpp"
#include "lims/store/sql.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <iterator>
#include <sstream>
#include <variant>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

constexpr const char* instrument_columns =
    "SELECT id, code, org_id, name, protocol, transport, address, active, version, created_at, updated_at, "
    "options_json FROM instruments ";

// An instrument from a row of sql() over instrument_columns (the ingest path reads
// instruments by code for every message).
Instrument instrument_from(SqlRow& r) {
    Instrument i;
    i.id = r.integer(0);
    i.code = r.take_text(1);
    i.org_id = r.integer(2);
    i.name = r.take_text(3);
    i.family = r.take_text(4);
    i.transport = r.take_text(5);
    i.address = r.take_text(6);
    i.active = r.integer(7) != 0;
    i.version = r.integer(8);
    i.created_at = r.take_text(9);
    i.updated_at = r.take_text(10);
    i.options_json = r.take_text(11);
    return i;
}

constexpr const char* mapping_columns =
    "SELECT id, instrument_id, instrument_test_code, test_code, instrument_unit, result_unit, factor, "
    "conversion_offset, active, version FROM instrument_test_mappings ";

// A mapping from a row of sql() over mapping_columns (every observation looks one up).
TestMapping mapping_from(SqlRow& r) {
    TestMapping m;
    m.id = r.integer(0);
    m.instrument_id = r.integer(1);
    m.instrument_test_code = r.take_text(2);
    m.test_code = r.take_text(3);
    m.instrument_unit = r.take_text(4);
    m.result_unit = r.take_text(5);
    m.factor = r.take_text(6);
    m.offset = r.take_text(7);
    m.active = r.integer(8) != 0;
    m.version = r.integer(9);
    return m;
}

template <std::size_t N>
bool one_of(const std::string& value, const char* const (&allowed)[N]) {
    return std::any_of(std::begin(allowed), std::end(allowed), [&](const char* a) { return value == a; });
}

template <std::size_t N>
std::string listed(const char* const (&allowed)[N]) {
    std::string out;
    for (const char* a : allowed) out += (out.empty() ? "" : ", ") + std::string(a);
    return out;
}

StoreResult<Done> check_fields(Transaction& tx, const InstrumentFields& f) {
    auto bad = [](std::string what) { return store_error(StoreErrorKind::invalid_argument, std::move(what)); };
    if (f.code.empty()) return bad("instrument: code is empty");
    if (f.name.empty()) return bad("instrument " + f.code + ": name is empty");
    if (!one_of(f.family, kInstrumentFamilies))
        return bad("instrument " + f.code + ": family \"" + f.family + "\" is not one of " +
                   listed(kInstrumentFamilies));
    if (!one_of(f.transport, kInstrumentTransports))
        return bad("instrument " + f.code + ": transport \"" + f.transport + "\" is not one of " +
                   listed(kInstrumentTransports));
    int orgs = 0;
    Poco::Int64 org = f.org_id;
    tx.session() << "SELECT count(*) FROM organisations WHERE id = $1", bind(org), into(orgs), now;
    if (orgs == 0) return bad("instrument " + f.code + ": organisation " + std::to_string(f.org_id) + " does not exist");
    if (auto problem = instrument_options_problem(f.options_json)) return bad("instrument " + f.code + ": " + *problem);
    return Done{};
}

StoreResult<Done> check_mapping(const TestMappingFields& f) {
    auto bad = [](std::string what) { return store_error(StoreErrorKind::invalid_argument, std::move(what)); };
    if (f.instrument_test_code.empty()) return bad("test mapping: instrument_test_code is empty");
    if (f.test_code.empty()) return bad("test mapping " + f.instrument_test_code + ": test_code is empty");
    auto factor = domain::Decimal::parse(f.factor);
    if (!factor)
        return bad("test mapping " + f.instrument_test_code + ": factor \"" + f.factor + "\": " + factor.error().message);
    if (factor->is_zero()) return bad("test mapping " + f.instrument_test_code + ": factor is zero");
    if (auto offset = domain::Decimal::parse(f.offset); !offset)
        return bad("test mapping " + f.instrument_test_code + ": offset \"" + f.offset + "\": " + offset.error().message);
    if (f.factor != "1" && f.instrument_unit.empty())
        return bad("test mapping " + f.instrument_test_code + ": a factor needs the instrument_unit it converts from");
    return Done{};
}

std::string stringify(const Poco::JSON::Object& j) {
    std::ostringstream s;
    j.stringify(s);
    return s.str();
}

// Options are a handful of short settings; anything longer is not a driver configuration.
constexpr std::size_t kMaxOptionsBytes = 4096;

// The flat object, or what is wrong with it.
std::variant<Poco::JSON::Object::Ptr, std::string> parse_options(const std::string& text) {
    if (text.size() > kMaxOptionsBytes)
        return "options are " + std::to_string(text.size()) + " bytes, more than " + std::to_string(kMaxOptionsBytes);
    Poco::Dynamic::Var parsed;
    try {
        Poco::JSON::Parser parser;
        parsed = parser.parse(text);
    } catch (const Poco::Exception& e) {
        return "options are not JSON (" + e.message() + ")";
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) return "options must be a JSON object of settings";
    auto object = parsed.extract<Poco::JSON::Object::Ptr>();
    for (const auto& [name, value] : *object) {
        if (name.empty()) return "options: a setting has an empty name";
        if (value.isEmpty() || value.type() == typeid(Poco::JSON::Object::Ptr) ||
            value.type() == typeid(Poco::JSON::Array::Ptr))
            return "options: \"" + name + "\" must be a string, number or boolean";
    }
    return object;
}

}  // namespace

std::optional<std::string> instrument_options_problem(const std::string& options_json) {
    auto parsed = parse_options(options_json);
    if (auto* problem = std::get_if<std::string>(&parsed)) return *problem;
    return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> instrument_options(const std::string& options_json) {
    auto parsed = parse_options(options_json);
    std::vector<std::pair<std::string, std::string>> out;
    if (auto* object = std::get_if<Poco::JSON::Object::Ptr>(&parsed))
        for (const auto& [name, value] : **object) out.emplace_back(name, value.toString());
    return out;
}

std::string to_json(const Instrument& i) {
    Poco::JSON::Object j;
    j.set("id", i.id);
    j.set("code", i.code);
    j.set("org_id", i.org_id);
    j.set("name", i.name);
    j.set("family", i.family);
    j.set("transport", i.transport);
    j.set("address", i.address);
    j.set("options", i.options_json);
    j.set("active", i.active);
    j.set("version", i.version);
    return stringify(j);
}

std::string to_json(const TestMapping& m) {
    Poco::JSON::Object j;
    j.set("id", m.id);
    j.set("instrument_id", m.instrument_id);
    j.set("instrument_test_code", m.instrument_test_code);
    j.set("test_code", m.test_code);
    j.set("instrument_unit", m.instrument_unit);
    j.set("result_unit", m.result_unit);
    j.set("factor", m.factor);
    j.set("offset", m.offset);
    j.set("active", m.active);
    j.set("version", m.version);
    return stringify(j);
}

StoreResult<Instrument> InstrumentRepository::create(const InstrumentFields& f, const std::string& actor) {
    if (auto ok = check_fields(tx_, f); !ok) return ok.error();
    int taken = 0;
    tx_.session() << "SELECT count(*) FROM instruments WHERE code = $1", bind(f.code), into(taken), now;
    if (taken > 0) return store_error(StoreErrorKind::conflict, "instrument code " + f.code + " is already taken");
    Poco::Int64 id = 0;
    const std::string at = tx_.now_utc();
    Poco::Int64 org = f.org_id;
    int active = f.active ? 1 : 0;
    tx_.session() << "INSERT INTO instruments (code, org_id, name, protocol, transport, address, active, created_at, "
                     "updated_at, options_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id",
        bind(f.code), bind(org), bind(f.name), bind(f.family), bind(f.transport), bind(f.address), bind(active),
        bind(at), bind(f.options_json), into(id), now;
    auto created = get(id);
    if (created) tx_.record({actor, "instrument.create", "instrument", f.code, "", to_json(*created), ""});
    return created;
}

StoreResult<Instrument> InstrumentRepository::get(std::int64_t id) {
    static const std::string statement = std::string(instrument_columns) + "WHERE id = $1";
    auto rows = sql(tx_, statement, {id});
    if (rows.rows.empty())
        return store_error(StoreErrorKind::not_found, "instrument " + std::to_string(id) + " does not exist");
    return instrument_from(rows.rows.front());
}

StoreResult<Instrument> InstrumentRepository::get_by_code(const std::string& code) {
    static const std::string statement = std::string(instrument_columns) + "WHERE code = $1";
    auto rows = sql(tx_, statement, {code});
    if (rows.rows.empty()) return store_error(StoreErrorKind::not_found, "instrument " + code + " does not exist");
    return instrument_from(rows.rows.front());
}

StoreResult<std::vector<Instrument>> InstrumentRepository::list(const std::string& org_path_prefix,
                                                                std::int64_t after_id, int limit) {
    limit = std::clamp(limit, 1, max_page_size);
    const std::string pattern = org_path_prefix + "%";
    auto rows = sql(tx_,
                    "SELECT i.id, i.code, i.org_id, i.name, i.protocol, i.transport, i.address, i.active, i.version, "
                    "i.created_at, i.updated_at, i.options_json FROM instruments i "
                    "JOIN organisations o ON o.id = i.org_id "
                    "WHERE o.path LIKE $1 AND i.id > $2 ORDER BY i.id LIMIT $3",
                    {pattern, after_id, limit});
    std::vector<Instrument> out;
    out.reserve(rows.rows.size());
    for (auto& r : rows.rows) out.push_back(instrument_from(r));
    return out;
}

StoreResult<std::vector<Instrument>> InstrumentRepository::all() {
    auto rows = sql(tx_, std::string(instrument_columns) + "ORDER BY id");
    std::vector<Instrument> out;
    out.reserve(rows.rows.size());
    for (auto& r : rows.rows) out.push_back(instrument_from(r));
    return out;
}

StoreResult<Instrument> InstrumentRepository::update(const std::string& code, std::int64_t expected_version,
                                                     const InstrumentFields& f, const std::string& actor) {
    auto before = get_by_code(code);
    if (!before) return before;
    if (f.code != code)
        return store_error(StoreErrorKind::invalid_argument,
                           "instrument " + code + ": the code cannot be changed (create another instrument)");
    if (auto ok = check_fields(tx_, f); !ok) return ok.error();
    if (before->version != expected_version)
        return store_error(StoreErrorKind::conflict, "instrument " + code + " is at version " +
                                                         std::to_string(before->version) + ", not " +
                                                         std::to_string(expected_version));
    Poco::Int64 org = f.org_id;
    int active = f.active ? 1 : 0;
    Poco::Int64 id = before->id;
    Poco::Int64 version = expected_version;
    const std::string at = tx_.now_utc();
    Poco::Data::Statement st(tx_.session());
    st << "UPDATE instruments SET org_id = $1, name = $2, protocol = $3, transport = $4, address = $5, active = $6, "
          "version = version + 1, updated_at = $7, options_json = $8 WHERE id = $9 AND version = $10",
        bind(org), bind(f.name), bind(f.family), bind(f.transport), bind(f.address), bind(active), bind(at),
        bind(f.options_json), bind(id), bind(version);
    if (st.execute() != 1)
        return store_error(StoreErrorKind::conflict, "instrument " + code + " was changed meanwhile");
    auto after = get(before->id);
    if (after)
        tx_.record({actor, "instrument.update", "instrument", code, to_json(*before), to_json(*after), ""});
    return after;
}

StoreResult<TestMapping> InstrumentRepository::create_mapping(std::int64_t instrument_id, const TestMappingFields& f,
                                                              const std::string& actor) {
    auto instrument = get(instrument_id);
    if (!instrument) return instrument.error();
    if (auto ok = check_mapping(f); !ok) return ok.error();
    int taken = 0;
    Poco::Int64 iid = instrument_id;
    tx_.session() << "SELECT count(*) FROM instrument_test_mappings WHERE instrument_id = $1 AND instrument_test_code = $2",
        bind(iid), bind(f.instrument_test_code), into(taken), now;
    if (taken > 0)
        return store_error(StoreErrorKind::conflict, "instrument " + instrument->code + " already maps code " +
                                                         f.instrument_test_code + " (change that mapping instead)");
    Poco::Int64 id = 0;
    int active = f.active ? 1 : 0;
    const std::string at = tx_.now_utc();
    tx_.session() << "INSERT INTO instrument_test_mappings (instrument_id, instrument_test_code, test_code, "
                     "instrument_unit, result_unit, factor, conversion_offset, active, created_at, updated_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        bind(iid), bind(f.instrument_test_code), bind(f.test_code), bind(f.instrument_unit), bind(f.result_unit),
        bind(f.factor), bind(f.offset), bind(active), bind(at), into(id), now;
    auto created = get_mapping(id);
    if (created)
        tx_.record({actor, "instrument_mapping.create", "instrument_mapping",
                    instrument->code + "/" + f.instrument_test_code, "", to_json(*created), ""});
    return created;
}

StoreResult<std::vector<TestMapping>> InstrumentRepository::mappings(std::int64_t instrument_id) {
    auto rows = sql(tx_, std::string(mapping_columns) + "WHERE instrument_id = $1 ORDER BY id", {instrument_id});
    std::vector<TestMapping> out;
    out.reserve(rows.rows.size());
    for (auto& r : rows.rows) out.push_back(mapping_from(r));
    return out;
}

StoreResult<TestMapping> InstrumentRepository::get_mapping(std::int64_t mapping_id) {
    auto rows = sql(tx_, std::string(mapping_columns) + "WHERE id = $1", {mapping_id});
    if (rows.rows.empty())
        return store_error(StoreErrorKind::not_found, "test mapping " + std::to_string(mapping_id) + " does not exist");
    return mapping_from(rows.rows.front());
}

StoreResult<TestMapping> InstrumentRepository::find_mapping(std::int64_t instrument_id,
                                                            const std::string& instrument_test_code) {
    static const std::string statement =
        std::string(mapping_columns) + "WHERE instrument_id = $1 AND instrument_test_code = $2 AND active = 1";
    auto rows = sql(tx_, statement, {instrument_id, instrument_test_code});
    if (rows.rows.empty())
        return store_error(StoreErrorKind::not_found, "no active mapping for instrument code " + instrument_test_code);
    return mapping_from(rows.rows.front());
}

StoreResult<TestMapping> InstrumentRepository::update_mapping(std::int64_t mapping_id, std::int64_t expected_version,
                                                              const TestMappingFields& f, const std::string& actor) {
    auto before = get_mapping(mapping_id);
    if (!before) return before;
    if (f.instrument_test_code != before->instrument_test_code)
        return store_error(StoreErrorKind::invalid_argument,
                           "test mapping " + before->instrument_test_code +
                               ": the instrument code cannot be changed (retire it and create another)");
    if (auto ok = check_mapping(f); !ok) return ok.error();
    if (before->version != expected_version)
        return store_error(StoreErrorKind::conflict, "test mapping " + std::to_string(mapping_id) + " is at version " +
                                                         std::to_string(before->version) + ", not " +
                                                         std::to_string(expected_version));
    Poco::Int64 id = mapping_id;
    Poco::Int64 version = expected_version;
    int active = f.active ? 1 : 0;
    const std::string at = tx_.now_utc();
    Poco::Data::Statement st(tx_.session());
    st << "UPDATE instrument_test_mappings SET test_code = $1, instrument_unit = $2, result_unit = $3, factor = $4, "
          "conversion_offset = $5, active = $6, version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9",
        bind(f.test_code), bind(f.instrument_unit), bind(f.result_unit), bind(f.factor), bind(f.offset), bind(active),
        bind(at), bind(id), bind(version);
    if (st.execute() != 1)
        return store_error(StoreErrorKind::conflict, "test mapping " + std::to_string(mapping_id) + " was changed meanwhile");
    auto after = get_mapping(mapping_id);
    if (after)
        tx_.record({actor, "instrument_mapping.update", "instrument_mapping", std::to_string(mapping_id),
                    to_json(*before), to_json(*after), ""});
    return after;
}

}  // namespace lims::store
