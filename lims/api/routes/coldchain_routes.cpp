// The cold chain over HTTP: storage units and site contacts, loggers' placements, readings
// as downsampled chart series, excursions, alarms and their acknowledgement, a site status
// board for the dashboard, and a shipment's trip verdict. Everything is scoped to the
// caller's jurisdiction (a record outside it answers 404, like a missing one). Handlers
// translate JSON to lims/workflow/coldchain use cases and their errors to problems.
#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/api/route_modules.hpp"
#include "lims/store/alarm_repository.hpp"
#include "lims/store/excursion_repository.hpp"
#include "lims/store/reading_repository.hpp"
#include "lims/coldchain/recording_interval.hpp"
#include "lims/workflow/coldchain/site_rules.hpp"
#include "lims/store/storage_unit_repository.hpp"
#include "lims/workflow/coldchain/alarms.hpp"
#include "lims/workflow/coldchain/placements.hpp"
#include "lims/workflow/coldchain/recording_compliance.hpp"
#include "lims/workflow/coldchain/series_query.hpp"
#include "lims/workflow/coldchain/shipment_verdict.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>

#include <chrono>
#include <climits>

using namespace Poco::Data::Keywords;

namespace lims::api {

namespace {

namespace cc = lims::workflow::coldchain;
using Json = Poco::JSON::Object::Ptr;
using domain::Role;

constexpr std::size_t kDefaultChartPoints = 1000;
constexpr std::size_t kMaxChartPoints = 10'000;
constexpr std::int64_t kDefaultPeriod = 24 * 3600;  // readings and gaps of the last day unless asked

std::int64_t now_utc() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Response problem_for(const domain::Error& e) {
    const auto& c = e.code;
    if (c == "store.not_found") return Response::problem(problems::notFound(e.message));
    if (c == "store.conflict") return Response::problem(problems::conflict(e.message));
    if (c == "store.invalid_argument" || c.rfind("coldchain.", 0) == 0)
        return Response::problem(problems::validation({{"body", e.message}}));
    if (c == "store.busy" || c == "store.unavailable") return Response::problem(problems::serviceUnavailable(e.message));
    return Response::problem(problems::internal());
}

Json parse_object(const std::string& json) {
    Poco::JSON::Parser parser;
    return parser.parse(json).extract<Json>();
}

// The ids of the caller's organisation and everything below it.
store::StoreResult<std::vector<std::int64_t>> jurisdiction(store::Transaction& tx, const Principal& p) {
    std::vector<Poco::Int64> ids;
    const std::string prefix = p.organisationPath + "%";
    tx.session() << "SELECT id FROM organisations WHERE path LIKE $1", bind(prefix), into(ids), now;
    return std::vector<std::int64_t>(ids.begin(), ids.end());
}

bool contains(const std::vector<std::int64_t>& ids, std::int64_t id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

std::optional<std::int64_t> param_id(const Request& r, const std::string& name) {
    auto it = r.params.find(name);
    if (it == r.params.end()) return std::nullopt;
    Poco::Int64 v = 0;
    if (!Poco::NumberParser::tryParse64(it->second, v) || v <= 0) return std::nullopt;
    return v;
}

// ?name=<integer>: nullopt when absent; an error problem when not an integer.
std::optional<Problem> query_int(const Request& r, const std::string& name, std::optional<std::int64_t>& out) {
    auto it = r.query.find(name);
    if (it == r.query.end()) return std::nullopt;
    Poco::Int64 v = 0;
    if (!Poco::NumberParser::tryParse64(it->second, v))
        return problems::validation({{name, "'" + it->second + "' is not an integer"}});
    out = v;
    return std::nullopt;
}

Response json_text(int status, const std::string& text) { return Response::json(status, parse_object(text)); }

Json bucket_json(const lims::coldchain::SeriesBucket& b) {
    Json j = newObject();
    j->set("from_utc", b.from);
    j->set("to_utc", b.to);
    j->set("readings", b.count);
    if (b.minimum) j->set("min_centi_celsius", *b.minimum);
    if (b.maximum) j->set("max_centi_celsius", *b.maximum);
    if (auto m = b.mean()) j->set("mean_centi_celsius", *m);
    j->set("sensor_faults", b.sensor_faults);
    return j;
}

ObjectSchema unit_schema() {
    return {{field::string("code").length(1, 64), field::string("name").length(1, 200),
             field::string("kind").oneOf({"refrigerator", "freezer", "cold_room", "cool_store", "ambient_store",
                                          "transport_box"}),
             field::string("storage_class").oneOf({"refrigerated", "frozen", "cool", "ambient"}),
             field::integer("org_id").range(1, INT64_MAX), field::integer("entity_id").range(1, INT64_MAX).optional(),
             field::integer("min_centi_celsius").range(-10000, 10000),
             field::integer("max_centi_celsius").range(-10000, 10000)}};
}
ObjectSchema contact_schema() {
    return {{field::integer("org_id").range(1, INT64_MAX), field::integer("entity_id").range(1, INT64_MAX).optional(),
             field::string("name").length(1, 200), field::integer("user_id").range(1, INT64_MAX).optional(),
             field::string("email").length(3, 254).checkedBy(emailProblem).optional(),
             field::string("phone").length(3, 32).matching(R"(\+?[0-9][0-9 ()-]{2,31})", "must be a telephone number: digits, spaces, - and ( ), an optional leading +").optional(),
             field::integer("escalation_level").range(0, cc::kMaxEscalationLevel).optional()}};
}
ObjectSchema placement_schema() {
    return {{field::integer("storage_unit_id").range(1, INT64_MAX).optional(),
             field::integer("shipment_id").range(1, INT64_MAX).optional(),
             field::integer("from_utc").range(0, INT64_MAX)}};
}
ObjectSchema acknowledgement_schema() { return {{field::string("note").length(1, 2000).multiLineText()}}; }
ObjectSchema box_schema() {
    return {{field::integer("storage_unit_id").range(1, INT64_MAX), field::integer("at_utc").range(0, INT64_MAX)}};
}

std::optional<std::int64_t> optional_int(const Json& o, const std::string& key) {
    if (!o->has(key) || o->isNull(key)) return std::nullopt;
    return o->getValue<Poco::Int64>(key);
}
std::string optional_text(const Json& o, const std::string& key) {
    if (!o->has(key) || o->isNull(key)) return "";
    return o->getValue<std::string>(key);
}

}  // namespace

void add_coldchain_routes(Router& router, const RouteContext& context) {
    auto db = context.database;
    const auto* calendar = context.calendar;
    cc::register_receipt_assessor();
    auto options_for = [calendar](const Request& r) {
        cc::ColdChainOptions o;
        o.actor = r.principal->username;
        o.calendar = calendar;
        return o;
    };
    const domain::RoleSet admin{Role::administrator};
    const domain::RoleSet placers{Role::administrator, Role::sampler, Role::receiver};

    router.add({"POST", "/api/v1/coldchain/storage-units", "createStorageUnit",
                "Register a refrigerator, freezer, cold room or transport box with its storage class and range",
                AuthRequirement::User, unit_schema(),
                [db](const Request& r) {
                    store::StorageUnitRow u;
                    u.code = r.json->getValue<std::string>("code");
                    u.name = r.json->getValue<std::string>("name");
                    u.kind = r.json->getValue<std::string>("kind");
                    u.storage_class = r.json->getValue<std::string>("storage_class");
                    u.org_id = r.json->getValue<Poco::Int64>("org_id");
                    u.entity_id = optional_int(r.json, "entity_id");
                    u.min_centi_celsius = static_cast<std::int32_t>(r.json->getValue<Poco::Int64>("min_centi_celsius"));
                    u.max_centi_celsius = static_cast<std::int32_t>(r.json->getValue<Poco::Int64>("max_centi_celsius"));
                    auto ids = db->read([&](store::Transaction& tx) { return jurisdiction(tx, *r.principal); });
                    if (!ids) return problem_for(ids.error());
                    if (!contains(*ids, u.org_id)) return Response::problem(notVisible("organisation", std::to_string(u.org_id)));
                    auto created = cc::register_storage_unit(*db, u, r.principal->username);
                    if (!created) return problem_for(created.error());
                    return json_text(201, store::to_json(*created));
                },
                201, admin});

    router.add({"GET", "/api/v1/coldchain/storage-units", "listStorageUnits", "Storage units in the caller's jurisdiction",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto units = db->read([&](store::Transaction& tx) -> store::StoreResult<std::vector<store::StorageUnitRow>> {
                        auto ids = jurisdiction(tx, *r.principal);
                        if (!ids) return ids.error();
                        return store::StorageUnitRepository(tx).list(*ids);
                    });
                    if (!units) return problem_for(units.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& u : *units) items->add(parse_object(store::to_json(u)));
                    Json body = newObject();
                    body->set("items", items);
                    return Response::json(200, body);
                },
                200, kPeopleRoles});

