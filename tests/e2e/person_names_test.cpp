// Who did something, as people read it: answers that name a login (who closed a risk item,
// who recorded the risk, who refused a re-inspection...) carry the person's display name
// beside it as "<field>_name" (lims/api/person_names.hpp); a login that is no person's
// account gets null, and the login itself stays for programs.
#include "test_service.hpp"

#include "lims/api/json_text.hpp"
#include "lims/api/person_names.hpp"

#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

using lims::domain::Role;
using lims::test::Backend;
using lims::test::Jurisdiction;
using lims::test::TestService;

namespace {

class PersonNames : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        service = std::make_unique<TestService>(TestService::Options{.backend = GetParam()});
    }

    // The administrator gives `login` the display name `name`.
    void rename(const std::string& login, const std::string& name) {
        auto admin = service->as(TestService::kRootAdministrator);
        const std::string path = "/api/v1/users/" + std::to_string(service->userId(login));
        auto user = admin.get(path);
        ASSERT_EQ(user.status, 200) << user.describe();
        auto body = lims::api::newObject();
        body->set("display_name", name);
        body->set("roles", user.json()->getArray("roles"));
        body->set("active", true);
        auto renamed = admin.put(path, body, {{"If-Match", user.header("etag")}});
        ASSERT_EQ(renamed.status, 200) << renamed.describe();
    }

    std::unique_ptr<TestService> service;
};

TEST_P(PersonNames, ARiskNamesWhoRecordedItAndWhoClosedEachItemByTheirNames) {
    const std::string planner = TestService::username(Role::planner, Jurisdiction::A);
    const std::string sampler = TestService::username(Role::sampler, Jurisdiction::A);
    rename(planner, "王芳");
    rename(sampler, "李明");
    auto planner_a = service->as(planner);
    // The second item is the sampler's office's to close.
    const std::string office = std::to_string(service->organisationId(TestService::kOfficeA1));
    auto created = planner_a.post("/api/v1/risks", std::string(R"({"title":"中药饮片非法渠道购进风险","source":"季度风险会商",
        "items":[{"description":"约谈相关企业负责人"},{"description":"全面检查购进渠道","responsible_org_id":)") +
                                                       office + "}]}");
    ASSERT_EQ(created.status, 201) << created.describe();
    EXPECT_EQ(created.json()->getValue<std::string>("created_by"), planner);
    EXPECT_EQ(created.json()->getValue<std::string>("created_by_name"), "王芳");
    const std::string path = "/api/v1/risks/" + created.json()->getValue<std::string>("number");

    auto closed = service->as(sampler).post(path + "/item-closures", std::string(R"({"position":2,"evidence":"检查记录12份"})"),
                                            {{"If-Match", created.header("etag")}});
    ASSERT_EQ(closed.status, 200) << closed.describe();
    auto items = closed.json()->getArray("items");
    EXPECT_TRUE(items->getObject(0)->isNull("closure"));
    auto closure = items->getObject(1)->getObject("closure");
    EXPECT_EQ(closure->getValue<std::string>("closed_by"), sampler);
    EXPECT_EQ(closure->getValue<std::string>("closed_by_name"), "李明");

    // The list names them too, each item of each risk.
    auto listed = planner_a.get("/api/v1/risks");
    ASSERT_EQ(listed.status, 200) << listed.describe();
    auto first = listed.json()->getArray("items")->getObject(0);
    EXPECT_EQ(first->getValue<std::string>("created_by_name"), "王芳");
    EXPECT_EQ(first->getArray("items")->getObject(1)->getObject("closure")->getValue<std::string>("closed_by_name"), "李明");
}

TEST_P(PersonNames, ALoginThatIsNoPersonsAccountIsNamedNullAndNothingElseIsTouched) {
    const std::string planner = TestService::username(Role::planner, Jurisdiction::A);
    rename(planner, "王芳");
    auto body = Poco::JSON::Parser()
                    .parse(R"({"by":")" + planner + R"(","note":")" + planner + R"(",
                             "steps":[{"by":"gateway-7"},{"by":null},{"by":42},{"other":{"by":")" + planner + R"("}}],"count":3})")
                    .extract<Poco::JSON::Object::Ptr>();
    lims::api::with_person_names(*service->database(), body, {"by"});
    EXPECT_EQ(body->getValue<std::string>("by_name"), "王芳");
    EXPECT_FALSE(body->has("note_name"));  // only the fields asked for
    auto steps = body->getArray("steps");
    EXPECT_TRUE(steps->getObject(0)->isNull("by_name"));  // a gateway is no person
    EXPECT_TRUE(steps->getObject(1)->isNull("by_name"));  // nobody yet
    EXPECT_TRUE(steps->getObject(2)->isNull("by_name"));  // not a login at all
    EXPECT_FALSE(steps->getObject(3)->has("by_name"));
    EXPECT_EQ(steps->getObject(3)->getObject("other")->getValue<std::string>("by_name"), "王芳");
    EXPECT_EQ(body->getValue<int>("count"), 3);
    EXPECT_EQ(body->getValue<std::string>("by"), planner);
}

INSTANTIATE_TEST_SUITE_P(Backends, PersonNames, lims::test::kBothBackends, lims::test::backendName);

}  // namespace
