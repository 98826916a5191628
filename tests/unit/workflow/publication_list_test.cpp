// The list of nonconforming products for publication and the national platform export, on
// the real review chain (a nonconforming report issued by the laboratory's signatory):
// the entry's fields (label data where the catalogue has none), the period in Beijing days,
// results withdrawn by a conforming re-inspection left out, and those that may still be
// re-inspected held back with the reason (re-inspection pending, the window open from the
// proven date of service, the report not yet proven served on the sampled unit or the
// manufacturer), review and release by other people with their signatures, the released list
// unchangeable and its correction a new version, jurisdiction, the CSV (byte-order mark,
// quoting, Chinese text) and the .xlsx read back by python3-openpyxl, the PDF read back by
// pdftotext; the platform number (format, once per platform, corrections with a reason,
// audited) and the export's two tables.
#include "tests/unit/workflow/review_fixture.hpp"
#include "tests/support/pdf_text.hpp"
#include "tests/support/xlsx_cells.hpp"

#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/workflow/documents/service_of_documents.hpp"
#include "lims/workflow/figures/csv.hpp"
#include "lims/workflow/publication/platform_export.hpp"
#include "lims/workflow/publication/publication_list.hpp"
#include "lims/workflow/publication/xlsx_workbook.hpp"
#include "lims/workflow/review/create_tests.hpp"
#include "lims/workflow/review/record_result.hpp"
#include "lims/workflow/review/reinspection.hpp"
#include "lims/workflow/review/report.hpp"
#include "lims/workflow/review/review_result.hpp"
#include "lims/workflow/store_time.hpp"

#include <algorithm>

namespace lims::workflow::review::testing {
namespace {

namespace pub = lims::workflow::publication;
namespace docs = lims::workflow::documents;

domain::Date day(const char* text) { return must(domain::parse_date(text)); }

std::string read_xlsx(const std::string& bytes) { return lims::testing::xlsx_cells(bytes); }

std::string squeezed(std::string s) {
    std::erase(s, ' ');
    std::erase(s, '\n');
    return s;
}

class Publication : public ReviewTest {
protected:
    void SetUp() override {
        ReviewTest::SetUp();
        add_user("planner.a", "SH", {"planner"});
        add_user("planner.b", "SH", {"planner"});
        add_user("pd.planner", "SH-PD", {"planner"});
        add_user("js.planner", "JS", {"planner"});
    }

    void finalise(const store::TestRecord& t, const std::string& value, const std::string& unit) {
        auto recorded = must(db->write([&](store::Transaction& tx) {
            return record_result(tx, {t.id, value, unit, ResultSource::manual, std::nullopt, "", std::nullopt},
                                 actor.at("analyst.a"));
        }));
        auto accepted = must(db->write([&](store::Transaction& tx) {
            return review_result(tx, {t.id, recorded.test_version, ReviewDecision::accept, "", signing()},
                                 actor.at("analyst.a"), check);
        }));
        must(db->write([&](store::Transaction& tx) {
            return verify_result(tx, {t.id, accepted.version, signing()}, actor.at("reviewer"), check);
        }));
    }

    IssuedReport report_on(const domain::Sample& s, const std::vector<store::TestRecord>& tests, const std::string& assay) {
        finalise(tests[0], assay, "%");
        finalise(tests[1], "0.3", "%");
        finalise(tests[2], "符合规定", "");
        auto draft = must(db->write([&](store::Transaction& tx) { return draft_report(tx, s.id, actor.at("signatory")); }));
        auto approved = must(db->write([&](store::Transaction& tx) {
            return approve_report(tx, {draft.id, draft.version, signing()}, actor.at("signatory"), check);
        }));
        return must(db->write([&](store::Transaction& tx) {
            return issue_report(tx, calendar, {approved.id, approved.version, false}, actor.at("signatory"));
        }));
    }

    // An issued report on a new sample (assay 90.0 against 95.0–105.0 fails), issued at `issued_at`.
    std::pair<domain::Sample, IssuedReport> issued(const std::string& assay = "90.0",
                                                   const std::string& issued_at = "2026-03-13T03:00:00.000Z",
                                                   std::optional<std::int64_t> product_id = std::nullopt) {
        auto s = received_sample(product_id);
        auto tests = must(db->write([&](store::Transaction& tx) { return create_tests(tx, s.id, actor.at("receiver")); }));
        auto out = report_on(s, tests, assay);
        set_issued_at(out.report.id, issued_at);
        serve(out.report.number, domain::beijing_date(must(parse_store_time(issued_at))));
        return {s, out};
    }

    // The report proven served in person on the sampled unit and the labelled manufacturer
    // on `on` (the re-inspection window counts from it: 7 working days for drugs).
    void serve(const std::string& report_number, domain::Date on,
               std::vector<docs::Recipient> who = {docs::Recipient::sampled_unit, docs::Recipient::manufacturer}) {
        for (auto recipient : who) {
            auto prepared = must(docs::prepare_service(
                *db, calendar, {report_number, recipient, {docs::ServedDocument::inspection_report}, docs::ServiceMethod::in_person, ""},
                actor.at("receiver")));
            docs::ServiceEvidence e;
            e.service_number = prepared.number;
            e.served_on = on;
            e.signed_by = "张店长";
            must(docs::record_service_evidence(*db, calendar, e, actor.at("receiver")));
        }
    }

