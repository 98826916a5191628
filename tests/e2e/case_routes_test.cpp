// The case after the lead through the HTTP API, on SQLite and PostgreSQL: a lead decided
// for filing becomes a case whose 90-day clock runs from the filing into the provisional
// 2027 calendar, stops for testing, moves by the days it stood and is extended once;
// seizures with their 30-day term, a recall ended; the outcome with its penalty on persons
// told to the laboratory and the organising bureau; a transfer to the police with its two
// clocks; overdue case clocks in the overdue list; the conversion rate counting transfers;
// and another unit's case never admitted to exist.
#include "tests/support/test_service.hpp"
#include "tests/unit/workflow/documents_seed.hpp"

#include "lims/domain/calendar/beijing_time.hpp"

#include <Poco/Data/Session.h>
#include <Poco/JSON/Array.h>

#include <gtest/gtest.h>

namespace lims::test {
namespace {

using namespace Poco::Data::Keywords;
using domain::Role;
namespace seed = documents_seed;

// The first 19 characters of a stored UTC time: "2027-02-09T16:00:00".
std::string second_of(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    return o->has(key) ? o->getValue<std::string>(key).substr(0, 19) : std::string("(absent)");
}

class CaseRoutes : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        service = std::make_unique<TestService>(TestService::Options{.backend = GetParam()});
        static int made = 0;
        prefix = "CASE" + std::to_string(++made);
        // documents_seed's reported sample under bureau A, its leads held by enforcement unit
        // A, sampled under a plan of bureau A and received by laboratory A.
        const auto bureau = service->organisation(TestService::bureau(Jurisdiction::A));
        auto& db = *service->database();
        auto orgs = seed::seed_organisations(db, prefix, bureau.id, bureau.path);
        seeded = seed::seed_documents(db, orgs, prefix);
        const auto unit = service->organisationId(TestService::enforcementUnit(Jurisdiction::A));
        seed::exec(db, "UPDATE case_leads SET assigned_org_id = " + seed::n(unit) + " WHERE number LIKE " +
                           seed::q("XS-" + prefix + "-%"));
        const auto plan = seed::insert(
            db, "INSERT INTO sampling_plans (code, title, org_id, year, state, starts_on, ends_on, created_at, updated_at) "
                "VALUES (" + seed::q("PLAN-" + prefix) + ", '2026年药品监督抽检', " + seed::n(bureau.id) +
                    ", 2026, 'active', '2026-01-01', '2026-12-31', " + seed::kStamp + ", " + seed::kStamp + ")");
        const auto task = seed::insert(
            db, "INSERT INTO tasks (number, plan_id, office_org_id, state, due_on, created_at, updated_at) VALUES (" +
                    seed::q("T-" + prefix) + ", " + seed::n(plan) + ", " + seed::n(orgs.office) + ", 'completed', "
                    "'2026-06-30', " + seed::kStamp + ", " + seed::kStamp + ")");
        seed::exec(db, "UPDATE samples SET task_id = " + seed::n(task) + " WHERE number = " + seed::q(seeded.sample_number));
        lab = service->organisationId(TestService::laboratory(Jurisdiction::A));
        bureau_id = bureau.id;
        seed::exec(db, "INSERT INTO sample_receipts (sample_id, lab_org_id, receiver_user_id, seals_intact, "
                       "seal_numbers_match, labels_match, quantity_matches, package_condition, decision, received_at) "
                       "SELECT id, " + seed::n(lab) + ", " +
                           seed::n(service->userId(TestService::username(Role::receiver, Jurisdiction::A))) +
                           ", 1, 1, 1, 1, 'good', 'accept', '2026-03-03T02:00:00.000Z' FROM samples WHERE number = " +
                           seed::q(seeded.sample_number));
    }

    HttpClient officer(Jurisdiction side = Jurisdiction::A) {
        return service->as(TestService::username(Role::enforcement_officer, side));
    }

    std::string lead(const std::string& suffix) const { return "XS-" + prefix + "-" + suffix; }