    router.add({"POST", "/api/v1/coldchain/contacts", "addColdChainContact",
                "Designate a person to be alarmed for a site (at least three per site)", AuthRequirement::User,
                contact_schema(),
                [db](const Request& r) {
                    store::ContactRow c;
                    c.org_id = r.json->getValue<Poco::Int64>("org_id");
                    c.entity_id = optional_int(r.json, "entity_id");
                    c.name = r.json->getValue<std::string>("name");
                    c.user_id = optional_int(r.json, "user_id");
                    c.email = optional_text(r.json, "email");
                    c.phone = optional_text(r.json, "phone");
                    c.escalation_level = static_cast<int>(optional_int(r.json, "escalation_level").value_or(0));
                    auto ids = db->read([&](store::Transaction& tx) { return jurisdiction(tx, *r.principal); });
                    if (!ids) return problem_for(ids.error());
                    if (!contains(*ids, c.org_id)) return Response::problem(notVisible("organisation", std::to_string(c.org_id)));
                    auto added = cc::add_site_contact(*db, c, r.principal->username);
                    if (!added) return problem_for(added.error());
                    Json j = newObject();
                    j->set("id", added->id);
                    j->set("name", added->name);
                    j->set("escalation_level", added->escalation_level);
                    return Response::json(201, j);
                },
                201, admin});

