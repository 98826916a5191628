// The shipment screens' reads (issue 13): GET /api/v1/shipments (the office's shipments
// sent, the laboratory's shipments to receive: newest first in keyset pages, ?direction=,
// ?state=, ?sample_number=) and GET /api/v1/shipments/{number}/transport-box (the box the
// samples travel in with its range, and the trip's logger with the readings stored over the
// trip). GET /api/v1/laboratories: the laboratories a shipment may go to, for the office's
// form. Thin: the use cases (lims/workflow/sampling/shipment_list) own the read and the
// jurisdiction.
#include "lims/api/routes/sampling_common.hpp"
#include "lims/workflow/sampling/shipment_list.hpp"

#include <chrono>
#include <set>

namespace lims::api {

namespace {

namespace wf = lims::workflow::sampling;
using sampling_tables::kShipmentReaders;
using sampling_tables::shipment_json;

// Who looks laboratories up: the office's samplers and planners making shipments and plans,
// the laboratory's receivers, the bureau, administrators.
constexpr domain::RoleSet kLaboratoryReaders{domain::Role::sampler, domain::Role::planner, domain::Role::receiver,
                                             domain::Role::bureau_viewer, domain::Role::administrator};

std::optional<Problem> unknown_parameter(const Request& r, const std::set<std::string>& known) {
    for (const auto& [name, value] : r.query)
        if (!known.contains(name)) {
            std::string list;
            for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
            return problems::badRequest("query parameter " + name + ": unknown (known: " + list + ")");
        }
    return std::nullopt;
}

std::optional<std::string> query_text(const Request& r, const std::string& key) {
    auto it = r.query.find(key);
    if (it == r.query.end() || it->second.empty()) return std::nullopt;
    return it->second;
}

Poco::JSON::Object::Ptr listed_json(const store::Shipment& s) {
    auto o = shipment_json(s);
    o->set("from_organisation_name", s.from_name);
    o->set("laboratory_name", s.to_name);
    o->set("created_at", s.created_at);
    return o;
}

Response list_shipments(store::Database& db, const Request& r) {
    if (auto p = unknown_parameter(r, {"direction", "state", "sample_number", "limit", "cursor"}))
        return Response::problem(*p);
    auto page = readPage(r, 20, 100);
    if (!page) return Response::problem(page.problem());
    auto before = cursorAfterId(*page);  // the cursor carries the last id shown; older ones follow
    if (!before) return Response::problem(before.problem());
    wf::ShipmentListRequest q;
    q.direction = query_text(r, "direction");
    q.state = query_text(r, "state");
    q.sample_number = query_text(r, "sample_number");
    q.before_id = *before;
    q.limit = static_cast<int>(page->limit);
    auto found = wf::list_shipments(db, actor_of(r), q);
    if (!found) return Response::error(found.error());
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& s : found->items) items->add(listed_json(s));
    std::optional<std::vector<std::string>> next;
    if (found->next_before_id) next = std::vector<std::string>{std::to_string(*found->next_before_id)};
    return Response::json(200, pageJson(items, next));
}

Response list_laboratories(store::Database& db, const Request& r) {
    if (auto p = unknown_parameter(r, {"limit", "cursor"})) return Response::problem(*p);
    auto page = readPage(r, 100, 500);
    if (!page) return Response::problem(page.problem());
    auto after = cursorAfterId(*page);
    if (!after) return Response::problem(after.problem());
    auto found = wf::list_laboratories(db, actor_of(r), *after, static_cast<int>(page->limit));
    if (!found) return Response::error(found.error());
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& o : found->items) {
        auto j = newObject();
        j->set("id", o.id);
        j->set("code", o.code);
        j->set("name", o.name);
        j->set("region_code", o.region_code);
        items->add(j);
    }
    std::optional<std::vector<std::string>> next;
    if (found->next_after_id) next = std::vector<std::string>{std::to_string(*found->next_after_id)};
    return Response::json(200, pageJson(items, next));
}

Poco::Dynamic::Var maybe(const std::optional<std::int64_t>& v) { return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var(); }

Response transport_box(store::Database& db, const Request& r) {
    if (auto p = unknown_parameter(r, {})) return Response::problem(*p);
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    auto trip = wf::shipment_trip(db, actor_of(r), r.params.at("number"), now);
    if (!trip) return Response::error(trip.error());
    auto o = newObject();
    o->set("shipment_id", trip->shipment.id);
    o->set("shipment_number", trip->shipment.number);
    o->set("state", trip->shipment.state);
    if (trip->box) {
        auto b = newObject();
        b->set("storage_unit_id", trip->box->storage_unit_id);
        b->set("code", trip->box->code);
        b->set("name", trip->box->name);
        b->set("storage_class", trip->box->storage_class);
        b->set("min_centi_celsius", trip->box->min_centi_celsius);
        b->set("max_centi_celsius", trip->box->max_centi_celsius);
        o->set("box", b);
    } else {
        o->set("box", Poco::Dynamic::Var());
    }
    if (trip->logger) {
        auto l = newObject();
        l->set("serial", trip->logger->serial);
        l->set("placed_from_utc", maybe(trip->logger->placed_from_utc));
        l->set("placed_to_utc", maybe(trip->logger->placed_to_utc));
        l->set("readings", trip->logger->readings);
        l->set("first_reading_utc", maybe(trip->logger->first_reading_utc));
        l->set("last_reading_utc", maybe(trip->logger->last_reading_utc));
        o->set("logger", l);
    } else {
        o->set("logger", Poco::Dynamic::Var());
    }
    return Response::json(200, o);
}

}  // namespace

void add_shipment_list_routes(Router& router, const RouteContext& context) {
    const auto db = context.database;
    router.add({"GET", "/api/v1/shipments", "listShipments",
                "Shipments sent from or to organisations of the caller's subtree, newest first (keyset pages; "
                "?direction=sent|incoming, ?state=ready|in_transit|arrived, ?sample_number=), each with its samples "
                "and the names of the sending office and the laboratory",
                AuthRequirement::User, std::nullopt, [db](const Request& r) { return list_shipments(*db, r); }, 200,
                kShipmentReaders});
    router.add({"GET", "/api/v1/shipments/{number}/transport-box", "getShipmentTransportBox",
                "The transport box a shipment travels in (its storage class and range; null: none bound) and the "
                "logger of the trip (its placement and the readings stored over it; null: no logger)",
                AuthRequirement::User, std::nullopt, [db](const Request& r) { return transport_box(*db, r); }, 200,
                kShipmentReaders});
    router.add({"GET", "/api/v1/laboratories", "listLaboratories",
                "The laboratories a shipment may go to (active inspection centres), by id in keyset pages",
                AuthRequirement::User, std::nullopt, [db](const Request& r) { return list_laboratories(*db, r); }, 200,
                kLaboratoryReaders});
}

}  // namespace lims::api