    void set_issued_at(std::int64_t report_id, const std::string& at) {
        must(db->write([&](store::Transaction& tx) -> domain::Result<int> {
            tx.session() << "UPDATE reports SET issued_at = $1 WHERE id = $2", bind(at), bind(report_id), now;
            return 0;
        }));
    }

    domain::Result<pub::PublicationList> produce(const char* from = "2026-03-01", const char* to = "2026-03-31",
                                                 const std::string& as = "planner.a") {
        return pub::produce_list(*db, calendar, {day(from), day(to)}, actor.at(as));
    }
    domain::Result<pub::PublicationList> review(const std::string& number, const std::string& as,
                                                pub::ReviewDecision d = pub::ReviewDecision::reviewed,
                                                const std::string& reason = "") {
        return pub::review_list(*db, number, d, reason, actor.at(as), signing(), check);
    }
    domain::Result<pub::PublicationList> release(const std::string& number, const std::string& as) {
        return pub::release_list(*db, number, actor.at(as), signing(), check);
    }
};

// ---- the entry of one report ---------------------------------------------------------------

docs::ReportDocument failing_report() {
    docs::ReportDocument r;
    r.report_number = "BG2026-000001";
    r.sample_number = "D2026-310115-000001-K";
    r.issuer = "上海市食品药品检验研究院";
    r.product_name = "阿莫西林胶囊";
    r.specification = "0.25g";
    r.batch_number = "240501";
    r.manufacturer = "苏州制药有限公司";
    r.sampled_unit = "浦东仁和大药房";
    r.basis = "《中华人民共和国药典》2025年版二部";
    r.items = {{"性状", "应为白色粉末", "符合规定", "", docs::ItemVerdict::conforms},
               {"含量测定", "应为标示量的95.0%～105.0%", "90.0", "%", docs::ItemVerdict::does_not_conform},
               {"有关物质", "≤0.5%", "0.6", "%", docs::ItemVerdict::does_not_conform}};
    r.conclusion = docs::ReportConclusion::does_not_conform;
    r.issue_date = "2026-03-13";
    return r;
}

TEST(PublicationEntry, NamesEachFailingItemWithItsResultAndRequirement) {
    auto e = must(pub::entry_of(failing_report(), pub::sampling_source("2026年药品监督抽检计划", "浦东新区分局")));
    EXPECT_EQ(e.failing_items,
              "含量测定（检验结果：90.0%；标准规定：应为标示量的95.0%～105.0%）；有关物质（检验结果：0.6%；标准规定：≤0.5%）");
    EXPECT_EQ(e.result, "不符合规定");
    EXPECT_EQ(e.source, "2026年药品监督抽检计划（浦东新区分局）");
    EXPECT_EQ(e.laboratory, "上海市食品药品检验研究院");
    EXPECT_EQ(e.report_date, "2026-03-13");
    EXPECT_EQ(pub::sampling_source("", "浦东新区分局"), "浦东新区分局");

    auto conforming = failing_report();
    conforming.conclusion = docs::ReportConclusion::conforms;
    auto refused = pub::entry_of(conforming, "");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, "publication.report_conforms");
}

TEST(PublicationEntry, TheCanonicalTextChangesWithAnyFieldAndEscapesLineBreaks) {
    auto e = must(pub::entry_of(failing_report(), "来源"));
    const auto a = pub::canonical_text("某局", "2026-03-01", "2026-03-31", 1, {e});
    e.batch_number = "240502";
    const auto b = pub::canonical_text("某局", "2026-03-01", "2026-03-31", 1, {e});
    EXPECT_NE(a, b);
    e.sampled_unit = "第一行\n第二行";
    EXPECT_NE(pub::canonical_text("某局", "2026-03-01", "2026-03-31", 1, {e}).find("sampled_unit=第一行\\n第二行\n"),
              std::string::npos);
}

TEST(PublicationCsv, QuotesCommasQuotesAndLineBreaksKeepsChineseAndStartsWithTheByteOrderMark) {
    pub::PublicationList list;
    auto e = must(pub::entry_of(failing_report(), "计划，第一批"));
    e.product_name = "阿莫西林胶囊\"强效\"";
    e.sampled_unit = "浦东仁和大药房\n（第一分店）";
    e.manufacturer = "=HYPERLINK(\"x\")";
    list.entries = {e};
    const auto csv = figures::to_csv(pub::list_table(list));
    // Excel opens a CSV as the system's code page unless it begins with the UTF-8 BOM.
    ASSERT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0U);
    EXPECT_EQ(csv.substr(3, csv.find("\r\n") - 3),
              "序号,标示产品名称,标示生产企业,规格,批号,被抽样单位,抽样来源,检验依据,检验结果,不符合规定项目,检验机构,"
              "报告日期,报告编号,样品编号");
    EXPECT_NE(csv.find(",\"阿莫西林胶囊\"\"强效\"\"\","), std::string::npos) << csv;
    EXPECT_NE(csv.find(",\"浦东仁和大药房\n（第一分店）\","), std::string::npos) << csv;
    EXPECT_NE(csv.find(",计划，第一批,"), std::string::npos) << "a full-width comma needs no quotes: " << csv;
    EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"x\"\")\","), std::string::npos) << "a formula is defused: " << csv;
    EXPECT_EQ(csv.substr(csv.size() - 2), "\r\n");
}

