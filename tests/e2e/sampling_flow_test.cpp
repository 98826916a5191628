// The sampling workflow end to end over loopback, as the people who do it: a planner
// plans, an office's samplers register and ship, the laboratory's receivers accept one
// sample and reject another; the chain of custody and the audit entries are read back.
// Also: Idempotency-Key replays, If-Match races (one receiver wins), and bad input to
// each sampling route named by field with nothing written.
#include "tests/support/sampling_values.hpp"
#include "tests/support/test_service.hpp"

#include "lims/domain/identifiers/credit_code.hpp"
#include "lims/store/audit.hpp"
#include "lims/workflow/documents/document_source.hpp"

#include <Poco/Data/Session.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

using namespace lims;
using namespace lims::test;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

int this_year() {
    using namespace std::chrono;
    return static_cast<int>(year_month_day{floor<days>(system_clock::now() + hours(8))}.year());
}

Headers if_match(const HttpReply& reply) { return {{"If-Match", reply.header("etag")}}; }
Headers if_match(std::int64_t version) { return {{"If-Match", "\"" + std::to_string(version) + "\""}}; }

Object::Ptr parse(const std::string& text) { return Poco::JSON::Parser().parse(text).extract<Object::Ptr>(); }

std::string first_error_field(const HttpReply& r) {
    auto j = r.json();
    if (!j || !j->has("errors")) return "(no errors[] in " + r.describe() + ")";
    auto errors = j->getArray("errors");
    if (errors->size() == 0) return "(empty errors[])";
    return errors->getObject(0)->getValue<std::string>("field");
}

