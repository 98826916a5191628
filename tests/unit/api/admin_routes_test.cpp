// The administration routes over the real service: organisations and users within the
// administrator's subtree, regulated entities with checked credit codes, products with
// checked approval numbers, specification lines parsed from their written form, If-Match
// versions, and the audit trail of every change.
#include "test_service.hpp"

#include "lims/api/json_text.hpp"
#include "lims/store/audit.hpp"

#include <gtest/gtest.h>

#include <set>

using lims::api::newObject;
using lims::test::TestService;

namespace {

class AdminRoutesTest : public ::testing::Test {
protected:
    Poco::JSON::Object::Ptr entity(const std::string& orgCode, const std::string& creditCode = "") {
        auto b = newObject();
        b->set("name", "Renmin pharmacy");
        b->set("kind", "pharmacy");
        if (!creditCode.empty()) b->set("credit_code", creditCode);
        b->set("jurisdiction_org_id", service.organisationId(orgCode));
        b->set("region_code", "310101");
        return b;
    }
    Poco::JSON::Object::Ptr product(const std::string& category, const std::string& approval) {
        auto b = newObject();
        b->set("name", "Amoxicillin capsules");
        b->set("category", category);
        if (!approval.empty()) b->set("approval_number", approval);
        b->set("storage_class", "ambient");
        return b;
    }
    static std::string firstErrorField(const lims::test::HttpReply& r) {
        auto errors = r.json() ? r.json()->getArray("errors") : nullptr;
        return errors && errors->size() > 0 ? errors->getObject(0)->getValue<std::string>("field") : "";
    }
    TestService service;
};

TEST_F(AdminRoutesTest, OrganisationsAreAddedOnlyWithinTheAdministratorsSubtree) {
    auto admin = service.as("administrator_a");
    auto body = newObject();
    body->set("code", "OFFICE-A2");
    body->set("name", "Supervision office A2");
    body->set("kind", "supervision_office");
    body->set("region_code", "310104");
    body->set("parent_id", service.organisationId(TestService::kBureauA));
    auto created = admin.post("/api/v1/organisations", body);
    ASSERT_EQ(created.status, 201) << created.describe();
    EXPECT_EQ(created.header("etag"), "\"1\"");

    body->set("code", "OFFICE-B2");
    body->set("parent_id", service.organisationId(TestService::kBureauB));
    auto outside = admin.post("/api/v1/organisations", body);
    EXPECT_EQ(outside.status, 422) << outside.describe();
    EXPECT_EQ(firstErrorField(outside), "parent_id");

    body->set("code", "OFFICE-A3");
    body->set("parent_id", service.organisationId(TestService::kBureauA));
    body->set("region_code", "99999X");
    auto region = admin.post("/api/v1/organisations", body);
    EXPECT_EQ(region.status, 422);
    EXPECT_EQ(firstErrorField(region), "region_code");

    auto tree = admin.get("/api/v1/organisations");
    ASSERT_EQ(tree.status, 200);
    std::set<std::string> codes;
    auto items = tree.json()->getArray("items");
    for (std::size_t i = 0; i < items->size(); ++i) codes.insert(items->getObject(i)->getValue<std::string>("code"));
    EXPECT_TRUE(codes.count("OFFICE-A2"));
    EXPECT_FALSE(codes.count(TestService::kBureauB));
    EXPECT_TRUE(service.auditChainIntact());
}

TEST_F(AdminRoutesTest, OrganisationUpdatesNeedTheCurrentVersion) {
    auto admin = service.as("administrator_a");
    const std::string path = "/api/v1/organisations/" + std::to_string(service.organisationId(TestService::kOfficeA1));
    auto body = newObject();
    body->set("name", "Office A1, renamed");
    body->set("active", true);
    EXPECT_EQ(admin.put(path, body).status, 428);
    auto ok = admin.put(path, body, {{"If-Match", "\"1\""}});
    ASSERT_EQ(ok.status, 200) << ok.describe();
    EXPECT_EQ(ok.json()->getValue<int>("version"), 2);
    auto stale = admin.put(path, body, {{"If-Match", "\"1\""}});
    EXPECT_EQ(stale.status, 409) << stale.describe();
    EXPECT_EQ(stale.json()->getValue<std::string>("type"), lims::api::problem_type::kStaleVersion);
}

TEST_F(AdminRoutesTest, UsersAreCreatedWithRolesAndCanLogIn) {
    auto admin = service.as("administrator_a");
    auto body = newObject();
    body->set("username", "new.sampler");
    body->set("display_name", "新采样员");
    body->set("organisation_id", service.organisationId(TestService::kOfficeA1));
    Poco::JSON::Array::Ptr roles = new Poco::JSON::Array;
    roles->add("sampler");
    body->set("roles", roles);
    body->set("password", "a-new-password");
    auto created = admin.post("/api/v1/users", body);
    ASSERT_EQ(created.status, 201) << created.describe();
    auto login = service.anonymous().post("/api/v1/auth/login", R"({"username":"new.sampler","password":"a-new-password"})");
    EXPECT_EQ(login.status, 200) << login.describe();

    auto again = admin.post("/api/v1/users", body);
    EXPECT_EQ(again.status, 409) << again.describe();
    roles->add("overlord");
    body->set("username", "other");
    auto badRole = admin.post("/api/v1/users", body);
    EXPECT_EQ(badRole.status, 422) << badRole.describe();

    auto list = admin.get("/api/v1/users?limit=3");
    ASSERT_EQ(list.status, 200) << list.describe();
    EXPECT_EQ(list.json()->getArray("items")->size(), 3u);
    EXPECT_FALSE(list.json()->isNull("next_cursor"));
    auto other = admin.get("/api/v1/users/" + std::to_string(service.userId("sampler_b")));
    EXPECT_EQ(other.status, 404);
    EXPECT_EQ(service.as("planner_a").get("/api/v1/users").status, 403);
    EXPECT_TRUE(service.auditChainIntact());
}

TEST_F(AdminRoutesTest, RegulatedEntitiesCheckTheCreditCodeAndJurisdiction) {
    auto admin = service.as("administrator_a");
    auto bad = admin.post("/api/v1/regulated-entities", entity(TestService::kBureauA, "91310000MA1FL0LX3X"));
    EXPECT_EQ(bad.status, 422) << bad.describe();
    EXPECT_EQ(firstErrorField(bad), "credit_code");
    auto outside = admin.post("/api/v1/regulated-entities", entity(TestService::kBureauB));
    EXPECT_EQ(outside.status, 422);
    EXPECT_EQ(firstErrorField(outside), "jurisdiction_org_id");
    auto created = admin.post("/api/v1/regulated-entities", entity(TestService::kBureauA));
    ASSERT_EQ(created.status, 201) << created.describe();
    const std::string path = "/api/v1/regulated-entities/" + std::to_string(created.json()->getValue<int>("id"));
    // The office below the bureau sees it (a sampler registers there); the other side does not.
    EXPECT_EQ(service.as("sampler_a").get(path).status, 200);
    EXPECT_EQ(service.as("sampler_b").get(path).status, 404);
    auto listB = service.as("planner_b").get("/api/v1/regulated-entities");
    ASSERT_EQ(listB.status, 200);
    EXPECT_EQ(listB.json()->getArray("items")->size(), 0u);
}

TEST_F(AdminRoutesTest, DrugsNeedAValidApprovalNumberAndAreCanonicalised) {
    auto admin = service.as(TestService::kRootAdministrator);  // the catalogue's owner
    auto missing = admin.post("/api/v1/products", product("drug", ""));
    EXPECT_EQ(missing.status, 422) << missing.describe();
    EXPECT_EQ(firstErrorField(missing), "approval_number");
    auto wrong = admin.post("/api/v1/products", product("vaccine", "X20044063"));
    EXPECT_EQ(wrong.status, 422);
    auto ok = admin.post("/api/v1/products", product("drug", "h20044063"));
    ASSERT_EQ(ok.status, 201) << ok.describe();
    EXPECT_EQ(ok.json()->getValue<std::string>("approval_number"), "国药准字H20044063");
    auto cosmetic = admin.post("/api/v1/products", product("cosmetic", ""));
    EXPECT_EQ(cosmetic.status, 201) << cosmetic.describe();
    EXPECT_EQ(service.as("analyst_b").get("/api/v1/products").status, 200);
    EXPECT_EQ(service.as("analyst_b").post("/api/v1/products", product("cosmetic", "")).status, 403);
}

TEST_F(AdminRoutesTest, SpecificationLinesKeepTheRequirementAsWritten) {
    auto admin = service.as(TestService::kRootAdministrator);
    auto p = admin.post("/api/v1/products", product("drug", "H20044063"));
    ASSERT_EQ(p.status, 201);
    const std::string lines = "/api/v1/products/" + std::to_string(p.json()->getValue<int>("id")) + "/specification-lines";
    auto line = [](const std::string& code, const std::string& requirement) {
        auto b = newObject();
        b->set("test_code", code);
        b->set("item", "item " + code);
        b->set("requirement", requirement);
        b->set("unit", "%");
        b->set("basis", "ChP 2025 Vol. II");
        return b;
    };
    auto range = admin.post(lines, line("ASSAY", "95.0–105.0"));
    ASSERT_EQ(range.status, 201) << range.describe();
    EXPECT_EQ(range.json()->getValue<std::string>("limit_kind"), "range");
    EXPECT_EQ(range.json()->getValue<int>("precision"), 1);
    auto upper = admin.post(lines, line("IMP", "≤ 0.5"));
    ASSERT_EQ(upper.status, 201) << upper.describe();
    EXPECT_EQ(upper.json()->getValue<std::string>("upper_limit"), "0.5");
    auto qualitative = admin.post(lines, line("STERILE", "无菌"));
    ASSERT_EQ(qualitative.status, 201) << qualitative.describe();
    EXPECT_EQ(qualitative.json()->getValue<std::string>("limit_kind"), "qualitative");
    auto reversed = admin.post(lines, line("BAD", "105.0–95.0"));
    EXPECT_EQ(reversed.status, 422) << reversed.describe();
    EXPECT_EQ(firstErrorField(reversed), "requirement");
    auto listed = service.as("reviewer_b").get(lines);
    ASSERT_EQ(listed.status, 200);
    EXPECT_EQ(listed.json()->getArray("items")->size(), 3u);

    const std::string one = "/api/v1/specification-lines/" + std::to_string(range.json()->getValue<int>("id"));
    auto changed = admin.put(one, line("ASSAY", "90.0–110.0"), {{"If-Match", "\"1\""}});
    ASSERT_EQ(changed.status, 200) << changed.describe();
    EXPECT_EQ(changed.json()->getValue<std::string>("lower_limit"), "90.0");
    auto stale = admin.put(one, line("ASSAY", "91.0–109.0"), {{"If-Match", "\"1\""}});
    EXPECT_EQ(stale.status, 409) << stale.describe();
    EXPECT_TRUE(service.auditChainIntact());

    auto entries = lims::store::read_audit_entries(*service.database(), 1, 100000);
    ASSERT_TRUE(entries);
    int specUpdates = 0;
    for (const auto& e : *entries)
        specUpdates += e.record.action == "specification_line.update" && e.record.actor == TestService::kRootAdministrator;
    EXPECT_EQ(specUpdates, 1);

    // The change is a new version; the first stays readable as it was.
    auto first = service.as("reviewer_b").get(one + "?version=1");
    ASSERT_EQ(first.status, 200) << first.describe();
    EXPECT_EQ(first.json()->getValue<std::string>("lower_limit"), "95.0");
    EXPECT_EQ(first.json()->getValue<int>("version"), 1);
    auto current = service.as("reviewer_b").get(one);
    EXPECT_EQ(current.json()->getValue<std::string>("lower_limit"), "90.0");
    EXPECT_EQ(current.json()->getValue<int>("version"), 2);
    EXPECT_EQ(service.as("reviewer_b").get(one + "?version=3").status, 404);
    EXPECT_EQ(service.as("reviewer_b").get(one + "?version=x").status, 422);
}

// The catalogue every judgement reads has one owner: a district's administrator may not
// rewrite it (403, nothing written); the province's may.
TEST_F(AdminRoutesTest, OnlyTheProvincesAdministratorsWriteTheCatalogue) {
    auto district = service.as("administrator_a");
    auto refused = district.post("/api/v1/products", product("cosmetic", ""));
    EXPECT_EQ(refused.status, 403) << refused.describe();
    auto owner = service.as(TestService::kRootAdministrator);
    auto p = owner.post("/api/v1/products", product("cosmetic", ""));
    ASSERT_EQ(p.status, 201) << p.describe();
    const std::string path = "/api/v1/products/" + std::to_string(p.json()->getValue<int>("id"));
    EXPECT_EQ(district.put(path, product("cosmetic", ""), {{"If-Match", "\"1\""}}).status, 403);

    auto line = newObject();
    line->set("test_code", "PB");
    line->set("item", "lead");
    line->set("requirement", "≤ 10");
    line->set("unit", "mg/kg");
    line->set("basis", "Safety and technical standards for cosmetics 2015");
    EXPECT_EQ(district.post(path + "/specification-lines", line).status, 403);
    auto created = owner.post(path + "/specification-lines", line);
    ASSERT_EQ(created.status, 201) << created.describe();
    const std::string one = "/api/v1/specification-lines/" + std::to_string(created.json()->getValue<int>("id"));
    line->set("requirement", "≤ 1000");
    auto rewritten = district.put(one, line, {{"If-Match", "\"1\""}});
    EXPECT_EQ(rewritten.status, 403) << rewritten.describe();
    auto unchanged = owner.get(one);
    EXPECT_EQ(unchanged.json()->getValue<std::string>("upper_limit"), "10");
    EXPECT_EQ(unchanged.json()->getValue<int>("version"), 1);
    auto products = owner.get("/api/v1/products");
    EXPECT_EQ(products.json()->getArray("items")->size(), 1u) << "the refused product was written";
}

}  // namespace