TEST(PublicationXlsx, ReadsBackAsTextCellsInTheirSheetsWithChinese) {
    figures::Table t;
    t.columns = {"批号", "标示产品名称", "说明"};
    t.rows = {{"040501", "阿莫西林胶囊", "第一行\n第二行"}, {"2026-03-13", "=1+1", "1.50"}};
    auto bytes = must(pub::xlsx_workbook({{"不符合规定产品", t}, {"名单信息", {{"项目"}, {{"编号"}}}}}));
    ASSERT_EQ(bytes.rfind("PK", 0), 0U) << "an .xlsx is a zip archive";
    const auto cells = read_xlsx(bytes);
    for (const std::string& expected : std::vector<std::string>
         {"不符合规定产品\t1\t1\tstr\t批号", "不符合规定产品\t2\t1\tstr\t040501", "不符合规定产品\t2\t2\tstr\t阿莫西林胶囊",
          "不符合规定产品\t2\t3\tstr\t第一行\\n第二行", "不符合规定产品\t3\t1\tstr\t2026-03-13",
          "不符合规定产品\t3\t2\tstr\t=1+1", "不符合规定产品\t3\t3\tstr\t1.50", "名单信息\t2\t1\tstr\t编号"})
        EXPECT_NE(cells.find(expected + "\n"), std::string::npos) << expected << "\n" << cells;

    auto bad = pub::xlsx_workbook({{"a/b", t}});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, "xlsx.sheet_name");
    figures::Table huge;
    huge.columns = {std::string(40000, 'x')};
    auto too_long = pub::xlsx_workbook({{"x", huge}});
    ASSERT_FALSE(too_long);
    EXPECT_EQ(too_long.error().code, "xlsx.write");
}

// ---- the list on the review chain ----------------------------------------------------------

TEST_F(Publication, ProducedFromTheIssuedNonconformingReportsOfThePeriodWithTheFieldsOfTheDomain) {
    auto [failed, report] = issued();
    issued("99.0");                                           // conforms: not listed
    issued("91.0", "2026-03-31T16:30:00.000Z");               // 1 April in Beijing: next period
    auto [late_march, late] = issued("92.0", "2026-03-31T15:59:59.000Z");  // 31 March 23:59:59 in Beijing

    auto list = must(produce());
    EXPECT_EQ(list.state, "draft");
    EXPECT_EQ(list.number.rfind("GK", 0), 0U);
    EXPECT_EQ(list.org_name, "SH 名称");
    ASSERT_EQ(list.entries.size(), 2U);
    const auto& e = list.entries[0];
    EXPECT_EQ(e.report_number, report.report.number);
    EXPECT_EQ(e.sample_number, failed.number);
    EXPECT_EQ(e.product_name, "阿莫西林胶囊");
    EXPECT_EQ(e.manufacturer, "苏州制药有限公司");
    EXPECT_EQ(e.specification, "0.25 g");
    EXPECT_EQ(e.batch_number, "B2401");
    EXPECT_EQ(e.sampled_unit, "浦东仁和大药房");
    EXPECT_EQ(e.source, "SH-PD-OFFICE 名称");
    EXPECT_EQ(e.basis, "《中华人民共和国药典》2025年版二部");
    EXPECT_EQ(e.result, "不符合规定");
    EXPECT_NE(e.failing_items.find("含量测定（检验结果：90.0%"), std::string::npos) << e.failing_items;
    EXPECT_EQ(e.failing_items.find("有关物质"), std::string::npos) << e.failing_items;
    EXPECT_EQ(e.laboratory, "SH-LAB 名称");
    EXPECT_EQ(e.report_date, "2026-03-13");
    EXPECT_EQ(list.entries[1].report_number, late.report.number);
    EXPECT_EQ(list.content_sha256.size(), 64U);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'publication_list.produce' AND entity_id = '" +
                    list.number + "'"),
              1);

    auto april = must(produce("2026-04-01", "2026-04-30"));
    EXPECT_EQ(april.entries.size(), 1U);
}