// Runs on SQLite and on PostgreSQL (LIMS_TEST_PG; see tests/support/test_database.hpp).
class SamplingFlowTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        service = std::make_unique<TestService>(TestService::Options{.backend = GetParam()});
    }

    std::unique_ptr<TestService> service;
    int seal_ = 0;

    std::string planner() { return TestService::username(domain::Role::planner, Jurisdiction::A); }
    std::string sampler() { return TestService::username(domain::Role::sampler, Jurisdiction::A); }
    std::string receiver() { return TestService::username(domain::Role::receiver, Jurisdiction::A); }

    std::int64_t count(const std::string& table) {
        Poco::Data::Session s = service->rawSession();
        Poco::Int64 n = 0;
        s << "SELECT count(*) FROM " + table, Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
        return n;
    }

    // A catalogue product with one specification line, so the laboratory's receipt hook
    // (review: tests from the catalogue) has something to set up. Reference data, written
    // straight into the store as an administrator's import would.
    std::int64_t product_id() {
        if (product_id_) return product_id_;
        Poco::Data::Session s = service->rawSession();
        using namespace Poco::Data::Keywords;
        s << "INSERT INTO products (name, category, storage_class, created_at, updated_at) VALUES "
             "('Amoxicillin capsules', 'drug', 'ambient', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')", now;
        Poco::Int64 id = 0;
        s << "SELECT max(id) FROM products", into(id), now;
        s << "INSERT INTO specification_lines (product_id, standard_ref, test_code, test_name, limit_kind, lower_limit, "
             "upper_limit, unit, decimal_places, created_at, updated_at) VALUES (" + std::to_string(id) +
                 ", 'ChP 2020', 'ASSAY', 'Assay', 'range', '90.0', '110.0', '%', 1, '2026-01-01T00:00:00.000Z', "
                 "'2026-01-01T00:00:00.000Z')", now;
        product_id_ = id;
        return id;
    }
    std::int64_t product_id_ = 0;

    // Plan for OFFICE-A1, published, its task started by the office's sampler: the task number.
    std::string started_task() {
        const int y = this_year();
        auto plan = parse(R"({"code":"P-)" + std::to_string(y) + R"(-A","title":"Antibiotics","year":)" + std::to_string(y) +
                          R"(,"starts_on":")" + std::to_string(y) + R"(-01-01","ends_on":")" + std::to_string(y) +
                          R"(-12-31","quotas":[{"office_id":)" +
                          std::to_string(service->organisationId(TestService::kOfficeA1)) +
                          R"(,"category":"drug","focus":"antibiotics","quantity":5,"due_on":")" + std::to_string(y) +
                          R"(-12-01"}]})");
        auto created = service->as(planner()).post("/api/v1/sampling-plans", plan);
        EXPECT_EQ(created.status, 201) << created.describe();
        auto published = service->as(planner()).post("/api/v1/sampling-plans/" + plan->getValue<std::string>("code") + "/publish",
                                                     "", if_match(created));
        EXPECT_EQ(published.status, 200) << published.describe();
        auto task = published.json()->getArray("tasks")->getObject(0);
        EXPECT_EQ(task->getValue<std::string>("state"), "assigned");
        const std::string number = task->getValue<std::string>("number");
        auto started = service->as(sampler()).post("/api/v1/tasks/" + number + "/start", "",
                                                  if_match(task->getValue<std::int64_t>("version")));
        EXPECT_EQ(started.status, 200) << started.describe();
        return number;
    }

    // Another catalogue product, optionally with one specification line: its id.
    std::int64_t catalogue_product(const std::string& name, const std::string& category, bool with_line) {
        Poco::Data::Session s = service->rawSession();
        using namespace Poco::Data::Keywords;
        s << "INSERT INTO products (name, category, storage_class, created_at, updated_at) VALUES ('" + name + "', '" +
                 category + "', 'ambient', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')", now;
        Poco::Int64 id = 0;
        s << "SELECT max(id) FROM products", into(id), now;
        if (with_line)
            s << "INSERT INTO specification_lines (product_id, standard_ref, test_code, test_name, limit_kind, "
                 "expected_text, unit, decimal_places, created_at, updated_at) VALUES (" + std::to_string(id) +
                     ", 'ChP 2025', 'LOOK', 'Appearance', 'qualitative', 'conforms', '', 0, "
                     "'2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')", now;
        return id;
    }

    // Registered from the pack's label alone: no catalogue product picked in the field.
    Object::Ptr label_only_registration(const std::string& task) {
        auto b = registration(task);
        b->getObject("product")->remove("id");
        return b;
    }

    Object::Ptr registration(const std::string& task, const std::string& storage = "ambient") {
        ++seal_;
        auto b = parse(R"({
          "task_number": ")" + task + R"(",
          "entity": {"name": "Renmin Pharmacy", "credit_code": ")" + credit_code("MA1FL0001") + R"(", "kind": "pharmacy", "address": "1 Nanjing Rd"},
          "product": {"id": )" + std::to_string(product_id()) + R"(, "name": "Amoxicillin capsules", "category": "drug", "dosage_form": "capsule", "specification": "0.25 g x 24",
                      "manufacturer_name": "Maker Co.", "manufacturer_credit_code": ")" + credit_code("MA1FL0002") + R"("},
          "batch_number": "B2401", "production_date": "2025-01-15", "expiry_date": "2027-01-14",
          "quantity": "6", "unit": "box", "test_quantity": "4", "retained_quantity": "2",
          "storage_condition": ")" + storage + R"(",
          "seal_numbers": ["E2E-)" + std::to_string(seal_) + R"(-1", "E2E-)" + std::to_string(seal_) + R"(-2"],
          "sampler_user_ids": [)" + std::to_string(service->userId(sampler())) + "," +
                        std::to_string(service->userId("sampler2_a")) + R"(],
          "sampled_at": ")" + utc_minutes_ago(60) + R"(",
          "sampling_place": "dispensary shelf 3",
          "trace_codes": ["81234567890123456789"]})");
        return b;
    }

    // Registers, ships to LAB-A, dispatches and records arrival: the sample numbers.
    std::vector<std::string> arrived(const std::string& task, int n, bool from_label = false) {
        std::vector<std::string> numbers;
        Array::Ptr list = new Array;
        for (int i = 0; i < n; ++i) {
            auto r = service->as(sampler()).post("/api/v1/samples",
                                                 from_label ? label_only_registration(task) : registration(task));
            EXPECT_EQ(r.status, 201) << r.describe();
            numbers.push_back(r.json()->getValue<std::string>("number"));
            list->add(numbers.back());
        }
        Object::Ptr shipment = new Object;
        shipment->set("samples", list);
        shipment->set("laboratory_id", service->organisationId(TestService::kLabA));
        shipment->set("carrier", "SF Express");
        auto created = service->as(sampler()).post("/api/v1/shipments", shipment);
        EXPECT_EQ(created.status, 201) << created.describe();
        const std::string number = created.json()->getValue<std::string>("number");
        auto sent = service->as(sampler()).post("/api/v1/shipments/" + number + "/dispatch", "{}",
                                               {{"If-Match", created.header("etag")}, {"Content-Type", "application/json"}});
        EXPECT_EQ(sent.status, 200) << sent.describe();
        auto came = service->as(receiver()).post("/api/v1/shipments/" + number + "/arrive", "{}",
                                                {{"If-Match", sent.header("etag")}, {"Content-Type", "application/json"}});
        EXPECT_EQ(came.status, 200) << came.describe();
        return numbers;
    }

    static Object::Ptr decision(const std::string& d, const std::string& reason = "", bool seals_intact = true) {
        auto b = parse(R"({"checklist":{"seals_intact":)" + std::string(seals_intact ? "true" : "false") +
                       R"(,"seal_numbers_match":true,"labels_match":true,"quantity_matches":true,"package_condition":"good"},"decision":")" +
                       d + "\"}");
        if (!reason.empty()) b->set("reason", reason);
        return b;
    }
};

}  // namespace

