// Re-inspection by the rules through the API on the real service, SQLite and PostgreSQL:
// GET /api/v1/statutory-rules lists every clock with its citation; the directory of
// re-inspection laboratories is kept by the administrator (bad input named, refused to
// others, audited); a device's re-inspection laboratory is drawn from the directory, never
// the original laboratory, with its candidates and seed kept and shown; a drug's goes to
// the original laboratory or one the higher bureau designated.
#include "route_recipes.hpp"
#include "test_service.hpp"

#include "tests/unit/workflow/documents_seed.hpp"

#include "lims/api/json_text.hpp"
#include "lims/workflow/store_time.hpp"

#include <Poco/Data/Session.h>
#include <Poco/JSON/Array.h>

#include <gtest/gtest.h>

#include <chrono>
#include <map>

using lims::domain::Role;
using lims::test::Backend;
using lims::test::Jurisdiction;
using lims::test::TestService;
namespace seed = lims::test::documents_seed;

namespace {

std::string utc_now_minus(std::chrono::minutes ago) {
    return lims::workflow::store_time(
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) - ago);
}

class ReinspectionRoutes : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        service = std::make_unique<TestService>(TestService::Options{.backend = GetParam()});
    }

    // A nonconforming sample of `category` whose report was issued an hour ago by its
    // laboratory (the review recipe's seeded chain, held by LAB-A's receiver).
    std::string issued_sample(const std::string& category) {
        const auto record =
            lims::test::routeRecipes().at("/api/v1/samples/{number}/reinspection").make(*service, Jurisdiction::A);
        const std::string number = record.params.at("number");
        seed::exec(*service->database(), "UPDATE reports SET issued_at = " + seed::q(utc_now_minus(std::chrono::minutes(60))) +
                                             " WHERE sample_id = (SELECT id FROM samples WHERE number = " + seed::q(number) + ")");
        // Issued by its laboratory's signatory, as the review chain records it (the seed leaves
        // issued_by empty): that laboratory is the original one.
        seed::exec(*service->database(),
                   "UPDATE reports SET issued_by = (SELECT min(u.id) FROM users u JOIN organisations lab ON lab.id = u.org_id "
                   "JOIN organisations office ON lab.code = replace(office.code, '-OFFICE', '-LAB') "
                   "JOIN samples s ON s.org_id = office.id WHERE s.number = " + seed::q(number) +
                       ") WHERE sample_id = (SELECT id FROM samples WHERE number = " + seed::q(number) + ")");
        // Reported, as issuing the report leaves it (the seed keeps it in testing).
        seed::exec(*service->database(), "UPDATE samples SET state = 'reported' WHERE number = " + seed::q(number));
        seed::exec(*service->database(), "UPDATE products SET category = " + seed::q(category) +
                                             " WHERE id = (SELECT product_id FROM samples WHERE number = " + seed::q(number) + ")");
        return number;
    }

    Poco::JSON::Object::Ptr application() {
        auto body = lims::api::newObject();
        body->set("applicant", std::string("sampled_unit"));
        body->set("applicant_name", std::string("某某大药房"));
        body->set("report_received_at", utc_now_minus(std::chrono::minutes(30)));
        return body;
    }

    Poco::JSON::Object::Ptr directory_change(const std::string& code, const std::string& category) {
        auto body = lims::api::newObject();
        body->set("organisation_code", code);
        body->set("category", category);
        body->set("basis", std::string("国家药监局关于公布复检机构名录的公告"));
        return body;
    }

    std::unique_ptr<TestService> service;
};

}  // namespace

