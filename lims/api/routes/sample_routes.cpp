// Samples: registration on site, the list and a sample, its chain of custody, receipt at
// the laboratory and the catalogue product linked to a sample registered from its label.
#include "lims/api/routes/sampling_common.hpp"

namespace lims::api::sampling_tables {

void add_sample_routes(Router& router, const RouteContext& context) {
    auto db = context.database;

    // ---- samples ---------------------------------------------------------------------
    router.add(with_roles({"POST", "/api/v1/samples", "registerSample",
                "Register a sample taken on site against a task of the caller's office (samplers)",
                AuthRequirement::User, registration_schema(),
                [db](const Request& r) {
                    const auto& b = r.json;
                    wf::RegistrationRequest q;
                    q.task_number = text(b, "task_number");
                    auto e = b->getObject("entity");
                    q.entity = {text(e, "name"), text(e, "credit_code"), text(e, "kind"), text(e, "address")};
                    auto p = b->getObject("product");
                    q.product = {p->has("id") ? std::optional<std::int64_t>(p->getValue<Poco::Int64>("id")) : std::nullopt,
                                 text(p, "name"),          text(p, "category"),          text(p, "dosage_form"),
                                 text(p, "specification"), text(p, "approval_number"),   text(p, "manufacturer_name"),
                                 text(p, "manufacturer_credit_code")};
                    q.batch_number = text(b, "batch_number");
                    q.production_date = text(b, "production_date");
                    q.expiry_date = optional_text(b, "expiry_date");
                    q.quantity = text(b, "quantity");
                    q.unit = text(b, "unit");
                    q.test_quantity = text(b, "test_quantity");
                    q.retained_quantity = text(b, "retained_quantity");
                    q.storage_condition = text(b, "storage_condition");
                    auto seals = b->getArray("seal_numbers");
                    for (std::size_t i = 0; i < seals->size(); ++i) q.seal_numbers.push_back(seals->getElement<std::string>(static_cast<unsigned>(i)));
                    auto samplers = b->getArray("sampler_user_ids");
                    for (std::size_t i = 0; i < samplers->size(); ++i)
                        q.sampler_user_ids.push_back(samplers->getElement<Poco::Int64>(static_cast<unsigned>(i)));
                    q.sampled_at = text(b, "sampled_at");
                    q.sampling_place = text(b, "sampling_place");
                    if (auto codes = b->getArray("trace_codes"))
                        for (std::size_t i = 0; i < codes->size(); ++i) q.trace_codes.push_back(codes->getElement<std::string>(static_cast<unsigned>(i)));
                    q.field.sampling_stage = optional_text(b, "sampling_stage");
                    if (auto supplier = b->getObject("supplier")) {
                        q.field.supplier_name = text(supplier, "name");
                        q.field.supplier_credit_code = text(supplier, "credit_code");
                    }
                    q.field.stock_quantity = optional_text(b, "stock_quantity");
                    if (auto contact = b->getObject("unit_contact")) {
                        q.field.unit_contact_name = text(contact, "name");
                        q.field.unit_contact_phone = text(contact, "phone");
                    }
                    if (auto purchase = b->getObject("purchase")) {
                        q.field.purchase_price = text(purchase, "price");
                        q.field.payment_method = optional_text(purchase, "payment_method");
                        q.field.payment_reference = text(purchase, "payment_reference");
                    }
                    if (auto certs = b->getArray("sampler_certificates"))
                        for (std::size_t i = 0; i < certs->size(); ++i)
                            q.sampler_certificates.push_back(certs->getElement<std::string>(static_cast<unsigned>(i)));
                    if (auto o = b->getObject("online")) {
                        wf::OnlinePurchase online{text(o, "platform_name"), text(o, "platform_credit_code"),
                                                  text(o, "platform_region_code"), text(o, "shop_name"),
                                                  text(o, "shop_url"), text(o, "shop_region_code"),
                                                  text(o, "shop_address"), text(o, "order_number"),
                                                  text(o, "receiving_address"), std::nullopt};
                        if (auto d = o->getObject("delivery"))
                            online.delivery = delivery_of(d);
                        q.online = online;
                    }
                    auto sample = wf::register_sample(*db, actor_of(r), q);
                    if (!sample) return Response::error(sample.error());
                    auto o = sample_summary(*sample);
                    return with_etag(Response::json(201, o), sample->version)
                        .withHeader("Location", "/api/v1/samples/" + sample->number);
                },
                201}, row(domain::machines::sample(), domain::kNotCreated, "register")));

    router.add(with_roles({"GET", "/api/v1/samples", "listSamples",
                "Samples in the caller's jurisdiction (?state=&task=&limit=&cursor=), keyset pages",
                AuthRequirement::User, std::nullopt, [db](const Request& r) {
                    auto page = readIdPage(r);
                    if (!page) return Response::problem(page.problem());
                    wf::SampleFilter f;
                    if (auto it = r.query.find("state"); it != r.query.end()) {
                        if (!domain::machines::sample().has_state(it->second) || it->second == domain::kNotCreated)
                            return Response::problem(problems::validation({{"state", "is not a sample state"}}));
                        f.state = it->second;
                    }
                    if (auto it = r.query.find("task"); it != r.query.end()) f.task_number = it->second;
                    f.after_id = page->after_id;
                    f.limit = static_cast<int>(page->limit);
                    auto samples = wf::list_samples(*db, actor_of(r), f);
                    if (!samples) return Response::error(samples.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& s : samples->items) items->add(sample_summary(s));
                    return Response::json(200, idPageJson(items, samples->next_after_id));
                }}, kPeopleRoles));

    router.add(with_roles({"GET", "/api/v1/samples/{number}", "getSample", "A sample with its label, portions and receipts",
                AuthRequirement::User, std::nullopt, [db](const Request& r) {
                    auto sample = wf::get_sample(*db, actor_of(r), r.params.at("number"));
                    if (!sample) return Response::error(sample.error());
                    return with_etag(Response::json(200, sample_json(*sample)), sample->sample.version);
                }}, kPeopleRoles));

    router.add(with_roles({"GET", "/api/v1/samples/{number}/custody", "getSampleCustody",
                "The chain of custody of a sample: who had it, when, where", AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto custody = wf::custody_of(*db, actor_of(r), r.params.at("number"));
                    if (!custody) return Response::error(custody.error());
                    Poco::JSON::Array::Ptr events = new Poco::JSON::Array;
                    for (const auto& e : custody->events) {
                        auto j = newObject();
                        j->set("action", e.action);
                        j->set("from_state", e.from_state);
                        j->set("to_state", e.to_state);
                        j->set("actor", e.actor);
                        j->set("holder_organisation_id", e.holder_org_id);
                        j->set("holder_organisation_code", e.holder_org_code);
                        j->set("place", e.place);
                        j->set("shipment_number", e.shipment_number.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(e.shipment_number));
                        j->set("note", e.note);
                        j->set("at", e.at_utc);
                        events->add(j);
                    }
                    auto o = newObject();
                    o->set("sample_number", custody->sample.number);
                    o->set("state", custody->sample.state);
                    o->set("events", events);
                    return Response::json(200, o);
                }}, kPeopleRoles));

