// Overdue scan, statistics with their filters, CSV export and the verification limiter,
// over the seeded store of documents_seed.hpp and the calendars in fixtures/calendars.
#include "documents_seed.hpp"

#include "lims/store/audit.hpp"
#include "lims/workflow/admin/calendar_files.hpp"
#include "lims/workflow/documents/sql_rows.hpp"
#include "lims/workflow/documents/verification_limiter.hpp"
#include "lims/workflow/figures/csv.hpp"
#include "lims/workflow/figures/overdue.hpp"
#include "lims/workflow/figures/statistics.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

using namespace lims;
using namespace lims::workflow::figures;
namespace seed = lims::test::documents_seed;

namespace {

domain::Instant at(const char* utc) {
    auto day = domain::parse_date(std::string_view(utc).substr(0, 10));
    const int h = std::stoi(std::string(utc).substr(11, 2));
    return std::chrono::sys_seconds(*day) + std::chrono::hours(h);
}

class FiguresTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() / ("lims-figures-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(dir_);
        auto opened = store::Database::open("sqlite:" + (dir_ / "lims.db").string());
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        db = *opened;
        ASSERT_TRUE(store::migrate(*db, store::builtin_migrations()).ok());
        orgs = seed::seed_organisations(*db);
        seeded = seed::seed_documents(*db, orgs);
        auto cal = workflow::load_working_calendar(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars");
        ASSERT_TRUE(cal.ok()) << cal.error().message;
        calendar = std::make_unique<domain::WorkingCalendar>(std::move(*cal));
    }
    void TearDown() override {
        db.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    std::string path_of(std::int64_t org) {
        auto rows = db->read([&](store::Transaction& tx) -> store::StoreResult<std::string> {
            return workflow::documents::text_or_empty(
                workflow::documents::select_rows(tx, "SELECT path FROM organisations WHERE id = $1", Poco::Int64(org))[0][0]);
        });
        return *rows;
    }

    domain::Result<OverdueScan> scan(domain::Instant now, const std::string& within = "") {
        OverdueQuery q;
        q.now = now;
        q.within_org_path = within;
        return db->read([&](store::Transaction& tx) { return scan_overdue(tx, *calendar, q); });
    }

    domain::Result<StatisticsSummary> stats(const std::map<std::string, std::string>& query,
                                            const std::string& within = "") {
        auto filter = parse_statistics_filter(query);
        if (!filter) return filter.error();
        filter->within_org_path = within;
        return db->read([&](store::Transaction& tx) {
            return compute_statistics(tx, *calendar, *filter, at("2026-05-06T02"));
        });
    }

    std::shared_ptr<store::Database> db;
    seed::Orgs orgs;
    seed::Seeded seeded;
    std::unique_ptr<domain::WorkingCalendar> calendar;

private:
    std::filesystem::path dir_;
};

}  // namespace

TEST_F(FiguresTest, OverdueScanListsTestsNoticesAndLeadsPastTheirDeadlines) {
    auto s = scan(at("2026-05-06T02"));
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_EQ(s->tests.size(), 1U);  // the reported sample's tests are done with
    EXPECT_EQ(s->tests[0].reference, seeded.unreported_sample_number + "/ASSAY");
    EXPECT_GT(s->tests[0].working_days_overdue, 0);
    ASSERT_EQ(s->notices.size(), 1U);  // the acknowledged one is not listed
    EXPECT_EQ(s->notices[0].reference, "TZ-DOC-2");
    EXPECT_EQ(s->notices[0].due_at, "2026-03-17T16:00:00Z");
    ASSERT_EQ(s->case_leads.size(), 1U);  // decided leads are not overdue
    EXPECT_EQ(s->case_leads[0].reference, "XS-DOC-1");
    // The issued report was never proven served (送达) on the pharmacy or the manufacturer.
    ASSERT_EQ(s->services.size(), 2U);
    EXPECT_EQ(s->services[0].reference, seeded.report_number + "/sampled_unit");
    EXPECT_EQ(s->services[1].reference, seeded.report_number + "/manufacturer");
    const auto table = overdue_table(*s);
    EXPECT_EQ(table.rows.size(), 5U);
    EXPECT_EQ(table.rows[0][0], "test");
    EXPECT_EQ(table.rows[4][0], "service");
}

TEST_F(FiguresTest, TheReportDeadlineIs25WorkingDaysFromReceipt) {
    // Received Wednesday 2026-03-04: 19 working days left in March, 1-3 April make 22, the
    // Qingming holiday (4-6 April) does not count, 7-9 April make 25; the deadline is the
    // close of 9 April in Beijing.
    auto due = domain::deadline_for(*calendar, domain::statutory::kDrugReport, at("2026-03-04T02"));
    ASSERT_TRUE(due.ok());
    EXPECT_EQ(domain::format_instant(*due), "2026-04-09T16:00:00Z");
    auto just_before = scan(*due - std::chrono::seconds(1));
    ASSERT_TRUE(just_before.ok()) << just_before.error().message;
    EXPECT_TRUE(just_before->tests.empty());
    auto after = scan(*due);
    ASSERT_TRUE(after.ok());
    ASSERT_EQ(after->tests.size(), 1U);
    EXPECT_EQ(after->tests[0].due_at, "2026-04-09T16:00:00Z");
}

TEST_F(FiguresTest, NothingIsOverdueEarly) {
    auto s = scan(at("2026-03-05T02"));
    ASSERT_TRUE(s.ok());
    EXPECT_TRUE(s->tests.empty());
    EXPECT_TRUE(s->notices.empty());
    EXPECT_TRUE(s->case_leads.empty());
    EXPECT_TRUE(s->services.empty());  // issued 2026-03-13: to be served by the close of 20 March
}

TEST_F(FiguresTest, OverdueScanKeepsToTheJurisdiction) {
    auto office = scan(at("2026-05-06T02"), path_of(orgs.office));
    ASSERT_TRUE(office.ok());
    EXPECT_EQ(office->tests.size(), 1U);
    EXPECT_EQ(office->notices.size(), 1U);  // TZ-DOC-2 went to the office
    EXPECT_EQ(office->case_leads.size(), 0U);
    EXPECT_EQ(office->services.size(), 2U);  // the office registered the sample
    auto lab = scan(at("2026-05-06T02"), path_of(orgs.lab));
    ASSERT_TRUE(lab.ok());
    EXPECT_TRUE(lab->tests.empty() && lab->notices.empty() && lab->case_leads.empty() && lab->services.empty());
}

TEST_F(FiguresTest, OverdueScanOutsideTheLoadedCalendarIsAnError) {
    auto s = scan(at("2031-01-06T02"));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, "calendar.year_not_loaded");
}