TEST_P(ReinspectionRoutes, TheStatutoryRulesAreListedWithTheirCitations) {
    auto planner = service->as(TestService::username(Role::planner, Jurisdiction::A));
    auto listed = planner.get("/api/v1/statutory-rules");
    ASSERT_EQ(listed.status, 200) << listed.describe();
    EXPECT_NE(listed.json()->getValue<std::string>("source").find("statutory-rules.txt"), std::string::npos);
    auto items = listed.json()->getArray("items");
    ASSERT_EQ(items->size(), 16U) << listed.body;
    std::map<std::string, Poco::JSON::Object::Ptr> by_id;
    for (std::size_t i = 0; i < items->size(); ++i) by_id[items->getObject(i)->getValue<std::string>("id")] = items->getObject(i);
    for (const auto& [id, rule] : by_id) {
        EXPECT_FALSE(rule->getObject("citation")->getValue<std::string>("law").empty()) << id;
        EXPECT_FALSE(rule->getObject("citation")->getValue<std::string>("article").empty()) << id;
        EXPECT_FALSE(rule->getValue<std::string>("cited").empty()) << id;
    }
    const auto cosmetic = by_id.at("reinspection.cosmetic");
    EXPECT_EQ(cosmetic->getValue<int>("length"), 7);
    EXPECT_EQ(cosmetic->getValue<std::string>("unit"), "working_days");
    EXPECT_EQ(cosmetic->getValue<std::string>("rule"), "7 个工作日");
    EXPECT_EQ(cosmetic->getValue<std::string>("starts_at"), "document_served");
    EXPECT_EQ(cosmetic->getValue<std::string>("category"), "cosmetic");
    EXPECT_EQ(cosmetic->getObject("citation")->getValue<std::string>("article"), "第五十八条");
    EXPECT_EQ(by_id.at("reinspection.device")->getObject("citation")->getValue<std::string>("article"), "第七十五条");
    EXPECT_EQ(by_id.at("reinspection.drug")->getValue<std::string>("unit"), "working_days");
    EXPECT_EQ(by_id.at("case_lead.decision")->getValue<int>("length"), 15);
    EXPECT_EQ(by_id.at("notice.nonconformity_serious")->getValue<std::string>("unit"), "hours");
    EXPECT_EQ(by_id.at("service.report")->getValue<std::string>("rule"), "5 个工作日");
    // Without a token: 401.
    EXPECT_EQ(service->anonymous().get("/api/v1/statutory-rules").status, 401);
}

TEST_P(ReinspectionRoutes, ADevicesLaboratoryIsDrawnFromTheDirectoryNeverTheOriginalOne) {
    const std::string number = issued_sample("device");
    auto receiver = service->as(TestService::username(Role::receiver, Jurisdiction::A));
    auto admin = service->as(TestService::kRootAdministrator);
    const std::string path = "/api/v1/samples/" + number + "/reinspection";

    // Nothing to draw from yet: refused by name, nothing written.
    auto none = receiver.post(path, application());
    ASSERT_EQ(none.status, 409) << none.describe();
    EXPECT_NE(none.body.find("no re-inspection laboratory is listed for device other than the original laboratory"),
              std::string::npos)
        << none.body;
    EXPECT_EQ(receiver.get(path).status, 404);

    // The directory: bad input named, others refused, a listing once.
    auto food = admin.post("/api/v1/reinspection-laboratories", directory_change(TestService::kLabB, "food"));
    EXPECT_EQ(food.status, 422) << food.describe();
    EXPECT_NE(food.body.find("category"), std::string::npos) << food.body;
    auto bureau = admin.post("/api/v1/reinspection-laboratories", directory_change(TestService::kBureauA, "device"));
    EXPECT_EQ(bureau.status, 422) << bureau.describe();
    EXPECT_NE(bureau.body.find("organisation_code"), std::string::npos) << bureau.body;
    EXPECT_NE(bureau.body.find("inspection centre"), std::string::npos) << bureau.body;
    EXPECT_EQ(receiver.post("/api/v1/reinspection-laboratories", directory_change(TestService::kLabB, "device")).status, 403);
    auto listed = admin.post("/api/v1/reinspection-laboratories", directory_change(TestService::kLabB, "device"));
    ASSERT_EQ(listed.status, 201) << listed.describe();
    EXPECT_EQ(listed.json()->getValue<std::string>("action"), "listed");
    EXPECT_EQ(listed.json()->getObject("laboratory")->getValue<std::string>("code"), TestService::kLabB);
    EXPECT_EQ(admin.post("/api/v1/reinspection-laboratories", directory_change(TestService::kLabB, "device")).status, 409);
    auto directory = receiver.get("/api/v1/reinspection-laboratories?category=device");
    ASSERT_EQ(directory.status, 200) << directory.describe();
    ASSERT_EQ(directory.json()->getArray("items")->size(), 1U);
    EXPECT_EQ(receiver.get("/api/v1/reinspection-laboratories?category=food").status, 422);

    // Applied: LAB-B drawn, the original laboratory left out, the draw kept and shown.
    auto applied = receiver.post(path, application());
    ASSERT_EQ(applied.status, 201) << applied.describe();
    auto re = applied.json();
    EXPECT_EQ(re->getValue<std::string>("category"), "device");
    EXPECT_EQ(re->getValue<std::string>("rule_id"), "reinspection.device");
    EXPECT_EQ(re->getValue<std::string>("rule"), "7 个工作日");
    EXPECT_NE(re->getValue<std::string>("citation").find("第七十五条"), std::string::npos);
    EXPECT_EQ(re->getValue<std::string>("laboratory_basis"), "drawn_from_directory");
    EXPECT_EQ(re->getObject("laboratory")->getValue<std::string>("code"), TestService::kLabB);
    auto draw = re->getObject("draw");
    ASSERT_TRUE(draw);
    EXPECT_NE(draw->getObject("excluded")->getValue<std::string>("code"), TestService::kLabB);
    EXPECT_EQ(draw->getArray("candidates")->size(), 1U);
    EXPECT_EQ(draw->getValue<std::string>("seed").size(), 16U);
    EXPECT_EQ(draw->getValue<int>("chosen_index"), 0);

    auto planner = service->as(TestService::username(Role::planner, Jurisdiction::A));
    auto read = planner.get(path);
    ASSERT_EQ(read.status, 200) << read.describe();
    EXPECT_EQ(read.json()->getObject("laboratory")->getValue<std::string>("code"), TestService::kLabB);
    EXPECT_EQ(read.json()->getObject("draw")->getValue<std::string>("seed"), draw->getValue<std::string>("seed"));
    EXPECT_EQ(read.json()->getValue<std::string>("deadline_at"), re->getValue<std::string>("deadline_at"));
    // Another jurisdiction does not see it.
    EXPECT_EQ(service->as(TestService::username(Role::planner, Jurisdiction::B)).get(path).status, 404);
}

