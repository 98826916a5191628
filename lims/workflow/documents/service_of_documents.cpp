#include "lims/workflow/documents/service_of_documents.hpp"

#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/store/number_counter.hpp"
#include "lims/workflow/documents/document_source.hpp"
#include "lims/workflow/documents/service_receipt_pdf.hpp"
#include "lims/workflow/documents/sql_rows.hpp"
#include "lims/workflow/jurisdiction.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Nullable.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::workflow::documents {

namespace errors = domain::errors;
using domain::Result;

std::string_view to_string(ServedDocument d) {
    return d == ServedDocument::inspection_report ? "inspection_report" : "result_notification";
}
std::string_view to_string(Recipient r) {
    switch (r) {
        case Recipient::sampled_unit: return "sampled_unit";
        case Recipient::manufacturer: return "manufacturer";
        case Recipient::manufacturer_bureau: return "manufacturer_bureau";
    }
    return "sampled_unit";
}
std::string_view to_string(ServiceMethod m) {
    switch (m) {
        case ServiceMethod::in_person: return "in_person";
        case ServiceMethod::post: return "post";
        case ServiceMethod::electronic: return "electronic";
    }
    return "in_person";
}
std::optional<ServedDocument> parse_served_document(std::string_view s) {
    if (s == "inspection_report") return ServedDocument::inspection_report;
    if (s == "result_notification") return ServedDocument::result_notification;
    return std::nullopt;
}
std::optional<Recipient> parse_recipient(std::string_view s) {
    if (s == "sampled_unit") return Recipient::sampled_unit;
    if (s == "manufacturer") return Recipient::manufacturer;
    if (s == "manufacturer_bureau") return Recipient::manufacturer_bureau;
    return std::nullopt;
}
std::optional<ServiceMethod> parse_service_method(std::string_view s) {
    if (s == "in_person") return ServiceMethod::in_person;
    if (s == "post") return ServiceMethod::post;
    if (s == "electronic") return ServiceMethod::electronic;
    return std::nullopt;
}

