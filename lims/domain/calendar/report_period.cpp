#include "lims/domain/calendar/report_period.hpp"

#include <cstdio>

namespace lims::domain {

namespace {

using namespace std::chrono;

// ISO 8601: Monday is day 1; week 1 is the week holding the year's first Thursday.
Date monday_of(Date date) {
    const weekday wd{date};
    const unsigned since_monday = (wd.c_encoding() + 6) % 7;  // Monday 0 ... Sunday 6
    return date - days(since_monday);
}

std::string two(unsigned v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02u", v);
    return buf;
}

}  // namespace

ReportPeriod iso_week_of(Date date) {
    const Date monday = monday_of(date);
    const Date thursday = monday + days(3);
    const int week_year = static_cast<int>(year_month_day{thursday}.year());
    const Date week1_monday = monday_of(Date(year(week_year) / January / 4));  // 4 January is always in week 1
    const auto week = static_cast<unsigned>((monday - week1_monday).count() / 7 + 1);
    return {std::to_string(week_year) + "-W" + two(week), monday, monday + days(6)};
}

ReportPeriod month_of(Date date) {
    const year_month_day ymd{date};
    const Date first = Date(ymd.year() / ymd.month() / 1);
    const Date last = Date(ymd.year() / ymd.month() / std::chrono::last);
    return {std::to_string(static_cast<int>(ymd.year())) + "-" + two(static_cast<unsigned>(ymd.month())), first, last};
}

std::optional<ReportPeriod> phase_of(const std::vector<PlanPhase>& phases, Date date) {
    for (const auto& p : phases)
        if (date >= p.first && date <= p.last) return ReportPeriod{p.name, p.first, p.last};
    return std::nullopt;
}

Result<void> check_phases(const std::vector<PlanPhase>& phases, Date plan_first, Date plan_last) {
    auto bad = [](std::size_t i, const std::string& why) {
        return make_error("plan_phase.invalid", "phases[" + std::to_string(i) + "]: " + why);
    };
    for (std::size_t i = 0; i < phases.size(); ++i) {
        const auto& p = phases[i];
        if (p.name.empty()) return bad(i, "a phase needs a name");
        if (p.last < p.first) return bad(i, "ends " + format_date(p.last) + " before it starts " + format_date(p.first));
        if (p.first < plan_first || p.last > plan_last)
            return bad(i, format_date(p.first) + " to " + format_date(p.last) + " falls outside the plan's period " +
                              format_date(plan_first) + " to " + format_date(plan_last));
        if (i > 0 && p.first <= phases[i - 1].last)
            return bad(i, "starts " + format_date(p.first) + ", before the phase before it ends (" +
                              format_date(phases[i - 1].last) + ")");
        if (p.summary_due && *p.summary_due < p.first)
            return bad(i, "its summary is due " + format_date(*p.summary_due) + ", before the phase starts");
        for (std::size_t j = 0; j < i; ++j)
            if (phases[j].name == p.name) return bad(i, "another phase is already named " + p.name);
    }
    return {};
}

Result<PeriodUnit> parse_period_unit(std::string_view text) {
    if (text == "week") return PeriodUnit::week;
    if (text == "month") return PeriodUnit::month;
    if (text == "phase") return PeriodUnit::phase;
    return make_error("report_period.unit", "\"" + std::string(text.substr(0, 40)) + "\" is not week, month or phase");
}

std::vector<ReportPeriod> periods_between(PeriodUnit unit, Date from, Date to) {
    std::vector<ReportPeriod> out;
    if (unit == PeriodUnit::phase || to < from) return out;
    for (Date d = from; d <= to;) {
        auto p = unit == PeriodUnit::week ? iso_week_of(d) : month_of(d);
        d = p.last + days(1);
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace lims::domain