TEST_F(Publication, LabelDataStandsWhereTheCatalogueHasNone) {
    // A product linked after registration by label: the catalogue knows neither maker nor strength.
    const auto bare = must(db->write([&](store::Transaction& tx) -> domain::Result<std::int64_t> {
        Poco::Int64 id = 0;
        const std::string at = tx.now_utc();
        tx.session() << "INSERT INTO products (name, category, specification, manufacturer_name, storage_class, "
                        "created_at, updated_at) VALUES ('头孢克肟片', 'drug', '', '', 'ambient', $1, $2) RETURNING id",
            bind(at), bind(at), into(id), now;
        tx.session() << "INSERT INTO specification_lines (product_id, standard_ref, test_code, test_name, limit_kind, "
                        "lower_limit, upper_limit, expected_text, unit, decimal_places, created_at, updated_at) SELECT $1, "
                        "standard_ref, test_code, test_name, limit_kind, lower_limit, upper_limit, expected_text, unit, "
                        "decimal_places, created_at, updated_at FROM specification_lines WHERE product_id = $2 ORDER BY id",
            bind(id), bind(product), now;
        return static_cast<std::int64_t>(id);
    }));
    auto s = received_sample(bare);
    must(db->write([&](store::Transaction& tx) -> domain::Result<int> {
        tx.session() << "INSERT INTO sample_labels (sample_id, category, specification, manufacturer_name, "
                        "manufacturer_credit_code) VALUES ($1, 'drug', '0.1g', '标签上的制药厂', '91320505MA1XXXXX0X')",
            bind(s.id), now;
        return 0;
    }));
    auto tests = must(db->write([&](store::Transaction& tx) { return create_tests(tx, s.id, actor.at("receiver")); }));
    auto out = report_on(s, tests, "90.0");
    set_issued_at(out.report.id, "2026-03-10T03:00:00.000Z");
    serve(out.report.number, day("2026-03-10"), {docs::Recipient::sampled_unit});  // no manufacturer in the catalogue
    auto list = must(produce());
    ASSERT_EQ(list.entries.size(), 1U);
    EXPECT_EQ(list.entries[0].manufacturer, "标签上的制药厂");
    EXPECT_EQ(list.entries[0].specification, "0.1g");
}

TEST_F(Publication, WithdrawnByReinspectionIsLeftOutAndReinspectionInTestingIsHeldBack) {
    // Not served: the applicants state when they received the reports.
    auto unserved = [&](const std::string& assay) {
        auto s = received_sample();
        auto tests = must(db->write([&](store::Transaction& tx) { return create_tests(tx, s.id, actor.at("receiver")); }));
        return std::pair{s, report_on(s, tests, assay)};
    };
    auto [withdrawn, first] = unserved("90.0");
    auto [pending, second] = unserved("91.0");
    auto apply = [&](const domain::Sample& s) {
        return must(db->write([&](store::Transaction& tx) {
            return apply_reinspection(tx, calendar,
                                      {s.id, Applicant::sampled_unit, std::nullopt, "浦东仁和大药房",
                                       must(parse_store_time(store_time_now()))},
                                      actor.at("receiver"));
        }));
    };
    // Issued "now" for the windows, then the dates moved back into March once applied.
    set_issued_at(first.report.id, store_time_now());
    set_issued_at(second.report.id, store_time_now());
    auto re = apply(withdrawn);
    apply(pending);
    auto conforming = report_on(withdrawn, re.tests, "99.2");  // supersedes the first report
    set_issued_at(first.report.id, "2026-03-13T03:00:00.000Z");
    set_issued_at(second.report.id, "2026-03-14T03:00:00.000Z");
    set_issued_at(conforming.report.id, "2026-03-20T03:00:00.000Z");

    auto list = must(produce());
    EXPECT_TRUE(list.entries.empty()) << list.entries[0].report_number;
    ASSERT_EQ(list.withheld.size(), 1U);
    EXPECT_EQ(list.withheld[0].report_number, second.report.number);
    EXPECT_EQ(list.withheld[0].reason, "reinspection_pending");
    // The PDF says there is nothing to list.
    auto text = squeezed(lims::testing::pdf_text(must(pub::list_pdf(*db, list.number, actor.at("planner.a")))));
    EXPECT_NE(text.find("本期间内无不符合规定产品"), std::string::npos) << text;
}

TEST_F(Publication, HeldBackWhileTheReinspectionWindowIsOpenOrHasNotBegun) {
    // Issued today: nobody has it yet, then the sampled unit, then both; each list holds it back.
    const std::string issued_now = store_time_now();
    const auto today = domain::beijing_date(must(parse_store_time(issued_now)));
    auto s = received_sample();
    auto tests = must(db->write([&](store::Transaction& tx) { return create_tests(tx, s.id, actor.at("receiver")); }));
    auto out = report_on(s, tests, "90.0");
    const std::string from = domain::format_date(today), to = from;
    auto unserved = must(produce(from.c_str(), to.c_str()));
    EXPECT_TRUE(unserved.entries.empty());
    ASSERT_EQ(unserved.withheld.size(), 1U);
    EXPECT_EQ(unserved.withheld[0].report_number, out.report.number);
    EXPECT_EQ(unserved.withheld[0].reason, "not_served");
    EXPECT_EQ(unserved.withheld[0].party, "sampled_unit");
    EXPECT_EQ(unserved.withheld[0].rule, "reinspection.drug");

    serve(out.report.number, today, {docs::Recipient::sampled_unit});
    auto half = must(produce(from.c_str(), to.c_str()));
    ASSERT_EQ(half.withheld.size(), 1U);
    EXPECT_EQ(half.withheld[0].reason, "not_served");
    EXPECT_EQ(half.withheld[0].party, "manufacturer");

    serve(out.report.number, today, {docs::Recipient::manufacturer});
    auto open = must(produce(from.c_str(), to.c_str()));
    EXPECT_TRUE(open.entries.empty());
    ASSERT_EQ(open.withheld.size(), 1U);
    EXPECT_EQ(open.withheld[0].reason, "window_open");
    // Seven working days from the day of service: at least nine calendar days on.
    const auto closes = must(parse_store_time(open.withheld[0].until));
    EXPECT_GE(closes - must(parse_store_time(issued_now)), std::chrono::hours(24 * 7));
    // Kept with the list, as the API and the screen show it.
    auto again = must(pub::find_list(*db, open.number, actor.at("planner.a")));
    ASSERT_EQ(again.withheld.size(), 1U);
    EXPECT_EQ(again.withheld[0].until, open.withheld[0].until);

    // Issued and served in March: the window closed long ago, so it is listed.
    auto [march, march_report] = issued("90.0", "2026-03-13T03:00:00.000Z");
    auto closed = must(produce());
    EXPECT_TRUE(closed.withheld.empty());
    ASSERT_EQ(closed.entries.size(), 1U);
    EXPECT_EQ(closed.entries[0].report_number, march_report.report.number);
}

