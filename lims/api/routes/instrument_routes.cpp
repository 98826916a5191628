// Instruments and their test-code mappings (administrators register them; laboratory
// staff read their jurisdiction's): /api/v1/instruments, /{code}, /{code}/mappings.
#include "lims/api/routes/ingest_common.hpp"

#include "lims/api/route_modules.hpp"
#include "drivers/registry.hpp"
#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/store/instrument_repository.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/workflow/ingest/device_reach.hpp"
#include "lims/workflow/ingest/quarantine_resolution.hpp"

#include <Poco/JSON/Array.h>
#include <map>

namespace lims::api::ingest_tables {

namespace {

using domain::Role;

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

}  // namespace

void add_instrument_routes(Router& router, const std::shared_ptr<store::Database>& db, const StatusSource& links,
                           const DevicePolicy& policy) {
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

}  // namespace lims::api::ingest_tables