    // A logger visible to the caller: its organisation is in the jurisdiction.
    auto visible_logger = [db](const Request& r) -> std::variant<std::int64_t, Response> {
        auto id = param_id(r, "id");
        if (!id) return Response::problem(problems::notFound("no such logger"));
        auto ok = db->read([&](store::Transaction& tx) -> store::StoreResult<bool> {
            auto ids = jurisdiction(tx, *r.principal);
            if (!ids) return ids.error();
            std::vector<Poco::Int64> org;
            tx.session() << "SELECT org_id FROM loggers WHERE id = $1", bind(*id), into(org), now;
            return !org.empty() && contains(*ids, org.front());
        });
        if (!ok) return problem_for(ok.error());
        if (!*ok) return Response::problem(notVisible("logger", std::to_string(*id)));
        return *id;
    };

    router.add({"POST", "/api/v1/coldchain/loggers/{id}/placements", "placeLogger",
                "Place a logger in a storage unit or on a shipment's trip; its previous placement ends",
                AuthRequirement::User, placement_schema(),
                [db, visible_logger, options_for](const Request& r) {
                    auto logger = visible_logger(r);
                    if (auto* resp = std::get_if<Response>(&logger)) return *resp;
                    cc::PlacementRequest p;
                    p.logger_id = std::get<std::int64_t>(logger);
                    p.storage_unit_id = optional_int(r.json, "storage_unit_id");
                    p.shipment_id = optional_int(r.json, "shipment_id");
                    p.from_utc = r.json->getValue<Poco::Int64>("from_utc");
                    if (p.storage_unit_id.has_value() == p.shipment_id.has_value())
                        return Response::problem(problems::validation(
                            {{"storage_unit_id", "give exactly one of storage_unit_id and shipment_id"}}));
                    auto placed = cc::place_logger(*db, p, now_utc(), options_for(r));
                    if (!placed) return problem_for(placed.error());
                    return json_text(201, store::to_json(*placed));
                },
                201, placers});