TEST_F(Publication, ReviewedAndReleasedByOthersWithSignaturesThenNeverChanged) {
    issued();
    auto list = must(produce());
    // The producer neither reviews nor releases.
    auto own = review(list.number, "planner.a");
    ASSERT_FALSE(own);
    EXPECT_EQ(own.error().code, "publication.same_person");
    auto early = release(list.number, "planner.b");
    ASSERT_FALSE(early);
    EXPECT_EQ(early.error().code, "publication.not_reviewed");
    auto wrong_password = pub::review_list(*db, list.number, pub::ReviewDecision::reviewed, "", actor.at("planner.b"),
                                           signing("wrong"), check);
    ASSERT_FALSE(wrong_password);
    EXPECT_EQ(wrong_password.error().code, "signature.password_mismatch");

    auto reviewed = must(review(list.number, "planner.b"));
    EXPECT_EQ(reviewed.state, "reviewed");
    auto again = review(list.number, "planner.b");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, "publication.not_draft");
    auto own_release = release(list.number, "planner.a");
    ASSERT_FALSE(own_release);
    EXPECT_EQ(own_release.error().code, "publication.same_person");
    auto released = must(release(list.number, "planner.b"));
    EXPECT_EQ(released.state, "released");
    ASSERT_EQ(released.steps.size(), 2U);
    EXPECT_EQ(released.steps[0].step, "reviewed");
    EXPECT_EQ(released.steps[1].step, "released");
    EXPECT_EQ(released.steps[1].by, "planner.b");
    EXPECT_EQ(count("SELECT count(*) FROM signatures WHERE entity_type = 'publication_list' AND entity_id = '" +
                    list.number + "' AND content_sha256 = '" + list.content_sha256 + "'"),
              2);
    // Produced, reviewed, released; and the two signatures.
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE entity_type = 'publication_list' AND entity_id = '" +
                    list.number + "' AND action LIKE 'publication_list.%'"),
              3);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE entity_type = 'publication_list' AND entity_id = '" +
                    list.number + "' AND action IN ('signature.reviewed', 'signature.released')"),
              2);

    // The store refuses any change to a list, its entries or its steps.
    for (const std::string sql : {"UPDATE publication_lists SET period_to = '2026-04-30'",
                                  "UPDATE publication_list_entries SET batch_number = 'X'",
                                  "DELETE FROM publication_list_steps"}) {
        auto changed = db->write([&](store::Transaction& tx) -> domain::Result<int> {
            tx.session() << sql, now;
            return 0;
        });
        EXPECT_FALSE(changed) << sql;
    }

    // The files: CSV and workbook only now that it is released.
    const auto csv = must(pub::list_csv(*db, list.number, actor.at("sh.viewer")));
    EXPECT_NE(csv.find("阿莫西林胶囊,苏州制药有限公司,0.25 g,B2401,浦东仁和大药房"), std::string::npos) << csv;
    const auto cells = read_xlsx(must(pub::list_xlsx(*db, list.number, actor.at("sh.viewer"))));
    EXPECT_NE(cells.find("不符合规定产品\t2\t2\tstr\t阿莫西林胶囊\n"), std::string::npos) << cells;
    EXPECT_NE(cells.find("名单信息\t2\t2\tstr\t" + list.number + "\n"), std::string::npos) << cells;
    auto text = squeezed(lims::testing::pdf_text(must(pub::list_pdf(*db, list.number, actor.at("sh.viewer")))));
    for (const auto& expected :
         {std::string("不符合规定产品信息公开名单"), "名单编号：" + list.number, std::string("2026年3月1日至2026年3月31日"),
          std::string("阿莫西林胶囊"), std::string("B2401"), std::string("批准发布：planner.b")})
        EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
    EXPECT_EQ(text.find("草稿"), std::string::npos);
}

