// Reads the printed documents' data out of the store (core schema: reports, samples,
// products, regulated entities, tests, specification lines, results, signatures,
// shipments) and answers the public report check. Used by the document routes; the
// review chain, when it issues a report, can call load_report_document() to print and
// hash exactly what the verification address will later recompute.
#pragma once

#include "lims/domain/calendar/civil_date.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/documents/report_document.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lims::workflow::documents {

// Where a report or sample belongs, for the caller's jurisdiction check: the registering
// office's organisation path and, for a report, the issuing laboratory's (the approving
// signatory's organisation), empty when not yet approved.
struct DocumentOwners {
    std::string sample_org_path;
    std::string issuer_org_path;
};

// The report's content as it stands in the store:
//  - items: the sample's tests of the report's round (1, or 2 for a re-inspection) in
//    creation order (cancelled and retracted left out), each with its
//    latest result (the one no other result replaces), the requirement written from its
//    specification line, the verdict from the result's conformity (warning conforms,
//    none: not judged); the conclusion follows the items;
//  - basis: the specification lines' standards, in order, without repeats;
//  - signatures: performed/verified on the items' results (one per person and meaning),
//    then those on the report (entity_type "report", entity_id its number or id); issuer
//    from the (last) approval; issue date from issued_at, else the approval; receipt from the sample's shipment
//    (else the first test's creation).
// Errors: documents.report_not_found, documents.report_incomplete (naming what is
// missing), and validate()'s.
domain::Result<ReportDocument> load_report_document(store::Transaction& tx, std::string_view report_number);
domain::Result<DocumentOwners> report_owners(store::Transaction& tx, std::string_view report_number);

// Errors: documents.sample_not_found, and validate()'s.
domain::Result<SamplingRecordDocument> load_sampling_record(store::Transaction& tx, std::string_view sample_number);
domain::Result<DocumentOwners> sample_owners(store::Transaction& tx, std::string_view sample_number);

// The public check. Only issued (or since superseded) reports exist for it; true when the
// document the store gives now hashes to the content_sha256 stored at issue and that hash
// begins with the prefix. A draft, an unknown number, altered data and a wrong prefix all
// give `false` alike. Errors (bad input, said
// before anything is looked up): verify.prefix_too_short, verify.prefix_not_hex,
// verify.prefix_too_long, verify.number.
domain::Result<bool> verify_report(store::Transaction& tx, std::string_view report_number,
                                   std::string_view hash_prefix);

// The input checks of verify_report alone (for the route, before any database work).
domain::Status check_verification_input(std::string_view report_number, std::string_view hash_prefix);

// Storage condition as printed (常温 / 阴凉 / 冷藏 2～8℃ / 冷冻), from the store's value.
std::string storage_condition_in_chinese(std::string_view condition);

// The local date (UTC+8) of a stored UTC instant "YYYY-MM-DDTHH:MM:SS[.mmm]Z"; a bare
// date is returned as is. Errors: documents.instant.
domain::Result<std::string> local_date_of_instant(std::string_view instant);

// A stored UTC instant "YYYY-MM-DDTHH:MM:SS[.mmm]Z" (fractions dropped). Errors: documents.instant.
domain::Result<domain::Instant> parse_stored_instant(std::string_view instant);

}  // namespace lims::workflow::documents