TEST_P(SamplingFlowTest, PlanTaskRegisterShipReceiveAcceptAndRejectWithCustodyAndAudit) {
    const auto task = started_task();
    const auto numbers = arrived(task, 2);
    const auto& kept = numbers[0];
    const auto& refused = numbers[1];

    // Accept: the receiver reads the version and decides with If-Match.
    auto lab = service->as(receiver());
    auto before = lab.get("/api/v1/samples/" + kept);
    ASSERT_EQ(before.status, 200) << before.describe();
    EXPECT_EQ(before.json()->getValue<std::string>("state"), "shipped");
    auto accepted = lab.post("/api/v1/samples/" + kept + "/receipt", decision("accept"), if_match(before));
    ASSERT_EQ(accepted.status, 200) << accepted.describe();
    EXPECT_EQ(accepted.json()->getValue<std::string>("state"), "received");

    // Reject: a reason is required, and the office reads it.
    auto other = lab.get("/api/v1/samples/" + refused);
    auto no_reason = lab.post("/api/v1/samples/" + refused + "/receipt", decision("reject", "", false), if_match(other));
    EXPECT_EQ(no_reason.status, 422) << no_reason.describe();
    EXPECT_EQ(first_error_field(no_reason), "reason");
    auto rejected = lab.post("/api/v1/samples/" + refused + "/receipt", decision("reject", "seal broken", false), if_match(other));
    ASSERT_EQ(rejected.status, 200) << rejected.describe();
    EXPECT_EQ(rejected.json()->getValue<std::string>("state"), "rejected");
    auto notes = service->as(sampler()).get("/api/v1/notifications");
    ASSERT_EQ(notes.status, 200) << notes.describe();
    ASSERT_EQ(notes.json()->getArray("items")->size(), 1u);
    EXPECT_NE(notes.json()->getArray("items")->getObject(0)->getValue<std::string>("message").find("seal broken"),
              std::string::npos);

    // Custody in one call: registered at the office, in transit, at the laboratory, received.
    auto custody = service->as(sampler()).get("/api/v1/samples/" + kept + "/custody");
    ASSERT_EQ(custody.status, 200) << custody.describe();
    auto events = custody.json()->getArray("events");
    ASSERT_EQ(events->size(), 4u) << custody.body;
    std::vector<std::string> actions;
    for (std::size_t i = 0; i < events->size(); ++i) actions.push_back(events->getObject(static_cast<unsigned>(i))->getValue<std::string>("action"));
    EXPECT_EQ(actions, (std::vector<std::string>{"register", "ship", "arrive", "receive"}));
    EXPECT_EQ(events->getObject(0)->getValue<std::string>("holder_organisation_code"), TestService::kOfficeA1);
    EXPECT_EQ(events->getObject(3)->getValue<std::string>("holder_organisation_code"), TestService::kLabA);
    EXPECT_EQ(events->getObject(3)->getValue<std::string>("actor"), receiver());

    // The audit entries of the sample, read back from the chain.
    auto entries = store::read_audit_entries(*service->database(), 1, 100000);
    ASSERT_TRUE(entries) << entries.error().message;
    std::set<std::string> kept_actions;
    for (const auto& e : *entries)
        if (e.record.entity_type == "sample" && e.record.entity_id == kept) kept_actions.insert(e.record.action);
    EXPECT_EQ(kept_actions, (std::set<std::string>{"sample.register", "sample.ship", "sample.receive"}));
    bool saw_reject = false;
    for (const auto& e : *entries)
        saw_reject |= e.record.action == "sample.reject" && e.record.entity_id == refused && e.record.reason == "seal broken";
    EXPECT_TRUE(saw_reject);

    // The plan's progress: one registered (the rejected one does not count).
    auto progress = service->as(planner()).get("/api/v1/sampling-plans/P-" + std::to_string(this_year()) + "-A");
    ASSERT_EQ(progress.status, 200) << progress.describe();
    EXPECT_EQ(progress.json()->getArray("quotas")->getObject(0)->getValue<int>("registered"), 1);

    // The laboratory lists what was shipped to it; the other jurisdiction sees nothing.
    auto listed = lab.get("/api/v1/samples?limit=1");
    ASSERT_EQ(listed.status, 200) << listed.describe();
    EXPECT_EQ(listed.json()->getArray("items")->size(), 1u);
    ASSERT_FALSE(listed.json()->isNull("next_cursor"));
    auto page2 = lab.get("/api/v1/samples?limit=1&cursor=" + listed.json()->getValue<std::string>("next_cursor"));
    ASSERT_EQ(page2.status, 200) << page2.describe();
    EXPECT_EQ(page2.json()->getArray("items")->size(), 1u);
    EXPECT_NE(page2.json()->getArray("items")->getObject(0)->getValue<std::string>("number"),
              listed.json()->getArray("items")->getObject(0)->getValue<std::string>("number"));
    auto other_side = service->as(TestService::username(domain::Role::receiver, Jurisdiction::B));
    EXPECT_EQ(other_side.get("/api/v1/samples/" + kept).status, 404);
    EXPECT_EQ(other_side.get("/api/v1/samples/" + kept + "/custody").status, 404);
    EXPECT_EQ(other_side.get("/api/v1/samples").json()->getArray("items")->size(), 0u);
    EXPECT_TRUE(service->auditChainIntact());
}

