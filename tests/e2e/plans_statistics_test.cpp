// Issue 16 items 7 and 10 through the HTTP API on SQLite and PostgreSQL: plans with quotas
// per sampling organisation (supervision office, enforcement unit, inspection centre) and
// month, focus tags on quotas (passed to their tasks) and on products, progress per quota
// and month; figures by week, month and plan phase grouped by region, sampled-unit kind,
// failing item and focus tag; the case leads' weekly summary; the risk ledger closed item
// by item; each kept to the caller's jurisdiction, and bad input refused by name.
#include "sampling_values.hpp"
#include "test_service.hpp"

#include "tests/unit/workflow/documents_seed.hpp"

#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/domain/calendar/report_period.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <map>

namespace seed = lims::test::documents_seed;
using lims::domain::Role;
using lims::test::Backend;
using lims::test::Jurisdiction;
using lims::test::TestService;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

Object::Ptr parse(const std::string& text) { return Poco::JSON::Parser().parse(text).extract<Object::Ptr>(); }

// Rows of a figures answer keyed by the value of `key` (and the group, when there is one).
std::map<std::string, Object::Ptr> rows_by(const lims::test::HttpReply& reply, const std::string& key,
                                           const std::string& group = "") {
    std::map<std::string, Object::Ptr> out;
    auto items = reply.json() ? reply.json()->getArray("items") : nullptr;
    if (!items) return out;
    for (std::size_t i = 0; i < items->size(); ++i) {
        auto row = items->getObject(static_cast<unsigned>(i));
        std::string k = row->getValue<std::string>(key);
        if (!group.empty()) k += "|" + row->getValue<std::string>(group);
        out[k] = row;
    }
    return out;
}

int cell(const Object::Ptr& row, const std::string& column) {
    return row ? std::stoi(row->getValue<std::string>(column)) : -1;
}

class PlansStatistics : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        lims::test::requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        service = std::make_unique<TestService>(TestService::Options{.backend = GetParam()});
    }

    std::string planner(Jurisdiction side = Jurisdiction::A) { return TestService::username(Role::planner, side); }
    std::string id_of(const char* code) { return std::to_string(service->organisationId(code)); }

    std::unique_ptr<TestService> service;
};

}  // namespace