TEST_F(Publication, ThePdfIsALandscapeTableWhoseCellsDoNotBreakNamesDatesOrItems) {
    issued();
    issued("88.5", "2026-03-20T03:00:00.000Z");
    auto list = must(produce());
    ASSERT_EQ(list.entries.size(), 2U);
    const auto pdf = must(pub::list_pdf(*db, list.number, actor.at("planner.a")));
    const auto info = lims::testing::pdf_text(pdf, "pdfinfo");
    EXPECT_NE(info.find("841.89 x 595.276 pts (A4)"), std::string::npos) << "A4 turned:\n" << info;
    // Read as laid out, each cell's text stays on its row's line: the sampled unit's
    // name, the labelled manufacturer, the report date and the failing item with its result.
    const auto laid_out = lims::testing::pdf_text(pdf, "pdftotext -layout -enc UTF-8");
    std::vector<std::string> lines;
    for (std::size_t at = 0, next = 0; at < laid_out.size(); at = next + 1) {
        next = laid_out.find('\n', at);
        if (next == std::string::npos) next = laid_out.size();
        lines.push_back(laid_out.substr(at, next - at));
    }
    const auto row = std::find_if(lines.begin(), lines.end(),
                                  [](const std::string& l) { return l.find("阿莫西林胶囊") != std::string::npos; });
    ASSERT_NE(row, lines.end()) << laid_out;
    for (const std::string expected : {"浦东仁和大药房", "苏州制药有限公司", "2026-03-13", "B2401", "含量测定（检验结果：90.0%"})
        EXPECT_NE(row->find(expected), std::string::npos) << expected << " not on the row's first line:\n" << laid_out;
    // The headings read whole, each on the heading line.
    const auto heading = std::find_if(lines.begin(), lines.end(),
                                      [](const std::string& l) { return l.find("序号") != std::string::npos; });
    ASSERT_NE(heading, lines.end()) << laid_out;
    for (const std::string h : {"标示产品名称", "标示生产企业", "被抽样单位", "不符合规定项目", "检验机构", "报告日期"})
        EXPECT_NE(heading->find(h), std::string::npos) << h << "\n" << laid_out;
    EXPECT_NE(laid_out.find("2026-03-20"), std::string::npos) << laid_out;
}

TEST_F(Publication, ADraftIsMarkedAsSuchAndHasNoCsvOrWorkbook) {
    issued();
    auto list = must(produce());
    auto csv = pub::list_csv(*db, list.number, actor.at("planner.a"));
    ASSERT_FALSE(csv);
    EXPECT_EQ(csv.error().code, "publication.not_released");
    EXPECT_FALSE(pub::list_xlsx(*db, list.number, actor.at("planner.a")));
    auto text = squeezed(lims::testing::pdf_text(must(pub::list_pdf(*db, list.number, actor.at("planner.a")))));
    EXPECT_NE(text.find("草稿，未经审核批准，不得公开"), std::string::npos) << text;
}

TEST_F(Publication, AReturnedListNeedsAReasonAndEnds) {
    issued();
    auto list = must(produce());
    auto silent = review(list.number, "planner.b", pub::ReviewDecision::returned, "  ");
    ASSERT_FALSE(silent);
    EXPECT_EQ(silent.error().code, "publication.reason_required");
    EXPECT_EQ(silent.error().field, "reason");
    auto returned = must(review(list.number, "planner.b", pub::ReviewDecision::returned, "批号核对有误"));
    EXPECT_EQ(returned.state, "returned");
    EXPECT_EQ(returned.steps[0].reason, "批号核对有误");
    auto late = release(list.number, "planner.b");
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error().code, "publication.not_reviewed");
}

TEST_F(Publication, ACorrectionIsANewVersionAndTheReleasedListStaysAsItWas) {
    auto [s, first] = issued();
    auto list = must(produce());
    must(review(list.number, "planner.b"));
    must(release(list.number, "planner.b"));
    auto draft_correction = pub::correct_list(*db, calendar, list.number, "", actor.at("planner.a"));
    ASSERT_FALSE(draft_correction);
    EXPECT_EQ(draft_correction.error().code, "publication.reason_required");

    issued("93.0", "2026-03-20T03:00:00.000Z");  // a report the first version missed
    auto v2 = must(pub::correct_list(*db, calendar, list.number, "补充遗漏的一批", actor.at("planner.a")));
    EXPECT_EQ(v2.list_version, 2);
    EXPECT_EQ(v2.supersedes_number, list.number);
    EXPECT_EQ(v2.state, "draft");
    EXPECT_EQ(v2.entries.size(), 2U);
    auto twice = pub::correct_list(*db, calendar, list.number, "再改", actor.at("planner.a"));
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().code, "publication.correction_open");

    auto old = must(pub::find_list(*db, list.number, actor.at("planner.a")));
    EXPECT_EQ(old.entries.size(), 1U);
    EXPECT_EQ(old.superseded_by, "");
    must(review(v2.number, "planner.b"));
    must(release(v2.number, "planner.b"));
    old = must(pub::find_list(*db, list.number, actor.at("planner.a")));
    EXPECT_EQ(old.state, "released");
    EXPECT_EQ(old.superseded_by, v2.number);
    EXPECT_EQ(old.entries.size(), 1U);
    auto text = squeezed(lims::testing::pdf_text(must(pub::list_pdf(*db, v2.number, actor.at("planner.a")))));
    EXPECT_NE(text.find("第2版，更正" + list.number), std::string::npos) << text;
    EXPECT_NE(text.find("更正原因：补充遗漏的一批"), std::string::npos) << text;
}