    router.add({"GET", "/api/v1/coldchain/loggers/{id}/placements", "listLoggerPlacements",
                "Where a logger has been, oldest first", AuthRequirement::User, std::nullopt,
                [db, visible_logger](const Request& r) {
                    auto logger = visible_logger(r);
                    if (auto* resp = std::get_if<Response>(&logger)) return *resp;
                    auto rows = db->read([&](store::Transaction& tx) {
                        return store::StorageUnitRepository(tx).placements(std::get<std::int64_t>(logger));
                    });
                    if (!rows) return problem_for(rows.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& p : *rows) items->add(parse_object(store::to_json(p)));
                    Json body = newObject();
                    body->set("items", items);
                    return Response::json(200, body);
                },
                200, kPeopleRoles});

    router.add({"GET", "/api/v1/coldchain/loggers/{id}/readings", "loggerReadings",
                "A logger's readings over [from, to) (UTC seconds; default the last day) as at most `points` buckets (min, max, mean per bucket)",
                AuthRequirement::User, std::nullopt,
                [db, visible_logger](const Request& r) {
                    auto logger = visible_logger(r);
                    if (auto* resp = std::get_if<Response>(&logger)) return *resp;
                    std::optional<std::int64_t> from, to, points;
                    for (auto [name, slot] : {std::pair{"from", &from}, std::pair{"to", &to}, std::pair{"points", &points}})
                        if (auto p = query_int(r, name, *slot)) return Response::problem(*p);
                    // Default: the last day.
                    if (!to) to = now_utc();
                    if (!from) from = *to - kDefaultPeriod;
                    if (points && (*points < 1 || *points > static_cast<std::int64_t>(kMaxChartPoints)))
                        return Response::problem(problems::validation({{"points", "points must be 1..10000"}}));
                    auto chart = cc::chart_series(*db, std::get<std::int64_t>(logger), *from, *to,
                                                  points ? static_cast<std::size_t>(*points) : kDefaultChartPoints);
                    if (!chart) return problem_for(chart.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& b : *chart) items->add(bucket_json(b));
                    Json body = newObject();
                    body->set("logger_id", std::get<std::int64_t>(logger));
                    body->set("buckets", items);
                    return Response::json(200, body);
                },
                200, kPeopleRoles});