TEST_P(PlansStatistics, QuotasPerSamplingOrganisationAndMonthWithFocusTags) {
    auto planner_a = service->as(planner());
    // The samples are registered now, so the plan is this (Beijing) year's, asking for this month.
    const std::string sampled_at = lims::test::utc_minutes_ago(30);
    const auto local = lims::domain::beijing_date(*lims::domain::parse_instant(sampled_at));
    const std::string month = lims::domain::month_of(local).key, y = month.substr(0, 4);
    const std::string body = R"({"code":"P-ZX","title":"药品安全巩固提升抽检","year":)" + y + R"(,
      "starts_on":")" + y + R"(-01-01","ends_on":")" + y + R"(-12-31",
      "quotas":[
        {"office_id":)" + id_of(TestService::kOfficeA1) + R"(,"category":"drug","quantity":3,"due_on":")" + y + R"(-12-31",
         "months":[{"month":")" + month + R"(","quantity":3}],"focus_tags":["centrally_procured"]},
        {"office_id":)" + id_of(TestService::kEnforcementA) + R"(,"category":"cosmetic","quantity":2,"due_on":")" + y + R"(-12-31",
         "months":[{"month":")" + month + R"(","quantity":2}],"focus_tags":["children_cosmetic","medical_aesthetic"]},
        {"office_id":)" + id_of(TestService::kLabA) + R"(,"category":"vaccine","quantity":1,"due_on":")" + y + R"(-12-31",
         "focus_tags":["vaccine"]}],
      "phases":[{"name":"全年","starts_on":")" + y + R"(-01-01","ends_on":")" + y + R"(-12-31","summary_due_on":")" + y + R"(-12-15"}]})";
    auto created = planner_a.post("/api/v1/sampling-plans", body);
    ASSERT_EQ(created.status, 201) << created.describe();
    auto quotas = created.json()->getArray("quotas");
    ASSERT_EQ(quotas->size(), 3U);
    EXPECT_EQ(quotas->getObject(0)->getValue<std::string>("office_kind"), "supervision_office");
    EXPECT_EQ(quotas->getObject(1)->getValue<std::string>("office_kind"), "enforcement_unit");
    EXPECT_EQ(quotas->getObject(2)->getValue<std::string>("office_kind"), "inspection_centre");
    EXPECT_EQ(quotas->getObject(0)->getArray("months")->size(), 1U);
    EXPECT_EQ(quotas->getObject(1)->getArray("focus_tags")->size(), 2U);
    EXPECT_EQ(created.json()->getArray("phases")->size(), 1U);

    // Publishing gives each organisation its task with the quota's tags.
    auto published = planner_a.post("/api/v1/sampling-plans/P-ZX/publish", "", {{"If-Match", created.header("etag")}});
    ASSERT_EQ(published.status, 200) << published.describe();
    auto tasks = published.json()->getArray("tasks");
    ASSERT_EQ(tasks->size(), 3U);
    {
        Poco::Data::Session s = service->rawSession();
        Poco::Int64 tagged = 0;
        s << "SELECT count(*) FROM task_focus_tags", Poco::Data::Keywords::into(tagged), Poco::Data::Keywords::now;
        EXPECT_EQ(tagged, 4);
    }

    // The enforcement unit samples too: two samplers of its own start its task and register.
    service->addUser("enf_sampler1", TestService::kEnforcementA, {"sampler"});
    service->addUser("enf_sampler2", TestService::kEnforcementA, {"sampler"});
    auto enf = service->as("enf_sampler1");
    const auto task = tasks->getObject(1);
    const std::string task_number = task->getValue<std::string>("number");
    auto started = enf.post("/api/v1/tasks/" + task_number + "/start", "",
                            {{"If-Match", "\"" + task->get("version").toString() + "\""}});
    ASSERT_EQ(started.status, 200) << started.describe();
    auto registration = parse(R"({"task_number":")" + task_number + R"(",
      "entity": {"name": "某母婴用品店", "credit_code": ")" + lims::test::credit_code("MA1FL0101") + R"(", "kind": "cosmetics_business", "address": "某路2号"},
      "product": {"name": "儿童润肤霜", "category": "cosmetic", "manufacturer_name": "某化妆品有限公司",
                  "manufacturer_credit_code": ")" + lims::test::credit_code("MA1FL0102") + R"("},
      "batch_number": "C2611", "production_date": "2026-06-01", "quantity": "3", "unit": "支",
      "test_quantity": "2", "retained_quantity": "1", "storage_condition": "ambient",
      "seal_numbers": ["PS-ENF-1", "PS-ENF-2"],
      "sampler_user_ids": [)" + std::to_string(service->userId("enf_sampler1")) + "," +
                               std::to_string(service->userId("enf_sampler2")) + R"(],
      "sampled_at": ")" + sampled_at + R"(", "sampling_place": "货架"})");
    auto registered = enf.post("/api/v1/samples", registration);
    ASSERT_EQ(registered.status, 201) << registered.describe();

    // Progress per quota and month: this (Beijing) month has one of the two asked for.
    auto progress = planner_a.get("/api/v1/sampling-plans/P-ZX");
    ASSERT_EQ(progress.status, 200) << progress.describe();
    auto line = progress.json()->getArray("quotas")->getObject(1);
    EXPECT_EQ(line->getValue<int>("registered"), 1);
    EXPECT_EQ(line->getValue<int>("remaining"), 1);
    auto months = line->getArray("months");
    ASSERT_EQ(months->size(), 1U);
    EXPECT_EQ(months->getObject(0)->getValue<std::string>("month"), month);
    EXPECT_EQ(months->getObject(0)->getValue<int>("quantity"), 2);
    EXPECT_EQ(months->getObject(0)->getValue<int>("registered"), 1);
    // The enforcement unit sees its own quota line only; the other jurisdiction sees no plan.
    auto own = enf.get("/api/v1/sampling-plans/P-ZX");
    ASSERT_EQ(own.status, 200) << own.describe();
    EXPECT_EQ(own.json()->getArray("quotas")->size(), 1U);
    EXPECT_EQ(service->as(planner(Jurisdiction::B)).get("/api/v1/sampling-plans/P-ZX").status, 404);

    // The task's tag counts its sample under the focus variety.
    auto by_tag = planner_a.get("/api/v1/statistics/periods?unit=month&period=" + month + "&group_by=focus_tag");
    ASSERT_EQ(by_tag.status, 200) << by_tag.describe();
    auto tag_rows = rows_by(by_tag, "period", "focus_tag");
    EXPECT_EQ(cell(tag_rows[month + "|children_cosmetic"], "samples"), 1) << by_tag.body;
    EXPECT_EQ(cell(tag_rows[month + "|medical_aesthetic"], "samples"), 1) << by_tag.body;
    EXPECT_EQ(tag_rows.count(month + "|vaccine"), 0U) << by_tag.body;
    auto by_phase = planner_a.get("/api/v1/statistics/periods?unit=phase&plan=P-ZX&group_by=office");
    ASSERT_EQ(by_phase.status, 200) << by_phase.describe();
    EXPECT_EQ(cell(rows_by(by_phase, "period", "office")["全年|" + service->organisation(TestService::kEnforcementA).name],
                   "samples"), 1) << by_phase.body;
    auto by_kind = planner_a.get("/api/v1/statistics/samples?period=" + y + "&group_by=unit_kind");
    ASSERT_EQ(by_kind.status, 200) << by_kind.describe();
    EXPECT_EQ(cell(rows_by(by_kind, "unit_kind")["cosmetics_business"], "samples"), 1) << by_kind.body;
    EXPECT_TRUE(service->auditChainIntact());
}