    // Files the case of a lead decided for filing at `filed_at`.
    HttpReply file(const std::string& lead_number, const std::string& filed_at) {
        auto o = officer();
        auto l = o.get("/api/v1/case-leads/" + lead_number);
        EXPECT_EQ(l.status, 200) << l.describe();
        return o.post("/api/v1/cases",
                      std::string(R"({"lead_number":")") + lead_number + R"(","approval":"局长王某 2026-11-02 批准立案","filed_at":")" +
                          filed_at + "\"}",
                      {{"If-Match", l.header("etag")}});
    }

    std::int64_t count(const std::string& sql) {
        Poco::Int64 n = -1;
        auto session = service->rawSession();
        session << sql, into(n), now;
        return n;
    }

    std::unique_ptr<TestService> service;
    std::string prefix;
    seed::Seeded seeded;
    std::int64_t lab = 0, bureau_id = 0;
};

TEST_P(CaseRoutes, TheDecisionClockRunsIntoAProvisional2027StopsForTestingAndIsExtendedOnce) {
    auto o = officer();
    auto l = o.get("/api/v1/case-leads/" + lead("2"));
    ASSERT_EQ(l.status, 200) << l.describe();
    auto no_if_match = o.post("/api/v1/cases", std::string(R"({"lead_number":")") + lead("2") + R"(","approval":"批准"})");
    EXPECT_EQ(no_if_match.status, 428) << no_if_match.describe();
    auto future = o.post("/api/v1/cases",
                         std::string(R"({"lead_number":")") + lead("2") + R"(","approval":"批准","filed_at":"2099-01-01T00:00:00Z"})",
                         {{"If-Match", l.header("etag")}});
    EXPECT_EQ(future.status, 422) << future.describe();
    EXPECT_NE(future.body.find("filed_at"), std::string::npos) << future.describe();

    // Filed Mon 2 Nov 2026 10:00 Beijing: day 90 is Sun 31 Jan 2027 -> Mon 1 Feb, on the
    // provisional 2027 calendar.
    auto filed = file(lead("2"), "2026-11-02T02:00:00Z");
    ASSERT_EQ(filed.status, 201) << filed.describe();
    const auto number = filed.json()->getValue<std::string>("number");
    EXPECT_EQ(number.rfind("AJ2026-", 0), 0u) << number;
    EXPECT_EQ(filed.header("location"), "/api/v1/cases/" + number);
    EXPECT_EQ(filed.json()->getValue<std::string>("state"), "filed");
    EXPECT_EQ(second_of(filed.json(), "deadline_at"), "2027-02-01T16:00:00");
    EXPECT_TRUE(filed.json()->has("deadline_provisional"));
    EXPECT_EQ(file(lead("2"), "2026-11-02T02:00:00Z").status, 409);  // one case per lead
    // A lead not decided for filing does not become a case.
    auto declined = file(lead("3"), "2026-11-02T02:00:00Z");
    EXPECT_EQ(declined.status, 409) << declined.describe();
    EXPECT_NE(declined.body.find("only a lead under investigation or decided for filing"), std::string::npos)
        << declined.describe();

    const std::string path = "/api/v1/cases/" + number;
    // Out for testing from Mon 30 Nov 15:00 to Fri 4 Dec 09:00: the clock stands.
    auto paused = o.post(path + "/pause", std::string(R"({"reason":"testing","note":"样品送省药检院","at":"2026-11-30T07:00:00Z"})"),
                         {{"If-Match", filed.header("etag")}});
    ASSERT_EQ(paused.status, 200) << paused.describe();
    EXPECT_TRUE(paused.json()->getValue<bool>("paused"));
    EXPECT_FALSE(paused.json()->has("deadline_at"));
    auto twice = o.post(path + "/pause", std::string(R"({"reason":"expert_opinion"})"), {{"If-Match", paused.header("etag")}});
    EXPECT_EQ(twice.status, 409) << twice.describe();
    auto stale = o.post(path + "/resume", std::string("{}"), {{"If-Match", filed.header("etag")}});
    EXPECT_EQ(stale.status, 409) << stale.describe();
    auto bad_reason = o.post(path + "/pause", std::string(R"({"reason":"holiday"})"), {{"If-Match", paused.header("etag")}});
    EXPECT_EQ(bad_reason.status, 422) << bad_reason.describe();
    // Resumed: five local days (30 Nov - 4 Dec) left out -> day 90 is Fri 5 Feb 2027, in the
    // Spring Festival (5-8 Feb) -> Tue 9 Feb.
    auto resumed = o.post(path + "/resume", std::string(R"({"at":"2026-12-04T01:00:00Z"})"), {{"If-Match", paused.header("etag")}});
    ASSERT_EQ(resumed.status, 200) << resumed.describe();
    EXPECT_EQ(second_of(resumed.json(), "deadline_at"), "2027-02-09T16:00:00");
    EXPECT_FALSE(resumed.json()->getValue<bool>("paused"));
    // The one extension of 30 days, with reason and approver: day 125 is Sun 7 Mar -> Mon 8 Mar.
    auto no_approver = o.post(path + "/extension", std::string(R"({"reason":"案情复杂"})"), {{"If-Match", resumed.header("etag")}});
    EXPECT_EQ(no_approver.status, 422) << no_approver.describe();
    auto extended = o.post(path + "/extension", std::string(R"({"reason":"案情复杂，需补充调查","approver":"局长王某"})"),
                           {{"If-Match", resumed.header("etag")}});
    ASSERT_EQ(extended.status, 200) << extended.describe();
    EXPECT_EQ(second_of(extended.json(), "deadline_at"), "2027-03-08T16:00:00");
    EXPECT_EQ(extended.json()->getValue<std::string>("extension_approver"), "局长王某");
    auto again = o.post(path + "/extension", std::string(R"({"reason":"再次","approver":"局长王某"})"),
                        {{"If-Match", extended.header("etag")}});
    EXPECT_EQ(again.status, 409) << again.describe();

    // Every change is a version of its own: filed, paused, resumed, extended.
    EXPECT_EQ(extended.json()->getValue<int>("version"), 4);
    EXPECT_EQ(count("SELECT count(*) FROM revisions WHERE entity_type = 'case' AND entity_id = " +
                    std::to_string(extended.json()->getValue<Poco::Int64>("id"))),
              4);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE entity_type = 'case' AND entity_id = '" + number + "'"), 4);
}

TEST_P(CaseRoutes, MeasuresOutcomeAndFeedbackToTheLaboratoryAndTheBureau) {
    auto o = officer();
    auto filed = file(lead("2"), "2026-11-02T02:00:00Z");
    ASSERT_EQ(filed.status, 201) << filed.describe();
    const std::string path = "/api/v1/cases/" + filed.json()->getValue<std::string>("number");
    std::string etag = filed.header("etag");
    auto step = [&](const std::string& sub, const std::string& body) {
        auto r = o.post(path + sub, body, {{"If-Match", etag}});
        if (r.status == 200) etag = r.header("etag");
        return r;
    };
    auto no_document = step("/measures", R"({"kind":"seizure"})");
    EXPECT_EQ(no_document.status, 422) << no_document.describe();
    EXPECT_NE(no_document.body.find("document_number"), std::string::npos) << no_document.describe();
    // Seized Fri 20 Nov 2026: day 30 is Sun 20 Dec -> Mon 21 Dec.
    auto seized = step("/measures", R"({"kind":"seizure","document_number":"市监查扣〔2026〕12号","scope":"批号240501 共120盒",)"
                                    R"("started_at":"2026-11-20T02:00:00Z"})");
    ASSERT_EQ(seized.status, 200) << seized.describe();
    auto m = seized.json()->getArray("measures")->getObject(0);
    EXPECT_EQ(m->getValue<int>("id"), 1);
    EXPECT_EQ(second_of(m, "decision_due_at"), "2026-12-21T16:00:00");
    auto recall = step("/measures", R"({"kind":"recall","scope":"召回批号240501"})");
    ASSERT_EQ(recall.status, 200) << recall.describe();
    // Extended once by 30: day 60 is Tue 19 Jan 2027 (provisional).
    auto extended = step("/measures/1/extension", R"({"reason":"检验未完成","approver":"局长王某"})");
    ASSERT_EQ(extended.status, 200) << extended.describe();
    m = extended.json()->getArray("measures")->getObject(0);
    EXPECT_EQ(second_of(m, "decision_due_at"), "2027-01-19T16:00:00");
    EXPECT_TRUE(m->has("decision_due_provisional"));
    EXPECT_EQ(step("/measures/1/extension", R"({"reason":"再次","approver":"局长王某"})").status, 409);
    EXPECT_EQ(step("/measures/2/extension", R"({"reason":"x","approver":"y"})").status, 409);  // a recall has no term
    EXPECT_EQ(step("/measures/9/end", R"({"result":"lifted"})").status, 404);
    EXPECT_EQ(step("/measures/2/end", R"({"result":"confiscated"})").status, 422);  // a recall is not confiscated
    auto recalled = step("/measures/2/end", R"({"result":"completed","note":"已召回 118 盒"})");
    ASSERT_EQ(recalled.status, 200) << recalled.describe();
    EXPECT_EQ(recalled.json()->getArray("measures")->getObject(1)->getValue<std::string>("end_result"), "completed");

    // The outcome: a penalty needs its legal basis; the amount is yuan.
    auto no_basis = step("/outcome", R"({"kind":"penalty","approval":"局长王某","amount":"50000"})");
    EXPECT_EQ(no_basis.status, 422) << no_basis.describe();
    EXPECT_NE(no_basis.body.find("legal_basis"), std::string::npos) << no_basis.describe();
    EXPECT_EQ(step("/outcome", R"({"kind":"penalty","approval":"局长王某","amount":"五万","legal_basis":"x"})").status, 422);
    EXPECT_EQ(step("/outcome", R"({"kind":"withdrawn","approval":"局长王某"})").status, 422);  // 撤案 needs its reason
    auto decided = step("/outcome", R"({"kind":"penalty","approval":"局长王某","amount":"50000","decision_number":"市监罚〔2026〕88号",)"
                                    R"("legal_basis":"《中华人民共和国药品管理法》第一百一十七条",)"
                                    R"("persons":[{"name":"李某","position":"质量负责人","penalty":"罚款","amount":"20000.50"}]})");
    ASSERT_EQ(decided.status, 200) << decided.describe();
    EXPECT_EQ(decided.json()->getValue<std::string>("state"), "decided");
    auto outcome = decided.json()->getObject("outcome");
    EXPECT_EQ(outcome->getValue<std::string>("amount"), "50000");
    EXPECT_EQ(outcome->getArray("persons")->getObject(0)->getValue<std::string>("amount"), "20000.50");
    // Told once each: the laboratory that received the sample and the bureau of its plan.
    const std::string number = decided.json()->getValue<std::string>("number");
    EXPECT_EQ(count("SELECT count(*) FROM office_notifications WHERE kind = 'case_outcome' AND to_org_id = " +
                    std::to_string(lab) + " AND message LIKE '%" + number + "%'"),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM office_notifications WHERE kind = 'case_outcome' AND to_org_id = " +
                    std::to_string(bureau_id) + " AND message LIKE '%50000%'"),
              1);
    // Decided: the clock and the measures no longer change.
    EXPECT_EQ(step("/pause", R"({"reason":"testing"})").status, 409);
    EXPECT_EQ(step("/measures", R"({"kind":"recall"})").status, 409);
}

// 行政强制法 第二十五条: the seizure's term leaves out the time the seized goods are out for
// testing, inspection, quarantine or technical appraisal; the rule says so in the catalogue.
TEST_P(CaseRoutes, TheSeizureTermStandsWhileTheSeizedGoodsAreTested) {
    auto o = officer();
    auto filed = file(lead("2"), "2026-11-02T02:00:00Z");
    ASSERT_EQ(filed.status, 201) << filed.describe();
    const std::string number = filed.json()->getValue<std::string>("number");
    const std::string path = "/api/v1/cases/" + number;
    std::string etag = filed.header("etag");
    auto step = [&](const std::string& sub, const std::string& body) {
        auto r = o.post(path + sub, body, {{"If-Match", etag}});
        if (r.status == 200) etag = r.header("etag");
        return r;
    };
    // Seized Fri 20 Nov 2026 10:00 Beijing: day 30 is Sun 20 Dec -> Mon 21 Dec.
    ASSERT_EQ(step("/measures", R"({"kind":"seizure","document_number":"市监查扣〔2026〕13号","started_at":"2026-11-20T02:00:00Z"})").status, 200);
    ASSERT_EQ(step("/measures", R"({"kind":"recall","scope":"召回"})").status, 200);
    EXPECT_EQ(step("/measures/2/pause", R"({"reason":"testing"})").status, 409);  // a recall has no term
    EXPECT_EQ(step("/measures/1/pause", R"({"reason":"holiday"})").status, 422);
    auto early = step("/measures/1/pause", R"({"reason":"testing","at":"2026-11-19T02:00:00Z"})");
    EXPECT_EQ(early.status, 422) << early.describe();
    EXPECT_NE(early.body.find("before the seizure"), std::string::npos) << early.describe();
    EXPECT_EQ(step("/measures/1/resume", "{}").status, 409);  // nothing stands
    // Out for testing Mon 23 Nov 10:00: the term stands, no date.
    auto paused = step("/measures/1/pause", R"({"reason":"testing","note":"扣押样品送省药检院检验","at":"2026-11-23T02:00:00Z"})");
    ASSERT_EQ(paused.status, 200) << paused.describe();
    auto m = paused.json()->getArray("measures")->getObject(0);
    EXPECT_FALSE(m->has("decision_due_at"));
    EXPECT_EQ(m->getArray("pauses")->getObject(0)->getValue<std::string>("reason"), "testing");
    EXPECT_EQ(step("/measures/1/pause", R"({"reason":"expert_opinion"})").status, 409);  // one at a time
    // The case's own clock is not touched by the seizure's pause.
    EXPECT_FALSE(paused.json()->getValue<bool>("paused"));
    // Back Thu 26 Nov 09:00: 23-26 Nov (four local days) left out -> Thu 24 Dec.
    auto resumed = step("/measures/1/resume", R"({"at":"2026-11-26T01:00:00Z"})");
    ASSERT_EQ(resumed.status, 200) << resumed.describe();
    m = resumed.json()->getArray("measures")->getObject(0);
    EXPECT_EQ(second_of(m, "decision_due_at"), "2026-12-24T16:00:00");
    EXPECT_EQ(m->getArray("pauses")->getObject(0)->getValue<std::string>("ended_by"),
              TestService::username(Role::enforcement_officer, Jurisdiction::A));
    // Read back as stored, audited step by step.
    auto read = o.get(path);
    ASSERT_EQ(read.status, 200) << read.describe();
    EXPECT_EQ(second_of(read.json()->getArray("measures")->getObject(0), "decision_due_at"), "2026-12-24T16:00:00");
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE entity_type = 'case' AND entity_id = '" + number +
                    "' AND action IN ('case.measure_pause', 'case.measure_resume')"),
              2);
    // Another unit's officer never reaches it.
    EXPECT_EQ(officer(Jurisdiction::B).post(path + "/measures/1/pause", R"({"reason":"testing"})", {{"If-Match", etag}}).status,
              404);
    // The catalogue cites the article with the paragraph the pause rests on.
    auto rules = o.get("/api/v1/statutory-rules");
    ASSERT_EQ(rules.status, 200) << rules.describe();
    EXPECT_NE(rules.body.find("查封、扣押的期间不包括检测、检验、检疫或者技术鉴定的期间"), std::string::npos);
}