TEST_P(ReinspectionRoutes, ADrugGoesToTheOriginalLaboratoryOrOneTheHigherBureauDesignates) {
    auto receiver = service->as(TestService::username(Role::receiver, Jurisdiction::A));
    const std::string first = issued_sample("drug");
    auto original = receiver.post("/api/v1/samples/" + first + "/reinspection", application());
    ASSERT_EQ(original.status, 201) << original.describe();
    EXPECT_EQ(original.json()->getValue<std::string>("laboratory_basis"), "original_laboratory");
    EXPECT_EQ(original.json()->getValue<std::string>("rule_id"), "reinspection.drug");
    EXPECT_NE(original.json()->getValue<std::string>("citation").find("第一百零二条"), std::string::npos);
    EXPECT_TRUE(original.json()->isNull("draw"));

    const std::string second = issued_sample("vaccine");
    auto body = application();
    body->set("designated_laboratory_code", std::string(TestService::kLabB));
    auto unreferenced = receiver.post("/api/v1/samples/" + second + "/reinspection", body);
    ASSERT_EQ(unreferenced.status, 422) << unreferenced.describe();
    EXPECT_NE(unreferenced.body.find("designation_reference"), std::string::npos) << unreferenced.body;
    body->set("designation_reference", std::string("某省药监局指定复验机构的函（2026）3号"));
    auto designated = receiver.post("/api/v1/samples/" + second + "/reinspection", body);
    ASSERT_EQ(designated.status, 201) << designated.describe();
    EXPECT_EQ(designated.json()->getValue<std::string>("category"), "vaccine");
    EXPECT_EQ(designated.json()->getValue<std::string>("laboratory_basis"), "designated_by_higher_bureau");
    EXPECT_EQ(designated.json()->getObject("laboratory")->getValue<std::string>("code"), TestService::kLabB);
    EXPECT_EQ(designated.json()->getValue<std::string>("laboratory_reference"), "某省药监局指定复验机构的函（2026）3号");
}