TEST_P(PlansStatistics, BadPlansAreRefusedByField) {
    auto planner_a = service->as(planner());
    auto attempt = [&](const std::string& quota, const std::string& phases = "") {
        return planner_a.post("/api/v1/sampling-plans",
                              R"({"code":"P-BAD","title":"t","year":2026,"starts_on":"2026-01-01","ends_on":"2026-12-31","quotas":[)" +
                                  quota + "]" + (phases.empty() ? "" : R"(,"phases":)" + phases) + "}");
    };
    const std::string office = id_of(TestService::kOfficeA1);
    auto expect_field = [&](const lims::test::HttpReply& r, const std::string& field) {
        EXPECT_EQ(r.status, 422) << r.describe();
        EXPECT_NE(r.body.find(field), std::string::npos) << field << " not named: " << r.describe();
    };
    expect_field(attempt(R"({"office_id":)" + office + R"(,"category":"drug","quantity":3,"due_on":"2026-12-31",
                           "months":[{"month":"2026-11","quantity":1}]})"),
                 "quotas[0].months");
    expect_field(attempt(R"({"office_id":)" + office + R"(,"category":"drug","quantity":1,"due_on":"2026-12-31",
                           "months":[{"month":"2027-01","quantity":1}]})"),
                 "quotas[0].months[0].month");
    expect_field(attempt(R"({"office_id":)" + office + R"(,"category":"drug","quantity":1,"due_on":"2026-12-31",
                           "focus_tags":["antibiotics"]})"),
                 "quotas[0].focus_tags[0]");
    expect_field(attempt(R"({"office_id":)" + id_of(TestService::kBureauA) +
                         R"(,"category":"drug","quantity":1,"due_on":"2026-12-31"})"),
                 "quotas[0].office_id");
    expect_field(attempt(R"({"office_id":)" + id_of(TestService::kEnforcementB) +
                         R"(,"category":"drug","quantity":1,"due_on":"2026-12-31"})"),
                 "quotas[0].office_id");
    expect_field(attempt(R"({"office_id":)" + office + R"(,"category":"drug","quantity":1,"due_on":"2026-12-31"})",
                         R"([{"name":"一","starts_on":"2026-01-01","ends_on":"2026-06-30"},
                             {"name":"二","starts_on":"2026-06-30","ends_on":"2026-12-31"}])"),
                 "phases[1]");
    // Nothing was made by any of them.
    EXPECT_EQ(planner_a.get("/api/v1/sampling-plans/P-BAD").status, 404);
}

