// Instruments and their test-code mappings (administrators register them; laboratory
// staff read their jurisdiction's): /api/v1/instruments, /{code}, /{code}/mappings.
#include "lims/api/routes/ingest_common.hpp"

#include "lims/api/route_modules.hpp"
#include "drivers/registry.hpp"
#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/workflow/ingest/device_reach.hpp"
#include "lims/workflow/ingest/instruments.hpp"

#include <Poco/JSON/Array.h>
#include <map>

namespace lims::api::ingest_tables {

namespace {

using domain::Role;
namespace wi = lims::workflow::ingest;

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
Poco::JSON::Object::Ptr instrumentJson(const wi::InstrumentView& v, const StatusSource& status) {
    const auto& i = v.instrument;
    auto o = parseObject(store::to_json(i));
    o->set("organisation_code", v.org_code);
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

Response instrumentResponse(int status, const wi::InstrumentView& v, const StatusSource& links) {
    return Response::json(status, instrumentJson(v, links)).withHeader("ETag", etagFor(v.instrument.version));
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

// Reads the body into fields (the organisation, by code, is the use case's to find); the
// options against the drivers' table.
Outcome<store::InstrumentFields> instrumentFields(const Request& r) {
    store::InstrumentFields f;
    f.code = r.json->getValue<std::string>("code");
    f.name = r.json->getValue<std::string>("name");
    f.family = r.json->getValue<std::string>("family");
    f.transport = r.json->getValue<std::string>("transport");
    f.address = r.json->optValue<std::string>("address", "");
    f.options_json = r.json->optValue<std::string>("options", "{}");
    f.active = r.json->optValue<bool>("active", true);
    if (auto errors = optionErrors(f); !errors.empty()) return problems::validation(std::move(errors));
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

}  // namespace

void add_instrument_routes(Router& router, const std::shared_ptr<store::Database>& db, const StatusSource& links,
                           const DevicePolicy& policy) {
    router.add({"GET", "/api/v1/instruments", "listInstruments",
                "Instruments of the caller's jurisdiction (keyset pages by id), each with its driver's link when "
                "this service runs the drivers",
                AuthRequirement::User, std::nullopt,
                [db, links](const Request& r) {
                    auto page = readIdPage(r);
                    if (!page) return Response::problem(page.problem());
                    auto found = wi::list_instruments(*db, actor_of(r), page->after_id, page->limit);
                    if (!found) return Response::error(found.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& v : found->items) items->add(instrumentJson(v, links));
                    return Response::json(200, idPageJson(items, found->next_after_id));
                },
                200, kLabStaff});

    router.add({"POST", "/api/v1/instruments", "createInstrument", "Register an instrument (administrators)",
                AuthRequirement::User, instrumentSchema(),
                [db, links, policy](const Request& r) {
                    if (auto bad = addressProblem(r, *policy)) return Response::problem(*bad);
                    auto fields = instrumentFields(r);
                    if (!fields) return Response::problem(fields.problem());
                    auto created = wi::register_instrument(*db, actor_of(r), std::move(*fields),
                                                           r.json->getValue<std::string>("organisation_code"));
                    if (!created) return Response::error(created.error());
                    return instrumentResponse(201, *created, links)
                        .withHeader("Location", "/api/v1/instruments/" + created->instrument.code);
                },
                201, kAdministrators});

    router.add({"GET", "/api/v1/instruments/{code}", "getInstrument",
                "One instrument with its ETag and, when this service runs the drivers, its link (state, since, "
                "last_error)",
                AuthRequirement::User, std::nullopt,
                [db, links](const Request& r) {
                    auto i = wi::find_instrument(*db, actor_of(r), r.params.at("code"));
                    if (!i) return Response::error(i.error());
                    return instrumentResponse(200, *i, links);
                },
                200, kLabStaff});

    router.add({"PUT", "/api/v1/instruments/{code}", "updateInstrument",
                "Change an instrument (administrators; If-Match with its version)", AuthRequirement::User,
                instrumentSchema(),
                [db, links, policy](const Request& r) {
                    if (auto bad = addressProblem(r, *policy)) return Response::problem(*bad);
                    const auto actor = actor_of(r);
                    // Another jurisdiction's instrument is a 404 like a missing one, before If-Match;
                    // the change checks it again in its own transaction.
                    auto current = wi::find_instrument(*db, actor, r.params.at("code"));
                    if (!current) return Response::error(current.error());
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    if (auto stale = checkVersion(current->instrument.version, *version))
                        return Response::problem(*stale);
                    auto fields = instrumentFields(r);
                    if (!fields) return Response::problem(fields.problem());
                    auto updated = wi::update_instrument(*db, actor, current->instrument.code, *version,
                                                         std::move(*fields),
                                                         r.json->getValue<std::string>("organisation_code"));
                    if (!updated) return Response::error(updated.error());
                    return instrumentResponse(200, *updated, links);
                },
                200, kAdministrators});

    router.add({"GET", "/api/v1/instruments/{code}/mappings", "listInstrumentMappings",
                "The instrument's test-code mappings with their unit conversion", AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto rows = wi::instrument_mappings(*db, actor_of(r), r.params.at("code"));
                    if (!rows) return Response::error(rows.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& m : *rows) items->add(parseObject(store::to_json(m)));
                    auto o = newObject();
                    o->set("items", items);
                    return Response::json(200, o);
                },
                200, kLabStaff});

    router.add({"POST", "/api/v1/instruments/{code}/mappings", "createInstrumentMapping",
                "Map one of the instrument's codes to a catalogue test code (administrators)", AuthRequirement::User,
                mappingSchema(),
                [db](const Request& r) {
                    auto created = wi::add_instrument_mapping(
                        *db, actor_of(r), r.params.at("code"),
                        mappingFields(r, r.json->getValue<std::string>("instrument_test_code")));
                    if (!created) return Response::error(created.error());
                    return Response::json(201, parseObject(store::to_json(*created)))
                        .withHeader("ETag", etagFor(created->version));
                },
                201, kAdministrators});

    router.add({"PUT", "/api/v1/instruments/{code}/mappings/{id}", "updateInstrumentMapping",
                "Change or retire a mapping (administrators; If-Match with its version)", AuthRequirement::User,
                mappingSchema(),
                [db](const Request& r) {
                    const auto id = idParam(r, "id");
                    if (!id) return Response::problem(notVisible("mapping", r.params.at("id")));
                    const auto actor = actor_of(r);
                    auto current = wi::find_instrument_mapping(*db, actor, r.params.at("code"), *id);
                    if (!current) return Response::error(current.error());
                    // Only a visible mapping is told about its precondition.
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    if (auto stale = checkVersion(current->version, *version)) return Response::problem(*stale);
                    auto updated = wi::update_instrument_mapping(
                        *db, actor, r.params.at("code"), *id, *version,
                        mappingFields(r, r.json->getValue<std::string>("instrument_test_code")));
                    if (!updated) return Response::error(updated.error());
                    return Response::json(200, parseObject(store::to_json(*updated)))
                        .withHeader("ETag", etagFor(updated->version));
                },
                200, kAdministrators});
}

}  // namespace lims::api::ingest_tables