TEST_F(FiguresTest, ScheduledScanLeavesOneAuditEntry) {
    auto counts = run_scheduled_overdue_scan(*db, *calendar, at("2026-05-06T02"));
    ASSERT_TRUE(counts.ok()) << counts.error().message;
    EXPECT_EQ(counts->tests, 1U);
    EXPECT_EQ(counts->notices, 1U);
    EXPECT_EQ(counts->case_leads, 1U);
    auto entries = db->read([&](store::Transaction& tx) -> store::StoreResult<std::string> {
        auto rows = workflow::documents::select_rows(tx, "SELECT after_json FROM audit_log WHERE action = 'overdue.scan'");
        if (rows.size() != 1) return store::store_error(store::StoreErrorKind::not_found, "entries: " + std::to_string(rows.size()));
        return workflow::documents::text_or_empty(rows[0][0]);
    });
    ASSERT_TRUE(entries.ok()) << entries.error().message;
    EXPECT_NE(entries->find("\"notices\":1"), std::string::npos) << *entries;
    auto v = store::verify_audit_chain(*db);
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(v->intact) << v->problem;
}

TEST_F(FiguresTest, StatisticsOverEverything) {
    auto s = stats({});
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->samples.samples, 2);
    EXPECT_EQ(s->samples.reported, 1);
    EXPECT_EQ(s->samples.nonconforming, 1);
    EXPECT_EQ(s->samples.conforming, 0);
    EXPECT_EQ(s->samples.pass.numerator, 0);
    EXPECT_EQ(s->samples.pass.denominator, 1);
    EXPECT_EQ(s->samples.on_time_reports.numerator, 1);  // approved 2026-03-13, due in April
    EXPECT_EQ(s->samples.on_time_reports.denominator, 1);
    EXPECT_EQ(s->notices.notices, 2);
    EXPECT_EQ(s->notices.on_time.numerator, 1);
    EXPECT_EQ(s->notices.on_time.denominator, 2);
    EXPECT_EQ(s->leads.leads, 4);
    EXPECT_EQ(s->leads.conversion.numerator, 2);    // filed, and closed after filing
    EXPECT_EQ(s->leads.conversion.denominator, 3);  // + not filed; the open one is undecided
    EXPECT_EQ(format_rate(s->leads.conversion), "0.6667");
    EXPECT_EQ(s->leads.by_state_and_age["open"]["16+"], 1);
    EXPECT_EQ(s->leads.by_state_and_age["closed"]["16+"], 1);
    const auto table = lead_age_table(s->leads);
    EXPECT_EQ(table.rows.size(), 4U);
}

