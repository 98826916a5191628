// The schema catalogue: for each route (by operationId), the query parameters its handler
// reads and the bodies it answers with, per status, in the body-schema vocabulary
// (body_schema.hpp). openapi.cpp publishes them for every route that does not carry its
// own declarations (Route::query, Route::responses), and tests/e2e/api_contract_test.cpp
// checks every route's real answers against what is published here.
//
// One file per URL prefix (admin_schemas.cpp, sampling_schemas.cpp, ...). A new route adds
// its entry to the file of its prefix:
//   docs["listThings"] = {{query::string("after_id")...},
//                         {ok(arrayOf(object({field::integer("id"), dateTime("created_at")})))}};
// Every object's fields are all of its fields: the document says additionalProperties
// false, so a field a handler adds without declaring it fails the contract test.
#pragma once

#include "lims/api/router.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace lims::api::schemas {

struct OperationDoc {
    std::vector<FieldSchema> query;
    std::vector<ResponseSchema> responses;
};

using Catalogue = std::map<std::string, OperationDoc, std::less<>>;

// The whole catalogue (built once).
const Catalogue& catalogue();
// One operation's entry, or null.
const OperationDoc* find(std::string_view operationId);

// The parts, one per prefix.
void addCoreDocs(Catalogue& docs);       // health, metrics, OpenAPI, auth, me
void addAdminDocs(Catalogue& docs);      // organisations, users, entities, products, calendar
void addSamplingDocs(Catalogue& docs);   // plans, tasks, samples, shipments
void addReviewDocs(Catalogue& docs);     // worklists, tests, reports, notices, case leads, documents
void addIngestDocs(Catalogue& docs);     // instruments, ingest, quarantine, raw messages
void addColdChainDocs(Catalogue& docs);  // loggers, storage units, alarms, excursions, status
void addNotificationDocs(Catalogue& docs);  // a person's notifications, organisations' contacts, deliveries
void addCaseDocs(Catalogue& docs);          // cases filed from case leads: clocks, measures, transfer, outcome
void addPlanStatisticsDocs(Catalogue& docs);  // focus tags, the risk ledger, figures by period

// ---- building blocks -----------------------------------------------------------------------
// An unnamed object (a whole body, an array's item) with exactly these fields.
FieldSchema object(std::vector<FieldSchema> fields);
// A named object field.
FieldSchema object(std::string name, std::vector<FieldSchema> fields);
// An unnamed array (a whole body).
FieldSchema arrayOf(FieldSchema item);
// A string of RFC 3339 date-time ("2026-03-14T02:00:00Z") / date ("2026-03-14").
FieldSchema dateTime(std::string name);
FieldSchema date(std::string name);
// An object whose keys are data (a map): any keys, each value of `value`'s type. Written
// as an Object field with no properties and `items` set to the value's schema, which
// openapi.cpp renders as additionalProperties.
FieldSchema mapOf(std::string name, FieldSchema value);
// A keyset page (conventions.hpp pageJson): {"items": [item...], "next_cursor": string | null}.
FieldSchema page(FieldSchema item);
// Its query parameters: limit and cursor (readPage).
std::vector<FieldSchema> pageQuery(std::vector<FieldSchema> more = {});
// {"items": [item...]} without paging.
FieldSchema items(FieldSchema item);
// An object of any shape (a document in its own format, e.g. this OpenAPI document).
FieldSchema anyObject(std::string name = "");

// Query parameters (never required unless said).
namespace query {
FieldSchema string(std::string name, std::string description);
FieldSchema integer(std::string name, std::string description);
FieldSchema boolean(std::string name, std::string description);
FieldSchema dateTime(std::string name, std::string description);
FieldSchema date(std::string name, std::string description);
}  // namespace query

// Answers.
ResponseSchema ok(FieldSchema body, std::string description = "Success.");
ResponseSchema created(FieldSchema body, std::string description = "Created.");
ResponseSchema accepted(FieldSchema body, std::string description = "Accepted.");
ResponseSchema noContent(std::string description = "Done; no content.");
ResponseSchema answer(int status, FieldSchema body, std::string description);
// A body that is not JSON (a PDF, a CSV, Prometheus text).
ResponseSchema media(int status, std::string mediaType, std::string description);

}  // namespace lims::api::schemas