// The retained portion (留样, 复验备份) goes to the re-inspection laboratory through the chain
// of custody: seals checked against the sampling record, once, audited, refused by name
// otherwise; the re-inspection shows where it stands.
TEST_P(ReinspectionRoutes, TheRetainedPortionIsHandedOverToTheReinspectionLaboratoryOnceWithItsSealsChecked) {
    auto receiver = service->as(TestService::username(Role::receiver, Jurisdiction::A));
    const std::string number = issued_sample("drug");
    const std::string path = "/api/v1/samples/" + number + "/reinspection";
    std::string seal;
    {
        auto session = service->rawSession();
        session << "SELECT min(seal_number) FROM sample_seals WHERE sample_id = (SELECT id FROM samples WHERE number = " +
                       seed::q(number) + ")",
            Poco::Data::Keywords::into(seal), Poco::Data::Keywords::now;
    }
    ASSERT_FALSE(seal.empty());
    auto handover = [&](const std::vector<std::string>& seals, bool intact, const std::string& who = "李四") {
        auto body = lims::api::newObject();
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        for (const auto& s : seals) list->add(s);
        body->set("seal_numbers", list);
        body->set("seals_intact", intact);
        body->set("received_by", who);
        body->set("note", std::string("冷藏箱运送"));
        return body;
    };
    // No re-inspection yet: nothing to hand over to.
    auto early = receiver.post(path + "/handover", handover({seal}, true));
    ASSERT_EQ(early.status, 409) << early.describe();
    EXPECT_NE(early.body.find("has no re-inspection"), std::string::npos) << early.body;

    auto applied = receiver.post(path, application());
    ASSERT_EQ(applied.status, 201) << applied.describe();
    EXPECT_EQ(applied.json()->getValue<std::string>("state"), "in_testing");
    EXPECT_EQ(applied.json()->getValue<std::string>("applicant_name"), "某某大药房");
    EXPECT_TRUE(applied.json()->isNull("handover"));
    EXPECT_FALSE(applied.json()->getValue<std::string>("original_report_number").empty());
    const std::string lab = applied.json()->getObject("laboratory")->getValue<std::string>("code");

    // A broken seal, a seal not in the record, a seal not read: refused by name.
    auto broken = receiver.post(path + "/handover", handover({seal}, false));
    ASSERT_EQ(broken.status, 422) << broken.describe();
    EXPECT_NE(broken.body.find("are not intact"), std::string::npos) << broken.body;
    auto stranger = receiver.post(path + "/handover", handover({seal, "FQ-NOT-OURS"}, true));
    ASSERT_EQ(stranger.status, 422) << stranger.describe();
    EXPECT_NE(stranger.body.find("not in the record: FQ-NOT-OURS"), std::string::npos) << stranger.body;
    auto unread = receiver.post(path + "/handover", handover({}, true));
    ASSERT_EQ(unread.status, 422) << unread.describe();
    EXPECT_NE(unread.body.find("not read: " + seal), std::string::npos) << unread.body;
    // Only a receiver hands it over; another jurisdiction never sees the sample.
    EXPECT_EQ(service->as(TestService::username(Role::planner, Jurisdiction::A)).post(path + "/handover", handover({seal}, true)).status,
              403);
    EXPECT_EQ(service->as(TestService::username(Role::receiver, Jurisdiction::B)).post(path + "/handover", handover({seal}, true)).status,
              404);

    auto done = receiver.post(path + "/handover", handover({seal}, true));
    ASSERT_EQ(done.status, 201) << done.describe();
    EXPECT_EQ(done.json()->getValue<std::string>("action"), "hand_over_retained_portion");
    EXPECT_EQ(done.json()->getValue<std::string>("holder_organisation_code"), lab);
    EXPECT_NE(done.json()->getValue<std::string>("note").find(seal), std::string::npos);
    EXPECT_NE(done.json()->getValue<std::string>("note").find("接收人 李四"), std::string::npos);
    // Once only, naming when and to whom.
    auto again = receiver.post(path + "/handover", handover({seal}, true));
    ASSERT_EQ(again.status, 409) << again.describe();
    EXPECT_NE(again.body.find("was handed over already"), std::string::npos) << again.body;
    EXPECT_NE(again.body.find(lab), std::string::npos) << again.body;

    // In the chain of custody, on the re-inspection, in the audit trail; the portion's state.
    // (The chain of custody is read from its table here: the seeded sample reached its
    // laboratory without a shipment, which GET .../custody counts a laboratory's hold by; the
    // web journey receiver-reinspection reads it through the route.)
    std::string last_action, last_holder;
    {
        auto session = service->rawSession();
        session << "SELECT c.action, o.code FROM custody_events c JOIN organisations o ON o.id = c.holder_org_id "
                   "WHERE c.sample_id = (SELECT id FROM samples WHERE number = " + seed::q(number) +
                       ") ORDER BY c.id DESC LIMIT 1",
            Poco::Data::Keywords::into(last_action), Poco::Data::Keywords::into(last_holder), Poco::Data::Keywords::now;
    }
    EXPECT_EQ(last_action, "hand_over_retained_portion");
    EXPECT_EQ(last_holder, lab);
    auto read = service->as(TestService::username(Role::planner, Jurisdiction::A)).get(path);
    ASSERT_EQ(read.status, 200) << read.describe();
    ASSERT_FALSE(read.json()->isNull("handover"));
    EXPECT_EQ(read.json()->getObject("handover")->getValue<std::string>("holder_organisation_code"), lab);
    Poco::Int64 audited = 0, handed = 0;
    {
        auto session = service->rawSession();
        session << "SELECT count(*) FROM audit_log WHERE action = 'sample.hand_over_retained_portion' AND entity_id = " +
                       seed::q(number),
            Poco::Data::Keywords::into(audited), Poco::Data::Keywords::now;
        session << "SELECT count(*) FROM sample_portions WHERE kind = 'retained' AND state = 'handed_over' AND sample_id = "
                   "(SELECT id FROM samples WHERE number = " + seed::q(number) + ")",
            Poco::Data::Keywords::into(handed), Poco::Data::Keywords::now;
    }
    EXPECT_EQ(audited, 1);
    EXPECT_EQ(handed, 1);

    // A sample whose portion is not a retained one has nothing to hand over.
    const std::string other = issued_sample("drug");
    ASSERT_EQ(receiver.post("/api/v1/samples/" + other + "/reinspection", application()).status, 201);
    seed::exec(*service->database(), "UPDATE sample_portions SET kind = 'test' WHERE kind = 'retained' AND sample_id = "
                                     "(SELECT id FROM samples WHERE number = " + seed::q(other) + ")");
    auto none = receiver.post("/api/v1/samples/" + other + "/reinspection/handover", handover({seal}, true));
    ASSERT_EQ(none.status, 409) << none.describe();
    EXPECT_NE(none.body.find("has no retained portion"), std::string::npos) << none.body;
}