// Issue 16, item 2: a sample registered from its label alone is received once the
// laboratory has linked its catalogue product; the receipt says so until then.
TEST_P(SamplingFlowTest, LabelOnlySampleIsLinkedToItsCatalogueProductThenReceived) {
    const auto task = started_task();
    const auto numbers = arrived(task, 2, /*from_label=*/true);
    const auto& number = numbers[0];
    auto lab = service->as(receiver());
    auto before = lab.get("/api/v1/samples/" + number);
    ASSERT_EQ(before.status, 200) << before.describe();
    EXPECT_TRUE(before.json()->isNull("product_id")) << before.body;
    // Its sampling record prints what was read on the label.
    auto record = service->database()->read([&](store::Transaction& tx) {
        return workflow::documents::load_sampling_record(tx, number);
    });
    ASSERT_TRUE(record.ok()) << record.error().message;
    EXPECT_EQ(record->manufacturer, "Maker Co.");
    EXPECT_EQ(record->specification, "0.25 g x 24");
    EXPECT_EQ(record->dosage_form, "capsule");

    // The receipt names what to do, and nothing is written.
    auto refused = lab.post("/api/v1/samples/" + number + "/receipt", decision("accept"), if_match(before));
    ASSERT_EQ(refused.status, 409) << refused.describe();
    EXPECT_NE(refused.body.find("link the catalogue product with POST /api/v1/samples/" + number + "/product first"),
              std::string::npos) << refused.body;
    EXPECT_EQ(count("sample_receipts"), 0);
    EXPECT_EQ(lab.get("/api/v1/samples/" + number).header("etag"), before.header("etag"));

    // The link: If-Match required, the laboratory's roles, the jurisdiction, a product that can be tested.
    const auto path = "/api/v1/samples/" + number + "/product";
    Object::Ptr link = new Object;
    link->set("product_id", product_id());
    EXPECT_EQ(lab.post(path, link).status, 428);
    auto by_sampler = service->as(sampler()).post(path, link, if_match(before));
    EXPECT_EQ(by_sampler.status, 403) << by_sampler.describe();
    auto other_side = service->as(TestService::username(domain::Role::receiver, Jurisdiction::B)).post(path, link, if_match(before));
    EXPECT_EQ(other_side.status, 404) << other_side.describe();
    Object::Ptr unknown = new Object;
    unknown->set("product_id", 999999);
    auto no_such = lab.post(path, unknown, if_match(before));
    EXPECT_EQ(no_such.status, 422) << no_such.describe();
    EXPECT_EQ(first_error_field(no_such), "product_id");
    Object::Ptr cosmetic = new Object;
    cosmetic->set("product_id", catalogue_product("Face cream", "cosmetic", true));
    auto wrong_kind = lab.post(path, cosmetic, if_match(before));
    EXPECT_EQ(wrong_kind.status, 422) << wrong_kind.describe();
    EXPECT_NE(wrong_kind.body.find("label"), std::string::npos) << wrong_kind.body;
    Object::Ptr bare = new Object;
    bare->set("product_id", catalogue_product("Amoxicillin (no lines)", "drug", false));
    auto no_lines = lab.post(path, bare, if_match(before));
    EXPECT_EQ(no_lines.status, 422) << no_lines.describe();
    EXPECT_NE(no_lines.body.find("specification lines"), std::string::npos) << no_lines.body;
    EXPECT_EQ(lab.get("/api/v1/samples/" + number).header("etag"), before.header("etag"));

    link->set("reason", "label checked against the catalogue at receipt");
    auto linked = lab.post(path, link, if_match(before));
    ASSERT_EQ(linked.status, 200) << linked.describe();
    EXPECT_EQ(linked.json()->getValue<std::int64_t>("product_id"), product_id());
    EXPECT_EQ(linked.json()->getValue<std::int64_t>("version"), before.json()->getValue<std::int64_t>("version") + 1);
    EXPECT_EQ(linked.json()->getValue<std::string>("state"), "shipped");
    // The old version is stale now.
    EXPECT_EQ(lab.post(path, link, if_match(before)).status, 409);

    // Received with the new version: its tests are set up from the product's lines.
    auto accepted = lab.post("/api/v1/samples/" + number + "/receipt", decision("accept"), if_match(linked));
    ASSERT_EQ(accepted.status, 200) << accepted.describe();
    EXPECT_EQ(accepted.json()->getValue<std::string>("state"), "received");
    EXPECT_EQ(count("tests"), 1);
    // Past receipt the product is not changed any more.
    auto late = lab.post(path, cosmetic, if_match(accepted));
    EXPECT_EQ(late.status, 409) << late.describe();

    // An analyst links the other sample.
    auto analyst = service->as(TestService::username(domain::Role::analyst, Jurisdiction::A));
    auto second = analyst.get("/api/v1/samples/" + numbers[1]);
    ASSERT_EQ(second.status, 200) << second.describe();
    auto by_analyst = analyst.post("/api/v1/samples/" + numbers[1] + "/product", link, if_match(second));
    EXPECT_EQ(by_analyst.status, 200) << by_analyst.describe();

    // Audited as a new version with its reason, before and after.
    auto entries = store::read_audit_entries(*service->database(), 1, 100000);
    ASSERT_TRUE(entries) << entries.error().message;
    int links = 0;
    for (const auto& e : *entries)
        if (e.record.action == "sample.link_product" && e.record.entity_id == number) {
            ++links;
            EXPECT_EQ(e.record.actor, receiver());
            EXPECT_EQ(e.record.reason, "label checked against the catalogue at receipt");
            EXPECT_EQ(e.record.before_json.find("\"product_id\""), std::string::npos) << e.record.before_json;
            EXPECT_NE(e.record.after_json.find("\"product_id\":" + std::to_string(product_id())), std::string::npos)
                << e.record.after_json;
        }
    EXPECT_EQ(links, 1);
    Poco::Data::Session raw = service->rawSession();
    Poco::Int64 revisions = 0;
    raw << "SELECT count(*) FROM revisions WHERE entity_type = 'sample' AND reason = 'label checked against the "
           "catalogue at receipt'",
        Poco::Data::Keywords::into(revisions), Poco::Data::Keywords::now;
    EXPECT_EQ(revisions, 2);
    EXPECT_TRUE(service->auditChainIntact());
}

