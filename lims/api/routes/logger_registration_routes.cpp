// Registering cold-chain loggers and their Modbus polling (administrators; read within the
// jurisdiction): /api/v1/coldchain/loggers, /{id}, /{id}/polling.
#include "lims/api/routes/ingest_common.hpp"

#include "lims/api/route_modules.hpp"
#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/workflow/ingest/device_reach.hpp"
#include "lims/workflow/ingest/logger_registration.hpp"
#include "lims/workflow/coldchain/polling_status.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

#include <chrono>

namespace lims::api::ingest_tables {

namespace {

using domain::Role;
namespace wi = lims::workflow::ingest;

// A logger's register map has a handful of points (temperature, humidity, battery, alarms);
// 256 is a whole device's table.
constexpr std::size_t kMaxMapPoints = 256;

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

// The logger id of the path; another text is no logger's (404, like a missing one).
Outcome<std::int64_t> loggerId(const Request& r) {
    const auto id = idParam(r, "id");
    if (!id) return notVisible("logger", r.params.at("id"));
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

Response pollingResponse(int status, const store::LoggerPolling& p, const StatusSource& links, store::Database& db) {
    auto o = parseObject(store::to_json(p));
    if (auto link = loggerLink(links, p.serial_number)) o->set("link", link);
    // Settings nothing acts on say so (issue 19 item 6): no drivers here, no gateway's readings.
    const auto epoch = std::chrono::system_clock::now().time_since_epoch();
    auto warnings = lims::workflow::coldchain::polling_warnings(
        db, p, links != nullptr, std::chrono::duration_cast<std::chrono::seconds>(epoch).count());
    if (!warnings) return Response::error(warnings.error());
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& w : *warnings) {
        auto item = newObject();
        item->set("code", w.code);
        item->set("message", w.message);
        list->add(item);
    }
    o->set("warnings", list);
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

}  // namespace

void add_logger_registration_routes(Router& router, const std::shared_ptr<store::Database>& db,
                                    const StatusSource& links, const DevicePolicy& policy) {
    router.add({"POST", "/api/v1/coldchain/loggers", "registerLogger",
                "Register a cold-chain logger (administrators): serial, model, owning organisation and, optionally, "
                "how `lims serve` polls it (register map by file or in-line, checked now)",
                AuthRequirement::User, loggerSchema(),
                [db, links, policy](const Request& r) {
                    const auto actor = actor_of(r);
                    wi::LoggerRegistration reg;
                    reg.policy = *policy;
                    reg.serial = r.json->getValue<std::string>("serial");
                    reg.model = r.json->optValue<std::string>("model", "");
                    reg.org_code = r.json->getValue<std::string>("organisation_code");
                    if (r.json->has("polling") && !r.json->isNull("polling"))
                        reg.polling = pollingFields(*r.json->getObject("polling"));
                    // The organisation first, then the polling, as the body reads; the
                    // registration checks the organisation again in its transaction.
                    auto org = wi::logger_organisation(*db, actor, reg.org_code);
                    if (!org) return Response::error(org.error());
                    if (reg.polling)
                        if (auto bad = mapProblem(wi::polling_problems(*reg.polling, *policy), "polling."))
                            return Response::problem(*bad);
                    auto created = wi::register_logger(*db, actor, reg);
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
                    auto page = readIdPage(r);
                    if (!page) return Response::problem(page.problem());
                    auto found = wi::list_loggers(*db, actor_of(r), page->after_id, page->limit);
                    if (!found) return Response::error(found.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& d : found->items) items->add(loggerJson(d, links, isAdministrator(r)));
                    return Response::json(200, idPageJson(items, found->next_after_id));
                },
                200, kPeopleRoles});

    router.add({"GET", "/api/v1/coldchain/loggers/{id}", "getLogger",
                "One logger with its ETag, current placement, polling (administrators) and, when this service "
                "polls it, its link (state, since, last_error)",
                AuthRequirement::User, std::nullopt,
                [db, links](const Request& r) {
                    auto id = loggerId(r);
                    if (!id) return Response::problem(id.problem());
                    auto d = wi::find_logger(*db, actor_of(r), *id);
                    if (!d) return Response::error(d.error());
                    return loggerResponse(200, *d, links, r);
                },
                200, kPeopleRoles});

    router.add({"PUT", "/api/v1/coldchain/loggers/{id}", "updateLogger",
                "Change a logger's model or owning organisation (administrators; If-Match with its version). "
                "Polling is PUT .../polling, placement POST .../placements",
                AuthRequirement::User, loggerUpdateSchema(),
                [db, links](const Request& r) {
                    auto id = loggerId(r);
                    if (!id) return Response::problem(id.problem());
                    const auto actor = actor_of(r);
                    // Another jurisdiction's logger is a 404 like a missing one, before If-Match;
                    // the change checks it again in its own transaction.
                    auto current = wi::find_logger(*db, actor, *id);
                    if (!current) return Response::error(current.error());
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    if (auto stale = checkVersion(current->logger.version, *version)) return Response::problem(*stale);
                    auto updated = wi::update_logger(*db, actor, *id, *version, r.json->getValue<std::string>("model"),
                                                     r.json->getValue<std::string>("organisation_code"));
                    if (!updated) return Response::error(updated.error());
                    return loggerResponse(200, *updated, links, r);
                },
                200, kAdministrators});

    router.add({"GET", "/api/v1/coldchain/loggers/{id}/polling", "getLoggerPolling",
                "How the logger is polled, and its poller's link when this service runs the drivers",
                AuthRequirement::User, std::nullopt,
                [db, links](const Request& r) {
                    auto id = loggerId(r);
                    if (!id) return Response::problem(id.problem());
                    auto p = wi::logger_polling(*db, actor_of(r), *id);
                    if (!p) return Response::error(p.error());
                    return pollingResponse(200, *p, links, *db);
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
                        if (auto why = wi::outgoing_address_problem(*policy, r.json->getValue<std::string>("address"));
                            !why.empty())
                            return Response::problem(problems::validation({{"address", why}}));
                    auto id = loggerId(r);
                    if (!id) return Response::problem(id.problem());
                    const auto actor = actor_of(r);
                    auto visible = wi::find_logger(*db, actor, *id);
                    if (!visible) return Response::error(visible.error());
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
                    // Only a visible logger is told about its map (a few kilobytes from a local file).
                    if (auto bad = mapProblem(wi::register_map_problems(f, *policy), "")) return Response::problem(*bad);
                    auto p = wi::set_logger_polling(*db, actor, *id, expected, f);
                    if (!p) return Response::error(p.error());
                    return pollingResponse(200, *p, links, *db);
                },
                200, kAdministrators});
}

}  // namespace lims::api::ingest_tables