// 不予受理: the receiver decides not to accept a recorded application, with its reason; the
// refusal is kept beside the application (who, when, why) and audited, the sample is
// reported again, round 2's tests are cancelled, the retained portion stays and is not
// handed over; decided once; only a receiver of the sample's side; If-Match the sample's.
TEST_P(ReinspectionRoutes, AnApplicationIsNotAcceptedWithItsReasonOnceAndNothingIsHandedOverAfter) {
    auto receiver = service->as(TestService::username(Role::receiver, Jurisdiction::A));
    const std::string number = issued_sample("drug");
    const std::string path = "/api/v1/samples/" + number + "/reinspection";
    auto reason = [](const std::string& text) {
        auto body = lims::api::newObject();
        body->set("reason", text);
        return body;
    };
    // Nothing recorded yet: nothing to refuse.
    auto early = receiver.post(path + "/refusal", reason("逾期"), {{"If-Match", "\"1\""}});
    ASSERT_EQ(early.status, 409) << early.describe();
    EXPECT_NE(early.body.find("has no re-inspection application"), std::string::npos) << early.body;

    ASSERT_EQ(receiver.post(path, application()).status, 201);
    auto read = receiver.get(path);
    ASSERT_EQ(read.status, 200) << read.describe();
    const std::string etag = read.header("etag");
    ASSERT_FALSE(etag.empty());
    EXPECT_EQ(etag, "\"" + read.json()->get("sample_version").toString() + "\"");
    EXPECT_TRUE(read.json()->isNull("refused_at"));

    // Without If-Match 428; a stale one 409; another role 403; another side 404; a blank reason 422.
    EXPECT_EQ(receiver.post(path + "/refusal", reason("申请人不具备资格")).status, 428);
    auto stale = receiver.post(path + "/refusal", reason("申请人不具备资格"), {{"If-Match", "\"999\""}});
    EXPECT_EQ(stale.status, 409) << stale.describe();
    for (Role other : {Role::planner, Role::analyst, Role::signatory})
        EXPECT_EQ(service->as(TestService::username(other, Jurisdiction::A))
                      .post(path + "/refusal", reason("申请人不具备资格"), {{"If-Match", etag}})
                      .status,
                  403)
            << lims::domain::to_string(other);
    EXPECT_EQ(service->as(TestService::username(Role::receiver, Jurisdiction::B))
                  .post(path + "/refusal", reason("申请人不具备资格"), {{"If-Match", etag}})
                  .status,
              404);
    auto blank = receiver.post(path + "/refusal", reason("   "), {{"If-Match", etag}});
    ASSERT_EQ(blank.status, 422) << blank.describe();
    EXPECT_NE(blank.body.find("reason"), std::string::npos) << blank.body;

    auto refused = receiver.post(path + "/refusal", reason("申请人提交的授权委托书无效"), {{"If-Match", etag}});
    ASSERT_EQ(refused.status, 201) << refused.describe();
    EXPECT_EQ(refused.json()->getValue<std::string>("state"), "refused");
    EXPECT_EQ(refused.json()->getValue<std::string>("sample_state"), "reported");
    EXPECT_EQ(refused.json()->getValue<std::string>("refusal_reason"), "申请人提交的授权委托书无效");
    EXPECT_EQ(refused.json()->getValue<std::string>("refused_by"), TestService::username(Role::receiver, Jurisdiction::A));
    EXPECT_FALSE(refused.json()->isNull("refused_at"));
    // Read back by every reader of the report.
    auto shown = service->as(TestService::username(Role::planner, Jurisdiction::A)).get(path);
    ASSERT_EQ(shown.status, 200) << shown.describe();
    EXPECT_EQ(shown.json()->getValue<std::string>("state"), "refused");
    EXPECT_EQ(shown.json()->getValue<std::string>("refusal_reason"), "申请人提交的授权委托书无效");

    // Decided once, naming when, by whom and why.
    auto twice = receiver.post(path + "/refusal", reason("再次"), {{"If-Match", shown.header("etag")}});
    ASSERT_EQ(twice.status, 409) << twice.describe();
    EXPECT_NE(twice.body.find("already"), std::string::npos) << twice.body;
    EXPECT_NE(twice.body.find("申请人提交的授权委托书无效"), std::string::npos) << twice.body;

    // Nothing goes to the laboratory after a refusal, and the portion stays as it was.
    std::string seal;
    {
        auto session = service->rawSession();
        session << "SELECT min(seal_number) FROM sample_seals WHERE sample_id = (SELECT id FROM samples WHERE number = " +
                       seed::q(number) + ")",
            Poco::Data::Keywords::into(seal), Poco::Data::Keywords::now;
    }
    auto body = lims::api::newObject();
    Poco::JSON::Array::Ptr seals = new Poco::JSON::Array;
    seals->add(seal);
    body->set("seal_numbers", seals);
    body->set("seals_intact", true);
    body->set("received_by", std::string("李四"));
    auto handover = receiver.post(path + "/handover", body);
    ASSERT_EQ(handover.status, 409) << handover.describe();
    EXPECT_NE(handover.body.find("not accepted"), std::string::npos) << handover.body;
    EXPECT_NE(handover.body.find("is not handed over"), std::string::npos) << handover.body;
    // A second application is refused naming the decision.
    auto again = receiver.post(path, application());
    ASSERT_EQ(again.status, 409) << again.describe();
    EXPECT_NE(again.body.find("不予受理"), std::string::npos) << again.body;

    Poco::Int64 refusals = 0, audited = 0, sample_audited = 0, portions_handed = 0, open_round2 = 0, cancelled = 0;
    {
        auto session = service->rawSession();
        session << "SELECT count(*) FROM reinspection_refusals WHERE sample_id = (SELECT id FROM samples WHERE number = " +
                       seed::q(number) + ")",
            Poco::Data::Keywords::into(refusals), Poco::Data::Keywords::now;
        session << "SELECT count(*) FROM audit_log WHERE action = 'reinspection.refuse' AND reason = " +
                       seed::q("申请人提交的授权委托书无效"),
            Poco::Data::Keywords::into(audited), Poco::Data::Keywords::now;
        session << "SELECT count(*) FROM audit_log WHERE action = 'sample.refuse_reinspection' AND entity_id = " + seed::q(number),
            Poco::Data::Keywords::into(sample_audited), Poco::Data::Keywords::now;
        session << "SELECT count(*) FROM sample_portions WHERE kind = 'retained' AND state = 'handed_over' AND sample_id = "
                   "(SELECT id FROM samples WHERE number = " + seed::q(number) + ")",
            Poco::Data::Keywords::into(portions_handed), Poco::Data::Keywords::now;
        session << "SELECT count(*) FROM tests WHERE round = 2 AND state <> 'cancelled' AND sample_id = "
                   "(SELECT id FROM samples WHERE number = " + seed::q(number) + ")",
            Poco::Data::Keywords::into(open_round2), Poco::Data::Keywords::now;
        session << "SELECT count(*) FROM tests WHERE round = 2 AND state = 'cancelled' AND sample_id = "
                   "(SELECT id FROM samples WHERE number = " + seed::q(number) + ")",
            Poco::Data::Keywords::into(cancelled), Poco::Data::Keywords::now;
    }
    EXPECT_EQ(refusals, 1);
    EXPECT_EQ(audited, 1);
    EXPECT_EQ(sample_audited, 1);
    EXPECT_EQ(portions_handed, 0);
    EXPECT_EQ(open_round2, 0);
    EXPECT_GT(cancelled, 0);
    // The refusal is a fact: never edited or deleted.
    auto session = service->rawSession();
    EXPECT_ANY_THROW((session << "UPDATE reinspection_refusals SET reason = 'x'", Poco::Data::Keywords::now));
    EXPECT_ANY_THROW((session << "DELETE FROM reinspection_refusals", Poco::Data::Keywords::now));
}