namespace {

// A tracking number as carriers print them (EMS 13 characters, SF 12-15 digits, ...).
const std::regex kTrackingNumber("[A-Za-z0-9-]{6,40}");

domain::Error report_not_found(std::string_view number) {
    return errors::not_found("service.report_not_found", "There is no report " + std::string(number) + ".");
}
domain::Error service_not_found(std::string_view number) {
    return errors::not_found("service.not_found", "There is no service of documents " + std::string(number) + ".");
}

// The service records a person's act: a component of the service cannot prepare or prove one.
Result<std::int64_t> person_of(const Actor& actor) {
    if (!actor.user_id)
        return errors::forbidden("service.person_required",
                                 "service of documents is prepared and recorded by a signed-in person");
    return *actor.user_id;
}

// Whether the caller sees the report: the registering office's subtree or the issuing
// laboratory's (as the report's PDF).
Result<bool> sees_report(store::Transaction& tx, const Actor& actor, std::string_view report_number) {
    auto owners = report_owners(tx, report_number);
    if (!owners) return false;
    return jurisdiction::covers(actor, owners->sample_org_path) ||
           (!owners->issuer_org_path.empty() && jurisdiction::covers(actor, owners->issuer_org_path));
}

// The report with the parties it is served on, as the sample and its product name them.
struct ReportParties {
    std::int64_t id = 0;
    std::string number, state, issued_at, sample_number, category;
    std::optional<std::int64_t> unit_id;
    std::string unit_name, unit_address;
    std::optional<std::int64_t> maker_id;
    std::string maker_name, maker_address;
    std::optional<std::int64_t> bureau_id;
    std::string bureau_name;
};

std::optional<std::int64_t> id_of(const std::optional<std::string>& cell) {
    if (!cell || cell->empty()) return std::nullopt;
    return std::stoll(*cell);
}

Result<ReportParties> report_parties(store::Transaction& tx, std::string_view number) {
    auto rows = select_rows(tx,
                            "SELECT r.id, r.number, r.state, r.issued_at, s.number, COALESCE(p.category, sl.category), e.id, "
                            "e.name, e.address, m.id, COALESCE(m.name, p.manufacturer_name), m.address, b.id, b.name "
                            "FROM reports r JOIN samples s ON s.id = r.sample_id "
                            "LEFT JOIN products p ON p.id = s.product_id "
                            "LEFT JOIN sample_labels sl ON sl.sample_id = s.id "
                            "LEFT JOIN regulated_entities e ON e.id = s.entity_id "
                            "LEFT JOIN regulated_entities m ON m.id = p.manufacturer_entity_id "
                            "LEFT JOIN organisations b ON b.id = m.jurisdiction_org_id WHERE r.number = $1",
                            std::string(number));
    if (rows.empty()) return report_not_found(number);
    const auto& r = rows[0];
    ReportParties p;
    p.id = std::stoll(text_or_empty(r[0]));
    p.number = text_or_empty(r[1]);
    p.state = text_or_empty(r[2]);
    p.issued_at = text_or_empty(r[3]);
    p.sample_number = text_or_empty(r[4]);
    p.category = text_or_empty(r[5]);
    p.unit_id = id_of(r[6]);
    p.unit_name = text_or_empty(r[7]);
    p.unit_address = text_or_empty(r[8]);
    p.maker_id = id_of(r[9]);
    p.maker_name = text_or_empty(r[10]);
    p.maker_address = text_or_empty(r[11]);
    p.bureau_id = id_of(r[12]);
    p.bureau_name = text_or_empty(r[13]);
    return p;
}

std::vector<ServedDocument> parse_documents(const std::string& stored) {
    std::vector<ServedDocument> out;
    std::stringstream in(stored);
    std::string part;
    while (std::getline(in, part, ','))
        if (auto d = parse_served_document(part)) out.push_back(*d);
    return out;
}

std::string join_documents(const std::vector<ServedDocument>& documents) {
    std::string out;
    for (auto d : documents) out += (out.empty() ? "" : ",") + std::string(to_string(d));
    return out;
}

// The windows that run from the date of service on this recipient.
Result<std::vector<PeriodDeadline>> windows_from(const domain::WorkingCalendar& calendar, const ServicePeriods& periods,
                                                 Recipient recipient, const std::string& category,
                                                 domain::Date served_on) {
    std::vector<const StatutoryPeriod*> running;
    if (recipient == Recipient::sampled_unit || recipient == Recipient::manufacturer) {
        auto window = reinspection_period(periods, category);
        if (!window) return window.error();
        running.push_back(*window);
    }
    if (recipient == Recipient::manufacturer) running.push_back(&periods.authenticity_objection);
    std::vector<PeriodDeadline> out;
    for (const auto* p : running) {
        auto due = counted_from_service(calendar, *p, served_on);
        if (!due) return due.error();
        out.push_back({p->key, domain::describe(p->rule), domain::format_instant(due->due),
                       domain::format_date(domain::local_date(due->due - std::chrono::seconds(1))), due->provisional,
                       p->citation});
    }
    return out;
}

constexpr const char* kServiceSelect =
    "SELECT ds.id, ds.number, r.number, s.number, ds.documents, ds.recipient_kind, ds.recipient_name, "
    "ds.recipient_address, ds.method, so.name, ds.created_by_name, ds.created_at, pf.served_on, pf.evidence_kind, "
    "pf.evidence_reference, pf.evidence_party, pf.note, pf.recorded_by_name, pf.recorded_at, "
    "COALESCE(p.category, sl.category) "
    "FROM document_services ds JOIN reports r ON r.id = ds.report_id JOIN samples s ON s.id = r.sample_id "
    "LEFT JOIN products p ON p.id = s.product_id LEFT JOIN sample_labels sl ON sl.sample_id = s.id "
    "LEFT JOIN organisations so ON so.id = ds.serving_org_id "
    "LEFT JOIN document_service_proofs pf ON pf.service_id = ds.id ";

Result<DocumentService> service_from(const SqlRow& row, const domain::WorkingCalendar& calendar,
                                     const ServicePeriods& periods) {
    DocumentService s;
    s.id = std::stoll(text_or_empty(row[0]));
    s.number = text_or_empty(row[1]);
    s.report_number = text_or_empty(row[2]);
    s.sample_number = text_or_empty(row[3]);
    s.documents = parse_documents(text_or_empty(row[4]));
    s.recipient = parse_recipient(text_or_empty(row[5])).value_or(Recipient::sampled_unit);
    s.recipient_name = text_or_empty(row[6]);
    s.recipient_address = text_or_empty(row[7]);
    s.method = parse_service_method(text_or_empty(row[8])).value_or(ServiceMethod::in_person);
    s.serving_org_name = text_or_empty(row[9]);
    s.created_by = text_or_empty(row[10]);
    s.created_at = text_or_empty(row[11]);
    if (row[12]) {
        s.proof = ServiceProof{*row[12],           text_or_empty(row[13]), text_or_empty(row[14]), text_or_empty(row[15]),
                               text_or_empty(row[16]), text_or_empty(row[17]), text_or_empty(row[18])};
        auto day = domain::parse_date(*row[12]);
        if (!day) return day.error();
        auto windows = windows_from(calendar, periods, s.recipient, text_or_empty(row[19]), *day);
        if (!windows) return windows.error();
        s.windows = std::move(*windows);
    }
    return s;
}

// A service the caller may see, by number, in the transaction.
Result<DocumentService> visible_service(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                        std::string_view number, const Actor& actor, const ServicePeriods& periods) {
    auto rows = select_rows(tx, std::string(kServiceSelect) + "WHERE ds.number = $1", std::string(number));
    if (rows.empty()) return service_not_found(number);
    auto seen = sees_report(tx, actor, text_or_empty(rows[0][2]));
    if (!seen) return seen.error();
    if (!*seen) return service_not_found(number);
    return service_from(rows[0], calendar, periods);
}

std::string audit_json(const DocumentService& s) {
    Poco::JSON::Object o;
    o.set("number", s.number);
    o.set("report", s.report_number);
    o.set("documents", join_documents(s.documents));
    o.set("recipient", std::string(to_string(s.recipient)));
    o.set("recipient_name", s.recipient_name);
    o.set("recipient_address", s.recipient_address);
    o.set("method", std::string(to_string(s.method)));
    if (s.proof) {
        o.set("served_on", s.proof->served_on);
        o.set("evidence_kind", s.proof->evidence_kind);
        o.set("evidence_reference", s.proof->evidence_reference);
        o.set("evidence_party", s.proof->evidence_party);
    }
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

// Obligations of issued reports: `where` filters reports r / organisations o with one
// text parameter.
Result<std::vector<ServiceObligation>> obligations(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                                   const ServicePeriods& periods, const std::string& where,
                                                   const std::string& parameter) {
    auto reports = select_rows_with(
        tx,
        "SELECT r.id, r.number, r.issued_at, s.number, e.id, e.name, m.id, COALESCE(m.name, p.manufacturer_name), o.name "
        "FROM reports r JOIN samples s ON s.id = r.sample_id JOIN organisations o ON o.id = s.org_id "
        "LEFT JOIN products p ON p.id = s.product_id LEFT JOIN regulated_entities e ON e.id = s.entity_id "
        "LEFT JOIN regulated_entities m ON m.id = p.manufacturer_entity_id "
        "WHERE r.state = 'issued' AND r.issued_at IS NOT NULL AND " + where + " ORDER BY r.issued_at, r.number",
        {parameter});
    auto proven = select_rows_with(tx,
                                   "SELECT r.number, ds.recipient_kind, MIN(pf.served_on) FROM document_services ds "
                                   "JOIN document_service_proofs pf ON pf.service_id = ds.id "
                                   "JOIN reports r ON r.id = ds.report_id JOIN samples s ON s.id = r.sample_id "
                                   "JOIN organisations o ON o.id = s.org_id WHERE r.state = 'issued' AND " + where +
                                       " GROUP BY r.number, ds.recipient_kind",
                                   {parameter});
    std::map<std::pair<std::string, std::string>, std::string> served;
    for (const auto& p : proven) served[{text_or_empty(p[0]), text_or_empty(p[1])}] = text_or_empty(p[2]);

    std::vector<ServiceObligation> out;
    for (const auto& r : reports) {
        auto issued = parse_stored_instant(text_or_empty(r[2]));
        if (!issued) return issued.error();
        auto due = domain::counted_deadline_for(calendar, periods.service.rule, *issued);
        if (!due) return due.error();
        auto add = [&](Recipient who, const std::string& name) {
            ServiceObligation o;
            o.report_number = text_or_empty(r[1]);
            o.sample_number = text_or_empty(r[3]);
            o.recipient = who;
            o.recipient_name = name;
            o.office_name = text_or_empty(r[8]);
            o.due_at = domain::format_instant(due->due);
            o.deadline_provisional = due->provisional;
            if (auto f = served.find({o.report_number, std::string(to_string(who))}); f != served.end())
                o.served_on = f->second;
            out.push_back(std::move(o));
        };
        if (r[4]) add(Recipient::sampled_unit, text_or_empty(r[5]));
        if (r[6] || !text_or_empty(r[7]).empty()) add(Recipient::manufacturer, text_or_empty(r[7]));
    }
    return out;
}

}  // namespace

Result<DocumentService> prepare_service(store::Database& db, const domain::WorkingCalendar& calendar,
                                        const NewService& in, const Actor& actor, const ServicePeriods& periods) {
    auto user = person_of(actor);
    if (!user) return user.error();
    if (in.documents.empty())
        return errors::invalid("documents", "service.documents", "name at least one document to serve");
    if (std::set<ServedDocument>(in.documents.begin(), in.documents.end()).size() != in.documents.size())
        return errors::invalid("documents", "service.documents", "a document is named twice");
    return db.write([&](store::Transaction& tx) -> Result<DocumentService> {
        auto seen = sees_report(tx, actor, in.report_number);
        if (!seen) return seen.error();
        if (!*seen) return report_not_found(in.report_number);
        auto report = report_parties(tx, in.report_number);
        if (!report) return report.error();
        if (report->state != "issued" && report->state != "superseded")
            return errors::conflict("service.report_not_issued", "report " + report->number + " is " + report->state +
                                                                     ": only an issued report is served");
        Poco::Nullable<Poco::Int64> entity, org;
        std::string name, registered_address;
        switch (in.recipient) {
            case Recipient::sampled_unit:
                if (!report->unit_id)
                    return errors::invalid("recipient", "service.recipient_unknown",
                                           "sample " + report->sample_number + " names no sampled unit");
                entity = *report->unit_id;
                name = report->unit_name;
                registered_address = report->unit_address;
                break;
            case Recipient::manufacturer:
                if (report->maker_name.empty())
                    return errors::invalid("recipient", "service.recipient_unknown",
                                           "sample " + report->sample_number + " names no labelled manufacturer");
                if (report->maker_id) entity = *report->maker_id;
                name = report->maker_name;
                registered_address = report->maker_address;
                break;
            case Recipient::manufacturer_bureau:
                if (!report->bureau_id)
                    return errors::invalid("recipient", "service.recipient_unknown",
                                           "the labelled manufacturer of sample " + report->sample_number +
                                               " is not a registered entity with a responsible bureau");
                org = *report->bureau_id;
                name = report->bureau_name;
                break;
        }
        std::string address = in.address.empty() ? registered_address : in.address;
        if (in.method == ServiceMethod::post && address.empty())
            return errors::invalid("address", "service.address_required",
                                   name + " has no registered address: give the postal address");
        if (in.method == ServiceMethod::electronic && in.address.empty())
            return errors::invalid("address", "service.address_required",
                                   "electronic service needs the address or account the recipient agreed to");

        const auto today = domain::beijing_date(*parse_stored_instant(tx.now_utc()));
        const int year = domain::year_of(today);
        const auto seq = store::next_counter_value(tx, "document_service:" + std::to_string(year));
        char number[32];
        std::snprintf(number, sizeof number, "SD%04d-%06lld", year, static_cast<long long>(seq));
        Poco::Nullable<Poco::Int64> serving;
        if (actor.org_id) serving = *actor.org_id;
        const std::string documents = join_documents(in.documents), kind(to_string(in.recipient)),
                          method(to_string(in.method)), at = tx.now_utc(), num = number;
        const Poco::Int64 report_id = report->id, created_by = *user;
        tx.session() << "INSERT INTO document_services (number, report_id, documents, recipient_kind, "
                        "recipient_entity_id, recipient_org_id, recipient_name, recipient_address, method, "
                        "serving_org_id, created_by, created_by_name, created_at) "
                        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            bind(num), bind(report_id), bind(documents), bind(kind), bind(entity), bind(org), bind(name),
            bind(address), bind(method), bind(serving), bind(created_by), bind(actor.name), bind(at), now;
        auto made = visible_service(tx, calendar, num, actor, periods);
        if (!made) return made.error();
        tx.record({actor.name, "document_service.prepare", "document_service", num, "", audit_json(*made), ""});
        return made;
    });
}

Result<DocumentService> record_service_evidence(store::Database& db, const domain::WorkingCalendar& calendar,
                                                const ServiceEvidence& in, const Actor& actor,
                                                const ServicePeriods& periods) {
    auto user = person_of(actor);
    if (!user) return user.error();
    return db.write([&](store::Transaction& tx) -> Result<DocumentService> {
        auto service = visible_service(tx, calendar, in.service_number, actor, periods);
        if (!service) return service.error();
        if (service->proof)
            return errors::conflict("service.already_proven",
                                    "service " + service->number + " was recorded as served on " +
                                        service->proof->served_on + " by " + service->proof->recorded_by +
                                        "; a recorded service is not changed");
        auto report = report_parties(tx, service->report_number);
        if (!report) return report.error();
        auto issued = parse_stored_instant(report->issued_at);
        if (!issued) return issued.error();
        const auto issued_day = domain::beijing_date(*issued);
        if (in.served_on < issued_day)
            return errors::invalid("served_on", "service.served_before_issue",
                                   "served on " + domain::format_date(in.served_on) + ", before report " +
                                       report->number + " was issued (" + domain::format_date(issued_day) + ")");
        const auto today = domain::beijing_date(*parse_stored_instant(tx.now_utc()));
        if (in.served_on > today)
            return errors::invalid("served_on", "service.served_in_future",
                                   domain::format_date(in.served_on) + " is after today (" + domain::format_date(today) +
                                       ", Beijing time)");

        std::string kind, reference, party;
        switch (service->method) {
            case ServiceMethod::in_person:
                if (in.signed_by.empty())
                    return errors::invalid("signed_by", "service.evidence_required",
                                           "in person: who signed the 送达回证 " + service->number);
                kind = "signed_receipt";
                reference = service->number;
                party = in.signed_by;
                break;
            case ServiceMethod::post:
                if (in.carrier.empty())
                    return errors::invalid("carrier", "service.evidence_required", "by post: the carrier");
                if (in.tracking_number.empty())
                    return errors::invalid("tracking_number", "service.evidence_required",
                                           "by post: the tracking number of the delivery record");
                if (!std::regex_match(in.tracking_number, kTrackingNumber))
                    return errors::invalid("tracking_number", "service.tracking_number",
                                           "\"" + in.tracking_number.substr(0, 60) +
                                               "\" is not a tracking number (6–40 letters, digits or -)");
                kind = "postal_record";
                reference = in.tracking_number;
                party = in.carrier;
                break;
            case ServiceMethod::electronic:
                if (in.receipt_reference.empty())
                    return errors::invalid("receipt_reference", "service.evidence_required",
                                           "electronic: the reference of the receipt");
                kind = "electronic_receipt";
                reference = in.receipt_reference;
                party = service->recipient_address;
                break;
        }
        // Count the windows first: a date outside the loaded calendar writes nothing.
        auto windows = windows_from(calendar, periods, service->recipient, report->category, in.served_on);
        if (!windows) return windows.error();

        const std::string served_on = domain::format_date(in.served_on), at = tx.now_utc();
        const Poco::Int64 service_id = service->id, recorded_by = *user;
        tx.session() << "INSERT INTO document_service_proofs (service_id, served_on, evidence_kind, evidence_reference, "
                        "evidence_party, note, recorded_by, recorded_by_name, recorded_at) "
                        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            bind(service_id), bind(served_on), bind(kind), bind(reference), bind(party), bind(in.note),
            bind(recorded_by), bind(actor.name), bind(at), now;
        auto proven = visible_service(tx, calendar, service->number, actor, periods);
        if (!proven) return proven.error();
        tx.record({actor.name, "document_service.served", "document_service", proven->number, audit_json(*service),
                   audit_json(*proven), in.note});
        return proven;
    });
}

Result<DocumentService> find_service(store::Database& db, const domain::WorkingCalendar& calendar,
                                     std::string_view number, const Actor& actor, const ServicePeriods& periods) {
    return db.read([&](store::Transaction& tx) { return visible_service(tx, calendar, number, actor, periods); });
}

Result<ReportServices> report_services(store::Database& db, const domain::WorkingCalendar& calendar,
                                       std::string_view report_number, const Actor& actor,
                                       const ServicePeriods& periods) {
    return db.read([&](store::Transaction& tx) -> Result<ReportServices> {
        auto seen = sees_report(tx, actor, report_number);
        if (!seen) return seen.error();
        if (!*seen) return report_not_found(report_number);
        auto report = report_parties(tx, report_number);
        if (!report) return report.error();
        ReportServices out;
        out.report_number = report->number;
        out.issued_at = report->issued_at;
        auto owed = obligations(tx, calendar, periods, "r.number = $1", report->number);
        if (!owed) return owed.error();
        out.obligations = std::move(*owed);
        for (const auto& row : select_rows(tx, std::string(kServiceSelect) + "WHERE r.number = $1 ORDER BY ds.id",
                                           report->number)) {
            auto s = service_from(row, calendar, periods);
            if (!s) return s.error();
            out.services.push_back(std::move(*s));
        }
        return out;
    });
}

Result<std::string> service_receipt_pdf(store::Database& db, std::string_view number, const Actor& actor,
                                        std::string public_base_url) {
    // The form shows no window, so no calendar is needed: an empty one is never asked.
    auto doc = db.read([&](store::Transaction& tx) -> Result<ServiceReceiptDocument> {
        auto rows = select_rows(tx, std::string(kServiceSelect) + "WHERE ds.number = $1", std::string(number));
        if (rows.empty()) return service_not_found(number);
        auto seen = sees_report(tx, actor, text_or_empty(rows[0][2]));
        if (!seen) return seen.error();
        if (!*seen) return service_not_found(number);
        const auto& row = rows[0];
        ServiceReceiptDocument d;
        d.service_number = text_or_empty(row[1]);
        for (auto doc_kind : parse_documents(text_or_empty(row[4])))
            d.documents.push_back(doc_kind == ServedDocument::inspection_report
                                      ? "检验报告书（报告编号 " + text_or_empty(row[2]) + "）"
                                      : "检验结果告知书（样品编号 " + text_or_empty(row[3]) + "）");
        d.recipient_name = text_or_empty(row[6]);
        d.recipient_address = text_or_empty(row[7]);
        const auto method = parse_service_method(text_or_empty(row[8])).value_or(ServiceMethod::in_person);
        d.method = method == ServiceMethod::in_person ? "直接送达" : method == ServiceMethod::post ? "邮寄送达" : "电子送达";
        d.serving_org = text_or_empty(row[9]);
        d.prepared_by = text_or_empty(row[10]);
        d.prepared_at = text_or_empty(row[11]);
        d.qr_text = public_base_url + "/api/v1/document-services/" + d.service_number;
        if (row[12]) {
            d.served_on = *row[12];
            const std::string kind = text_or_empty(row[13]), reference = text_or_empty(row[14]),
                              party = text_or_empty(row[15]);
            if (kind == "signed_receipt") d.evidence = "签收人：" + party;
            else if (kind == "postal_record") d.evidence = "邮寄：" + party + " 运单号 " + reference;
            else d.evidence = "电子送达回执 " + reference + "（" + party + "）";
            d.recorded_by = text_or_empty(row[17]);
            d.recorded_at = text_or_empty(row[18]);
        }
        return d;
    });
    if (!doc) return doc.error();
    return render_service_receipt_pdf(*doc);
}

Result<std::vector<ServiceObligation>> unserved_obligations(store::Transaction& tx,
                                                            const domain::WorkingCalendar& calendar,
                                                            const std::string& within_org_path,
                                                            const ServicePeriods& periods) {
    auto all = obligations(tx, calendar, periods, "o.path LIKE $1", within_org_path + "%");
    if (!all) return all.error();
    std::vector<ServiceObligation> out;
    for (auto& o : *all)
        if (!o.served_on) out.push_back(std::move(o));
    return out;
}

Result<std::optional<ProvenService>> first_proven_service(store::Transaction& tx, std::int64_t report_id,
                                                          Recipient recipient) {
    auto rows = select_rows(tx,
                            "SELECT ds.id, ds.number, pf.served_on FROM document_services ds "
                            "JOIN document_service_proofs pf ON pf.service_id = ds.id "
                            "WHERE ds.report_id = $1 AND ds.recipient_kind = $2 ORDER BY pf.served_on, ds.id",
                            Poco::Int64(report_id), std::string(to_string(recipient)));
    if (rows.empty()) return std::optional<ProvenService>{};
    auto day = domain::parse_date(text_or_empty(rows[0][2]));
    if (!day) return day.error();
    return std::optional<ProvenService>{ProvenService{std::stoll(text_or_empty(rows[0][0])), text_or_empty(rows[0][1]), *day}};
}

}  // namespace lims::workflow::documents