TEST_P(SamplingFlowTest, IdempotencyKeyReplaysTheFirstRegistration) {
    const auto task = started_task();
    auto body = registration(task);
    auto office = service->as(sampler());
    auto first = office.post("/api/v1/samples", body, {{"Idempotency-Key", "reg-0001"}});
    ASSERT_EQ(first.status, 201) << first.describe();
    auto again = office.post("/api/v1/samples", body, {{"Idempotency-Key", "reg-0001"}});
    ASSERT_EQ(again.status, 201) << again.describe();
    EXPECT_EQ(again.json()->getValue<std::string>("number"), first.json()->getValue<std::string>("number"));
    EXPECT_EQ(count("samples"), 1);
    // Without the key, the same body is a second registration, refused for its seals.
    auto twice = office.post("/api/v1/samples", body);
    EXPECT_EQ(twice.status, 422) << twice.describe();
    EXPECT_EQ(first_error_field(twice), "seal_numbers[0]");
    EXPECT_EQ(count("samples"), 1);
}

TEST_P(SamplingFlowTest, TwoReceiversAtOnceOneWinsTheOtherGets409) {
    const auto task = started_task();
    const auto numbers = arrived(task, 1);
    service->addUser("receiver2_a", TestService::kLabA, {"receiver"});
    auto one = service->as(receiver());
    auto two = service->as("receiver2_a");
    auto read = one.get("/api/v1/samples/" + numbers[0]);
    HttpReply a, b;
    std::thread ta([&] { a = one.post("/api/v1/samples/" + numbers[0] + "/receipt", decision("accept"), if_match(read)); });
    std::thread tb([&] { b = two.post("/api/v1/samples/" + numbers[0] + "/receipt", decision("reject", "label smudged"), if_match(read)); });
    ta.join();
    tb.join();
    std::multiset<int> statuses{a.status, b.status};
    EXPECT_EQ(statuses, (std::multiset<int>{200, 409})) << a.describe() << "\n" << b.describe();
    EXPECT_EQ(count("sample_receipts"), 1);
    // A stale If-Match afterwards is 409 too, and a missing one 428.
    EXPECT_EQ(one.post("/api/v1/samples/" + numbers[0] + "/receipt", decision("accept"), if_match(read)).status, 409);
    EXPECT_EQ(one.post("/api/v1/samples/" + numbers[0] + "/receipt", decision("accept")).status, 428);
    EXPECT_TRUE(service->auditChainIntact());
}