    router.add({"GET", "/api/v1/coldchain/loggers/{id}/recording-gaps", "loggerRecordingGaps",
                "Recording-interval compliance over [from, to]: every gap longer than the GSP annex allows "
                "(30 min in storage, 5 in transport, 2 while out of range)",
                AuthRequirement::User, std::nullopt,
                [db, visible_logger](const Request& r) {
                    auto logger = visible_logger(r);
                    if (auto* resp = std::get_if<Response>(&logger)) return *resp;
                    std::optional<std::int64_t> from, to;
                    for (auto [name, slot] : {std::pair{"from", &from}, std::pair{"to", &to}})
                        if (auto p = query_int(r, name, *slot)) return Response::problem(*p);
                    // Default: the last day.
                    if (!to) to = now_utc();
                    if (!from) from = *to - kDefaultPeriod;
                    const std::int64_t id = std::get<std::int64_t>(logger);
                    auto gaps = db->read([&](store::Transaction& tx) -> domain::Result<std::vector<lims::coldchain::RecordingGap>> {
                        store::StorageUnitRepository units(tx);
                        auto watch = units.watch_by_id(id);
                        if (!watch) return watch.error();
                        auto rules = (*watch && (*watch)->placement) ? cc::rules_for(**watch)
                                                                     : domain::Result<std::shared_ptr<const lims::coldchain::RuleSet>>(
                                                                           std::make_shared<const lims::coldchain::RuleSet>(
                                                                               lims::coldchain::default_rules(lims::coldchain::StorageClass::refrigerated)));
                        if (!rules) return rules.error();
                        const bool trip = *watch && (*watch)->placement && (*watch)->placement->shipment_id;
                        auto raw = store::ReadingRepository(tx).range(id, *from, *to + 1);
                        if (!raw) return raw.error();
                        const lims::coldchain::LoggerId lid = std::to_string(id);
                        std::vector<lims::coldchain::Reading> readings;
                        for (const auto& x : *raw)
                            readings.push_back((x.flags & cc::kFlagSensorFault) ? lims::coldchain::Reading::fault_at(lid, x.at_utc)
                                                                                : lims::coldchain::Reading::temperature_at(lid, x.at_utc, x.centi_celsius));
                        return lims::coldchain::recording_gaps(lid, readings,
                                                               trip ? lims::coldchain::RecordingContext::transport
                                                                    : lims::coldchain::RecordingContext::storage,
                                                               (*rules)->range, *from, *to);
                    });
                    if (!gaps) return problem_for(gaps.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& g : *gaps) {
                        Json j = newObject();
                        j->set("from_utc", g.from);
                        j->set("to_utc", g.to);
                        j->set("allowed_s", g.allowed);
                        j->set("requirement", std::string(lims::coldchain::to_string(g.requirement)));
                        items->add(j);
                    }
                    Json body = newObject();
                    body->set("logger_id", id);
                    body->set("compliant", gaps->empty());
                    body->set("gaps", items);
                    return Response::json(200, body);
                },
                200, kPeopleRoles});

    router.add({"GET", "/api/v1/coldchain/recording-compliance", "recordingComplianceBySite",
                "Recording-interval compliance per site over [from, to] (UTC seconds; default the last day, at most "
                "92 days): each storage unit's logger placements with their gaps beyond the GSP annex's limits "
                "(30 min in storage, 2 while out of range) and the units no logger watched",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    std::optional<std::int64_t> from, to;
                    for (auto [name, slot] : {std::pair{"from", &from}, std::pair{"to", &to}})
                        if (auto p = query_int(r, name, *slot)) return Response::problem(*p);
                    // Default: the last day.
                    if (!to) to = now_utc();
                    if (!from) from = *to - kDefaultPeriod;
                    auto report = db->read([&](store::Transaction& tx) -> domain::Result<cc::ComplianceReport> {
                        auto ids = jurisdiction(tx, *r.principal);
                        if (!ids) return ids.error();
                        return cc::recording_compliance(tx, *ids, *from, *to);
                    });
                    if (!report) {
                        if (report.error().code == "coldchain.compliance.period")
                            return Response::problem(problems::validation({{"from", report.error().message}}));
                        return problem_for(report.error());
                    }
                    Poco::JSON::Array::Ptr sites = new Poco::JSON::Array;
                    for (const auto& site : report->sites) {
                        Json s = newObject();
                        if (site.entity_id) s->set("entity_id", *site.entity_id);
                        s->set("org_id", site.org_id);
                        s->set("name", site.name);
                        s->set("compliant", site.compliant());
                        s->set("storage_units", static_cast<Poco::UInt64>(site.storage_units));
                        s->set("gaps", static_cast<Poco::UInt64>(site.gap_count()));
                        s->set("longest_gap_s", site.longest_gap());
                        Poco::JSON::Array::Ptr unwatched = new Poco::JSON::Array;
                        for (auto id : site.unwatched_units) unwatched->add(id);
                        s->set("unwatched_units", unwatched);
                        Poco::JSON::Array::Ptr placements = new Poco::JSON::Array;
                        for (const auto& p : site.placements) {
                            Json j = newObject();
                            j->set("logger_id", p.logger_id);
                            j->set("logger_serial", p.logger_serial);
                            j->set("storage_unit_id", p.storage_unit_id);
                            j->set("storage_unit_code", p.storage_unit_code);
                            j->set("from_utc", p.from_utc);
                            j->set("to_utc", p.to_utc);
                            j->set("records", static_cast<Poco::UInt64>(p.records));
                            j->set("compliant", p.gaps.empty());
                            Poco::JSON::Array::Ptr gaps = new Poco::JSON::Array;
                            for (const auto& g : p.gaps) {
                                Json gj = newObject();
                                gj->set("from_utc", g.from);
                                gj->set("to_utc", g.to);
                                gj->set("allowed_s", g.allowed);
                                gj->set("requirement", std::string(lims::coldchain::to_string(g.requirement)));
                                gaps->add(gj);
                            }
                            j->set("gaps", gaps);
                            placements->add(j);
                        }
                        s->set("placements", placements);
                        sites->add(s);
                    }
                    Json body = newObject();
                    body->set("from_utc", report->from_utc);
                    body->set("to_utc", report->to_utc);
                    body->set("compliant", report->compliant());
                    body->set("sites", sites);
                    return Response::json(200, body);
                },
                200, kPeopleRoles});

