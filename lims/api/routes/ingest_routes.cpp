// Instruments and their mappings (administrators), the quarantine list and its
// resolution (laboratory staff, within their jurisdiction), raw messages as received, and
// the ingest endpoints that gateways post batches to with a service token.
#include "lims/api/route_modules.hpp"

#include "drivers/registry.hpp"
#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/store/instrument_repository.hpp"
#include "lims/store/logger_polling_repository.hpp"
#include "lims/store/logger_repository.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/store/quarantine_repository.hpp"
#include "lims/store/raw_message_repository.hpp"
#include "lims/store/utc_time.hpp"
#include "lims/workflow/coldchain/ingest.hpp"
#include "lims/workflow/ingest/ingest_message.hpp"
#include "lims/workflow/ingest/device_reach.hpp"
#include "lims/workflow/ingest/logger_registration.hpp"
#include "lims/workflow/ingest/observation_json.hpp"
#include "lims/workflow/ingest/quarantine_resolution.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/DateTimeParser.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <chrono>
#include <map>
#include <mutex>
#include <sstream>

namespace lims::api {

namespace {

using domain::Role;

// A gateway batches what arrived while the service was away; 500 messages of up to 1 MiB
// each stays under the server's body limit in practice, and 10,000 readings is a minute of
// 166 loggers polled every second (the gateway forwards far more often than that).
constexpr std::size_t kMaxMessagesPerBatch = 500;
constexpr std::size_t kMaxReadingsPerBatch = 10'000;
// Plausible temperatures in 0.01 °C for the JSON schema's bounds: liquid nitrogen to an oven.
constexpr std::int64_t kMinCentiCelsius = -20'000;
constexpr std::int64_t kMaxCentiCelsius = 20'000;
// A logger's register map has a handful of points (temperature, humidity, battery, alarms);
// 256 is a whole device's table.
constexpr std::size_t kMaxMapPoints = 256;

const domain::RoleSet kLabStaff{Role::analyst, Role::reviewer, Role::administrator};
const domain::RoleSet kResolvers{Role::analyst, Role::reviewer};
const domain::RoleSet kAdministrators{Role::administrator};
const domain::RoleSet kIngest{Role::ingest_service};

std::string orgPathOf(store::Transaction& tx, std::int64_t org_id) {
    store::OrganisationRepository orgs(tx);
    auto org = orgs.get(org_id);
    return org ? org->path : std::string("/unknown/");
}

Poco::JSON::Object::Ptr parseObject(const std::string& json) {
    Poco::JSON::Parser parser;
    return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

std::optional<std::int64_t> idParam(const Request& r, const std::string& name) {
    Poco::Int64 v = 0;
    if (!Poco::NumberParser::tryParse64(r.params.at(name), v) || v <= 0) return std::nullopt;
    return v;
}

std::string base64(const std::string& bytes) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    return out.str();
}

std::optional<std::string> unbase64(const std::string& text) {
    for (char c : text)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=')) return std::nullopt;
    try {
        std::istringstream in(text);
        Poco::Base64Decoder decoder(in);
        std::string out((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
        return out;
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

// ---- instruments ------------------------------------------------------------------------

ObjectSchema instrumentSchema() {
    return ObjectSchema{{
        field::string("code").length(1, 64).matching("[A-Za-z0-9._-]+", "letters, digits, '.', '_' or '-'"),
        field::string("organisation_code").length(1, 64).describedAs("the laboratory that owns it"),
        field::string("name").length(1, 200),
        field::string("family").oneOf({"astm", "hl7", "sics", "modbus", "csv"}),
        field::string("transport").oneOf({"tcp_listen", "tcp_connect", "serial", "file_drop", "modbus_tcp", "modbus_rtu"}),
        field::string("address").length(0, 500).optional(),
        field::string("options")
            .length(2, 4096)
            .multiLineText()
            .checkedBy([](std::string_view text) { return store::instrument_options_problem(std::string(text)); })
            .describedAs("the driver's settings as JSON object text, e.g. {\"max_connections\": 4} (PUT replaces them)")
            .optional(),
        field::boolean("active").optional(),
    }};
}

ObjectSchema mappingSchema() {
    const std::string decimal = "-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?";
    return ObjectSchema{{
        field::string("instrument_test_code").length(1, 64),
        field::string("test_code").length(1, 64).describedAs("the specification catalogue's test code"),
        field::string("instrument_unit").length(0, 32).optional(),
        field::string("result_unit").length(0, 32).optional(),
        field::string("factor").length(1, 40).matching(decimal, "an exact decimal").optional(),
        field::string("offset").length(1, 40).matching(decimal, "an exact decimal").optional(),
        field::boolean("active").optional(),
    }};
}

using StatusSource = std::shared_ptr<const InstrumentStatusSource>;

// With the driver's link when this service runs the drivers and one runs for it.
Poco::JSON::Object::Ptr instrumentJson(const store::Instrument& i, const std::string& org_code,
                                       const StatusSource& status) {
    auto o = parseObject(store::to_json(i));
    o->set("organisation_code", org_code);
    if (!status) return o;
    if (auto link = status->link(i.code)) {
        auto l = newObject();
        l->set("state", link->state);
        l->set("since", link->since);
        l->set("last_error", link->last_error);
        l->set("messages", static_cast<Poco::UInt64>(link->messages));
        l->set("failures", static_cast<Poco::UInt64>(link->failures));
        l->set("connections", static_cast<Poco::UInt64>(link->connections));
        l->set("refused_peers", static_cast<Poco::UInt64>(link->refused_peers));
        o->set("link", l);
    }
    return o;
}

Response instrumentResponse(int status, const store::Instrument& i, const std::string& org_code,
                            const StatusSource& links) {
    return Response::json(status, instrumentJson(i, org_code, links)).withHeader("ETag", etagFor(i.version));
}

// The options against the drivers' table (drivers/registry.hpp), the same check the
// registry file and DriverHost make: one error per option, naming it and listing what the
// family takes over this transport. The schema has already made them a flat JSON object.
std::vector<FieldError> optionErrors(const store::InstrumentFields& f) {
    std::map<std::string, std::string> options;
    for (auto& [name, value] : store::instrument_options(f.options_json)) options[name] = value;
    std::vector<FieldError> errors;
    auto family = drivers::family_from_string(f.family);
    if (!family) {
        // Modbus devices are cold-chain loggers: their settings are the logger's polling.
        for (const auto& [name, value] : options)
            errors.push_back({"options." + name, "unknown option: " + f.family +
                                                     " instruments take no options (allowed: none; a Modbus "
                                                     "logger's settings are its polling)"});
        return errors;
    }
    for (const auto& p : drivers::check_options(*family, f.transport, options))
        errors.push_back({p.option.empty() ? "transport" : "options." + p.option, p.message});
    return errors;
}

// Where the body's address points, against lims.drivers.* (workflow/ingest/device_reach):
// checked before any transaction, since a host name is resolved.
std::optional<Problem> addressProblem(const Request& r, const drivers::DevicePolicy& policy) {
    auto why = workflow::ingest::instrument_address_problem(policy, r.json->getValue<std::string>("transport"),
                                                            r.json->optValue<std::string>("address", ""));
    if (why.empty()) return std::nullopt;
    // With the options' problems: one answer names everything wrong with the body.
    store::InstrumentFields f;
    f.family = r.json->getValue<std::string>("family");
    f.transport = r.json->getValue<std::string>("transport");
    f.options_json = r.json->optValue<std::string>("options", "{}");
    auto errors = optionErrors(f);
    errors.push_back({"address", why});
    return problems::validation(std::move(errors));
}

// Reads the body into fields; the organisation by code, which must lie in the caller's jurisdiction.
Outcome<store::InstrumentFields> instrumentFields(store::Transaction& tx, const Request& r) {
    store::InstrumentFields f;
    f.code = r.json->getValue<std::string>("code");
    f.name = r.json->getValue<std::string>("name");
    f.family = r.json->getValue<std::string>("family");
    f.transport = r.json->getValue<std::string>("transport");
    f.address = r.json->optValue<std::string>("address", "");
    f.options_json = r.json->optValue<std::string>("options", "{}");
    f.active = r.json->optValue<bool>("active", true);
    if (auto errors = optionErrors(f); !errors.empty()) return problems::validation(std::move(errors));
    store::OrganisationRepository orgs(tx);
    const auto code = r.json->getValue<std::string>("organisation_code");
    auto org = orgs.get_by_code(code);
    if (!org || !withinJurisdiction(r.principal->organisationPath, org->path))
        return problems::validation({{"organisation_code", "no organisation " + code + " in your jurisdiction"}});
    f.org_id = org->id;
    return f;
}

store::TestMappingFields mappingFields(const Request& r, const std::string& instrument_test_code) {
    store::TestMappingFields f;
    f.instrument_test_code = instrument_test_code;
    f.test_code = r.json->getValue<std::string>("test_code");
    f.instrument_unit = r.json->optValue<std::string>("instrument_unit", "");
    f.result_unit = r.json->optValue<std::string>("result_unit", "");
    f.factor = r.json->optValue<std::string>("factor", "1");
    f.offset = r.json->optValue<std::string>("offset", "0");
    f.active = r.json->optValue<bool>("active", true);
    return f;
}

// The instrument named in the path, if the caller may see it.
Outcome<store::Instrument> visibleInstrument(store::Transaction& tx, const Request& r) {
    store::InstrumentRepository instruments(tx);
    auto i = instruments.get_by_code(r.params.at("code"));
    if (!i || !withinJurisdiction(r.principal->organisationPath, orgPathOf(tx, i->org_id)))
        return notVisible("instrument", r.params.at("code"));
    return *i;
}

template <typename Work>
Response inWrite(store::Database& db, Work work) {
    std::optional<Response> answer;
    auto done = db.write([&](store::Transaction& tx) -> domain::Result<store::Done> {
        answer = work(tx);
        // A refusal writes nothing: roll back when the answer is not a success.
        if (answer->status >= 300) return domain::make_error("api.refused", "rolled back");
        return store::Done{};
    });
    if (!done && done.error().code != "api.refused") return Response::error(done.error());
    return *answer;
}

template <typename Work>
Response inRead(store::Database& db, Work work) {
    std::optional<Response> answer;
    auto done = db.read([&](store::Transaction& tx) -> domain::Result<store::Done> {
        answer = work(tx);
        return store::Done{};
    });
    if (!done) return Response::error(done.error());
    return *answer;
}

void addInstrumentRoutes(Router& router, const std::shared_ptr<store::Database>& db, const StatusSource& links,
                         const std::shared_ptr<const drivers::DevicePolicy>& policy) {
    router.add({"GET", "/api/v1/instruments", "listInstruments",
                "Instruments of the caller's jurisdiction (keyset pages by id), each with its driver's link when "
                "this service runs the drivers",
                AuthRequirement::User, std::nullopt,
                [db, links](const Request& r) {
                    auto page = readPage(r);
                    if (!page) return Response::problem(page.problem());
                    auto cursor = cursorAfterId(*page);
                    if (!cursor) return Response::problem(cursor.problem());
                    const std::int64_t after = *cursor;
                    return inRead(*db, [&](store::Transaction& tx) {
                        store::InstrumentRepository instruments(tx);
                        auto rows = instruments.list(r.principal->organisationPath, after,
                                                     static_cast<int>(page->limit) + 1);
                        if (!rows) return Response::error(rows.error());
                        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                        std::optional<std::vector<std::string>> next;
                        store::OrganisationRepository orgs(tx);
                        for (std::size_t k = 0; k < rows->size(); ++k) {
                            if (k == page->limit) {
                                next = std::vector<std::string>{std::to_string((*rows)[k - 1].id)};
                                break;
                            }
                            auto org = orgs.get((*rows)[k].org_id);
                            items->add(instrumentJson((*rows)[k], org ? org->code : "", links));
                        }
                        return Response::json(200, pageJson(items, next));
                    });
                },
                200, kLabStaff});

    router.add({"POST", "/api/v1/instruments", "createInstrument", "Register an instrument (administrators)",
                AuthRequirement::User, instrumentSchema(),
                [db, links, policy](const Request& r) {
                    if (auto bad = addressProblem(r, *policy)) return Response::problem(*bad);
                    return inWrite(*db, [&](store::Transaction& tx) {
                        auto fields = instrumentFields(tx, r);
                        if (!fields) return Response::problem(fields.problem());
                        store::InstrumentRepository instruments(tx);
                        auto created = instruments.create(*fields, r.principal->username);
                        if (!created) return Response::error(created.error());
                        return instrumentResponse(201, *created, r.json->getValue<std::string>("organisation_code"),
                                                  links)
                            .withHeader("Location", "/api/v1/instruments/" + created->code);
                    });
                },
                201, kAdministrators});

    router.add({"GET", "/api/v1/instruments/{code}", "getInstrument",
                "One instrument with its ETag and, when this service runs the drivers, its link (state, since, "
                "last_error)",
                AuthRequirement::User, std::nullopt,
                [db, links](const Request& r) {
                    return inRead(*db, [&](store::Transaction& tx) {
                        auto i = visibleInstrument(tx, r);
                        if (!i) return Response::problem(i.problem());
                        store::OrganisationRepository orgs(tx);
                        auto org = orgs.get(i->org_id);
                        return instrumentResponse(200, *i, org ? org->code : "", links);
                    });
                },
                200, kLabStaff});

    router.add({"PUT", "/api/v1/instruments/{code}", "updateInstrument",
                "Change an instrument (administrators; If-Match with its version)", AuthRequirement::User,
                instrumentSchema(),
                [db, links, policy](const Request& r) {
                    if (auto bad = addressProblem(r, *policy)) return Response::problem(*bad);
                    return inWrite(*db, [&](store::Transaction& tx) {
                        // Another jurisdiction's instrument is a 404 like a missing one, before If-Match.
                        auto current = visibleInstrument(tx, r);
                        if (!current) return Response::problem(current.problem());
                        auto version = requireIfMatch(r);
                        if (!version) return Response::problem(version.problem());
                        if (auto stale = checkVersion(current->version, *version)) return Response::problem(*stale);
                        auto fields = instrumentFields(tx, r);
                        if (!fields) return Response::problem(fields.problem());
                        store::InstrumentRepository instruments(tx);
                        auto updated = instruments.update(current->code, *version, *fields, r.principal->username);
                        if (!updated) return Response::error(updated.error());
                        return instrumentResponse(200, *updated, r.json->getValue<std::string>("organisation_code"),
                                                  links);
                    });
                },
                200, kAdministrators});

    router.add({"GET", "/api/v1/instruments/{code}/mappings", "listInstrumentMappings",
                "The instrument's test-code mappings with their unit conversion", AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    return inRead(*db, [&](store::Transaction& tx) {
                        auto i = visibleInstrument(tx, r);
                        if (!i) return Response::problem(i.problem());
                        store::InstrumentRepository instruments(tx);
                        auto rows = instruments.mappings(i->id);
                        if (!rows) return Response::error(rows.error());
                        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                        for (const auto& m : *rows) items->add(parseObject(store::to_json(m)));
                        auto o = newObject();
                        o->set("items", items);
                        return Response::json(200, o);
                    });
                },
                200, kLabStaff});

    router.add({"POST", "/api/v1/instruments/{code}/mappings", "createInstrumentMapping",
                "Map one of the instrument's codes to a catalogue test code (administrators)", AuthRequirement::User,
                mappingSchema(),
                [db](const Request& r) {
                    return inWrite(*db, [&](store::Transaction& tx) {
                        auto i = visibleInstrument(tx, r);
                        if (!i) return Response::problem(i.problem());
                        store::InstrumentRepository instruments(tx);
                        auto created = instruments.create_mapping(
                            i->id, mappingFields(r, r.json->getValue<std::string>("instrument_test_code")),
                            r.principal->username);
                        if (!created) return Response::error(created.error());
                        return Response::json(201, parseObject(store::to_json(*created)))
                            .withHeader("ETag", etagFor(created->version));
                    });
                },
                201, kAdministrators});

    router.add({"PUT", "/api/v1/instruments/{code}/mappings/{id}", "updateInstrumentMapping",
                "Change or retire a mapping (administrators; If-Match with its version)", AuthRequirement::User,
                mappingSchema(),
                [db](const Request& r) {
                    const auto id = idParam(r, "id");
                    if (!id) return Response::problem(notVisible("mapping", r.params.at("id")));
                    return inWrite(*db, [&](store::Transaction& tx) {
                        auto i = visibleInstrument(tx, r);
                        if (!i) return Response::problem(i.problem());
                        store::InstrumentRepository instruments(tx);
                        auto current = instruments.get_mapping(*id);
                        if (!current || current->instrument_id != i->id)
                            return Response::problem(notVisible("mapping", r.params.at("id")));
                        // Only a visible mapping is told about its precondition.
                        auto version = requireIfMatch(r);
                        if (!version) return Response::problem(version.problem());
                        if (auto stale = checkVersion(current->version, *version)) return Response::problem(*stale);
                        auto updated = instruments.update_mapping(
                            *id, *version, mappingFields(r, r.json->getValue<std::string>("instrument_test_code")),
                            r.principal->username);
                        if (!updated) return Response::error(updated.error());
                        return Response::json(200, parseObject(store::to_json(*updated)))
                            .withHeader("ETag", etagFor(updated->version));
                    });
                },
                200, kAdministrators});
}

// ---- quarantine and raw messages ------------------------------------------------------------

Poco::JSON::Object::Ptr quarantineJson(const store::QuarantineEntry& e) { return parseObject(store::to_json(e)); }

// The If-Match of a resolution (required: two analysts must not resolve one entry twice).
// A missing or malformed one is reported only for an entry the caller may see: another
// jurisdiction's entry stays the missing record's 404.
Outcome<std::optional<std::int64_t>> resolutionIfMatch(store::Database& db, const Request& r, std::int64_t id) {
    auto v = requireIfMatch(r);
    if (v) return std::optional<std::int64_t>{*v};
    std::optional<Problem> hidden;
    auto done = db.read([&](store::Transaction& tx) -> domain::Result<store::Done> {
        auto e = workflow::ingest::visible_quarantine_entry(tx, id, r.principal->organisationPath);
        if (!e) hidden = problems::from_error(e.error());
        return store::Done{};
    });
    if (!done) return problems::from_error(done.error());
    if (hidden) return *hidden;
    return v.problem();
}

void addQuarantineRoutes(Router& router, const std::shared_ptr<store::Database>& db) {
    router.add({"GET", "/api/v1/quarantine", "listQuarantine",
                "Quarantined observations of the caller's laboratories (?state=open|assigned|discarded)",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto page = readPage(r);
                    if (!page) return Response::problem(page.problem());
                    store::QuarantineQuery q;
                    q.org_path_prefix = r.principal->organisationPath;
                    q.limit = static_cast<int>(page->limit) + 1;
                    auto after = cursorAfterId(*page);
                    if (!after) return Response::problem(after.problem());
                    if (*after > 0) q.after_id = *after;
                    if (auto s = r.query.find("state"); s != r.query.end()) {
                        if (s->second != "open" && s->second != "assigned" && s->second != "discarded")
                            return Response::problem(
                                problems::validation({{"state", "must be open, assigned or discarded"}}));
                        q.state = s->second;
                    }
                    return inRead(*db, [&](store::Transaction& tx) {
                        store::QuarantineRepository quarantine(tx);
                        auto rows = quarantine.list(q);
                        if (!rows) return Response::error(rows.error());
                        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                        std::optional<std::vector<std::string>> next;
                        for (std::size_t k = 0; k < rows->size(); ++k) {
                            if (k == page->limit) {
                                next = std::vector<std::string>{std::to_string((*rows)[k - 1].id)};
                                break;
                            }
                            items->add(quarantineJson((*rows)[k]));
                        }
                        return Response::json(200, pageJson(items, next));
                    });
                },
                200, kLabStaff});

    router.add({"GET", "/api/v1/quarantine/{id}", "getQuarantineEntry", "One quarantine entry with its ETag",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    const auto id = idParam(r, "id");
                    if (!id) return Response::problem(notVisible("quarantine entry", r.params.at("id")));
                    return inRead(*db, [&](store::Transaction& tx) {
                        auto e = workflow::ingest::visible_quarantine_entry(tx, *id, r.principal->organisationPath);
                        if (!e) return Response::error(e.error());
                        return Response::json(200, quarantineJson(*e)).withHeader("ETag", etagFor(e->version));
                    });
                },
                200, kLabStaff});

    router.add({"POST", "/api/v1/quarantine/{id}/assign", "assignQuarantineEntry",
                "Assign a quarantined observation to a sample's test: its result is recorded (pending review)",
                AuthRequirement::User,
                ObjectSchema{{field::string("sample_number").length(1, 40).describedAs("or a test portion barcode"),
                              field::string("test_code").length(1, 64)}},
                [db](const Request& r) {
                    const auto id = idParam(r, "id");
                    if (!id) return Response::problem(notVisible("quarantine entry", r.params.at("id")));
                    auto expected = resolutionIfMatch(*db, r, *id);
                    if (!expected) return Response::problem(expected.problem());
                    auto done = workflow::ingest::assign_quarantined(
                        *db, *id,
                        {r.json->getValue<std::string>("sample_number"), r.json->getValue<std::string>("test_code"),
                         *expected},
                        {r.principal->username, r.principal->organisationPath});
                    if (!done) return Response::error(done.error());
                    auto o = quarantineJson(done->entry);
                    return Response::json(200, o).withHeader("ETag", etagFor(done->entry.version));
                },
                200, kResolvers});

    router.add({"POST", "/api/v1/quarantine/{id}/discard", "discardQuarantineEntry",
                "Discard a quarantined observation, with the reason", AuthRequirement::User,
                ObjectSchema{{field::string("reason").length(1, 1000).multiLineText()}},
                [db](const Request& r) {
                    const auto id = idParam(r, "id");
                    if (!id) return Response::problem(notVisible("quarantine entry", r.params.at("id")));
                    auto expected = resolutionIfMatch(*db, r, *id);
                    if (!expected) return Response::problem(expected.problem());
                    auto done = workflow::ingest::discard_quarantined(*db, *id, r.json->getValue<std::string>("reason"),
                                                                      *expected,
                                                                      {r.principal->username, r.principal->organisationPath});
                    if (!done) return Response::error(done.error());
                    return Response::json(200, quarantineJson(done->entry))
                        .withHeader("ETag", etagFor(done->entry.version));
                },
                200, kResolvers});

    router.add({"GET", "/api/v1/raw-messages/{id}", "getRawMessage",
                "A message exactly as the instrument sent it (bytes in base64) with its SHA-256",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    const auto id = idParam(r, "id");
                    if (!id) return Response::problem(notVisible("raw message", r.params.at("id")));
                    return inRead(*db, [&](store::Transaction& tx) {
                        store::RawMessageRepository raw(tx);
                        auto m = raw.get(*id);
                        if (!m || !m->instrument_id) return Response::problem(notVisible("raw message", r.params.at("id")));
                        store::InstrumentRepository instruments(tx);
                        auto i = instruments.get(*m->instrument_id);
                        if (!i || !withinJurisdiction(r.principal->organisationPath, orgPathOf(tx, i->org_id)))
                            return Response::problem(notVisible("raw message", r.params.at("id")));
                        auto o = newObject();
                        o->set("id", m->id);
                        o->set("instrument", i->code);
                        o->set("protocol", m->protocol);
                        o->set("received_at", m->received_at);
                        o->set("sha256", m->sha256);
                        o->set("bytes_base64", base64(m->bytes));
                        return Response::json(200, o);
                    });
                },
                200, kLabStaff});
}

// ---- loggers and their polling --------------------------------------------------------------

// An in-line register map, as lims/workflow/modbus_map_json.hpp reads it; the schema
// checks the shape, register_map_problems() the meaning (types, addresses, fault values).
FieldSchema registerMapSchema() {
    return field::object(
        "register_map",
        ObjectSchema{{
            field::string("name").length(0, 200).optional(),
            field::array("points",
                         field::object("", ObjectSchema{{
                                               field::string("name").length(1, 64),
                                               field::string("function").length(1, 32).describedAs(
                                                   "holding_registers, input_registers, coils or discrete_inputs"),
                                               field::integer("address").range(0, 65'535).describedAs(
                                                   "the zero-based protocol address (vendor 40001 is 0)"),
                                               field::string("type").length(1, 16).describedAs(
                                                   "boolean, int16, uint16, int32, uint32, float32 or float64"),
                                               field::string("order").oneOf({"ABCD", "CDAB", "BADC", "DCBA"}).optional(),
                                               field::decimal("scale").optional(),
                                               field::decimal("offset").optional(),
                                               field::string("unit").length(0, 32).optional(),
                                               field::array("fault_values", field::decimal("")).count(0, 16).optional(),
                                               field::string("description").length(0, 500).multiLineText().optional(),
                                           }}))
                .count(1, kMaxMapPoints),
        }})
        .describedAs("the register map itself, instead of map_file")
        .optional();
}

std::vector<FieldSchema> loggerPollingFields() {
    return {
        field::string("transport").oneOf({"modbus_tcp", "modbus_rtu"}),
        field::string("address").length(1, 500).describedAs("host:port, or the serial device for modbus_rtu"),
        field::string("serial").length(1, 16).describedAs("modbus_rtu line settings, e.g. 9600,8N1").optional(),
        field::integer("unit_id").range(store::kMinModbusUnitId, store::kMaxModbusUnitId).optional(),
        field::string("map_file")
            .length(1, 500)
            .describedAs("the register map (JSON) on the service's machine; or register_map in-line")
            .optional(),
        registerMapSchema(),
        field::string("point").length(0, 64).describedAs("the map's temperature point; empty: the first in Cel").optional(),
        field::integer("interval_seconds").range(1, 86'400).optional(),
        field::integer("timeout_ms").range(100, 60'000).optional(),
        field::integer("retries").range(0, 10).optional(),
        field::boolean("active").optional(),
    };
}

ObjectSchema loggerPollingSchema() { return ObjectSchema{loggerPollingFields()}; }

ObjectSchema loggerSchema() {
    return ObjectSchema{{
        field::string("serial").length(1, 64).matching("[A-Za-z0-9._-]+", "letters, digits, '.', '_' or '-'"),
        field::string("model").length(0, static_cast<std::size_t>(store::kMaxLoggerModel)).optional(),
        field::string("organisation_code").length(1, 64).describedAs("the organisation that owns it"),
        field::object("polling", loggerPollingSchema())
            .describedAs("how `lims serve` polls it (the same as PUT .../polling); absent: not polled")
            .optional(),
    }};
}

ObjectSchema loggerUpdateSchema() {
    return ObjectSchema{{
        field::string("model").length(0, static_cast<std::size_t>(store::kMaxLoggerModel)),
        field::string("organisation_code").length(1, 64).describedAs("the organisation that owns it"),
    }};
}

// The polling settings of a body (the schema has checked their shape).
store::LoggerPollingFields pollingFields(const Poco::JSON::Object& o) {
    store::LoggerPollingFields f;
    f.transport = o.getValue<std::string>("transport");
    f.address = o.getValue<std::string>("address");
    f.serial = o.optValue<std::string>("serial", f.serial);
    f.unit_id = static_cast<int>(o.optValue<Poco::Int64>("unit_id", f.unit_id));
    f.map_file = o.optValue<std::string>("map_file", "");
    if (o.has("register_map") && !o.isNull("register_map")) f.map_json = toJsonText(o.getObject("register_map"));
    f.point = o.optValue<std::string>("point", "");
    f.interval_seconds = static_cast<int>(o.optValue<Poco::Int64>("interval_seconds", f.interval_seconds));
    f.timeout_ms = static_cast<int>(o.optValue<Poco::Int64>("timeout_ms", f.timeout_ms));
    f.retries = static_cast<int>(o.optValue<Poco::Int64>("retries", f.retries));
    f.active = o.optValue<bool>("active", true);
    return f;
}

// What the poller could not use (workflow/ingest/logger_registration: a register map,
// an address lims.drivers.allow does not allow), as the fields of the body that name it.
std::optional<Problem> mapProblem(std::vector<workflow::ingest::MapProblem> found, const std::string& prefix) {
    if (found.empty()) return std::nullopt;
    std::vector<FieldError> errors;
    for (auto& p : found) errors.push_back({prefix + p.field, std::move(p.problem)});
    return problems::validation(std::move(errors));
}

// The logger named in the path, if it exists and lies in the caller's jurisdiction.
std::optional<std::int64_t> visibleLogger(store::Transaction& tx, const Request& r) {
    const auto id = idParam(r, "id");
    if (!id) return std::nullopt;
    auto logger = store::LoggerRepository(tx).get(*id);
    if (!logger || !withinJurisdiction(r.principal->organisationPath, orgPathOf(tx, logger->org_id)))
        return std::nullopt;
    return *id;
}

// The driver's link of a logger, when this service runs the drivers and polls it.
Poco::JSON::Object::Ptr loggerLink(const StatusSource& links, const std::string& serial) {
    if (!links) return nullptr;
    auto link = links->link(serial);
    if (!link) return nullptr;
    auto l = newObject();
    l->set("state", link->state);
    l->set("since", link->since);
    l->set("last_error", link->last_error);
    l->set("polls", static_cast<Poco::UInt64>(link->messages));
    l->set("failures", static_cast<Poco::UInt64>(link->failures));
    return l;
}

Response pollingResponse(int status, const store::LoggerPolling& p, const StatusSource& links) {
    auto o = parseObject(store::to_json(p));
    if (auto link = loggerLink(links, p.serial_number)) o->set("link", link);
    return Response::json(status, o).withHeader("ETag", etagFor(p.version));
}

// A logger with its organisation, current placement and (for administrators, who set it)
// its polling; the link when the service polls it.
Poco::JSON::Object::Ptr loggerJson(const workflow::ingest::LoggerDetails& d, const StatusSource& links,
                                   bool with_polling) {
    auto o = parseObject(store::to_json(d.logger));
    o->set("organisation_code", d.org_code);
    o->set("placement", d.placement ? Poco::Dynamic::Var(parseObject(store::to_json(*d.placement)))
                                    : Poco::Dynamic::Var());
    if (with_polling)
        o->set("polling", d.polling ? Poco::Dynamic::Var(parseObject(store::to_json(*d.polling))) : Poco::Dynamic::Var());
    if (auto link = loggerLink(links, d.logger.serial)) o->set("link", link);
    return o;
}

bool isAdministrator(const Request& r) { return roleSetOf(*r.principal).contains(Role::administrator); }

Response loggerResponse(int status, const workflow::ingest::LoggerDetails& d, const StatusSource& links,
                        const Request& r) {
    return Response::json(status, loggerJson(d, links, isAdministrator(r))).withHeader("ETag", etagFor(d.logger.version));
}

// The organisation of a body by code, within the caller's jurisdiction.
Outcome<std::int64_t> organisationInJurisdiction(store::Transaction& tx, const Request& r) {
    const auto code = r.json->getValue<std::string>("organisation_code");
    auto org = store::OrganisationRepository(tx).get_by_code(code);
    if (!org || !withinJurisdiction(r.principal->organisationPath, org->path))
        return problems::validation({{"organisation_code", "no organisation " + code + " in your jurisdiction"}});
    return org->id;
}

void addLoggerRoutes(Router& router, const std::shared_ptr<store::Database>& db, const StatusSource& links,
                     const std::shared_ptr<const drivers::DevicePolicy>& policy) {
    router.add({"POST", "/api/v1/coldchain/loggers", "registerLogger",
                "Register a cold-chain logger (administrators): serial, model, owning organisation and, optionally, "
                "how `lims serve` polls it (register map by file or in-line, checked now)",
                AuthRequirement::User, loggerSchema(),
                [db, links, policy](const Request& r) {
                    workflow::ingest::LoggerRegistration reg;
                    reg.policy = *policy;
                    reg.serial = r.json->getValue<std::string>("serial");
                    reg.model = r.json->optValue<std::string>("model", "");
                    if (r.json->has("polling") && !r.json->isNull("polling"))
                        reg.polling = pollingFields(*r.json->getObject("polling"));
                    std::optional<Problem> refused;
                    auto org = db->read([&](store::Transaction& tx) -> store::StoreResult<std::int64_t> {
                        auto id = organisationInJurisdiction(tx, r);
                        if (!id) {
                            refused = id.problem();
                            return std::int64_t{0};
                        }
                        return *id;
                    });
                    if (!org) return Response::error(org.error());
                    if (refused) return Response::problem(*refused);
                    reg.org_id = *org;
                    if (reg.polling)
                        if (auto bad = mapProblem(workflow::ingest::polling_problems(*reg.polling, *policy), "polling."))
                            return Response::problem(*bad);
                    auto created = workflow::ingest::register_logger(*db, reg, r.principal->username);
                    if (!created) return Response::error(created.error());
                    return loggerResponse(201, *created, links, r)
                        .withHeader("Location", "/api/v1/coldchain/loggers/" + std::to_string(created->logger.id));
                },
                201, kAdministrators});

    router.add({"GET", "/api/v1/coldchain/loggers", "listLoggers",
                "Loggers of the caller's jurisdiction (keyset pages by id) with their current placement; "
                "administrators also see their polling",
                AuthRequirement::User, std::nullopt,
                [db, links](const Request& r) {
                    auto page = readPage(r);
                    if (!page) return Response::problem(page.problem());
                    auto cursor = cursorAfterId(*page);
                    if (!cursor) return Response::problem(cursor.problem());
                    const std::int64_t after = *cursor;
                    return inRead(*db, [&](store::Transaction& tx) {
                        auto rows = store::LoggerRepository(tx).list(r.principal->organisationPath, after,
                                                                      static_cast<int>(page->limit) + 1);
                        if (!rows) return Response::error(rows.error());
                        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                        std::optional<std::vector<std::string>> next;
                        for (std::size_t k = 0; k < rows->size(); ++k) {
                            if (k == page->limit) {
                                next = std::vector<std::string>{std::to_string((*rows)[k - 1].id)};
                                break;
                            }
                            auto d = workflow::ingest::logger_details(tx, (*rows)[k].id);
                            if (!d) return Response::error(d.error());
                            items->add(loggerJson(*d, links, isAdministrator(r)));
                        }
                        return Response::json(200, pageJson(items, next));
                    });
                },
                200, kPeopleRoles});

    router.add({"GET", "/api/v1/coldchain/loggers/{id}", "getLogger",
                "One logger with its ETag, current placement, polling (administrators) and, when this service "
                "polls it, its link (state, since, last_error)",
                AuthRequirement::User, std::nullopt,
                [db, links](const Request& r) {
                    return inRead(*db, [&](store::Transaction& tx) {
                        auto id = visibleLogger(tx, r);
                        if (!id) return Response::problem(notVisible("logger", r.params.at("id")));
                        auto d = workflow::ingest::logger_details(tx, *id);
                        if (!d) return Response::error(d.error());
                        return loggerResponse(200, *d, links, r);
                    });
                },
                200, kPeopleRoles});

    router.add({"PUT", "/api/v1/coldchain/loggers/{id}", "updateLogger",
                "Change a logger's model or owning organisation (administrators; If-Match with its version). "
                "Polling is PUT .../polling, placement POST .../placements",
                AuthRequirement::User, loggerUpdateSchema(),
                [db, links](const Request& r) {
                    return inWrite(*db, [&](store::Transaction& tx) {
                        // Another jurisdiction's logger is a 404 like a missing one, before If-Match.
                        auto id = visibleLogger(tx, r);
                        if (!id) return Response::problem(notVisible("logger", r.params.at("id")));
                        auto version = requireIfMatch(r);
                        if (!version) return Response::problem(version.problem());
                        auto current = store::LoggerRepository(tx).get(*id);
                        if (!current) return Response::error(current.error());
                        if (auto stale = checkVersion(current->version, *version)) return Response::problem(*stale);
                        auto org = organisationInJurisdiction(tx, r);
                        if (!org) return Response::problem(org.problem());
                        auto updated = store::LoggerRepository(tx).update(
                            *id, *version, r.json->getValue<std::string>("model"), *org, r.principal->username);
                        if (!updated) return Response::error(updated.error());
                        auto d = workflow::ingest::logger_details(tx, *id);
                        if (!d) return Response::error(d.error());
                        return loggerResponse(200, *d, links, r);
                    });
                },
                200, kAdministrators});

    router.add({"GET", "/api/v1/coldchain/loggers/{id}/polling", "getLoggerPolling",
                "How the logger is polled, and its poller's link when this service runs the drivers",
                AuthRequirement::User, std::nullopt,
                [db, links](const Request& r) {
                    return inRead(*db, [&](store::Transaction& tx) {
                        auto id = visibleLogger(tx, r);
                        if (!id) return Response::problem(notVisible("logger", r.params.at("id")));
                        auto p = store::LoggerPollingRepository(tx).get(*id);
                        if (!p) return Response::error(p.error());
                        return pollingResponse(200, *p, links);
                    });
                },
                200, kAdministrators});

    router.add({"PUT", "/api/v1/coldchain/loggers/{id}/polling", "setLoggerPolling",
                "Set how the logger is polled (administrators; If-Match with the version to replace existing "
                "settings, If-None-Match: * for its first ones; the register map by file or in-line, checked now); `lims serve` with drivers picks it "
                "up within seconds",
                AuthRequirement::User, loggerPollingSchema(),
                [db, links, policy](const Request& r) {
                    // The address before any transaction: a host name is resolved.
                    if (r.json->getValue<std::string>("transport") == "modbus_tcp")
                        if (auto why = workflow::ingest::outgoing_address_problem(
                                *policy, r.json->getValue<std::string>("address"));
                            !why.empty())
                            return Response::problem(problems::validation({{"address", why}}));
                    return inWrite(*db, [&](store::Transaction& tx) {
                        auto id = visibleLogger(tx, r);
                        if (!id) return Response::problem(notVisible("logger", r.params.at("id")));
                        // Replacing needs If-Match with the settings' version; the first
                        // settings need If-None-Match: * (RFC 9110 13.1.2), so neither
                        // overwrites what another administrator set meanwhile.
                        std::optional<std::int64_t> expected;
                        if (!r.header("if-match").empty() || Poco::trim(r.header("if-none-match")) != "*") {
                            auto version = requireIfMatch(r);
                            if (!version && version.problem().status == 428)
                                return Response::problem(problems::preconditionRequired(
                                    "Setting a logger's polling needs If-Match with the settings' version (their "
                                    "ETag) to replace them, or If-None-Match: * when the logger has none yet."));
                            if (!version) return Response::problem(version.problem());
                            expected = *version;
                        }
                        const auto f = pollingFields(*r.json);
                        // Only a visible logger is told about its map (read inside the
                        // transaction: a few kilobytes from a local file).
                        if (auto bad = mapProblem(workflow::ingest::register_map_problems(f, *policy), ""))
                            return Response::problem(*bad);
                        auto p = store::LoggerPollingRepository(tx).put(*id, expected, f, r.principal->username);
                        if (!p) return Response::error(p.error());
                        return pollingResponse(200, *p, links);
                    });
                },
                200, kAdministrators});
}

// ---- ingest ------------------------------------------------------------------------------------

FieldSchema observationSchema() {
    std::vector<FieldSchema> fields;
    for (const char* name : {"instrument_id", "specimen_id", "test_name", "universal_test_id", "value_type", "value",
                             "comparator", "number", "units", "reference_range", "status", "operator_id",
                             "observed_at"})
        fields.push_back(field::string(name).length(0, 4096).optional());
    fields.push_back(field::string("test_code").length(1, 256));
    fields.push_back(field::array("abnormal_flags", field::string("").length(0, 64)).count(0, 32).optional());
    fields.push_back(field::array("comments", field::string("").length(0, 65536).multiLineText()).count(0, 256).optional());
    return field::object("", ObjectSchema{std::move(fields)});
}

ObjectSchema observationsBatchSchema() {
    return ObjectSchema{{field::array(
        "messages",
        field::object("", ObjectSchema{{
                              field::string("instrument").length(1, 64),
                              field::string("protocol").oneOf({"astm", "hl7", "sics", "csv"}),
                              field::string("raw_base64").describedAs("the message's bytes exactly as received"),
                              field::string("received_at").withFormat("date-time"),
                              field::boolean("terminated_normally").optional(),
                              field::array("observations", observationSchema()).count(0, 10'000),
                          }}))
                            .count(1, kMaxMessagesPerBatch)}};
}

ObjectSchema readingsBatchSchema() {
    return ObjectSchema{{field::array("readings",
                                      field::object("", ObjectSchema{{
                                                            field::string("logger").length(1, 64),
                                                            field::integer("at_utc").range(0, INT64_MAX),
                                                            field::integer("centi_celsius")
                                                                .range(kMinCentiCelsius, kMaxCentiCelsius)
                                                                .orNull()
                                                                .describedAs("null: the sensor-fault value was read"),
                                                        }}))
                            .count(1, kMaxReadingsPerBatch)}};
}

std::optional<Problem> requireIdempotencyKey(const Request& r) {
    if (!r.header("idempotency-key").empty()) return std::nullopt;
    return problems::preconditionRequired(
        "Ingest batches need an Idempotency-Key header, so that a batch re-sent after a lost answer is taken once.");
}

std::optional<std::chrono::system_clock::time_point> parseTime(const std::string& text) {
    Poco::DateTime parsed;
    int tz = 0;
    if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, text, parsed, tz) &&
        !Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FORMAT, text, parsed, tz))
        return std::nullopt;
    parsed.makeUTC(tz);
    return std::chrono::system_clock::time_point(
        std::chrono::microseconds(parsed.timestamp().epochMicroseconds()));
}

// Refusals by code since the process started (a Prometheus counter).
struct RefusalCounts {
    std::mutex mutex;
    std::map<std::string, std::uint64_t> by_code;
};
RefusalCounts& refusal_counts() {
    static RefusalCounts counts;
    return counts;
}

Response ingestObservations(store::Database& db, const Request& r) {
    if (auto missing = requireIdempotencyKey(r)) return Response::problem(*missing);
    auto messages = r.json->getArray("messages");
    std::vector<workflow::ingest::IncomingMessage> batch;
    std::vector<FieldError> errors;
    for (std::size_t k = 0; k < messages->size(); ++k) {
        auto m = messages->getObject(static_cast<unsigned>(k));
        const std::string at = "messages[" + std::to_string(k) + "]";
        workflow::ingest::IncomingMessage in;
        in.instrument_code = m->getValue<std::string>("instrument");
        in.protocol = m->getValue<std::string>("protocol");
        in.terminated_normally = m->optValue<bool>("terminated_normally", true);
        auto raw = unbase64(m->getValue<std::string>("raw_base64"));
        if (!raw) errors.push_back({at + ".raw_base64", "is not base64"});
        else in.raw = std::move(*raw);
        auto when = parseTime(m->getValue<std::string>("received_at"));
        if (!when) errors.push_back({at + ".received_at", "is not an ISO 8601 date-time"});
        else in.received_at = *when;
        auto observations = m->getArray("observations");
        for (std::size_t j = 0; j < observations->size(); ++j) {
            auto o = workflow::ingest::observation_from_object(*observations->getObject(static_cast<unsigned>(j)));
            if (!o) errors.push_back({at + ".observations[" + std::to_string(j) + "]", o.error().message});
            else in.observations.push_back(std::move(*o));
        }
        batch.push_back(std::move(in));
    }
    if (!errors.empty()) return Response::problem(problems::validation(std::move(errors)));

    // One transaction per message, as in-process: a message refused (unknown instrument)
    // does not hold back the others. When the store fails, what committed stays committed
    // and the batch is answered 503: the gateway re-sends it and those count as duplicates.
    Poco::JSON::Array::Ptr results = new Poco::JSON::Array;
    std::size_t accepted = 0, quarantined = 0, duplicates = 0, refused = 0;
    const workflow::Actor gateway = actor_of(r);
    for (std::size_t k = 0; k < batch.size(); ++k) {
        auto receipt = workflow::ingest::ingest_message(db, batch[k], gateway);
        auto o = newObject();
        o->set("index", static_cast<Poco::UInt64>(k));
        if (!receipt) {
            if (workflow::ingest::is_retryable(receipt.error()) || receipt.error().code == workflow::ingest::kStoreFailed)
                return Response::problem(problems::serviceUnavailable(
                    "message " + std::to_string(k) + ": " + receipt.error().message +
                    "; re-send the batch (messages already taken are counted as duplicates)"));
            o->set("status", "refused");
            o->set("code", receipt.error().code);
            o->set("reason", receipt.error().message);
            ++refused;
            {
                auto& counts = refusal_counts();
                std::lock_guard lock(counts.mutex);
                ++counts.by_code[receipt.error().code];
            }
        } else {
            o->set("status", receipt->duplicate ? "duplicate" : "committed");
            o->set("raw_message_id", receipt->raw_message_id);
            o->set("accepted", static_cast<Poco::UInt64>(receipt->accepted));
            o->set("quarantined", static_cast<Poco::UInt64>(receipt->quarantined));
            o->set("duplicates", static_cast<Poco::UInt64>(receipt->duplicates));
            accepted += receipt->accepted;
            quarantined += receipt->quarantined;
            duplicates += receipt->duplicates;
        }
        results->add(o);
    }
    auto body = newObject();
    body->set("accepted", static_cast<Poco::UInt64>(accepted));
    body->set("quarantined", static_cast<Poco::UInt64>(quarantined));
    body->set("duplicates", static_cast<Poco::UInt64>(duplicates));
    body->set("refused", static_cast<Poco::UInt64>(refused));
    body->set("messages", results);
    return Response::json(200, body);
}

Response ingestReadings(store::Database& db, const RouteContext& context, const Request& r) {
    if (auto missing = requireIdempotencyKey(r)) return Response::problem(*missing);
    auto readings = r.json->getArray("readings");
    std::vector<workflow::coldchain::IncomingReading> batch;
    batch.reserve(readings->size());
    for (std::size_t k = 0; k < readings->size(); ++k) {
        auto o = readings->getObject(static_cast<unsigned>(k));
        workflow::coldchain::IncomingReading in;
        in.logger = o->getValue<std::string>("logger");
        in.at_utc = o->getValue<Poco::Int64>("at_utc");
        if (!o->isNull("centi_celsius")) in.centi_celsius = static_cast<std::int32_t>(o->getValue<Poco::Int64>("centi_celsius"));
        batch.push_back(std::move(in));
    }
    const workflow::Actor gateway = actor_of(r);
    workflow::coldchain::ColdChainOptions options;
    options.actor = gateway.name;
    options.gateway = &gateway;
    options.calendar = context.calendar;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    auto report = workflow::coldchain::ingest_readings(db, batch, now, options);
    if (!report) return Response::error(workflow::ingest::ingest_store_error(report.error()));
    auto body = newObject();
    body->set("received", static_cast<Poco::UInt64>(report->received));
    body->set("stored", static_cast<Poco::UInt64>(report->stored));
    body->set("duplicates", static_cast<Poco::UInt64>(report->duplicates));
    body->set("rejected", static_cast<Poco::UInt64>(report->rejected));
    body->set("flagged", static_cast<Poco::UInt64>(report->flagged));
    Poco::JSON::Array::Ptr problems_list = new Poco::JSON::Array;
    for (const auto& p : report->problems) {
        auto o = newObject();
        o->set("index", static_cast<Poco::UInt64>(p.index));
        o->set("logger", p.logger);
        o->set("at_utc", p.at_utc);
        o->set("code", p.code);
        o->set("detail", p.detail);
        o->set("stored", p.stored);
        problems_list->add(o);
    }
    body->set("problems", problems_list);
    return Response::json(200, body);
}

}  // namespace

std::vector<Gauge> ingest_refusal_gauges() {
    static const std::string help =
        "Ingest messages answered refused inside a 200 (unknown or inactive instrument); the gateway keeps them for replay.";
    std::vector<Gauge> out;
    auto& counts = refusal_counts();
    std::lock_guard lock(counts.mutex);
    for (const auto& [code, n] : counts.by_code)
        out.push_back({"lims_ingest_messages_refused_total", help, "code=\"" + code + "\"", static_cast<double>(n), "counter"});
    if (out.empty()) out.push_back({"lims_ingest_messages_refused_total", help, "", 0.0, "counter"});
    return out;
}

void add_ingest_routes(Router& router, const RouteContext& context) {
    const auto db = context.database;
    addInstrumentRoutes(router, db, context.instrumentStatus, context.devicePolicy);
    addLoggerRoutes(router, db, context.instrumentStatus, context.devicePolicy);
    addQuarantineRoutes(router, db);
    router.add({"POST", "/api/v1/ingest/observations", "ingestObservations",
                "A gateway's batch of instrument messages (raw bytes and decoded observations); Idempotency-Key "
                "required",
                AuthRequirement::Ingest, observationsBatchSchema(),
                [db](const Request& r) { return ingestObservations(*db, r); }, 200, kIngest, KeyReplay::rerun});
    router.add({"POST", "/api/v1/ingest/readings", "ingestReadings",
                "A gateway's batch of logger readings; Idempotency-Key required", AuthRequirement::Ingest,
                readingsBatchSchema(), [db, context](const Request& r) { return ingestReadings(*db, context, r); }, 200,
                kIngest, KeyReplay::rerun});
}

}  // namespace lims::api
