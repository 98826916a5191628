// The figures supervisors are judged by, filterable by period, category, variety
// (product), manufacturer and office: samples and pass rate, on-time report and notice
// rates, case conversion ((leads filed + transferred) ÷ leads decided), leads by state and age. Answered
// by the statistics routes (routes/document_routes.cpp) as JSON or CSV. Also the focus-tag
// filter; sample figures grouped by category, variety, manufacturer, office, region,
// sampled-unit kind, failing item or focus tag, and by week, month or plan phase (seeds 003
// and 004); the case leads' summary per week (seed 003: 线索摸排、移送、立案和查处情况).
#pragma once

#include "lims/domain/calendar/civil_date.hpp"
#include "lims/domain/calendar/deadline.hpp"
#include "lims/domain/calendar/report_period.hpp"
#include "lims/domain/calendar/statutory_deadlines.hpp"
#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/figures/csv.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::figures {

struct StatisticsFilter {
    std::optional<domain::Date> from;  // local dates, both included: sampling date for
    std::optional<domain::Date> to;    // samples, creation date for notices and leads
    std::string category;              // products.category: drug, vaccine, ...
    std::string variety;               // the product name as sampled
    std::string manufacturer;          // the labelled manufacturer's name
    std::optional<std::int64_t> office_org_id;  // an office and its subtree
    std::string focus_tag;             // a focus_tags code: samples whose product or task has it
    std::string within_org_path;       // the caller's jurisdiction ("/1/4/"); set by the route
};

// Reads from, to (YYYY-MM-DD), period (YYYY, YYYY-MM or YYYY-Qn; not with from/to),
// category, variety, manufacturer, office (an organisation id), focus_tag and the listed `extra`
// names (e.g. format, group_by), refusing any other. Errors: statistics.parameter naming
// the parameter and what is wrong with it.
domain::Result<StatisticsFilter> parse_statistics_filter(const std::map<std::string, std::string>& query,
                                                         const std::vector<std::string>& extra = {});

struct Rate {
    std::int64_t numerator = 0;
    std::int64_t denominator = 0;
    std::optional<double> value() const {
        return denominator == 0 ? std::nullopt : std::optional<double>(static_cast<double>(numerator) / static_cast<double>(denominator));
    }
};

struct SampleFigures {
    std::int64_t samples = 0;
    std::int64_t reported = 0;       // with an issued report
    std::int64_t conforming = 0;     // by the current report's conclusion
    std::int64_t nonconforming = 0;
    Rate pass;                       // conforming ÷ reported
    Rate on_time_reports;            // first report approved before its deadline ÷ reported
};

struct NoticeFigures {
    std::int64_t notices = 0;
    std::int64_t pending = 0;  // not acknowledged, not yet due
    Rate on_time;              // acknowledged before due ÷ (acknowledged + overdue)
};

// Lead ages in working days since opening; the edges follow the 15-working-day decision
// period (市场监督管理行政处罚程序规定 第十八条).
inline constexpr int kLeadAgeEdges[] = {5, 10, 15};

struct LeadFigures {
    std::int64_t leads = 0;
    Rate conversion;  // (filed + transferred) ÷ decided (filed, not filed, transferred)
    // state → age bucket ("0-5", "6-10", "11-15", "16+") → count
    std::map<std::string, std::map<std::string, std::int64_t>> by_state_and_age;
};

struct StatisticsSummary {
    SampleFigures samples;
    NoticeFigures notices;
    LeadFigures leads;
    // Some figure (a report or notice deadline, a lead's age) was counted through a
    // provisional calendar year: the routes show deadline_provisional: true.
    bool deadline_provisional = false;
};

// Errors: calendar.year_not_loaded, documents.instant (a malformed stored time).
domain::Result<StatisticsSummary> compute_statistics(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                                     const StatisticsFilter& filter, domain::Instant now,
                                                     domain::DeadlineRule report_rule = domain::statutory::kDrugReport);

// The groupings of sample figures. A sample with several failing items or focus tags is
// counted under each of them (so such a table's rows add up to more than the samples); a
// conforming sample has no failing item ("" row).
inline constexpr const char* kSampleGroupings =
    "category, variety, manufacturer, office, region, unit_kind, failing_item, focus_tag";

// Sample figures per category, variety, manufacturer, office, region (the sampled unit's
// GB/T 2260 code, else the office's; followed by a region_name column with its name from
// the reference list, "" when the list lacks it: domain/identifiers/region_names.hpp),
// unit_kind (the sampled unit's kind), failing_item or
// focus_tag (group_by), one row each, for the table and CSV. Errors: statistics.parameter
// (unknown group_by), and those above.
domain::Result<Table> sample_figures_by(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                        const StatisticsFilter& filter, const std::string& group_by,
                                        domain::Instant now,
                                        domain::DeadlineRule report_rule = domain::statutory::kDrugReport);

// Leads by state and age as a table (state, bucket, count).
Table lead_age_table(const LeadFigures& leads);

// The periods a figure is counted by: ISO weeks or months of the Beijing date, or the
// phases of one plan (rows in the plan's order, with the date each summary is due).
struct PeriodSpec {
    domain::PeriodUnit unit = domain::PeriodUnit::month;
    std::vector<domain::PlanPhase> phases;  // unit phase: the plan's phases
};

// Sample figures per period (of the sampling date) and, when group_by is not empty, per
// group within it: columns period, period_first, period_last[, summary_due_on][, group],
// samples, reported, conforming, nonconforming, pass_rate, on_time_report_rate. With from
// and to both given every week or month between them has its row; phases always do.
// Samples outside every phase are not counted by phase. Errors: as sample_figures_by.
domain::Result<Table> sample_figures_by_period(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                               const StatisticsFilter& filter, const PeriodSpec& periods,
                                               const std::string& group_by,
                                               domain::DeadlineRule report_rule = domain::statutory::kDrugReport);

// The case leads' summary per period (seed 003): columns period, period_first,
// period_last[, summary_due_on], opened (线索摸排), filed (立案), not_filed, transferred (移送),
// closed (查处 concluded), withdrawn — each lead counted in the period of the Beijing date it
// reached that state (from its revisions) — then the cases that followed: cases_filed (立案
// of the case, by its filing date) and cases_transferred (移送公安, by each hand-over to the
// police). Category, variety, manufacturer and office filters apply through the lead's
// sample. Errors: documents.instant, figures.case_transfers.
domain::Result<Table> lead_summary_by_period(store::Transaction& tx, const StatisticsFilter& filter,
                                             const PeriodSpec& periods);

std::string format_rate(const Rate& rate);  // "0.8333" or "" when nothing to divide

}  // namespace lims::workflow::figures