TEST_F(Publication, EachBureauListsItsOwnJurisdictionAndSeesNoOtherList) {
    issued();
    // Jiangsu's planner: nothing of Shanghai's, and Shanghai's list is a missing one.
    auto js = must(produce("2026-03-01", "2026-03-31", "js.planner"));
    EXPECT_TRUE(js.entries.empty());
    auto sh = must(produce());
    EXPECT_EQ(sh.entries.size(), 1U);
    auto hidden = pub::find_list(*db, sh.number, actor.at("js.planner"));
    ASSERT_FALSE(hidden);
    EXPECT_EQ(hidden.error().code, "publication.not_found");
    auto foreign_review = review(sh.number, "js.planner");
    ASSERT_FALSE(foreign_review);
    EXPECT_EQ(foreign_review.error().code, "publication.not_found");
    // The district bureau's subtree does not hold the office that took the sample.
    auto pd = must(produce("2026-03-01", "2026-03-31", "pd.planner"));
    EXPECT_TRUE(pd.entries.empty());
    auto lists = must(pub::list_lists(*db, actor.at("js.planner")));
    ASSERT_EQ(lists.size(), 1U);
    EXPECT_EQ(lists[0].number, js.number);
    // The province sees its own and the district's.
    EXPECT_EQ(must(pub::list_lists(*db, actor.at("planner.b"))).size(), 2U);
}

TEST_F(Publication, APeriodIsCheckedBeforeAnythingIsRead) {
    auto backwards = produce("2026-03-31", "2026-03-01");
    ASSERT_FALSE(backwards);
    EXPECT_EQ(backwards.error().code, "publication.period_order");
    EXPECT_EQ(backwards.error().field, "period_to");
    auto long_one = produce("2025-01-01", "2026-03-01");
    ASSERT_FALSE(long_one);
    EXPECT_EQ(long_one.error().code, "publication.period_too_long");
    auto future = produce("2026-03-01", "2099-03-01");
    ASSERT_FALSE(future);
    EXPECT_EQ(future.error().code, "publication.period_too_long");
    const auto today = domain::beijing_date(must(parse_store_time(store_time_now())));
    auto tomorrow = pub::produce_list(*db, calendar, {today, today + std::chrono::days(1)}, actor.at("planner.a"));
    ASSERT_FALSE(tomorrow);
    EXPECT_EQ(tomorrow.error().code, "publication.period_in_future");
    EXPECT_EQ(count("SELECT count(*) FROM publication_lists"), 0);
    auto component = pub::produce_list(*db, calendar, {day("2026-03-01"), day("2026-03-31")}, ingest);
    ASSERT_FALSE(component);
    EXPECT_EQ(component.error().code, "publication.person_required");
}

// ---- platform numbers and the export ------------------------------------------------------

TEST_F(Publication, APlatformNumberIsKeptBesideOursOncePerPlatformAndCorrectedWithAReason) {
    auto [s, report] = issued();
    auto [other, other_report] = issued("99.0");
    const auto& sampler = actor.at("sampler.a");
    auto bad = pub::set_platform_number(*db, s.number, pub::Platform::nmpa_drug, "12 34", "", sampler);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, "platform_number.format");
    EXPECT_EQ(bad.error().field, "platform_number");

    auto set = must(pub::set_platform_number(*db, s.number, pub::Platform::nmpa_drug, "YP2026310000123", "", sampler));
    ASSERT_EQ(set.numbers.size(), 1U);
    EXPECT_TRUE(set.numbers[0].current);
    EXPECT_EQ(set.numbers[0].recorded_by, "sampler.a");
    auto same = pub::set_platform_number(*db, s.number, pub::Platform::nmpa_drug, "YP2026310000123", "", sampler);
    ASSERT_FALSE(same);
    EXPECT_EQ(same.error().code, "platform_number.unchanged");
    auto taken = pub::set_platform_number(*db, other.number, pub::Platform::nmpa_drug, "YP2026310000123", "", sampler);
    ASSERT_FALSE(taken);
    EXPECT_EQ(taken.error().code, "platform_number.taken");
    // The same text on another platform is another number.
    must(pub::set_platform_number(*db, other.number, pub::Platform::nmpa_cosmetic, "YP2026310000123", "", sampler));
    auto silent = pub::set_platform_number(*db, s.number, pub::Platform::nmpa_drug, "YP2026310000124", "", sampler);
    ASSERT_FALSE(silent);
    EXPECT_EQ(silent.error().code, "platform_number.reason_required");
    auto corrected =
        must(pub::set_platform_number(*db, s.number, pub::Platform::nmpa_drug, "YP2026310000124", "录入错误", sampler));
    ASSERT_EQ(corrected.numbers.size(), 2U);
    EXPECT_FALSE(corrected.numbers[0].current);
    EXPECT_TRUE(corrected.numbers[1].current);
    EXPECT_EQ(corrected.numbers[1].replaces, "YP2026310000123");
    EXPECT_EQ(corrected.numbers[1].reason, "录入错误");
    // The corrected number is not given to another sample either.
    auto reused = pub::set_platform_number(*db, other.number, pub::Platform::nmpa_drug, "YP2026310000123", "", sampler);
    ASSERT_FALSE(reused);
    EXPECT_EQ(reused.error().code, "platform_number.taken");
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE entity_type = 'sample' AND entity_id = '" + s.number +
                    "' AND action IN ('sample.platform_number_set', 'sample.platform_number_correct')"),
              2);
    // The province's bureau reads it; Jiangsu does not see the sample at all.
    EXPECT_EQ(must(pub::platform_numbers(*db, s.number, actor.at("sh.viewer"))).numbers.size(), 2U);
    auto foreign = pub::platform_numbers(*db, s.number, actor.at("js.viewer"));
    ASSERT_FALSE(foreign);
    EXPECT_EQ(foreign.error().kind, domain::ErrorKind::not_found);
    auto foreign_set = pub::set_platform_number(*db, s.number, pub::Platform::nmpa_drug, "ZZZZ9999", "x", actor.at("js.viewer"));
    ASSERT_FALSE(foreign_set);
    EXPECT_EQ(foreign_set.error().kind, domain::ErrorKind::not_found);
}