TEST_P(PlansStatistics, FiguresByWeekMonthAndPhaseGroupedBySeedDimensions) {
    const auto bureau = service->organisation(TestService::kBureauA);
    auto orgs = seed::seed_organisations(*service->database(), "PST", bureau.id, bureau.path);
    auto seeded = seed::seed_documents(*service->database(), orgs, "PST");
    auto admin = service->as(TestService::kRootAdministrator);
    auto planner_a = service->as(planner());

    // A focus tag on the catalogue product (the catalogue owner's), audited.
    Poco::Int64 product = 0;
    {
        Poco::Data::Session s = service->rawSession();
        s << "SELECT product_id FROM samples WHERE number = '" + seeded.sample_number + "'",
            Poco::Data::Keywords::into(product), Poco::Data::Keywords::now;
    }
    const std::string tags_path = "/api/v1/products/" + std::to_string(product) + "/focus-tags";
    auto tagged = admin.put(tags_path, std::string(R"({"focus_tags":["centrally_procured"]})"));
    ASSERT_EQ(tagged.status, 200) << tagged.describe();
    EXPECT_EQ(service->as(TestService::username(Role::administrator, Jurisdiction::A))
                  .put(tags_path, std::string(R"({"focus_tags":["vaccine"]})")).status, 403);
    EXPECT_EQ(admin.put(tags_path, std::string(R"({"focus_tags":["colour"]})")).status, 422);
    EXPECT_EQ(planner_a.get(tags_path).json()->getArray("focus_tags")->size(), 1U);

    // One more sample of the same product, taken at 00:30 on New Year's Day in Beijing
    // (16:30 UTC on 31 December): January 2027, ISO week 2026-W53.
    seed::exec(*service->database(),
               "INSERT INTO samples (number, org_id, product_id, entity_id, product_name, batch_number, quantity, unit, "
               "storage_condition, sampled_at, state, created_at, updated_at) SELECT 'D2027-PST-NY', org_id, product_id, "
               "entity_id, product_name, '261231', '6', '盒', 'ambient', '2026-12-31T16:30:00.000Z', 'registered', "
               "created_at, updated_at FROM samples WHERE number = '" + seeded.sample_number + "'");

    auto weekly = planner_a.get("/api/v1/statistics/periods?unit=week&from=2026-02-23&to=2026-03-15");
    ASSERT_EQ(weekly.status, 200) << weekly.describe();
    auto weeks = rows_by(weekly, "period");
    ASSERT_EQ(weeks.size(), 3U) << weekly.body;  // W09, W10 (both samples, 2 March), W11: every week has its row
    EXPECT_EQ(cell(weeks["2026-W10"], "samples"), 2);
    EXPECT_EQ(cell(weeks["2026-W10"], "nonconforming"), 1);
    EXPECT_EQ(weeks["2026-W10"]->getValue<std::string>("period_first"), "2026-03-02");
    EXPECT_EQ(cell(weeks["2026-W09"], "samples"), 0);

    auto year_end = planner_a.get("/api/v1/statistics/periods?unit=week&from=2026-12-21&to=2027-01-10");
    ASSERT_EQ(year_end.status, 200) << year_end.describe();
    auto ye = rows_by(year_end, "period");
    EXPECT_EQ(cell(ye["2026-W53"], "samples"), 1) << year_end.body;
    EXPECT_EQ(ye["2026-W53"]->getValue<std::string>("period_last"), "2027-01-03");
    auto monthly = planner_a.get("/api/v1/statistics/periods?unit=month&from=2026-12-01&to=2027-01-31");
    auto ms = rows_by(monthly, "period");
    EXPECT_EQ(cell(ms["2026-12"], "samples"), 0) << monthly.body;
    EXPECT_EQ(cell(ms["2027-01"], "samples"), 1) << monthly.body;

    // Groupings the seeds ask for.
    auto failing = planner_a.get("/api/v1/statistics/periods?unit=month&period=2026-03&group_by=failing_item");
    ASSERT_EQ(failing.status, 200) << failing.describe();
    auto fr = rows_by(failing, "period", "failing_item");
    EXPECT_EQ(cell(fr["2026-03|含量测定"], "nonconforming"), 1) << failing.body;
    EXPECT_EQ(fr.count("2026-03|性状"), 0U) << failing.body;
    auto region = planner_a.get("/api/v1/statistics/samples?period=2026&group_by=region");
    EXPECT_EQ(cell(rows_by(region, "region")["310101"], "samples"), 2) << region.body;
    // The code's name beside it, from the reference list of GB/T 2260 names.
    const auto huangpu = rows_by(region, "region")["310101"];
    ASSERT_TRUE(huangpu) << region.body;
    EXPECT_EQ(huangpu->getValue<std::string>("region_name"), "上海市黄浦区") << region.body;
    auto kind = planner_a.get("/api/v1/statistics/samples?period=2026-03&group_by=unit_kind");
    EXPECT_EQ(cell(rows_by(kind, "unit_kind")["pharmacy"], "samples"), 2) << kind.body;
    auto tag = planner_a.get("/api/v1/statistics/samples?period=2026-03&group_by=focus_tag");
    EXPECT_EQ(cell(rows_by(tag, "focus_tag")["centrally_procured"], "samples"), 2) << tag.body;
    auto only_vaccines = planner_a.get("/api/v1/statistics?period=2026&focus_tag=vaccine");
    ASSERT_EQ(only_vaccines.status, 200) << only_vaccines.describe();
    EXPECT_EQ(only_vaccines.json()->getObject("samples")->getValue<int>("samples"), 0);
    auto csv = planner_a.get("/api/v1/statistics/periods?unit=month&period=2026-03&group_by=failing_item&format=csv");
    ASSERT_EQ(csv.status, 200) << csv.describe();
    EXPECT_NE(csv.body.find("2026-03,2026-03-01,2026-03-31,含量测定,1,1,0,1,0.0000,"), std::string::npos) << csv.body;

    // Phases of a plan with their summary dates (seed 004's fixed summary dates).
    auto plan = planner_a.post("/api/v1/sampling-plans", std::string(R"({"code":"P2026-JD","title":"巩固提升","year":2026,
      "starts_on":"2026-01-01","ends_on":"2026-12-31",
      "quotas":[{"office_id":)" + id_of(TestService::kOfficeA1) + R"(,"category":"drug","quantity":1,"due_on":"2026-12-31"}],
      "phases":[{"name":"动员部署","starts_on":"2026-01-01","ends_on":"2026-02-28","summary_due_on":"2026-03-15"},
                {"name":"巩固提升","starts_on":"2026-03-01","ends_on":"2026-11-30","summary_due_on":"2026-11-15"},
                {"name":"总结评估","starts_on":"2026-12-01","ends_on":"2026-12-31"}]})"));
    ASSERT_EQ(plan.status, 201) << plan.describe();
    auto phased = planner_a.get("/api/v1/statistics/periods?unit=phase&plan=P2026-JD");
    ASSERT_EQ(phased.status, 200) << phased.describe();
    auto ps = rows_by(phased, "period");
    ASSERT_EQ(ps.size(), 3U) << phased.body;
    EXPECT_EQ(cell(ps["巩固提升"], "samples"), 2);
    EXPECT_EQ(ps["巩固提升"]->getValue<std::string>("summary_due_on"), "2026-11-15");
    EXPECT_EQ(cell(ps["动员部署"], "samples"), 0);
    EXPECT_EQ(ps["总结评估"]->getValue<std::string>("summary_due_on"), "");
    // The laboratory under the bureau works to its plan and may count by its phases.
    EXPECT_EQ(service->as(TestService::username(Role::signatory, Jurisdiction::A))
                  .get("/api/v1/statistics/periods?unit=phase&plan=P2026-JD").status, 200);

    // Jurisdiction: the other side counts nothing of A's, and may not use A's plan.
    auto planner_b = service->as(planner(Jurisdiction::B));
    auto b_weeks = rows_by(planner_b.get("/api/v1/statistics/periods?unit=week&from=2026-02-23&to=2026-03-15"), "period");
    EXPECT_EQ(cell(b_weeks["2026-W10"], "samples"), 0);
    EXPECT_EQ(planner_b.get("/api/v1/statistics/periods?unit=phase&plan=P2026-JD").status, 400);

    // Bad parameters, each named.
    for (const char* q : {"unit=quarter", "unit=phase", "unit=week&plan=P2026-JD", "group_by=colour", "unit=phase&plan=NOPE"}) {
        auto bad = planner_a.get(std::string("/api/v1/statistics/periods?") + q);
        EXPECT_EQ(bad.status, 400) << q << ": " << bad.describe();
    }
    EXPECT_EQ(service->as(TestService::username(Role::sampler, Jurisdiction::A)).get("/api/v1/statistics/periods").status, 403);
    EXPECT_TRUE(service->auditChainIntact());
}