    router.add(with_roles({"POST", "/api/v1/samples/{number}/receipt", "receiveSample",
                "Receipt checklist and decision at the laboratory: accept, or reject with a reason (receivers, If-Match)",
                AuthRequirement::User, receipt_schema(), [db](const Request& r) {
                    auto version = if_match(r);
                    if (!version) return Response::problem(version.problem());
                    auto c = r.json->getObject("checklist");
                    wf::ReceiptRequest q;
                    q.checklist.seals_intact = c->getValue<bool>("seals_intact");
                    q.checklist.seal_numbers_match = c->getValue<bool>("seal_numbers_match");
                    q.checklist.labels_match = c->getValue<bool>("labels_match");
                    q.checklist.quantity_matches = c->getValue<bool>("quantity_matches");
                    q.checklist.package_condition = text(c, "package_condition");
                    if (c->has("temperature_record_ok")) q.checklist.temperature_record_ok = c->getValue<bool>("temperature_record_ok");
                    q.decision = text(r.json, "decision");
                    q.reason = text(r.json, "reason");
                    auto done = wf::receive_sample(*db, actor_of(r), r.params.at("number"), version->version, q);
                    if (!done) return transition_problem(done.error(), *version);
                    auto o = sample_summary(done->sample);
                    o->set("decision", done->receipt.decision);
                    return with_etag(Response::json(200, o), done->sample.version);
                }}, either(row(domain::machines::sample(), "shipped", "receive"), row(domain::machines::sample(), "shipped", "reject"))));

    router.add(with_roles({"POST", "/api/v1/samples/{number}/product", "linkSampleProduct",
                "Link the catalogue product (its specification lines set up the tests) to a sample registered from "
                "its label alone, before receipt (receivers and analysts, If-Match; a new version, audited)",
                AuthRequirement::User, product_link_schema(), [db](const Request& r) {
                    auto version = if_match(r);
                    if (!version) return Response::problem(version.problem());
                    wf::ProductLink link;
                    link.product_id = r.json->getValue<Poco::Int64>("product_id");
                    link.reason = text(r.json, "reason");
                    auto done = wf::link_product(*db, actor_of(r), r.params.at("number"), version->version, link);
                    if (!done) return transition_problem(done.error(), *version);
                    return with_etag(Response::json(200, sample_summary(*done)), done->version);
                }}, wf::kProductLinkRoles));

}

}  // namespace lims::api::sampling_tables
