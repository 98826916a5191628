// Service of documents (送达) over HTTP: a report's services and the recipients it is owed
// to (/api/v1/reports/{number}/services), one service, its 送达回证 as PDF and the recording
// of its date of service with the evidence (/api/v1/document-services/{number}...). A thin
// table: body schema, JSON in, one use case of lims/workflow/documents/service_of_documents
// (transaction, jurisdiction, errors), JSON out.
#include "lims/api/route_modules.hpp"

#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/api/schemas/catalogue.hpp"
#include "lims/domain/calendar/civil_date.hpp"
#include "lims/workflow/documents/service_of_documents.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace lims::api {

namespace {

namespace docs = lims::workflow::documents;
using domain::Role;

// Who reads a report's service: as the report itself (document_routes.cpp).
constexpr domain::RoleSet kServiceReaders{Role::planner, Role::receiver, Role::analyst, Role::reviewer, Role::signatory,
                                          Role::enforcement_officer, Role::bureau_viewer, Role::administrator};
// Who serves: the bureau's and the laboratory's staff who send reports out, and the
// enforcement officers who serve in person.
constexpr domain::RoleSet kServers{Role::planner, Role::receiver, Role::signatory, Role::enforcement_officer,
                                   Role::administrator};

constexpr const char* kPdfContentType = "application/pdf";

std::string text(const Poco::JSON::Object::Ptr& o, const std::string& name) {
    return o && o->has(name) ? o->getValue<std::string>(name) : std::string();
}

Poco::JSON::Object::Ptr service_json(const docs::DocumentService& s) {
    auto o = newObject();
    o->set("number", s.number);
    o->set("report_number", s.report_number);
    o->set("sample_number", s.sample_number);
    Poco::JSON::Array::Ptr documents = new Poco::JSON::Array;
    for (auto d : s.documents) documents->add(std::string(docs::to_string(d)));
    o->set("documents", documents);
    o->set("recipient", std::string(docs::to_string(s.recipient)));
    o->set("recipient_name", s.recipient_name);
    o->set("recipient_address", s.recipient_address);
    o->set("method", std::string(docs::to_string(s.method)));
    o->set("serving_organisation", s.serving_org_name);
    o->set("prepared_by", s.created_by);
    o->set("prepared_at", s.created_at);
    o->set("served", s.proof.has_value());
    if (s.proof) {
        auto p = newObject();
        p->set("served_on", s.proof->served_on);
        p->set("evidence_kind", s.proof->evidence_kind);
        p->set("evidence_reference", s.proof->evidence_reference);
        p->set("evidence_party", s.proof->evidence_party);
        p->set("note", s.proof->note);
        p->set("recorded_by", s.proof->recorded_by);
        p->set("recorded_at", s.proof->recorded_at);
        o->set("evidence", p);
    } else {
        o->set("evidence", Poco::Dynamic::Var());
    }
    Poco::JSON::Array::Ptr windows = new Poco::JSON::Array;
    for (const auto& w : s.windows) {
        auto j = newObject();
        j->set("period", w.key);
        j->set("rule", w.rule);
        j->set("due_at", w.due_at);
        j->set("last_day", w.last_day);
        j->set("deadline_provisional", w.provisional);
        j->set("citation", w.citation);
        windows->add(j);
    }
    o->set("windows", windows);
    return o;
}

// What service_json answers, for the OpenAPI document and the contract test.
FieldSchema service_schema() {
    using namespace schemas;
    return object({field::string("number"), field::string("report_number"), field::string("sample_number"),
                   field::array("documents", field::string("").oneOf({"inspection_report", "result_notification"})),
                   field::string("recipient").oneOf({"sampled_unit", "manufacturer", "manufacturer_bureau"}),
                   field::string("recipient_name"), field::string("recipient_address"),
                   field::string("method").oneOf({"in_person", "post", "electronic"}),
                   field::string("serving_organisation"), field::string("prepared_by"), dateTime("prepared_at"),
                   field::boolean("served"),
                   object("evidence", {date("served_on"),
                                       field::string("evidence_kind").oneOf({"signed_receipt", "postal_record",
                                                                             "electronic_receipt"}),
                                       field::string("evidence_reference"), field::string("evidence_party"),
                                       field::string("note"), field::string("recorded_by"), dateTime("recorded_at")})
                       .orNull(),
                   field::array("windows", object({field::string("period"), field::string("rule"), dateTime("due_at"),
                                                   date("last_day"), field::boolean("deadline_provisional"),
                                                   field::string("citation")}))});
}

Response list(store::Database& db, const domain::WorkingCalendar& calendar, const Request& r) {
    auto listed = docs::report_services(db, calendar, r.params.at("number"), actor_of(r));
    if (!listed) return Response::error(listed.error());
    Poco::JSON::Array::Ptr owed = new Poco::JSON::Array;
    for (const auto& o : listed->obligations) {
        auto j = newObject();
        j->set("recipient", std::string(docs::to_string(o.recipient)));
        j->set("recipient_name", o.recipient_name);
        j->set("due_at", o.due_at);
        j->set("deadline_provisional", o.deadline_provisional);
        j->set("served_on", o.served_on ? Poco::Dynamic::Var(*o.served_on) : Poco::Dynamic::Var());
        owed->add(j);
    }
    Poco::JSON::Array::Ptr services = new Poco::JSON::Array;
    for (const auto& s : listed->services) services->add(service_json(s));
    Poco::JSON::Array::Ptr periods = new Poco::JSON::Array;
    for (const auto* p : docs::default_service_periods().all()) {
        auto j = newObject();
        j->set("period", p->key);
        j->set("rule", domain::describe(p->rule));
        j->set("starts_at", p->starts_at);
        j->set("citation", p->citation);
        periods->add(j);
    }
    auto body = newObject();
    body->set("report_number", listed->report_number);
    body->set("issued_at", listed->issued_at);
    body->set("recipients", owed);
    body->set("services", services);
    body->set("periods", periods);
    return Response::json(200, body);
}

Response prepare(store::Database& db, const domain::WorkingCalendar& calendar, const Request& r) {
    docs::NewService in;
    in.report_number = r.params.at("number");
    in.recipient = docs::parse_recipient(text(r.json, "recipient")).value_or(docs::Recipient::sampled_unit);
    in.method = docs::parse_service_method(text(r.json, "method")).value_or(docs::ServiceMethod::in_person);
    if (auto list = r.json->getArray("documents"))
        for (std::size_t i = 0; i < list->size(); ++i)
            if (auto d = docs::parse_served_document(list->getElement<std::string>(static_cast<unsigned>(i))))
                in.documents.push_back(*d);
    in.address = text(r.json, "address");
    auto made = docs::prepare_service(db, calendar, in, actor_of(r));
    if (!made) return Response::error(made.error());
    return Response::json(201, service_json(*made));
}

Response record_evidence(store::Database& db, const domain::WorkingCalendar& calendar, const Request& r) {
    docs::ServiceEvidence in;
    in.service_number = r.params.at("number");
    auto day = domain::parse_date(text(r.json, "served_on"));
    if (!day) return Response::error(domain::errors::invalid("served_on", day.error().code, day.error().message));
    in.served_on = *day;
    in.signed_by = text(r.json, "signed_by");
    in.carrier = text(r.json, "carrier");
    in.tracking_number = text(r.json, "tracking_number");
    in.receipt_reference = text(r.json, "receipt_reference");
    in.note = text(r.json, "note");
    auto proven = docs::record_service_evidence(db, calendar, in, actor_of(r));
    if (!proven) return Response::error(proven.error());
    return Response::json(201, service_json(*proven));
}

}  // namespace

