// The API answers as its OpenAPI document says (issue 19 item 7). The document is read
// without a token; then the whole chain is driven through the API as the people who do it
// (sampling -> receipt -> results -> review -> report -> notices -> case leads, the cold
// chain, instruments, administration), every other route is called on a record made for it
// (tests/support/route_recipes.hpp), and EVERY answer is checked against the schema the
// document declares for its route and status (problems against the Problem schema). The
// test fails for an answer that departs from its schema, for a route whose success status
// declares no schema, and for a route never answered with success here, each named with
// what it lacks. A short list exempts routes that cannot succeed in-process, each with its
// reason.
//
// LIMS_API_CONTRACT_DUMP=<file> writes every answer's body per operation and status as one
// JSON object, for a route owner writing its schema (lims/api/schemas/).
#include "route_recipes.hpp"
#include "sampling_values.hpp"
#include "test_service.hpp"
#include "json_schema_check.hpp"

#include "lims/api/json_text.hpp"
#include "lims/api/schemas/catalogue.hpp"
#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/domain/identifiers/credit_code.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using lims::api::Route;
using lims::domain::Role;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace lims::test {
namespace {

// Routes that cannot answer with success in-process, and why. Nothing else.
const std::map<std::string, std::string> kExempt{};

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string mediaTypeOf(const std::string& contentType) {
    auto semi = contentType.find(';');
    std::string t = contentType.substr(0, semi);
    while (!t.empty() && t.back() == ' ') t.pop_back();
    return lower(t);
}

std::string catalogueFileFor(const std::string& pattern) {
    for (const auto& [prefix, file] : std::vector<std::pair<std::string, std::string>>{
             {"/api/v1/coldchain", "coldchain"}, {"/api/v1/ingest", "ingest"}, {"/api/v1/instruments", "ingest"},
             {"/api/v1/quarantine", "ingest"}, {"/api/v1/raw-messages", "ingest"}, {"/api/v1/sampling-plans", "sampling"},
             {"/api/v1/tasks", "sampling"}, {"/api/v1/shipments", "sampling"}, {"/api/v1/samples", "sampling"},
             {"/api/v1/worklists", "review"}, {"/api/v1/tests", "review"}, {"/api/v1/reports", "review"},
             {"/api/v1/notices", "review"}, {"/api/v1/case-leads", "review"}, {"/verify", "review"},
             {"/api/v1/statistics", "review"}, {"/api/v1/overdue", "review"}, {"/api/v1/auth", "core"},
             {"/api/v1/me", "core"}, {"/healthz", "core"}, {"/metrics", "core"}, {"/api/v1/openapi", "core"}})
        if (pattern.compare(0, prefix.size(), prefix) == 0) return "lims/api/schemas/" + file + "_schemas.cpp";
    return "lims/api/schemas/admin_schemas.cpp (or the file of its prefix)";
}

class ApiContractTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        service = std::make_unique<TestService>(TestService::Options{.backend = GetParam()});
        auto reply = service->anonymous().get("/api/v1/openapi.json");
        ASSERT_EQ(reply.status, 200) << "the OpenAPI document is readable without a token: " << reply.describe();
        ASSERT_TRUE(reply.json()) << reply.describe();
        document = reply.json();
        note(service->router().match("GET", "/api/v1/openapi.json").index, reply);
    }

    void TearDown() override {
        if (const char* file = std::getenv("LIMS_API_CONTRACT_DUMP"); file && *file) {
            std::ofstream out(file);
            out << api::toJsonText(dump);
        }
    }

    std::unique_ptr<TestService> service;
    Object::Ptr document;
    std::map<std::size_t, std::set<int>> answered;  // route index -> statuses seen
    Object::Ptr dump = api::newObject();

    static std::string describe(const Route& r) { return r.method + " " + r.pattern + " (" + r.operationId + ")"; }

    // Checks one answer against the document and notes its route and status.
    void note(std::size_t index, const HttpReply& reply) {
        const Route& route = service->router().routes().at(index);
        answered[index].insert(reply.status);
        if (const char* file = std::getenv("LIMS_API_CONTRACT_DUMP"); file && *file && reply.isJson()) {
            Object::Ptr byStatus = dump->has(route.operationId) ? dump->getObject(route.operationId) : api::newObject();
            const std::string s = std::to_string(reply.status);
            Array::Ptr list = byStatus->has(s) ? byStatus->getArray(s) : Array::Ptr(new Array);
            list->add(reply.parsed);
            byStatus->set(s, list);
            dump->set(route.operationId, byStatus);
        }
        auto op = document->getObject("paths")->getObject(route.pattern);
        op = op ? op->getObject(lower(route.method)) : nullptr;
        if (!op) {
            ADD_FAILURE() << describe(route) << " is not in the OpenAPI document";
            return;
        }
        auto responses = op->getObject("responses");
        const std::string status = std::to_string(reply.status);
        auto declared = responses->has(status) ? responses->getObject(status) : responses->getObject("default");
        if (!declared) {
            ADD_FAILURE() << describe(route) << " answered " << status << ", which its document does not declare";
            return;
        }
        const std::string media = mediaTypeOf(reply.contentType);
        if (!declared->has("content")) {
            if (!reply.body.empty())
                ADD_FAILURE() << describe(route) << " answered " << status << " with a " << media
                              << " body, and its document declares no content for " << status
                              << (reply.status < 300 ? " (no response schema: add one in " + catalogueFileFor(route.pattern) + ")" : "");
            return;
        }
        auto content = declared->getObject("content");
        if (!content->has(media)) {
            ADD_FAILURE() << describe(route) << " answered " << status << " as " << media
                          << "; its document declares only " << api::toJsonText(content).substr(0, 200);
            return;
        }
        auto schema = content->getObject(media)->getObject("schema");
        if (media.find("json") == std::string::npos) return;  // a PDF, CSV or Prometheus text: its media type is the contract
        if (!reply.isJson()) {
            ADD_FAILURE() << describe(route) << " answered " << status << " with a body that is not JSON: " << reply.describe();
            return;
        }
        for (const auto& v : schemaViolations(reply.parsed, schema, document))
            ADD_FAILURE() << describe(route) << " answered " << status << " off its declared schema: " << v;
    }

    // One call, checked and noted.
    HttpReply call(const HttpClient& client, const std::string& method, const std::string& target,
                   const std::string& body = "", Headers headers = {}) {
        if (!body.empty() && !headers.count("Content-Type")) headers["Content-Type"] = "application/json";
        auto reply = client.request(method, target, body, headers);
        const std::string path = target.substr(0, target.find('?'));
        auto match = service->router().match(method, path);
        if (!match.route) {
            ADD_FAILURE() << method << " " << target << " matches no route";
            return reply;
        }
        note(match.index, reply);
        return reply;
    }
    HttpReply call(const std::string& user, const std::string& method, const std::string& target,
                   const std::string& body = "", Headers headers = {}) {
        return call(service->as(user), method, target, body, std::move(headers));
    }
    HttpReply call(const std::string& user, const std::string& method, const std::string& target,
                   const Object::Ptr& body, Headers headers = {}) {
        return call(user, method, target, body ? api::toJsonText(body) : std::string(), std::move(headers));
    }

    // Whether the router has a route for this (routes being added this session).
    bool routed(const std::string& method, const std::string& path) const {
        return service->router().match(method, path).route != nullptr;
    }

    bool succeeded(std::size_t index) const {
        auto it = answered.find(index);
        if (it == answered.end()) return false;
        for (int s : it->second)
            if (s >= 200 && s < 300) return true;
        return false;
    }

    // ---- the chain, as its people drive it ---------------------------------------------------
    static Headers ifMatch(const HttpReply& read) {
        if (!read.header("etag").empty()) return {{"If-Match", read.header("etag")}};
        if (read.json() && read.json()->has("version"))
            return {{"If-Match", "\"" + read.json()->get("version").toString() + "\""}};
        return {};
    }
    static Object::Ptr parse(const std::string& text) { return Poco::JSON::Parser().parse(text).extract<Object::Ptr>(); }
    static std::string user(Role role) { return TestService::username(role, Jurisdiction::A); }
    static std::string str(const HttpReply& r, const std::string& key) {
        return r.json() && r.json()->has(key) ? r.json()->get(key).toString() : std::string();
    }

    static int thisYear() {
        using namespace std::chrono;
        return static_cast<int>(year_month_day{floor<days>(system_clock::now() + hours(8))}.year());
    }

    std::string sampleNumber, secondSampleNumber, reportNumber, shipmentNumber;
    std::int64_t productId = 0, shipmentId = 0;

    // Plan -> task -> sample -> shipment -> receipt -> results -> review -> report -> notices -> case lead.
    void driveTheChain() {
        const std::string admin = TestService::kRootAdministrator;
        const std::string planner = user(Role::planner), sampler = user(Role::sampler), receiver = user(Role::receiver),
                          analyst = user(Role::analyst), reviewer = user(Role::reviewer), signatory = user(Role::signatory),
                          officer = user(Role::enforcement_officer);
        // The catalogue: a product with one specification line (a range the result will miss).
        auto product = call(admin, "POST", "/api/v1/products",
                            R"({"name":"Amoxicillin capsules","category":"drug","dosage_form":"capsule","approval_number":"H20044063","storage_class":"ambient"})");
        ASSERT_EQ(product.status, 201) << product.describe();
        productId = product.json()->getValue<std::int64_t>("id");
        auto line = call(admin, "POST", "/api/v1/products/" + std::to_string(productId) + "/specification-lines",
                         R"({"test_code":"ASSAY","item":"含量测定","requirement":"90.0–110.0","unit":"%","precision":1,"basis":"ChP 2025 Vol. II"})");
        ASSERT_EQ(line.status, 201) << line.describe();
        call(admin, "GET", "/api/v1/products");
        call(admin, "GET", "/api/v1/products/" + std::to_string(productId) + "/specification-lines");

        // The plan, published; its task started.
        const std::string y = std::to_string(thisYear());
        auto plan = call(planner, "POST", "/api/v1/sampling-plans",
                         R"({"code":"P-)" + y + R"(-C","title":"Antibiotics","year":)" + y + R"(,"starts_on":")" + y +
                             R"(-01-01","ends_on":")" + y + R"(-12-31","quotas":[{"office_id":)" +
                             std::to_string(service->organisationId(TestService::kOfficeA1)) +
                             R"(,"category":"drug","focus":"antibiotics","quantity":5,"due_on":")" + y + R"(-12-01"}]})");
        ASSERT_EQ(plan.status, 201) << plan.describe();
        call(planner, "GET", "/api/v1/sampling-plans/P-" + y + "-C");
        call(planner, "GET", "/api/v1/sampling-plans");
        auto published = call(planner, "POST", "/api/v1/sampling-plans/P-" + y + "-C/publish", "", ifMatch(plan));
        ASSERT_EQ(published.status, 200) << published.describe();
        auto task = published.json()->getArray("tasks")->getObject(0);
        const std::string taskNumber = task->getValue<std::string>("number");
        call(sampler, "GET", "/api/v1/tasks");
        auto readTask = call(sampler, "GET", "/api/v1/tasks/" + taskNumber);
        auto started = call(sampler, "POST", "/api/v1/tasks/" + taskNumber + "/start", "", ifMatch(readTask));
        ASSERT_EQ(started.status, 200) << started.describe();

        // The sample, registered at the pharmacy; shipped to the laboratory.
        auto registration = [&](int seal) {
            return R"({
          "task_number": ")" + taskNumber + R"(",
          "entity": {"name": "Renmin Pharmacy", "credit_code": ")" + credit_code("MA1FL0001") + R"(", "kind": "pharmacy", "address": "1 Nanjing Rd"},
          "product": {"id": )" + std::to_string(productId) + R"(, "name": "Amoxicillin capsules", "category": "drug", "dosage_form": "capsule", "specification": "0.25 g x 24",
                      "manufacturer_name": "Maker Co.", "manufacturer_credit_code": ")" + credit_code("MA1FL0002") + R"("},
          "batch_number": "B2401", "production_date": "2025-01-15", "expiry_date": "2027-01-14",
          "quantity": "6", "unit": "box", "test_quantity": "4", "retained_quantity": "2",
          "storage_condition": "ambient", "seal_numbers": ["CT-)" + std::to_string(seal) + R"("],
          "sampler_user_ids": [)" + std::to_string(service->userId(sampler)) + "," + std::to_string(service->userId("sampler2_a")) + R"(],
          "sampled_at": ")" + utc_minutes_ago(60) + R"(", "sampling_place": "dispensary shelf 3", "trace_codes": ["81234567890123456789"]})";
        };
        auto sample = call(sampler, "POST", "/api/v1/samples", registration(1));
        ASSERT_EQ(sample.status, 201) << sample.describe();
        sampleNumber = str(sample, "number");
        auto second = call(sampler, "POST", "/api/v1/samples", registration(2));
        ASSERT_EQ(second.status, 201) << second.describe();
        secondSampleNumber = str(second, "number");
        call(sampler, "GET", "/api/v1/samples");
        call(sampler, "GET", "/api/v1/samples/" + sampleNumber);
        auto shipment = call(sampler, "POST", "/api/v1/shipments",
                             R"({"samples":[")" + sampleNumber + R"(",")" + secondSampleNumber + R"("],"laboratory_id":)" +
                                 std::to_string(service->organisationId(TestService::kLabA)) + R"(,"carrier":"SF Express"})");
        ASSERT_EQ(shipment.status, 201) << shipment.describe();
        shipmentNumber = str(shipment, "number");
        shipmentId = shipment.json()->getValue<std::int64_t>("id");
        call(sampler, "GET", "/api/v1/shipments");
        call(sampler, "GET", "/api/v1/laboratories");
        call(sampler, "GET", "/api/v1/shipments/" + shipmentNumber);
        auto sent = call(sampler, "POST", "/api/v1/shipments/" + shipmentNumber + "/dispatch", "{}", ifMatch(shipment));
        ASSERT_EQ(sent.status, 200) << sent.describe();
        call(sampler, "GET", "/api/v1/notifications");
        auto came = call(receiver, "POST", "/api/v1/shipments/" + shipmentNumber + "/arrive", "{}", ifMatch(sent));
        ASSERT_EQ(came.status, 200) << came.describe();
        call(receiver, "GET", "/api/v1/coldchain/shipments/" + std::to_string(shipmentId) + "/verdict");
        call(receiver, "GET", "/api/v1/shipments/" + shipmentNumber + "/transport-box");
        for (const auto& number : {sampleNumber, secondSampleNumber}) {
            auto readSample = call(receiver, "GET", "/api/v1/samples/" + number);
            auto received = call(receiver, "POST", "/api/v1/samples/" + number + "/receipt",
                                 R"({"checklist":{"seals_intact":true,"seal_numbers_match":true,"labels_match":true,"quantity_matches":true,"package_condition":"good"},"decision":"accept"})",
                                 ifMatch(readSample));
            ASSERT_EQ(received.status, 200) << received.describe();
        }
        call(receiver, "GET", "/api/v1/samples/" + sampleNumber + "/custody");
        call(sampler, "GET", "/api/v1/samples/" + sampleNumber + "/sampling-record.pdf");

        // Results: entered, reviewed, verified.
        auto worklist = call(analyst, "GET", "/api/v1/worklists/tests");
        ASSERT_EQ(worklist.status, 200) << worklist.describe();
        std::string testId;
        auto items = worklist.array() ? worklist.array() : worklist.json() ? worklist.json()->getArray("items") : nullptr;
        ASSERT_TRUE(items && items->size() > 0) << worklist.describe();
        for (std::size_t i = 0; i < items->size(); ++i)
            if (items->getObject(i)->get("test_code").toString() == "ASSAY" && testId.empty())
                testId = items->getObject(i)->get("id").toString();
        ASSERT_FALSE(testId.empty()) << worklist.describe();
        auto readTest = call(analyst, "GET", "/api/v1/tests/" + testId);
        auto entered = call(analyst, "POST", "/api/v1/tests/" + testId + "/results", R"({"value":"80.2","unit":"%"})", ifMatch(readTest));
        ASSERT_EQ(entered.status, 201) << entered.describe();
        call(analyst, "GET", "/api/v1/worklists/results?test_id=" + testId);
        // Two people: a second analyst reviews, the reviewer verifies.
        service->addUser("analyst2_a", TestService::kLabA, {"analyst"});
        const std::string analyst2 = "analyst2_a";
        readTest = call(analyst2, "GET", "/api/v1/tests/" + testId);
        auto reviewed = call(analyst2, "POST", "/api/v1/tests/" + testId + "/review",
                             std::string(R"({"decision":"accept","password":")") + TestService::kPassword + R"("})", ifMatch(readTest));
        ASSERT_EQ(reviewed.status, 200) << reviewed.describe();
        readTest = call(reviewer, "GET", "/api/v1/tests/" + testId);
        auto verified = call(reviewer, "POST", "/api/v1/tests/" + testId + "/verify",
                             std::string(R"({"password":")") + TestService::kPassword + R"("})", ifMatch(readTest));
        ASSERT_EQ(verified.status, 200) << verified.describe();

        // The report: drafted, approved, issued; its PDF and the public check.
        auto draft = call(signatory, "POST", "/api/v1/samples/" + sampleNumber + "/reports", "");
        ASSERT_EQ(draft.status, 201) << draft.describe();
        reportNumber = str(draft, "number");
        auto approved = call(signatory, "POST", "/api/v1/reports/" + reportNumber + "/approve",
                             std::string(R"({"password":")") + TestService::kPassword + R"("})", ifMatch(draft));
        ASSERT_EQ(approved.status, 200) << approved.describe();
        auto issued = call(signatory, "POST", "/api/v1/reports/" + reportNumber + "/issue", R"({"serious_risk":false})", ifMatch(approved));
        ASSERT_EQ(issued.status, 200) << issued.describe();
        const std::string issuedAt = str(issued, "issued_at");
        auto report = call(signatory, "GET", "/api/v1/reports/" + reportNumber);
        call(signatory, "GET", "/api/v1/reports/" + reportNumber + "/pdf");
        call(service->anonymous(), "GET", "/verify/" + reportNumber + "?h=" + str(report, "pdf_sha256"));

        // Service of the report (送达) to the sampled unit, with its evidence, where the
        // service's routes are in the table.
        const std::string services = "/api/v1/reports/" + reportNumber + "/services";
        if (routed("GET", services)) {
            call(signatory, "GET", services);
            auto prepared = call(signatory, "POST", services,
                                 R"({"recipient":"sampled_unit","documents":["inspection_report"],"method":"in_person"})");
            EXPECT_EQ(prepared.status, 201) << prepared.describe();
            const std::string service = "/api/v1/document-services/" + str(prepared, "number");
            call(signatory, "GET", service);
            call(signatory, "GET", service + "/receipt.pdf");
            // Served today as a person in Beijing dates it (after 16:00 UTC that is tomorrow's
            // UTC date, and the report was issued on it).
            const std::string today = lims::domain::format_date(lims::domain::beijing_date(
                std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())));
            auto served = call(signatory, "POST", service + "/evidence",
                               R"({"served_on":")" + today + R"(","signed_by":"Li Ming, pharmacist in charge"})");
            EXPECT_EQ(served.status, 201) << served.describe();
        }

        // Notices of the nonconforming result, acknowledged by whoever receives one; the case
        // lead it opened, accepted and extended; a re-inspection applied for.
        for (const auto& who : {planner, officer, user(Role::bureau_viewer), std::string(TestService::kRootAdministrator)}) {
            auto notices = call(who, "GET", "/api/v1/notices");
            auto list = notices.json() ? notices.json()->getArray("items") : nullptr;
            for (std::size_t i = 0; list && i < list->size(); ++i) {
                auto n = list->getObject(i);
                if (n->get("state").toString() == "acknowledged") continue;
                auto ack = call(who, "POST", "/api/v1/notices/" + n->get("id").toString() + "/acknowledge",
                                R"({"reference":"received"})", {{"If-Match", "\"" + n->get("version").toString() + "\""}});
                call(TestService::kRootAdministrator, "GET", "/api/v1/notices/" + n->get("id").toString() + "/deliveries");
                if (ack.status == 200) break;
            }
        }
        call(planner, "GET", "/api/v1/overdue");
        auto leads = call(officer, "GET", "/api/v1/case-leads");
        auto leadList = leads.json() ? leads.json()->getArray("items") : nullptr;
        ASSERT_TRUE(leadList && leadList->size() > 0) << leads.describe();
        const std::string lead = leadList->getObject(0)->get("number").toString();
        auto readLead = call(officer, "GET", "/api/v1/case-leads/" + lead);
        auto extended = call(officer, "POST", "/api/v1/case-leads/" + lead + "/extension", R"({"approval":"director, 2026-12-01"})",
                             ifMatch(readLead));
        EXPECT_EQ(extended.status, 200) << extended.describe();
        readLead = call(officer, "GET", "/api/v1/case-leads/" + lead);
        auto stepped = call(officer, "POST", "/api/v1/case-leads/" + lead + "/steps", R"({"action":"accept"})", ifMatch(readLead));
        EXPECT_EQ(stepped.status, 200) << stepped.describe();
        // The case after the lead (case_routes.cpp): filed from the lead under investigation, then
        // every step of the case once.
        auto investigating = call(officer, "POST", "/api/v1/case-leads/" + lead + "/steps", R"({"action":"investigate"})",
                                  ifMatch(stepped));
        EXPECT_EQ(investigating.status, 200) << investigating.describe();
        auto filedCase = call(officer, "POST", "/api/v1/cases",
                              R"({"lead_number":")" + lead + R"(","approval":"director, 2026-12-02"})", ifMatch(investigating));
        ASSERT_EQ(filedCase.status, 201) << filedCase.describe();
        const std::string caseAt = "/api/v1/cases/" + filedCase.json()->get("number").toString();
        call(officer, "GET", "/api/v1/cases");
        call(officer, "GET", caseAt);
        HttpReply last = filedCase;
        for (const auto& [sub, body] : std::vector<std::pair<std::string, std::string>>{
                 {"/pause", R"({"reason":"testing","note":"sent to the provincial institute"})"},
                 {"/resume", "{}"},
                 {"/extension", R"({"reason":"complex","approver":"director"})"},
                 {"/measures", R"({"kind":"seizure","document_number":"SEIZE-1","scope":"120 boxes"})"},
                 {"/measures/1/extension", R"({"reason":"testing not finished","approver":"director"})"},
                 {"/measures/1/pause", R"({"reason":"testing","note":"seized goods sent for testing"})"},
                 {"/measures/1/resume", "{}"},
                 {"/measures/1/end", R"({"result":"confiscated"})"},
                 {"/transfer", R"({"grounds":"suspected counterfeit drug"})"},
                 {"/transfer/decision", R"({"decision":"approve","approver":"director"})"},
                 {"/transfer/handover", R"({"police_body":"city police","reference":"T-1"})"},
                 {"/outcome", R"({"kind":"withdrawn","approval":"director","reason":"the police took the case"})"}}) {
            last = call(officer, "POST", caseAt + sub, body, ifMatch(last));
            EXPECT_EQ(last.status, 200) << sub << ": " << last.describe();
        }
        auto reinspection = call(receiver, "POST", "/api/v1/samples/" + sampleNumber + "/reinspection",
                                 R"({"applicant":"sampled_unit","applicant_name":"Renmin Pharmacy","report_received_at":")" +
                                     issuedAt + R"("})");
        EXPECT_EQ(reinspection.status, 201) << reinspection.describe();
        call(planner, "GET", "/api/v1/samples/" + sampleNumber + "/reinspection");
        auto handedOver = call(receiver, "POST", "/api/v1/samples/" + sampleNumber + "/reinspection/handover",
                               R"({"seal_numbers":["CT-1"],"seals_intact":true,"received_by":"Qian Qi"})");
        EXPECT_EQ(handedOver.status, 201) << handedOver.describe();
        // The directory of re-inspection laboratories, kept by the administrator.
        auto listedLab = call(TestService::kRootAdministrator, "POST", "/api/v1/reinspection-laboratories",
                              std::string(R"({"organisation_code":")") + TestService::kLabB +
                                  R"(","category":"cosmetic","basis":"NMPA notice 2025-1"})");
        EXPECT_EQ(listedLab.status, 201) << listedLab.describe();
        call(planner, "GET", "/api/v1/reinspection-laboratories?category=cosmetic");
        auto delisted = call(TestService::kRootAdministrator, "POST", "/api/v1/reinspection-laboratories/delisting",
                             std::string(R"({"organisation_code":")") + TestService::kLabB +
                                 R"(","category":"cosmetic","basis":"NMPA notice 2026-3"})");
        EXPECT_EQ(delisted.status, 201) << delisted.describe();
        call(planner, "GET", "/api/v1/statutory-rules");
        call(planner, "GET", "/api/v1/regions");
        call(planner, "GET", "/api/v1/statistics");
        call(planner, "GET", "/api/v1/statistics/samples");
        call(planner, "GET", "/api/v1/statistics/case-leads");
        call(planner, "GET", "/api/v1/calendar");
        call(planner, "GET", "/api/v1/calendar/clocks?due_at=" + utc_minutes_ago(-60 * 24 * 10));
        call(planner, "GET", "/api/v1/sampling-plans");
    }

    static std::int64_t epochNow() {
        return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    }
    HttpClient ingest() {
        return service->withToken(service->serviceToken(TestService::username(Role::ingest_service, Jurisdiction::A)));
    }

    // A refrigerator with its contacts and a logger; readings out of range; the alarm
    // acknowledged; the status, excursions and compliance read; a transport box bound.
    void driveColdChain() {
        const std::string admin = TestService::kRootAdministrator;
        // The laboratory's refrigerator, its logger read by the laboratory's gateway; the office's cool box.
        const std::string office = std::to_string(service->organisationId(TestService::kOfficeA1));
        const std::string lab = std::to_string(service->organisationId(TestService::kLabA));
        auto unit = call(admin, "POST", "/api/v1/coldchain/storage-units",
                         R"({"code":"CT-F1","name":"Vaccine fridge","kind":"refrigerator","storage_class":"refrigerated","org_id":)" +
                             lab + R"(,"min_centi_celsius":200,"max_centi_celsius":800})");
        ASSERT_EQ(unit.status, 201) << unit.describe();
        const std::string unitId = str(unit, "id");
        auto box = call(admin, "POST", "/api/v1/coldchain/storage-units",
                        R"({"code":"CT-BOX1","name":"Cool box","kind":"transport_box","storage_class":"refrigerated","org_id":)" +
                            office + R"(,"min_centi_celsius":200,"max_centi_celsius":800})");
        EXPECT_EQ(box.status, 201) << box.describe();
        call(admin, "GET", "/api/v1/coldchain/storage-units");
        // Contacts: the receiver (a user, so the alarm reaches their notifications) and three more.
        std::vector<std::string> contacts;
        for (const std::string body : {R"("name":"Receiver","user_id":)" + std::to_string(service->userId(user(Role::receiver))),
                                       std::string(R"("name":"Duty 1","email":"duty-1@example.org")"),
                                       std::string(R"("name":"Duty 2","email":"duty-2@example.org")"),
                                       std::string(R"("name":"Duty 3","phone":"+86 21 5555 0000")")}) {
            auto contact = call(admin, "POST", "/api/v1/coldchain/contacts", R"({"org_id":)" + lab + "," + body + "}");
            EXPECT_EQ(contact.status, 201) << contact.describe();
            contacts.push_back(str(contact, "id"));
        }
        call(admin, "GET", "/api/v1/coldchain/storage-units/" + unitId + "/contacts");
        auto changed = call(admin, "PUT", "/api/v1/coldchain/contacts/" + contacts.back(),
                            R"({"name":"Duty 3","phone":"+86 21 5555 0001"})");
        EXPECT_EQ(changed.status, 200) << changed.describe();
        auto removed = call(admin, "DELETE", "/api/v1/coldchain/contacts/" + str(changed, "id"));
        EXPECT_EQ(removed.status, 200) << removed.describe();
        auto logger = call(admin, "POST", "/api/v1/coldchain/loggers",
                           R"({"serial":"CT-L1","model":"sim","organisation_code":"LAB-A"})");
        ASSERT_EQ(logger.status, 201) << logger.describe();
        const std::string loggerId = str(logger, "id");
        const std::string at = "/api/v1/coldchain/loggers/" + loggerId;
        call(admin, "GET", "/api/v1/coldchain/loggers");
        auto read = call(admin, "GET", at);
        call(admin, "PUT", at, R"({"model":"sim-2","organisation_code":"LAB-A"})", ifMatch(read));
        const std::string pollingBody =
            R"({"transport":"modbus_tcp","address":"127.0.0.1:1502","map_file":"messages/modbus/freezer_logger.json"})";
        auto polling = call(admin, "PUT", at + "/polling", pollingBody, {{"If-None-Match", "*"}});
        EXPECT_EQ(polling.status, 200) << polling.describe();
        auto current = call(admin, "GET", at + "/polling");
        polling = call(admin, "PUT", at + "/polling", pollingBody, ifMatch(current));
        EXPECT_EQ(polling.status, 200) << polling.describe();
        const std::int64_t t0 = epochNow() - 3600;
        auto placed = call(admin, "POST", at + "/placements",
                           R"({"storage_unit_id":)" + unitId + R"(,"from_utc":)" + std::to_string(t0) + "}");
        EXPECT_EQ(placed.status, 201) << placed.describe();
        call(admin, "GET", at + "/placements");
        std::string readings;
        for (int i = 1; i <= 20; ++i)
            readings += std::string(i > 1 ? "," : "") + R"({"logger":"CT-L1","at_utc":)" + std::to_string(t0 + i * 120) +
                        R"(,"centi_celsius":)" + (i < 3 ? "500" : "1200") + "}";
        auto ingested = call(ingest(), "POST", "/api/v1/ingest/readings", R"({"readings":[)" + readings + "]}",
                             {{"Idempotency-Key", "contract-readings-1"}});
        EXPECT_LT(ingested.status, 300) << ingested.describe();
        call(admin, "GET", at + "/readings?from=" + std::to_string(t0) + "&to=" + std::to_string(epochNow()));
        call(admin, "GET", at + "/recording-gaps");
        auto alarms = call(admin, "GET", "/api/v1/coldchain/alarms?logger_id=" + loggerId);
        call(admin, "GET", "/api/v1/coldchain/excursions");
        call(admin, "GET", "/api/v1/coldchain/site-status");
        call(admin, "GET", "/api/v1/coldchain/recording-compliance");
        Array::Ptr list = alarms.array() ? alarms.array() : alarms.json() ? alarms.json()->getArray("items") : nullptr;
        if (list && list->size() > 0) {
            const std::string alarmId = list->getObject(0)->get("id").toString();
            Headers h;
            if (list->getObject(0)->has("version"))
                h["If-Match"] = "\"" + list->getObject(0)->get("version").toString() + "\"";
            auto ack = call(user(Role::receiver), "POST", "/api/v1/coldchain/alarms/" + alarmId + "/acknowledgement",
                            R"({"note":"door closed, stock checked"})", h);
            EXPECT_EQ(ack.status, 200) << ack.describe();
            notificationsOf(user(Role::receiver));
        } else {
            ADD_FAILURE() << "no alarm after 36 minutes at 12 °C: " << alarms.describe();
        }
        if (shipmentId) {
            auto bound = call(user(Role::sampler), "POST",
                              "/api/v1/coldchain/shipments/" + std::to_string(shipmentId) + "/transport-box",
                              R"({"storage_unit_id":)" + str(box, "id") + R"(,"at_utc":)" + std::to_string(epochNow() - 60) + "}");
            EXPECT_EQ(bound.status, 204) << bound.describe();
        }
        // Excursion rules: the defaults, the unit's, a product class's; each set once.
        if (routed("GET", "/api/v1/coldchain/storage-units/" + unitId + "/excursion-rules")) {
            const std::string rules = "/api/v1/coldchain/storage-units/" + unitId + "/excursion-rules";
            auto read = call(admin, "GET", rules);
            auto set = call(admin, "PUT", rules, R"({"reason":"vaccines: 2-8 °C strictly","max_centi_celsius":800})",
                            {{"If-None-Match", "*"}});
            EXPECT_EQ(set.status, 200) << set.describe();
            const std::string cls = "/api/v1/coldchain/product-classes/vaccine/refrigerated/excursion-rules";
            auto readClass = call(admin, "GET", cls);
            auto setClass = call(admin, "PUT", cls, R"({"reason":"vaccines","max_centi_celsius":800})", {{"If-None-Match", "*"}});
            EXPECT_EQ(setClass.status, 200) << setClass.describe();
        }
        // The organisation's notice contacts.
        auto orgContact = call(admin, "POST", "/api/v1/organisations/" + office + "/contacts",
                               R"({"role":"notices","name":"Office desk","email":"desk@example.org"})");
        EXPECT_EQ(orgContact.status, 201) << orgContact.describe();
        call(admin, "GET", "/api/v1/organisations/" + office + "/contacts");
        auto orgChanged = call(admin, "PUT", "/api/v1/organisation-contacts/" + str(orgContact, "id"),
                               R"({"role":"notices","name":"Office desk","email":"desk2@example.org"})");
        EXPECT_EQ(orgChanged.status, 200) << orgChanged.describe();
        auto orgRemoved = call(admin, "DELETE", "/api/v1/organisation-contacts/" + str(orgChanged, "id"));
        EXPECT_EQ(orgRemoved.status, 200) << orgRemoved.describe();
    }

    // An HPLC with a mapping; a message from it whose specimen is unknown (quarantined),
    // assigned; another discarded; the host query.
    void driveInstruments() {
        const std::string admin = TestService::kRootAdministrator;
        auto made = call(admin, "POST", "/api/v1/instruments",
                         R"({"code":"CT-HPLC","organisation_code":"LAB-A","name":"HPLC","family":"hl7","transport":"tcp_listen"})");
        ASSERT_EQ(made.status, 201) << made.describe();
        call(admin, "GET", "/api/v1/instruments");
        auto read = call(admin, "GET", "/api/v1/instruments/CT-HPLC");
        call(admin, "PUT", "/api/v1/instruments/CT-HPLC",
             R"({"code":"CT-HPLC","organisation_code":"LAB-A","name":"HPLC 2","family":"hl7","transport":"tcp_listen"})", ifMatch(read));
        auto mapping = call(admin, "POST", "/api/v1/instruments/CT-HPLC/mappings", R"({"instrument_test_code":"AS","test_code":"ASSAY"})");
        EXPECT_EQ(mapping.status, 201) << mapping.describe();
        call(admin, "GET", "/api/v1/instruments/CT-HPLC/mappings");
        call(admin, "PUT", "/api/v1/instruments/CT-HPLC/mappings/" + str(mapping, "id"),
             R"({"instrument_test_code":"AS","test_code":"ASSAY","result_unit":"%"})", ifMatch(mapping));
        for (const char* specimen : {"NO-SUCH-1", "NO-SUCH-2"}) {
            const std::string raw = std::string("MSH|^~\\&|HPLC|LAB|LIMS|SH|20261123||ORU^R01|") + specimen + "|P|2.5\r";
            std::string b64;
            {
                std::ostringstream out;
                Poco::Base64Encoder enc(out);
                enc.rdbuf()->setLineLength(0);
                enc << raw;
                enc.close();
                b64 = out.str();
            }
            auto sent = call(ingest(), "POST", "/api/v1/ingest/observations",
                             R"({"messages":[{"instrument":"CT-HPLC","protocol":"hl7","raw_base64":")" + b64 +
                                 R"(","received_at":")" + utc_minutes_ago(5) + R"(","observations":[{"specimen_id":")" + specimen +
                                 R"(","test_code":"AS","value":"99.1","units":"%","status":"F"}]}]})",
                             {{"Idempotency-Key", std::string("contract-") + specimen}});
            EXPECT_LT(sent.status, 300) << sent.describe();
        }
        call(ingest(), "GET", "/api/v1/ingest/orders?instrument=CT-HPLC&specimen=" + sampleNumber);
        auto quarantine = call(user(Role::analyst), "GET", "/api/v1/quarantine");
        Array::Ptr list = quarantine.array() ? quarantine.array() : quarantine.json() ? quarantine.json()->getArray("items") : nullptr;
        ASSERT_TRUE(list && list->size() >= 2) << quarantine.describe();
        for (std::size_t i = 0; i < 2; ++i) {
            const std::string id = list->getObject(i)->get("id").toString();
            auto entry = call(user(Role::analyst), "GET", "/api/v1/quarantine/" + id);
            if (entry.json() && entry.json()->has("raw_message_id"))
                call(user(Role::analyst), "GET", "/api/v1/raw-messages/" + entry.json()->get("raw_message_id").toString());
            if (i == 0) {
                auto discarded = call(user(Role::analyst), "POST", "/api/v1/quarantine/" + id + "/discard",
                                      R"({"reason":"a test run"})", ifMatch(entry));
                EXPECT_EQ(discarded.status, 200) << discarded.describe();
            } else {
                auto assigned = call(user(Role::analyst), "POST", "/api/v1/quarantine/" + id + "/assign",
                                     R"({"sample_number":")" + secondSampleNumber + R"(","test_code":"ASSAY"})", ifMatch(entry));
                EXPECT_EQ(assigned.status, 200) << assigned.describe();
            }
        }
    }

    // A person's notifications: listed, one read, marked read and acknowledged.
    void notificationsOf(const std::string& who) {
        auto list = call(who, "GET", "/api/v1/notifications?unread=true");
        auto items = list.json() ? list.json()->getArray("items") : nullptr;
        ASSERT_TRUE(items && items->size() > 0) << who << " has no notification: " << list.describe();
        auto first = items->getObject(0);
        const std::string at = "/api/v1/notifications/" + first->get("source").toString() + "/" + first->get("id").toString();
        auto one = call(who, "GET", at);
        auto read = call(who, "POST", at + "/read", "{}", ifMatch(one));
        EXPECT_EQ(read.status, 200) << read.describe();
        auto acknowledged = call(who, "POST", at + "/acknowledgement", R"({"note":"seen"})", ifMatch(read));
        EXPECT_EQ(acknowledged.status, 200) << acknowledged.describe();
    }

    // Organisations, users, entities, tokens, one's own account; the case lead opened by hand.
    void driveAdministration() {
        const std::string admin = TestService::kRootAdministrator;
        auto org = call(admin, "POST", "/api/v1/organisations",
                        R"({"code":"OFFICE-A9","name":"Supervision office 9","kind":"supervision_office","region_code":"310101","parent_id":)" +
                            std::to_string(service->organisationId(TestService::kBureauA)) + "}");
        EXPECT_EQ(org.status, 201) << org.describe();
        call(admin, "GET", "/api/v1/organisations");
        auto person = call(admin, "POST", "/api/v1/users",
                           R"({"username":"contract_user","display_name":"Contract","organisation_id":)" +
                               std::to_string(service->organisationId(TestService::kOfficeA1)) +
                               R"(,"roles":["sampler"],"password":")" + TestService::kPassword + R"("})");
        EXPECT_EQ(person.status, 201) << person.describe();
        call(admin, "GET", "/api/v1/users");
        auto gateway = call(admin, "POST", "/api/v1/auth/service-tokens",
                            R"({"user_id":)" + std::to_string(service->userId(user(Role::ingest_service))) + "}");
        EXPECT_EQ(gateway.status, 201) << gateway.describe();
        auto entity = call(admin, "POST", "/api/v1/regulated-entities",
                           R"({"name":"Contract Pharmacy","kind":"pharmacy","jurisdiction_org_id":)" +
                               std::to_string(service->organisationId(TestService::kBureauA)) + R"(,"region_code":"310101"})");
        EXPECT_EQ(entity.status, 201) << entity.describe();
        call(admin, "GET", "/api/v1/regulated-entities");
        auto lead = call(user(Role::enforcement_officer), "POST", "/api/v1/case-leads",
                         R"({"subject_entity_id":)" + str(entity, "id") + R"(,"summary":"A complaint about storage"})");
        EXPECT_EQ(lead.status, 201) << lead.describe();
        // One's own account: read, password changed, a second session logged in and out.
        auto login = call(service->anonymous(), "POST", "/api/v1/auth/login",
                          R"({"username":"contract_user","password":")" + std::string(TestService::kPassword) + R"("})");
        ASSERT_EQ(login.status, 200) << login.describe();
        HttpClient me = service->withToken(str(login, "token"));
        call(me, "GET", "/api/v1/me");
        call(me, "POST", "/api/v1/me/password",
             R"({"current_password":")" + std::string(TestService::kPassword) + R"(","new_password":"contract-password-2"})");
        auto again = call(service->anonymous(), "POST", "/api/v1/auth/login",
                          R"({"username":"contract_user","password":"contract-password-2"})");
        call(service->withToken(str(again, "token")), "POST", "/api/v1/auth/logout", "");
        call(service->anonymous(), "GET", "/healthz");
        call(service->as(admin), "GET", "/metrics");
        // Publication (publication_routes.cpp): a list of March and the national platform export.
        auto list = call(user(Role::planner), "POST", "/api/v1/publication-lists",
                         R"({"period_from":"2026-03-01","period_to":"2026-03-31"})");
        EXPECT_EQ(list.status, 201) << list.describe();
        call(user(Role::planner), "GET", "/api/v1/publication-lists");
        for (const char* file : {"samples.csv", "results.csv", "export.xlsx"})
            call(user(Role::planner), "GET",
                 std::string("/api/v1/platform-export/") + file + "?sampled_from=2026-01-01&sampled_to=2026-03-31");
        // The risk ledger: a risk with an item for the office to close (risk_routes.cpp).
        auto risk = call(user(Role::planner), "POST", "/api/v1/risks",
                         R"({"title":"风险","source":"风险会商","focus_tag":"vaccine","region_code":"310101","items":[{"description":"整改","responsible_org_id":)" +
                             std::to_string(service->organisationId(TestService::kOfficeA1)) + R"(,"due_on":"2026-12-31"}]})");
        EXPECT_EQ(risk.status, 201) << risk.describe();
    }

    // Who calls a route in the sweep: the first of its roles, in jurisdiction A.
    static std::string callerFor(const Route& route) {
        if (route.roles.empty()) return TestService::kRootAdministrator;
        const auto roles = route.roles.roles();
        for (auto role : roles)
            if (role == Role::administrator) return TestService::kRootAdministrator;
        return TestService::username(roles.front(), Jurisdiction::A);
    }

    // Every route not yet answered with success, called on a record made by its recipe.
    void sweep() {
        const auto& routes = service->router().routes();
        for (std::size_t i = 0; i < routes.size(); ++i) {
            const Route& r = routes[i];
            if (succeeded(i) || kExempt.count(r.operationId)) continue;
            RouteRecord record;
            if (r.pattern.find('{') != std::string::npos) {
                auto recipe = routeRecipes().find(r.pattern);
                if (recipe == routeRecipes().end()) continue;  // reported below as never exercised
                record = recipe->second.make(*service, Jurisdiction::A);
            }
            const std::string path = fillPattern(r.pattern, record.params);
            std::string body = r.body ? (record.body ? api::toJsonText(record.body) : "{}") : "";
            Headers headers;
            if ((r.method == "PUT" || r.method == "POST") && r.pattern.find('{') != std::string::npos) {
                // The record's current version, as a client that just read it sends it.
                const std::string record = path.substr(0, path.rfind('/'));
                for (const auto& target : {path, record}) {
                    auto read = service->as(callerFor(r)).get(target);
                    if (!read.header("etag").empty()) headers["If-Match"] = read.header("etag");
                    else if (read.json() && read.json()->has("version"))
                        headers["If-Match"] = "\"" + read.json()->get("version").toString() + "\"";
                    if (headers.count("If-Match")) break;
                }
            }
            HttpClient client = r.auth == api::AuthRequirement::Public ? service->anonymous()
                                : r.auth == api::AuthRequirement::Ingest
                                    ? service->withToken(service->serviceToken(TestService::username(Role::ingest_service, Jurisdiction::A)))
                                    : service->as(callerFor(r));
            call(client, r.method, path, body, headers);
        }
    }

    // The verdict over the whole route table.
    void expectEveryRouteDeclaredAndExercised() {
        const auto& routes = service->router().routes();
        std::vector<std::string> undeclared, unexercised;
        for (std::size_t i = 0; i < routes.size(); ++i) {
            const Route& r = routes[i];
            auto op = document->getObject("paths")->getObject(r.pattern)->getObject(lower(r.method));
            auto success = op->getObject("responses")->getObject(std::to_string(r.successStatus));
            if (r.successStatus != 204 && (!success || !success->has("content")))
                undeclared.push_back(describe(r) + ": no response schema for " + std::to_string(r.successStatus) +
                                     " (declare it in " + catalogueFileFor(r.pattern) + ")");
            if (kExempt.count(r.operationId)) continue;
            if (!succeeded(i)) {
                std::string seen;
                if (answered.count(i))
                    for (int s : answered.at(i)) seen += (seen.empty() ? "" : ", ") + std::to_string(s);
                unexercised.push_back(describe(r) + ": never answered with success here (answers: " +
                                      (seen.empty() ? "none" : seen) + "); drive it in api_contract_test.cpp" +
                                      (r.pattern.find('{') != std::string::npos && !routeRecipes().count(r.pattern)
                                           ? " or add a recipe in tests/support/route_recipes.cpp"
                                           : ""));
            }
        }
        // Declarations for an operation the router no longer has (renamed or removed).
        std::set<std::string> operations;
        for (const auto& r : routes) operations.insert(r.operationId);
        for (const auto& [operationId, doc] : api::schemas::catalogue())
            if (!operations.count(operationId))
                undeclared.push_back("the catalogue declares " + operationId + ", which no route has (renamed or removed?)");
        std::string list;
        for (const auto& u : undeclared) list += "\n  " + u;
        EXPECT_TRUE(undeclared.empty()) << undeclared.size() << " route(s) without a response schema:" << list;
        list.clear();
        for (const auto& u : unexercised) list += "\n  " + u;
        EXPECT_TRUE(unexercised.empty()) << unexercised.size() << " route(s) never exercised with success:" << list;
    }
};

TEST_P(ApiContractTest, EveryRouteAnswersAsItsDocumentDeclares) {
    driveTheChain();
    driveColdChain();
    driveInstruments();
    driveAdministration();
    sweep();
    expectEveryRouteDeclaredAndExercised();
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiContractTest, kBothBackends, backendName);

}  // namespace
}  // namespace lims::test
