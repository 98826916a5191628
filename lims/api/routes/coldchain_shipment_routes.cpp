// /api/v1/coldchain/shipments/{id}/...: the transport box a shipment travels in and the
// trip's cold-chain verdict at receipt.
#include "lims/api/routes/coldchain_common.hpp"

#include <climits>

namespace lims::api::coldchain_routes {

namespace {

using domain::Role;

Json verdict_json(const cc::TripVerdict& t) {
    Json body = newObject();
    body->set("shipment_id", t.shipment_id);
    if (t.logger_id) body->set("logger_id", *t.logger_id);
    body->set("departure_utc", t.departure_utc);
    body->set("receipt_utc", t.receipt_utc);
    body->set("verdict", t.verdict_word);
    body->set("outcome", std::string(lims::coldchain::to_string(t.verdict.outcome)));
    body->set("summary", t.summary);
    // The range judged against (the transport box's; 2–8 °C without one); null: no bound.
    Json range = newObject();
    range->set("min_centi_celsius", t.range.low ? Poco::Dynamic::Var(*t.range.low) : Poco::Dynamic::Var());
    range->set("max_centi_celsius", t.range.high ? Poco::Dynamic::Var(*t.range.high) : Poco::Dynamic::Var());
    body->set("range", range);
    Poco::JSON::Array::Ptr excursions = new Poco::JSON::Array;
    for (const auto& x : t.verdict.excursions) {
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
    for (const auto& b : t.chart) chart->add(bucket_json(b));
    body->set("chart", chart);
    Poco::JSON::Array::Ptr samples = new Poco::JSON::Array;
    for (const auto& s : t.samples) {
        Json j = newObject();
        j->set("sample_id", s.sample_id);
        j->set("number", s.sample_number);
        j->set("storage_condition", s.storage_condition);
        j->set("verdict", s.verdict);
        samples->add(j);
    }
    body->set("samples", samples);
    return body;
}

Response no_such_shipment() { return Response::problem(problems::notFound("no such shipment")); }

}  // namespace

void add_shipment_routes(Router& router, const RouteContext& context) {
    auto db = context.database;
    const domain::RoleSet placers{Role::administrator, Role::sampler, Role::receiver};

    router.add({"POST", "/api/v1/coldchain/shipments/{id}/transport-box", "bindTransportBox",
                "Bind a transport box (its storage class and range) to a shipment for the trip", AuthRequirement::User,
                ObjectSchema{{field::integer("storage_unit_id").range(1, INT64_MAX),
                              field::integer("at_utc").range(0, INT64_MAX)}},
                [db](const Request& r) {
                    auto id = param_id(r);
                    if (!id) return no_such_shipment();
                    auto bound = cc::bind_transport_box(*db, actor_of(r), *id, r.json->getValue<Poco::Int64>("storage_unit_id"),
                                                        r.json->getValue<Poco::Int64>("at_utc"));
                    if (!bound) return Response::error(bound.error());
                    return Response::noContent();
                },
                204, placers});

    router.add({"GET", "/api/v1/coldchain/shipments/{id}/verdict", "shipmentColdChainVerdict",
                "The trip's cold-chain verdict at receipt (?receipt_utc, default now), per cold-chain sample",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto id = param_id(r);
                    if (!id) return no_such_shipment();
                    std::optional<std::int64_t> receipt;
                    if (auto p = query_int(r, "receipt_utc", receipt)) return Response::problem(*p);
                    auto t = cc::shipment_verdict(*db, actor_of(r), *id, receipt.value_or(now_utc()));
                    if (!t) return Response::error(t.error());
                    return Response::json(200, verdict_json(*t));
                },
                200, kPeopleRoles});
}

}  // namespace lims::api::coldchain_routes