void add_service_routes(Router& router, const RouteContext& context) {
    auto db = context.database;
    const domain::WorkingCalendar* calendar = context.calendar;
    auto need_calendar = [calendar](auto handler) {
        return [calendar, handler](const Request& r) {
            if (!calendar) return Response::problem(problems::serviceUnavailable("no working-day calendar loaded"));
            return handler(r, *calendar);
        };
    };
    using namespace schemas;

    router.add({"GET", "/api/v1/reports/{number}/services", "listReportServices",
                "The service (送达) of an issued report: the recipients it is owed to with the date to serve by and the "
                "date served, every service prepared with its evidence and the windows that run from it, and the "
                "statutory periods with their citations",
                AuthRequirement::User, std::nullopt,
                need_calendar([db](const Request& r, const domain::WorkingCalendar& c) { return list(*db, c, r); }), 200,
                kServiceReaders, KeyReplay::once, {},
                {ok(object({field::string("report_number"), dateTime("issued_at"),
                            field::array("recipients",
                                         object({field::string("recipient"), field::string("recipient_name"),
                                                 dateTime("due_at"), field::boolean("deadline_provisional"),
                                                 date("served_on").orNull()})),
                            field::array("services", service_schema()),
                            field::array("periods", object({field::string("period"), field::string("rule"),
                                                            field::string("starts_at"), field::string("citation")}))}))}});

    router.add({"POST", "/api/v1/reports/{number}/services", "prepareDocumentService",
                "Prepare the service of an issued report (and its 检验结果告知书) on the sampled unit, the labelled "
                "manufacturer or its bureau, in person, by post or electronically; its number is printed on the 送达回证",
                AuthRequirement::User,
                ObjectSchema{{field::string("recipient").oneOf({"sampled_unit", "manufacturer", "manufacturer_bureau"}),
                              field::array("documents",
                                           field::string("document").oneOf({"inspection_report", "result_notification"}))
                                  .count(1, 2)
                                  .unique(),
                              field::string("method").oneOf({"in_person", "post", "electronic"}),
                              field::string("address").length(1, 500).optional()}},
                need_calendar([db](const Request& r, const domain::WorkingCalendar& c) { return prepare(*db, c, r); }),
                201, kServers, KeyReplay::once, {}, {created(service_schema())}});

    router.add({"GET", "/api/v1/document-services/{number}", "getDocumentService",
                "One service of documents with its evidence and the windows that run from its date of service",
                AuthRequirement::User, std::nullopt,
                need_calendar([db](const Request& r, const domain::WorkingCalendar& c) {
                    auto found = docs::find_service(*db, c, r.params.at("number"), actor_of(r));
                    if (!found) return Response::error(found.error());
                    return Response::json(200, service_json(*found));
                }),
                200, kServiceReaders, KeyReplay::once, {}, {ok(service_schema())}});

    router.add({"GET", "/api/v1/document-services/{number}/receipt.pdf", "getServiceReceiptPdf",
                "The 送达回证 of a service as PDF, with the QR code of the service's address; printed again after "
                "service it carries the recorded date and evidence",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    const std::string number = r.params.at("number");
                    auto pdf = docs::service_receipt_pdf(*db, number, actor_of(r));
                    if (!pdf) return Response::error(pdf.error());
                    std::string name;
                    for (char ch : number) name += std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' ? ch : '_';
                    return Response::text(200, kPdfContentType, std::move(*pdf))
                        .withHeader("Content-Disposition", "inline; filename=\"service-receipt-" + name + ".pdf\"");
                },
                200, kServiceReaders, KeyReplay::once, {},
                {media(200, kPdfContentType, "The 送达回证 (PDF).")}});

    router.add({"POST", "/api/v1/document-services/{number}/evidence", "recordServiceEvidence",
                "Record the date of service (Beijing date) with its evidence, once: in person who signed the 送达回证, "
                "by post the carrier and tracking number, electronically the receipt's reference; the re-inspection "
                "and objection windows count from this date",
                AuthRequirement::User,
                ObjectSchema{{field::string("served_on").withFormat("date"),
                              field::string("signed_by").length(1, 200).optional(),
                              field::string("carrier").length(1, 100).optional(),
                              field::string("tracking_number").length(1, 60).optional(),
                              field::string("receipt_reference").length(1, 200).optional(),
                              field::string("note").length(1, 2000).multiLineText().optional()}},
                need_calendar([db](const Request& r, const domain::WorkingCalendar& c) {
                    return record_evidence(*db, c, r);
                }),
                201, kServers, KeyReplay::once, {}, {created(service_schema())}});
}

}  // namespace lims::api