TEST_P(PlansStatistics, WeeklyCaseLeadSummaryCountsEachStepInItsWeekAndTheCasesFiledAndTransferred) {
    const auto unit = service->organisation(TestService::enforcementUnit(Jurisdiction::A));
    const auto entity = seed::insert(
        *service->database(),
        "INSERT INTO regulated_entities (name, kind, jurisdiction_org_id, region_code, created_at, updated_at) VALUES "
        "('某药房', 'pharmacy', " + seed::n(unit.id) + ", " + seed::q(unit.region_code) + ", " + seed::kStamp + ", " +
            seed::kStamp + ")");
    auto officer = service->as(TestService::username(Role::enforcement_officer, Jurisdiction::A));
    auto open_lead = [&] {
        auto opened = officer.post("/api/v1/case-leads", std::string(R"({"subject_entity_id":)") + std::to_string(entity) +
                                                             R"(,"summary":"投诉：销售假药"})");
        EXPECT_EQ(opened.status, 201) << opened.describe();
        const auto number = opened.json()->getValue<std::string>("number");
        auto accepted = officer.post("/api/v1/case-leads/" + number + "/steps", std::string(R"({"action":"accept"})"),
                                     {{"If-Match", opened.header("etag")}});
        auto investigating = officer.post("/api/v1/case-leads/" + number + "/steps",
                                          std::string(R"({"action":"investigate"})"), {{"If-Match", accepted.header("etag")}});
        EXPECT_EQ(investigating.status, 200) << investigating.describe();
        return std::pair{number, investigating.header("etag")};
    };
    auto [first, first_etag] = open_lead();
    auto transferred = officer.post("/api/v1/case-leads/" + first + "/steps",
                                    std::string(R"({"action":"transfer","receiving_body":"某市公安局","approval":"局长王某"})"),
                                    {{"If-Match", first_etag}});
    ASSERT_EQ(transferred.status, 200) << transferred.describe();
    auto [second, second_etag] = open_lead();
    auto declined = officer.post("/api/v1/case-leads/" + second + "/steps",
                                 std::string(R"({"action":"decline","reason":"证据不足","approval":"局长王某"})"),
                                 {{"If-Match", second_etag}});
    ASSERT_EQ(declined.status, 200) << declined.describe();
    open_lead();
    // Two leads filed as cases; one of the cases handed over to the police.
    std::string case_number, case_etag;
    for (int i = 0; i < 2; ++i) {
        auto [lead, etag] = open_lead();
        auto filed = officer.post("/api/v1/cases",
                                  std::string(R"({"lead_number":")") + lead + R"(","approval":"局长王某批准立案"})",
                                  {{"If-Match", etag}});
        ASSERT_EQ(filed.status, 201) << filed.describe();
        case_number = filed.json()->getValue<std::string>("number");
        case_etag = filed.header("etag");
    }
    for (const auto& [sub, body] : std::vector<std::pair<std::string, std::string>>{
             {"/transfer", R"({"grounds":"涉嫌生产、销售假药罪（刑法第一百四十一条）"})"},
             {"/transfer/decision", R"({"decision":"approve","approver":"局长王某"})"},
             {"/transfer/handover", R"({"police_body":"某市公安局","reference":"移字〔2026〕3号"})"}}) {
        auto step = officer.post("/api/v1/cases/" + case_number + sub, body, {{"If-Match", case_etag}});
        ASSERT_EQ(step.status, 200) << sub << ": " << step.describe();
        case_etag = step.header("etag");
    }

    auto summary = officer.get("/api/v1/statistics/case-leads/summary");
    ASSERT_EQ(summary.status, 200) << summary.describe();
    auto items = summary.json()->getArray("items");
    ASSERT_EQ(items->size(), 1U) << summary.body;  // all this week
    auto week = items->getObject(0);
    EXPECT_EQ(week->getValue<std::string>("period").substr(4, 2), "-W");
    EXPECT_EQ(cell(week, "opened"), 5);
    EXPECT_EQ(cell(week, "transferred"), 1);
    EXPECT_EQ(cell(week, "not_filed"), 1);
    EXPECT_EQ(cell(week, "filed"), 2);
    EXPECT_EQ(cell(week, "cases_filed"), 2);
    EXPECT_EQ(cell(week, "cases_transferred"), 1);
    auto csv = officer.get("/api/v1/statistics/case-leads/summary?unit=month&format=csv");
    ASSERT_EQ(csv.status, 200) << csv.describe();
    EXPECT_NE(csv.body.find("period,period_first,period_last,opened,filed,not_filed,transferred,closed,withdrawn,"
                            "cases_filed,cases_transferred"),
              std::string::npos) << csv.body;
    // The other side's enforcement unit counts none of them.
    auto other = service->as(TestService::username(Role::enforcement_officer, Jurisdiction::B))
                     .get("/api/v1/statistics/case-leads/summary");
    ASSERT_EQ(other.status, 200);
    EXPECT_EQ(other.json()->getArray("items")->size(), 0U) << other.body;
}

TEST_P(PlansStatistics, RiskLedgerClosesItemByItem) {
    auto planner_a = service->as(planner());
    auto sampler_a = service->as(TestService::username(Role::sampler, Jurisdiction::A));
    const std::string body = R"({"title":"中药饮片非法渠道购进风险","source":"季度风险会商","focus_tag":"tcm_decoction_piece",
      "region_code":"310101","description":"抽检发现两批次性状不符合规定",
      "items":[{"description":"约谈相关企业负责人"},
               {"description":"对辖区药店中药饮片购进渠道全面检查","responsible_org_id":)" + id_of(TestService::kOfficeA1) +
                             R"(,"due_on":"2026-12-31"}]})";
    auto created = planner_a.post("/api/v1/risks", body);
    ASSERT_EQ(created.status, 201) << created.describe();
    const std::string number = created.json()->getValue<std::string>("number");
    const std::string path = "/api/v1/risks/" + number;
    EXPECT_EQ(created.json()->getValue<int>("open_items"), 2);

    // Bad input, by field; another jurisdiction's organisation is refused like a missing one.
    EXPECT_EQ(planner_a.post("/api/v1/risks", std::string(R"({"title":"t","source":"s","items":[]})")).status, 422);
    auto foreign = planner_a.post("/api/v1/risks", std::string(R"({"title":"t","source":"s","items":[{"description":"d","responsible_org_id":)") +
                                                       id_of(TestService::kOfficeB1) + "}]}");
    EXPECT_EQ(foreign.status, 422) << foreign.describe();
    EXPECT_NE(foreign.body.find("items[0].responsible_org_id"), std::string::npos) << foreign.describe();
    EXPECT_EQ(planner_a.post("/api/v1/risks", std::string(R"({"title":"t","source":"s","focus_tag":"x","items":[{"description":"d"}]})")).status, 422);

    // Who sees it: the bureau's subtree, and the office responsible for an item; not B.
    EXPECT_EQ(service->as(planner(Jurisdiction::B)).get(path).status, 404);
    auto seen = sampler_a.get(path);
    ASSERT_EQ(seen.status, 200) << seen.describe();

    // The office closes its own item, not the bureau's; If-Match is required.
    EXPECT_EQ(sampler_a.post(path + "/item-closures", std::string(R"({"position":2,"evidence":"检查记录12份"})")).status, 428);
    auto not_theirs = sampler_a.post(path + "/item-closures", std::string(R"({"position":1,"evidence":"约谈记录"})"),
                                     {{"If-Match", seen.header("etag")}});
    EXPECT_EQ(not_theirs.status, 403) << not_theirs.describe();
    auto closed_two = sampler_a.post(path + "/item-closures",
                                     std::string(R"({"position":2,"evidence":"检查记录12份","note":"未发现问题"})"),
                                     {{"If-Match", seen.header("etag")}});
    ASSERT_EQ(closed_two.status, 200) << closed_two.describe();
    EXPECT_EQ(closed_two.json()->getValue<std::string>("state"), "open");
    EXPECT_EQ(closed_two.json()->getValue<int>("open_items"), 1);
    auto item2 = closed_two.json()->getArray("items")->getObject(1);
    EXPECT_EQ(item2->getObject("closure")->getValue<std::string>("closed_by"), TestService::username(Role::sampler, Jurisdiction::A));

    // A closed item stays closed; a stale version is refused; no evidence is refused.
    EXPECT_EQ(planner_a.post(path + "/item-closures", std::string(R"({"position":2,"evidence":"again"})"),
                             {{"If-Match", closed_two.header("etag")}}).status, 409);
    EXPECT_EQ(planner_a.post(path + "/item-closures", std::string(R"({"position":1,"evidence":"约谈记录"})"),
                             {{"If-Match", seen.header("etag")}}).status, 409);
    EXPECT_EQ(planner_a.post(path + "/item-closures", std::string(R"({"position":1,"evidence":""})"),
                             {{"If-Match", closed_two.header("etag")}}).status, 422);
    EXPECT_EQ(planner_a.post(path + "/item-closures", std::string(R"({"position":3,"evidence":"x"})"),
                             {{"If-Match", closed_two.header("etag")}}).status, 422);

    // The last item closes the risk.
    auto closed_all = planner_a.post(path + "/item-closures", std::string(R"({"position":1,"evidence":"约谈记录（2026）第3号"})"),
                                     {{"If-Match", closed_two.header("etag")}});
    ASSERT_EQ(closed_all.status, 200) << closed_all.describe();
    EXPECT_EQ(closed_all.json()->getValue<std::string>("state"), "closed");
    EXPECT_FALSE(closed_all.json()->isNull("closed_at"));
    auto open_list = planner_a.get("/api/v1/risks?state=open");
    ASSERT_EQ(open_list.status, 200) << open_list.describe();
    EXPECT_EQ(open_list.json()->getArray("items")->size(), 0U);
    auto closed_list = planner_a.get("/api/v1/risks?state=closed");
    EXPECT_EQ(closed_list.json()->getArray("items")->size(), 1U);
    EXPECT_EQ(planner_a.get("/api/v1/risks?state=gone").status, 422);

    // Every step is in the audit trail, and the closures cannot be edited behind the service's back.
    {
        Poco::Data::Session s = service->rawSession();
        Poco::Int64 audited = 0;
        s << "SELECT count(*) FROM audit_log WHERE entity_type = 'risk' AND entity_id = '" + number + "'",
            Poco::Data::Keywords::into(audited), Poco::Data::Keywords::now;
        EXPECT_EQ(audited, 4);  // create, two item closures, close
        EXPECT_ANY_THROW((s << "UPDATE risk_item_closures SET evidence = 'changed'", Poco::Data::Keywords::now));
    }
    EXPECT_TRUE(service->auditChainIntact());
}

INSTANTIATE_TEST_SUITE_P(Backends, PlansStatistics, lims::test::kBothBackends, lims::test::backendName);