TEST_F(FiguresTest, StatisticsFilters) {
    EXPECT_EQ(stats({{"category", "cosmetic"}})->samples.samples, 0);
    EXPECT_EQ(stats({{"category", "cosmetic"}})->leads.leads, 0);
    EXPECT_EQ(stats({{"category", "drug"}})->samples.samples, 2);
    EXPECT_EQ(stats({{"variety", "阿莫西林胶囊"}})->samples.samples, 2);
    EXPECT_EQ(stats({{"variety", "维生素C片"}})->samples.samples, 0);
    EXPECT_EQ(stats({{"manufacturer", "某某制药有限公司"}})->samples.samples, 2);
    EXPECT_EQ(stats({{"period", "2026-Q1"}})->samples.samples, 2);
    EXPECT_EQ(stats({{"period", "2026-04"}})->samples.samples, 0);
    EXPECT_EQ(stats({{"from", "2026-03-03"}, {"to", "2026-12-31"}})->samples.samples, 0);  // sampled on the 2nd
    EXPECT_EQ(stats({{"office", std::to_string(orgs.office)}})->samples.samples, 2);
    EXPECT_EQ(stats({{"office", std::to_string(orgs.lab)}})->samples.samples, 0);
    EXPECT_EQ(stats({}, path_of(orgs.lab))->samples.samples, 0);
    EXPECT_EQ(stats({}, path_of(orgs.enforcement))->leads.leads, 4);
    auto missing_office = stats({{"office", "999999"}});
    ASSERT_FALSE(missing_office.ok());
    EXPECT_EQ(missing_office.error().code, "statistics.parameter");
}

TEST_F(FiguresTest, SampleFiguresByGroup) {
    auto filter = parse_statistics_filter({});
    ASSERT_TRUE(filter.ok());
    auto t = db->read([&](store::Transaction& tx) {
        return sample_figures_by(tx, *calendar, *filter, "office", at("2026-05-06T02"));
    });
    ASSERT_TRUE(t.ok()) << t.error().message;
    ASSERT_EQ(t->rows.size(), 1U);
    EXPECT_EQ(t->rows[0][0], "某市药品监督管理局第一分局");
    EXPECT_EQ(t->rows[0][1], "2");
    EXPECT_EQ(t->rows[0][5], "0.0000");
    auto bad = db->read([&](store::Transaction& tx) {
        return sample_figures_by(tx, *calendar, *filter, "colour", at("2026-05-06T02"));
    });
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, "statistics.parameter");
}