TEST_P(CaseRoutes, TransferToThePoliceWithItsTwoClocksAndConversionCountsTransfers) {
    auto o = officer();
    auto admin = service->as(TestService::kRootAdministrator);
    auto conversion = [&] {
        auto s = admin.get("/api/v1/statistics");
        EXPECT_EQ(s.status, 200) << s.describe();
        auto rate = s.json()->getObject("case_leads")->getObject("conversion_rate");
        return std::pair{rate->getValue<int>("numerator"), rate->getValue<int>("denominator")};
    };
    // A lead still under investigation: filing the case takes the lead's own "file" step.
    const auto unit = service->organisation(TestService::enforcementUnit(Jurisdiction::A));
    const auto entity = seed::insert(
        *service->database(),
        "INSERT INTO regulated_entities (name, kind, jurisdiction_org_id, region_code, created_at, updated_at) VALUES "
        "('某药房', 'pharmacy', " + seed::n(unit.id) + ", " + seed::q(unit.region_code) + ", " + seed::kStamp + ", " +
            seed::kStamp + ")");
    auto open_lead = [&] {
        auto opened = o.post("/api/v1/case-leads", std::string(R"({"subject_entity_id":)") + std::to_string(entity) +
                                                       R"(,"summary":"投诉：销售假药"})");
        EXPECT_EQ(opened.status, 201) << opened.describe();
        const auto number = opened.json()->getValue<std::string>("number");
        auto accepted = o.post("/api/v1/case-leads/" + number + "/steps", std::string(R"({"action":"accept"})"),
                               {{"If-Match", opened.header("etag")}});
        auto investigating = o.post("/api/v1/case-leads/" + number + "/steps", std::string(R"({"action":"investigate"})"),
                                    {{"If-Match", accepted.header("etag")}});
        EXPECT_EQ(investigating.status, 200) << investigating.describe();
        return std::pair{number, investigating.header("etag")};
    };
    const auto before = conversion();
    auto [lead_number, lead_etag] = open_lead();
    auto filed = o.post("/api/v1/cases", std::string(R"({"lead_number":")") + lead_number + R"(","approval":"局长王某批准立案"})",
                        {{"If-Match", lead_etag}});
    ASSERT_EQ(filed.status, 201) << filed.describe();
    auto lead_now = o.get("/api/v1/case-leads/" + lead_number);
    EXPECT_EQ(lead_now.json()->getValue<std::string>("state"), "filed");
    EXPECT_EQ(lead_now.json()->getValue<std::string>("approval"), "局长王某批准立案");
    // A lead transferred to the police at its own decision counts as converted too.
    auto [other, other_etag] = open_lead();
    auto transferred_lead = o.post("/api/v1/case-leads/" + other + "/steps",
                                   std::string(R"({"action":"transfer","receiving_body":"某市公安局","approval":"局长王某"})"),
                                   {{"If-Match", other_etag}});
    ASSERT_EQ(transferred_lead.status, 200) << transferred_lead.describe();
    const auto after = conversion();
    EXPECT_EQ(after.first, before.first + 2);
    EXPECT_EQ(after.second, before.second + 2);

    const std::string path = "/api/v1/cases/" + filed.json()->getValue<std::string>("number");
    std::string etag = filed.header("etag");
    auto step = [&](const std::string& sub, const std::string& body) {
        auto r = o.post(path + sub, body, {{"If-Match", etag}});
        if (r.status == 200) etag = r.header("etag");
        return r;
    };
    EXPECT_EQ(step("/transfer/handover", R"({"police_body":"某市公安局","reference":"移字〔2026〕3号"})").status, 409);
    auto proposed = step("/transfer", R"({"grounds":"涉嫌生产、销售假药罪（刑法第一百四十一条）"})");
    ASSERT_EQ(proposed.status, 200) << proposed.describe();
    EXPECT_EQ(proposed.json()->getValue<std::string>("state"), "transfer_proposed");
    auto t = proposed.json()->getArray("transfers")->getObject(0);
    EXPECT_TRUE(t->has("decision_due_at")) << proposed.describe();
    EXPECT_EQ(step("/transfer/decision", R"({"decision":"refuse","approver":"局长王某"})").status, 422);  // a refusal says why
    auto approved = step("/transfer/decision", R"({"decision":"approve","approver":"局长王某"})");
    ASSERT_EQ(approved.status, 200) << approved.describe();
    EXPECT_EQ(approved.json()->getValue<std::string>("state"), "transfer_approved");
    t = approved.json()->getArray("transfers")->getObject(0);
    // The hand-over is due 24 hours after the approval, to the second.
    const auto decided_at = domain::parse_instant(t->getValue<std::string>("decided_at")).value();
    const auto handover_due = domain::parse_instant(t->getValue<std::string>("handover_due_at")).value();
    EXPECT_EQ(handover_due - decided_at, std::chrono::hours{24});
    auto handed = step("/transfer/handover", R"({"police_body":"某市公安局","reference":"移字〔2026〕3号"})");
    ASSERT_EQ(handed.status, 200) << handed.describe();
    EXPECT_EQ(handed.json()->getValue<std::string>("state"), "transferred");
    // The police returned it: 撤案 with its reason.
    auto withdrawn = step("/outcome", R"({"kind":"withdrawn","approval":"局长王某","reason":"公安机关已立案侦查，本案撤销"})");
    ASSERT_EQ(withdrawn.status, 200) << withdrawn.describe();
    EXPECT_EQ(withdrawn.json()->getObject("outcome")->getValue<std::string>("kind"), "withdrawn");
    // A lead opened by hand has no laboratory or plan to tell.
    EXPECT_EQ(count("SELECT count(*) FROM office_notifications WHERE kind = 'case_outcome' AND message LIKE '%" +
                    withdrawn.json()->getValue<std::string>("number") + "%'"),
              0);
}

TEST_P(CaseRoutes, ACaseClockPastItsDueTimeIsInTheOverdueList) {
    // Filed Fri 20 Mar 2026: 90 days end with Thu 18 Jun 2026, long past.
    auto filed = file(lead("4"), "2026-03-20T02:00:00Z");
    ASSERT_EQ(filed.status, 201) << filed.describe();
    const auto number = filed.json()->getValue<std::string>("number");
    auto overdue = officer().get("/api/v1/overdue?kind=case");
    ASSERT_EQ(overdue.status, 200) << overdue.describe();
    EXPECT_GE(overdue.json()->getValue<int>("cases"), 1);
    EXPECT_NE(overdue.body.find(number + "/decision"), std::string::npos) << overdue.describe();
    // Another jurisdiction does not see it.
    auto other = officer(Jurisdiction::B).get("/api/v1/overdue?kind=case");
    ASSERT_EQ(other.status, 200) << other.describe();
    EXPECT_EQ(other.body.find(number), std::string::npos) << other.describe();
    // While the clock stands, the decision is not overdue.
    auto paused = officer().post("/api/v1/cases/" + number + "/pause", std::string(R"({"reason":"expert_opinion"})"),
                                 {{"If-Match", filed.header("etag")}});
    ASSERT_EQ(paused.status, 200) << paused.describe();
    auto standing = officer().get("/api/v1/overdue?kind=case");
    EXPECT_EQ(standing.body.find(number + "/decision"), std::string::npos) << standing.describe();
}

TEST_P(CaseRoutes, AnotherUnitsCaseIsNeverAdmittedToExist) {
    auto filed = file(lead("2"), "2026-11-02T02:00:00Z");
    ASSERT_EQ(filed.status, 201) << filed.describe();
    const auto number = filed.json()->getValue<std::string>("number");
    auto b = officer(Jurisdiction::B);
    EXPECT_EQ(b.get("/api/v1/cases/" + number).status, 404);
    // Refused as missing before the precondition: no 428 without If-Match, no 409 with a stale one.
    EXPECT_EQ(b.post("/api/v1/cases/" + number + "/pause", std::string(R"({"reason":"testing"})")).status, 404);
    EXPECT_EQ(b.post("/api/v1/cases/" + number + "/outcome",
                     std::string(R"({"kind":"withdrawn","approval":"x","reason":"y"})"), {{"If-Match", "\"1\""}})
                  .status,
              404);
    // Filing another unit's lead: refused as the field, like an unknown lead; nothing written.
    auto lead_b = b.post("/api/v1/cases", std::string(R"({"lead_number":")") + lead("4") + R"(","approval":"批准"})",
                         {{"If-Match", "\"1\""}});
    EXPECT_EQ(lead_b.status, 422) << lead_b.describe();
    EXPECT_NE(lead_b.body.find("lead_number"), std::string::npos) << lead_b.describe();
    EXPECT_EQ(count("SELECT count(*) FROM cases c JOIN case_leads l ON l.id = c.lead_id WHERE l.number = '" + lead("4") + "'"),
              0);
    auto mine = officer().get("/api/v1/cases?limit=200");
    ASSERT_EQ(mine.status, 200) << mine.describe();
    EXPECT_NE(mine.body.find(number), std::string::npos);
    auto theirs = b.get("/api/v1/cases?limit=200");
    ASSERT_EQ(theirs.status, 200) << theirs.describe();
    EXPECT_EQ(theirs.body.find(number), std::string::npos);
    auto by_lead = officer().get("/api/v1/cases?lead_number=" + lead("2"));
    ASSERT_EQ(by_lead.status, 200);
    EXPECT_EQ(by_lead.json()->getArray("items")->size(), 1u);
    // Analysts do not work cases.
    EXPECT_EQ(service->as(TestService::username(Role::analyst, Jurisdiction::A)).get("/api/v1/cases/" + number).status, 403);
}

INSTANTIATE_TEST_SUITE_P(Backends, CaseRoutes, kBothBackends, backendName);

}  // namespace
}  // namespace lims::test
