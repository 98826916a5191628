// Service of documents (送达): the issued test report and the 检验结果告知书 are served on
// the sampled unit and the labelled manufacturer or MAH (and, where wanted, the
// manufacturer's bureau) in person, by post or electronically. A service is prepared
// first (its number is printed on the 送达回证, service_receipt_pdf.hpp); the date of
// service is then recorded with its evidence — the signed 送达回证, the postal record, the
// electronic receipt — by the user who saw it, once, audited, never changed. The windows
// that run from receipt (re-inspection, the manufacturer's objection) count from that
// date; a required recipient not proven served within the service period of issue is
// overdue (figures/overdue.hpp). Called by the service routes
// (lims/api/routes/service_routes.cpp); each use case owns its transaction and checks the
// caller's jurisdiction over the report (the registering office's subtree or the issuing
// laboratory's).
#pragma once

#include "lims/domain/calendar/civil_date.hpp"
#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/documents/service_periods.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lims::workflow::documents {

enum class ServedDocument { inspection_report, result_notification };
enum class Recipient { sampled_unit, manufacturer, manufacturer_bureau };
enum class ServiceMethod { in_person, post, electronic };

std::string_view to_string(ServedDocument d);  // "inspection_report", "result_notification"
std::string_view to_string(Recipient r);       // "sampled_unit", "manufacturer", "manufacturer_bureau"
std::string_view to_string(ServiceMethod m);   // "in_person", "post", "electronic"
std::optional<ServedDocument> parse_served_document(std::string_view s);
std::optional<Recipient> parse_recipient(std::string_view s);
std::optional<ServiceMethod> parse_service_method(std::string_view s);

struct NewService {
    std::string report_number;
    Recipient recipient = Recipient::sampled_unit;
    std::vector<ServedDocument> documents;  // at least one, no repeats
    ServiceMethod method = ServiceMethod::in_person;
    // Where it goes: the postal address, the e-mail address or platform account of
    // electronic service. Empty: the recipient's registered address (in person and post).
    std::string address;
};

struct ServiceEvidence {
    std::string service_number;
    domain::Date served_on{};  // the date of service the evidence shows (Beijing)
    // In person: who signed the 送达回证 (受送达人 or the one who signed for it).
    std::string signed_by;
    // Post: the carrier and its tracking number (the delivery record shows the date).
    std::string carrier;
    std::string tracking_number;
    // Electronic: the receipt's reference (message id, platform receipt number).
    std::string receipt_reference;
    std::string note;
};

struct ServiceProof {
    std::string served_on;           // "YYYY-MM-DD", Beijing
    std::string evidence_kind;       // "signed_receipt", "postal_record", "electronic_receipt"
    std::string evidence_reference;  // the 送达回证's number, the tracking number, the receipt's reference
    std::string evidence_party;      // who signed, the carrier, the address the receipt came from
    std::string note;
    std::string recorded_by;         // the user who saw the evidence
    std::string recorded_at;         // UTC instant
};

// A deadline that runs from a date of service, with the period it comes from.
struct PeriodDeadline {
    std::string key;
    std::string rule;        // "7 working days"
    std::string due_at;      // UTC instant: on time means strictly before it
    std::string last_day;    // the last day allowed, Beijing ("2026-03-24")
    bool provisional = false;
    std::string citation;
};

struct DocumentService {
    std::int64_t id = 0;
    std::string number;  // "SD2026-000001", printed on the 送达回证
    std::string report_number;
    std::string sample_number;
    std::vector<ServedDocument> documents;
    Recipient recipient = Recipient::sampled_unit;
    std::string recipient_name;
    std::string recipient_address;
    ServiceMethod method = ServiceMethod::in_person;
    std::string serving_org_name;  // the caller's organisation when prepared (送达机关)
    std::string created_by;
    std::string created_at;
    std::optional<ServiceProof> proof;
    std::vector<PeriodDeadline> windows;  // from the date of service; empty until proven
};

// A recipient the report must be served on (the sampled unit; the labelled manufacturer
// when the product names one) and where that stands.
struct ServiceObligation {
    std::string report_number;
    std::string sample_number;
    Recipient recipient = Recipient::sampled_unit;
    std::string recipient_name;
    std::string office_name;  // the registering office (whose subtree sees it)
    std::string due_at;       // UTC instant: serve before it
    bool deadline_provisional = false;
    std::optional<std::string> served_on;  // the first proven date of service on it
};

struct ReportServices {
    std::string report_number;
    std::string issued_at;
    std::vector<ServiceObligation> obligations;
    std::vector<DocumentService> services;
};

// Prepare a service of the report on one recipient. Errors: service.report_not_found
// (unknown, or outside the caller's jurisdiction: alike), service.person_required (an
// actor who is no signed-in person), service.report_not_issued (conflict),
// invalid documents (service.documents), recipient (service.recipient_unknown: the
// sample names no such party), address (service.address_required).
domain::Result<DocumentService> prepare_service(store::Database& db, const domain::WorkingCalendar& calendar,
                                                const NewService& service, const Actor& actor,
                                                const ServicePeriods& periods = default_service_periods());

// Record the date of service and its evidence. Errors: service.not_found,
// service.person_required, service.already_proven (conflict, naming the recorded date),
// invalid served_on (service.served_before_issue, service.served_in_future), signed_by,
// carrier, tracking_number, receipt_reference (service.evidence_required), and the
// calendar's (a window that cannot be counted: calendar.year_not_loaded).
domain::Result<DocumentService> record_service_evidence(store::Database& db, const domain::WorkingCalendar& calendar,
                                                        const ServiceEvidence& evidence, const Actor& actor,
                                                        const ServicePeriods& periods = default_service_periods());

// One service with its proof and windows. Errors: service.not_found.
domain::Result<DocumentService> find_service(store::Database& db, const domain::WorkingCalendar& calendar,
                                             std::string_view number, const Actor& actor,
                                             const ServicePeriods& periods = default_service_periods());

// The report's obligations and services. Errors: service.report_not_found.
domain::Result<ReportServices> report_services(store::Database& db, const domain::WorkingCalendar& calendar,
                                               std::string_view report_number, const Actor& actor,
                                               const ServicePeriods& periods = default_service_periods());

// The 送达回证 of a service as PDF bytes (service_receipt_pdf.hpp). Errors: service.not_found,
// documents.font_*, documents.pdf, qr.*.
domain::Result<std::string> service_receipt_pdf(store::Database& db, std::string_view number, const Actor& actor,
                                                std::string public_base_url = {});

// Inside another use case's transaction --------------------------------------------------

// Issued reports' obligations not proven served, in the subtree of the registering office
// `within_org_path` ("" = all), for the overdue scan; only those due before `now` when
// `only_due_before` is set.
domain::Result<std::vector<ServiceObligation>> unserved_obligations(store::Transaction& tx,
                                                                    const domain::WorkingCalendar& calendar,
                                                                    const std::string& within_org_path,
                                                                    const ServicePeriods& periods = default_service_periods());

// The first proven service of report `report_id` on `recipient` (the re-inspection window
// counts from it), or none.
struct ProvenService {
    std::int64_t service_id = 0;
    std::string number;
    domain::Date served_on{};
};
domain::Result<std::optional<ProvenService>> first_proven_service(store::Transaction& tx, std::int64_t report_id,
                                                                  Recipient recipient);

}  // namespace lims::workflow::documents
