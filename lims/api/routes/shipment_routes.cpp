// Shipments from the office to the laboratory (dispatch, arrival). The office's messages
// are among the caller's notifications (notification_routes.cpp).
#include "lims/api/routes/sampling_common.hpp"

namespace lims::api::sampling_tables {

void add_shipment_routes(Router& router, const RouteContext& context) {
    auto db = context.database;

    // ---- shipments -------------------------------------------------------------------
    router.add(with_roles({"POST", "/api/v1/shipments", "createShipment",
                "A shipment of registered samples to a laboratory, with carrier and optional trip logger (samplers)",
                AuthRequirement::User, shipment_schema(), [db](const Request& r) {
                    wf::ShipmentRequest q;
                    auto samples = r.json->getArray("samples");
                    for (std::size_t i = 0; i < samples->size(); ++i) q.sample_numbers.push_back(samples->getElement<std::string>(static_cast<unsigned>(i)));
                    q.laboratory_org_id = r.json->getValue<Poco::Int64>("laboratory_id");
                    q.carrier = text(r.json, "carrier");
                    q.logger_serial = optional_text(r.json, "logger_serial");
                    auto shipment = wf::create_shipment(*db, actor_of(r), q);
                    if (!shipment) return Response::error(shipment.error());
                    return with_etag(Response::json(201, shipment_json(*shipment)), shipment->version)
                        .withHeader("Location", "/api/v1/shipments/" + shipment->number);
                },
                201}, row(wf::shipment_machine(), domain::kNotCreated, "create")));

    router.add(with_roles({"GET", "/api/v1/shipments/{number}", "getShipment", "A shipment and its samples",
                AuthRequirement::User, std::nullopt, [db](const Request& r) {
                    auto shipment = wf::get_shipment(*db, actor_of(r), r.params.at("number"));
                    if (!shipment) return Response::error(shipment.error());
                    return with_etag(Response::json(200, shipment_json(*shipment)), shipment->version);
                }}, kShipmentReaders));

    router.add(with_roles({"POST", "/api/v1/shipments/{number}/dispatch", "dispatchShipment",
                "Record the departure (samplers, If-Match); its samples move to shipped", AuthRequirement::User,
                ObjectSchema{{utc("departed_at").optional()}}, [db](const Request& r) {
                    auto version = if_match(r);
                    if (!version) return Response::problem(version.problem());
                    auto shipment = wf::dispatch_shipment(*db, actor_of(r), r.params.at("number"), version->version,
                                                          optional_text(r.json, "departed_at"));
                    if (!shipment) return transition_problem(shipment.error(), *version);
                    return with_etag(Response::json(200, shipment_json(*shipment)), shipment->version);
                }}, row(wf::shipment_machine(), "ready", "dispatch")));

    router.add(with_roles({"POST", "/api/v1/shipments/{number}/arrive", "arriveShipment",
                "Record the arrival at the laboratory (receivers, If-Match)", AuthRequirement::User,
                ObjectSchema{{utc("arrived_at").optional()}}, [db](const Request& r) {
                    auto version = if_match(r);
                    if (!version) return Response::problem(version.problem());
                    auto shipment = wf::arrive_shipment(*db, actor_of(r), r.params.at("number"), version->version,
                                                        optional_text(r.json, "arrived_at"));
                    if (!shipment) return transition_problem(shipment.error(), *version);
                    return with_etag(Response::json(200, shipment_json(*shipment)), shipment->version);
                }}, row(wf::shipment_machine(), "in_transit", "arrive")));
}

}  // namespace lims::api::sampling_tables