TEST_P(SamplingFlowTest, BadInputToEachRouteNamesTheFieldAndWritesNothing) {
    const auto task = started_task();
    auto office = service->as(sampler());
    const auto audit_before = count("audit_log");

    struct Case {
        std::string field;
        std::function<void(Object::Ptr&)> spoil;
    };
    const std::vector<Case> cases{
        {"entity.credit_code", [](auto& b) { b->getObject("entity")->set("credit_code", "91310101MA1FL00010"); }},
        {"product.manufacturer_credit_code", [](auto& b) { b->getObject("product")->set("manufacturer_credit_code", "<script>alert(1)</scri"); }},
        {"production_date", [](auto& b) { b->set("production_date", "2999-01-01"); }},
        {"expiry_date", [](auto& b) { b->set("expiry_date", "2024-01-01"); }},
        {"sampled_at", [](auto& b) { b->set("sampled_at", utc_minutes_ago(-600)); }},
        {"sampler_user_ids", [](auto& b) { Array::Ptr one = new Array; one->add(1); b->set("sampler_user_ids", one); }},
        {"seal_numbers[1]", [](auto& b) { Array::Ptr twice = new Array; twice->add("S-1"); twice->add("S-1"); b->set("seal_numbers", twice); }},
        {"task_number", [](auto& b) { b->set("task_number", "'; DROP TABLE samples; --"); }},
        {"retained_quantity", [](auto& b) { b->set("retained_quantity", "5"); }},
        {"storage_condition", [](auto& b) { b->set("storage_condition", "冷藏"); }},
        {"unexpected", [](auto& b) { b->set("unexpected", 1); }},
        {"quantity", [](auto& b) { b->set("quantity", 6); }},
        {"batch_number", [](auto& b) { b->remove("batch_number"); }},
    };
    for (const auto& c : cases) {
        auto body = registration(task);
        c.spoil(body);
        auto r = office.post("/api/v1/samples", body);
        EXPECT_EQ(r.status, 422) << c.field << ": " << r.describe();
        EXPECT_EQ(first_error_field(r), c.field) << r.describe();
        EXPECT_NE(r.contentType.find("application/problem+json"), std::string::npos);
    }
    EXPECT_EQ(office.post("/api/v1/samples", "{\"task_number\": ").status, 400);
    // Another jurisdiction's sampler against this task: named, nothing revealed.
    auto b_sampler = service->as(TestService::username(domain::Role::sampler, Jurisdiction::B));
    auto foreign = b_sampler.post("/api/v1/samples", registration(task));
    EXPECT_EQ(foreign.status, 422) << foreign.describe();
    EXPECT_EQ(first_error_field(foreign), "task_number");

    // Plans, shipments, receipts.
    auto plan = service->as(planner()).post("/api/v1/sampling-plans", parse(R"({"code":"X","title":"t","year":2026,"starts_on":"2026-01-01","ends_on":"2026-12-31","quotas":[]})"));
    EXPECT_EQ(plan.status, 422) << plan.describe();
    EXPECT_EQ(first_error_field(plan), "quotas");
    auto ship = office.post("/api/v1/shipments", parse(R"({"samples":["D2026-310101-000001-K"],"laboratory_id":)" +
                                                      std::to_string(service->organisationId(TestService::kOfficeA1)) + R"(,"carrier":"x"})"));
    EXPECT_EQ(ship.status, 422) << ship.describe();
    auto receipt = service->as(receiver()).post("/api/v1/samples/D2026-310101-000001-K/receipt",
                                               parse(R"({"checklist":{"seals_intact":"yes"},"decision":"accept"})"), if_match(1));
    EXPECT_EQ(receipt.status, 422) << receipt.describe();
    EXPECT_EQ(first_error_field(receipt).rfind("checklist.", 0), 0u) << receipt.describe();

    EXPECT_EQ(count("samples"), 0);
    EXPECT_EQ(count("shipments"), 0);
    EXPECT_EQ(count("audit_log"), audit_before);
    EXPECT_TRUE(service->auditChainIntact());
}

INSTANTIATE_TEST_SUITE_P(Backends, SamplingFlowTest, kBothBackends, backendName);