    router.add({"GET", "/api/v1/coldchain/excursions", "listExcursions",
                "Excursions at the caller's storage units and shipments (?logger_id, ?storage_unit_id, ?after_id)",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    store::ExcursionFilter f;
                    std::optional<std::int64_t> after;
                    for (auto [name, slot] : {std::pair{"logger_id", &f.logger_id}, std::pair{"storage_unit_id", &f.storage_unit_id},
                                              std::pair{"after_id", &after}})
                        if (auto p = query_int(r, name, *slot)) return Response::problem(*p);
                    f.after_id = after.value_or(0);
                    auto rows = db->read([&](store::Transaction& tx) -> store::StoreResult<std::vector<store::ExcursionRow>> {
                        auto ids = jurisdiction(tx, *r.principal);
                        if (!ids) return ids.error();
                        f.org_ids = *ids;
                        if (f.org_ids.empty()) return std::vector<store::ExcursionRow>{};
                        return store::ExcursionRepository(tx).list(f);
                    });
                    if (!rows) return problem_for(rows.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& x : *rows) items->add(parse_object(store::to_json(x)));
                    Json body = newObject();
                    body->set("items", items);
                    return Response::json(200, body);
                },
                200, kPeopleRoles});

    router.add({"GET", "/api/v1/coldchain/alarms", "listColdChainAlarms",
                "Alarms of the caller's sites (?open=true for unacknowledged or uncleared, ?logger_id, ?after_id)",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    store::AlarmFilter f;
                    std::optional<std::int64_t> after;
                    for (auto [name, slot] : {std::pair{"logger_id", &f.logger_id}, std::pair{"after_id", &after}})
                        if (auto p = query_int(r, name, *slot)) return Response::problem(*p);
                    f.after_id = after.value_or(0);
                    f.open_only = r.query.count("open") && r.query.at("open") == "true";
                    auto rows = db->read([&](store::Transaction& tx) -> store::StoreResult<std::vector<store::AlarmRow>> {
                        auto ids = jurisdiction(tx, *r.principal);
                        if (!ids) return ids.error();
                        f.org_ids = *ids;
                        if (f.org_ids.empty()) return std::vector<store::AlarmRow>{};
                        return store::AlarmRepository(tx).list(f);
                    });
                    if (!rows) return problem_for(rows.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& a : *rows) items->add(parse_object(store::to_json(a)));
                    Json body = newObject();
                    body->set("items", items);
                    return Response::json(200, body);
                },
                200, kPeopleRoles});

    router.add({"POST", "/api/v1/coldchain/alarms/{id}/acknowledgement", "acknowledgeColdChainAlarm",
                "Acknowledge an alarm with a note saying what was done (If-Match: the alarm's version)",
                AuthRequirement::User, acknowledgement_schema(),
                [db](const Request& r) {
                    auto id = param_id(r, "id");
                    if (!id) return Response::problem(problems::notFound("no such alarm"));
                    auto visible = db->read([&](store::Transaction& tx) -> store::StoreResult<bool> {
                        auto ids = jurisdiction(tx, *r.principal);
                        if (!ids) return ids.error();
                        auto alarm = store::AlarmRepository(tx).get(*id);
                        if (!alarm) return alarm.error();
                        return contains(*ids, alarm->org_id);
                    });
                    if (!visible) return problem_for(visible.error());
                    if (!*visible) return Response::problem(notVisible("alarm", std::to_string(*id)));
                    auto version = requireIfMatch(r);
                    if (!version) return Response::problem(version.problem());
                    auto ack = cc::acknowledge_alarm(*db, *id, r.principal->userId, r.json->getValue<std::string>("note"),
                                                     *version, r.principal->username);
                    if (!ack) return problem_for(ack.error());
                    Response resp = json_text(200, store::to_json(*ack));
                    resp.headers.emplace_back("ETag", etagFor(ack->version));
                    return resp;
                },
                200, kPeopleRoles});

    router.add({"GET", "/api/v1/coldchain/site-status", "coldChainSiteStatus",
                "For each storage unit: its logger, last reading and state (ok, out_of_range, excursion, offline, "
                "sensor_fault, no_logger)",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto board = db->read([&](store::Transaction& tx) -> store::StoreResult<Poco::JSON::Array::Ptr> {
                        auto ids = jurisdiction(tx, *r.principal);
                        if (!ids) return ids.error();
                        store::StorageUnitRepository units(tx);
                        auto list = units.list(*ids);
                        if (!list) return list.error();
                        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                        for (const auto& u : *list) {
                            Json j = parse_object(store::to_json(u));
                            std::vector<Poco::Int64> logger;
                            tx.session() << "SELECT logger_id FROM logger_placements WHERE storage_unit_id = $1 AND to_utc IS NULL",
                                bind(u.id), into(logger), now;
                            std::string state = "no_logger";
                            if (!logger.empty()) {
                                j->set("logger_id", logger.front());
                                std::vector<Poco::Int64> at;
                                std::vector<int> centi, flags;
                                tx.session() << "SELECT at_utc, centi_celsius, flags FROM readings WHERE logger_id = $1 "
                                                "ORDER BY at_utc DESC LIMIT 1",
                                    bind(logger.front()), into(at), into(centi), into(flags), now;
                                if (!at.empty()) {
                                    j->set("last_reading_utc", at.front());
                                    if (!(flags.front() & cc::kFlagSensorFault)) j->set("last_centi_celsius", centi.front());
                                }
                                std::vector<std::string> kinds;
                                tx.session() << "SELECT kind FROM coldchain_alarms WHERE logger_id = $1 AND storage_unit_id = $2 "
                                                "AND cleared_at_utc IS NULL",
                                    bind(logger.front()), bind(u.id), into(kinds), now;
                                state = "ok";
                                // The worst open condition names the state.
                                for (const char* k : {"out_of_range", "sensor_fault", "offline", "excursion"})
                                    if (std::find(kinds.begin(), kinds.end(), k) != kinds.end()) state = k;
                                j->set("open_alarms", static_cast<Poco::Int64>(kinds.size()));
                            }
                            j->set("state", state);
                            items->add(j);
                        }
                        return items;
                    });
                    if (!board) return problem_for(board.error());
                    Json body = newObject();
                    body->set("items", *board);
                    return Response::json(200, body);
                },
                200, kPeopleRoles});

    router.add({"POST", "/api/v1/coldchain/shipments/{id}/transport-box", "bindTransportBox",
                "Bind a transport box (its storage class and range) to a shipment for the trip", AuthRequirement::User,
                box_schema(),
                [db](const Request& r) {
                    auto id = param_id(r, "id");
                    if (!id) return Response::problem(problems::notFound("no such shipment"));
                    auto visible = db->read([&](store::Transaction& tx) -> store::StoreResult<bool> {
                        auto ids = jurisdiction(tx, *r.principal);
                        if (!ids) return ids.error();
                        std::vector<Poco::Int64> from;
                        tx.session() << "SELECT from_org_id FROM shipments WHERE id = $1", bind(*id), into(from), now;
                        return !from.empty() && contains(*ids, from.front());
                    });
                    if (!visible) return problem_for(visible.error());
                    if (!*visible) return Response::problem(notVisible("shipment", std::to_string(*id)));
                    auto bound = cc::bind_transport_box(*db, *id, r.json->getValue<Poco::Int64>("storage_unit_id"),
                                                        r.json->getValue<Poco::Int64>("at_utc"), r.principal->username);
                    if (!bound) return problem_for(bound.error());
                    return Response::noContent();
                },
                204, placers});

    router.add({"GET", "/api/v1/coldchain/shipments/{id}/verdict", "shipmentColdChainVerdict",
                "The trip's cold-chain verdict at receipt (?receipt_utc, default now), per cold-chain sample",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto id = param_id(r, "id");
                    if (!id) return Response::problem(problems::notFound("no such shipment"));
                    std::optional<std::int64_t> receipt;
                    if (auto p = query_int(r, "receipt_utc", receipt)) return Response::problem(*p);
                    auto visible = db->read([&](store::Transaction& tx) -> store::StoreResult<bool> {
                        auto ids = jurisdiction(tx, *r.principal);
                        if (!ids) return ids.error();
                        std::vector<Poco::Int64> from, to;
                        tx.session() << "SELECT from_org_id, to_org_id FROM shipments WHERE id = $1", bind(*id), into(from),
                            into(to), now;
                        return !from.empty() && (contains(*ids, from.front()) || contains(*ids, to.front()));
                    });
                    if (!visible) return problem_for(visible.error());
                    if (!*visible) return Response::problem(notVisible("shipment", std::to_string(*id)));
                    auto t = cc::trip_verdict(*db, *id, receipt.value_or(now_utc()));
                    if (!t) return problem_for(t.error());
                    Json body = newObject();
                    body->set("shipment_id", t->shipment_id);
                    if (t->logger_id) body->set("logger_id", *t->logger_id);
                    body->set("departure_utc", t->departure_utc);
                    body->set("receipt_utc", t->receipt_utc);
                    body->set("verdict", t->verdict_word);
                    body->set("outcome", std::string(lims::coldchain::to_string(t->verdict.outcome)));
                    body->set("summary", t->summary);
                    Poco::JSON::Array::Ptr excursions = new Poco::JSON::Array;
                    for (const auto& x : t->verdict.excursions) {
                        Json e = newObject();
                        e->set("rule", x.rule);
                        e->set("kind", std::string(lims::coldchain::to_string(x.kind)));
                        e->set("start_utc", x.start);
                        e->set("end_utc", x.end);
                        e->set("min_centi_celsius", x.minimum);
                        e->set("max_centi_celsius", x.maximum);
                        e->set("time_out_of_range_s", x.time_out_of_range);
                        e->set("mkt_celsius", x.mkt_celsius);
                        excursions->add(e);
                    }
                    body->set("excursions", excursions);
                    Poco::JSON::Array::Ptr chart = new Poco::JSON::Array;
                    for (const auto& b : t->chart) chart->add(bucket_json(b));
                    body->set("chart", chart);
                    Poco::JSON::Array::Ptr samples = new Poco::JSON::Array;
                    for (const auto& s : t->samples) {
                        Json j = newObject();
                        j->set("sample_id", s.sample_id);
                        j->set("number", s.sample_number);
                        j->set("storage_condition", s.storage_condition);
                        j->set("verdict", s.verdict);
                        samples->add(j);
                    }
                    body->set("samples", samples);
                    return Response::json(200, body);
                },
                200, kPeopleRoles});
}

}  // namespace lims::api