// Once the retained portion went to the laboratory the application can no longer be refused.
TEST_P(ReinspectionRoutes, AnApplicationWhosePortionWasHandedOverIsNotRefused) {
    auto receiver = service->as(TestService::username(Role::receiver, Jurisdiction::A));
    const std::string number = issued_sample("drug");
    const std::string path = "/api/v1/samples/" + number + "/reinspection";
    ASSERT_EQ(receiver.post(path, application()).status, 201);
    std::string seal;
    {
        auto session = service->rawSession();
        session << "SELECT min(seal_number) FROM sample_seals WHERE sample_id = (SELECT id FROM samples WHERE number = " +
                       seed::q(number) + ")",
            Poco::Data::Keywords::into(seal), Poco::Data::Keywords::now;
    }
    auto body = lims::api::newObject();
    Poco::JSON::Array::Ptr seals = new Poco::JSON::Array;
    seals->add(seal);
    body->set("seal_numbers", seals);
    body->set("seals_intact", true);
    body->set("received_by", std::string("李四"));
    ASSERT_EQ(receiver.post(path + "/handover", body).status, 201);
    auto reason = lims::api::newObject();
    reason->set("reason", std::string("申请人不具备资格"));
    auto late = receiver.post(path + "/refusal", reason, {{"If-Match", receiver.get(path).header("etag")}});
    ASSERT_EQ(late.status, 409) << late.describe();
    EXPECT_NE(late.body.find("was handed over"), std::string::npos) << late.body;
    EXPECT_NE(late.body.find("can no longer be refused"), std::string::npos) << late.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, ReinspectionRoutes, lims::test::kBothBackends, lims::test::backendName);