TEST(StatisticsFilter, BadFiltersNameTheParameter) {
    auto expect_bad = [](std::map<std::string, std::string> q, const std::string& parameter) {
        auto f = parse_statistics_filter(q);
        ASSERT_FALSE(f.ok()) << parameter;
        EXPECT_EQ(f.error().code, "statistics.parameter");
        EXPECT_NE(f.error().message.find("parameter " + parameter), std::string::npos) << f.error().message;
    };
    expect_bad({{"colour", "red"}}, "colour");
    expect_bad({{"from", "2026-13-01"}}, "from");
    expect_bad({{"to", "yesterday"}}, "to");
    expect_bad({{"from", "2026-05-01"}, {"to", "2026-04-01"}}, "from");
    expect_bad({{"category", "food"}}, "category");
    expect_bad({{"period", "2026-Q5"}}, "period");
    expect_bad({{"period", "26"}}, "period");
    expect_bad({{"period", "2026"}, {"from", "2026-01-01"}}, "period");
    expect_bad({{"office", "abc"}}, "office");
    expect_bad({{"office", "-3"}}, "office");
    expect_bad({{"variety", std::string(201, 'x')}}, "variety");
}

TEST(StatisticsFilter, PeriodsExpandToTheirDays) {
    auto q = parse_statistics_filter({{"period", "2026-Q2"}});
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(domain::format_date(*q->from), "2026-04-01");
    EXPECT_EQ(domain::format_date(*q->to), "2026-06-30");
    auto m = parse_statistics_filter({{"period", "2024-02"}});
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(domain::format_date(*m->to), "2024-02-29");
    auto y = parse_statistics_filter({{"period", "2026"}, {"format", "csv"}}, {"format"});
    ASSERT_TRUE(y.ok());
    EXPECT_EQ(domain::format_date(*y->from), "2026-01-01");
}

TEST(Csv, QuotingFollowsRfc4180) {
    EXPECT_EQ(csv_field("plain"), "plain");
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv_field("阿莫西林胶囊"), "阿莫西林胶囊");
    EXPECT_EQ(csv_field(""), "");
}

TEST(Csv, FormulaInjectionIsDefused) {
    EXPECT_EQ(csv_field("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
    EXPECT_EQ(csv_field("+86 21 5555"), "'+86 21 5555");
    EXPECT_EQ(csv_field("-cmd"), "'-cmd");
    EXPECT_EQ(csv_field("@SUM(A1)"), "'@SUM(A1)");
    EXPECT_EQ(csv_field("\t=1+1"), "'\t=1+1");
    // Numbers stay numbers.
    EXPECT_EQ(csv_field("-1.5"), "-1.5");
    EXPECT_EQ(csv_field("+3"), "+3");
}

TEST(Csv, TableHasBomHeaderAndCrlf) {
    Table t{{"名称", "值"}, {{"a,b", "=1"}, {"c", "2"}}};
    EXPECT_EQ(to_csv(t), "\xEF\xBB\xBF名称,值\r\n\"a,b\",'=1\r\nc,2\r\n");
}

TEST(VerificationLimiter, AllowsAFewChecksAMinutePerAddress) {
    workflow::documents::VerificationLimiter limiter(3);
    const auto t0 = workflow::documents::VerificationLimiter::Clock::time_point{} + std::chrono::hours(1);
    long retry = 0;
    EXPECT_TRUE(limiter.allow("10.0.0.1", t0, &retry));
    EXPECT_TRUE(limiter.allow("10.0.0.1", t0, &retry));
    EXPECT_TRUE(limiter.allow("10.0.0.1", t0 + std::chrono::seconds(10), &retry));
    EXPECT_FALSE(limiter.allow("10.0.0.1", t0 + std::chrono::seconds(20), &retry));
    EXPECT_EQ(retry, 40);
    EXPECT_TRUE(limiter.allow("10.0.0.2", t0 + std::chrono::seconds(20), &retry));  // another address
    EXPECT_TRUE(limiter.allow("10.0.0.1", t0 + std::chrono::seconds(61), &retry));  // a new minute
}