TEST_F(Publication, TheExportHasOneRowPerSampleAndOnePerTestItemInThePlatformsLayout) {
    auto [s, report] = issued();
    must(pub::set_platform_number(*db, s.number, pub::Platform::nmpa_drug, "YP2026310000123", "", actor.at("sampler.a")));
    const auto today = domain::beijing_date(must(parse_store_time(store_time_now())));
    pub::ExportQuery q{pub::Platform::nmpa_drug, today - std::chrono::days(1), today};
    auto out = must(pub::export_for_platform(*db, q, actor.at("planner.a")));
    ASSERT_EQ(out.samples.rows.size(), 1U);
    const auto& header = out.samples.columns;
    auto cell = [&](const std::string& column) {
        const auto at = std::find(header.begin(), header.end(), column);
        EXPECT_NE(at, header.end()) << column;
        return at == header.end() ? std::string() : out.samples.rows[0][at - header.begin()];
    };
    EXPECT_EQ(cell("平台抽样单编号"), "YP2026310000123");
    EXPECT_EQ(cell("本系统样品编号"), s.number);
    EXPECT_EQ(cell("被抽样单位名称"), "浦东仁和大药房");
    EXPECT_EQ(cell("标示生产企业"), "苏州制药有限公司");
    EXPECT_EQ(cell("批号"), "B2401");
    EXPECT_EQ(cell("抽样人员"), "sampler.a 显示名、sampler.b 显示名");
    EXPECT_EQ(cell("报告书编号"), report.report.number);
    EXPECT_EQ(cell("检验结论"), "不符合规定");
    EXPECT_EQ(cell("不符合规定项目"), "含量测定");
    EXPECT_EQ(cell("检验机构"), "SH-LAB 名称");
    EXPECT_EQ(cell("抽样日期"), domain::format_date(today));
    ASSERT_EQ(out.results.rows.size(), 3U);
    EXPECT_EQ(out.results.rows[0][0], "YP2026310000123");
    EXPECT_EQ(out.results.rows[0][4], "含量测定");
    EXPECT_EQ(out.results.rows[0][6], "90.0");
    EXPECT_EQ(out.results.rows[0][8], "不符合规定");

    // Other platforms take other categories; other jurisdictions see nothing.
    q.platform = pub::Platform::nmpa_cosmetic;
    EXPECT_TRUE(must(pub::export_for_platform(*db, q, actor.at("planner.a"))).samples.rows.empty());
    q.platform = pub::Platform::nmpa_drug;
    EXPECT_TRUE(must(pub::export_for_platform(*db, q, actor.at("js.viewer"))).samples.rows.empty());
    // The period is the sampling date in Beijing.
    q.sampled_from = q.sampled_to = today - std::chrono::days(2);
    EXPECT_TRUE(must(pub::export_for_platform(*db, q, actor.at("planner.a"))).samples.rows.empty());

    q = {pub::Platform::nmpa_drug, today - std::chrono::days(1), today};
    const auto cells = read_xlsx(must(pub::export_xlsx(*db, q, actor.at("sh.viewer"))));
    EXPECT_NE(cells.find("抽样信息\t2\t1\tstr\tYP2026310000123\n"), std::string::npos) << cells;
    EXPECT_NE(cells.find("检验结果\t2\t5\tstr\t含量测定\n"), std::string::npos) << cells;
    const auto csv = must(pub::export_csv(*db, q, "results", actor.at("sh.viewer")));
    EXPECT_EQ(csv.rfind("\xEF\xBB\xBF平台抽样单编号,本系统样品编号,报告书编号,序号,检验项目", 0), 0U) << csv;
    auto wrong_part = pub::export_csv(*db, q, "everything", actor.at("sh.viewer"));
    ASSERT_FALSE(wrong_part);
    EXPECT_EQ(wrong_part.error().field, "part");
}

}  // namespace
}  // namespace lims::workflow::review::testing
