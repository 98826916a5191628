// The periods the bureaus report figures by (seed 003: leads summarised weekly; seed 004:
// weekly, monthly and per-phase statistics with fixed summary dates): which week, month
// or plan phase a Beijing date falls in. Weeks are ISO 8601 weeks (Monday to Sunday,
// week 1 holds the year's first Thursday), so the last days of December can belong to
// week 1 of the next year and the first days of January to week 52 or 53 of the last.
// Called by the figures (lims/workflow/figures) with dates already in Beijing time.
#pragma once

#include "lims/domain/calendar/civil_date.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lims::domain {

struct ReportPeriod {
    std::string key;  // "2026-W53", "2026-12", or a phase's name
    Date first;       // both included
    Date last;
    friend bool operator==(const ReportPeriod&, const ReportPeriod&) = default;
};

// ISO week of a date: key "YYYY-Www" with the week-based year (2027-01-01 is "2026-W53").
ReportPeriod iso_week_of(Date date);
// Calendar month: key "YYYY-MM".
ReportPeriod month_of(Date date);

// A plan's phase (阶段): named, its days, and the date its summary is due (阶段性总结).
struct PlanPhase {
    std::string name;
    Date first;
    Date last;
    std::optional<Date> summary_due;
};

// The phase holding `date`, if any (phases do not overlap: check_phases).
std::optional<ReportPeriod> phase_of(const std::vector<PlanPhase>& phases, Date date);

// Phases in order, each first <= last, none overlapping the one before, within
// [plan_first, plan_last], summary dates not before the phase starts. Returns the index
// and the reason of the first bad phase. Errors: plan_phase.invalid.
Result<void> check_phases(const std::vector<PlanPhase>& phases, Date plan_first, Date plan_last);

enum class PeriodUnit { week, month, phase };
// "week", "month", "phase"; Errors: report_period.unit.
Result<PeriodUnit> parse_period_unit(std::string_view text);

// Every period of `unit` (week or month) that overlaps [from, to], in order: the rows a
// table shows even where nothing was counted.
std::vector<ReportPeriod> periods_between(PeriodUnit unit, Date from, Date to);

}  // namespace lims::domain
