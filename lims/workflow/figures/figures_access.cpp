#include "lims/workflow/figures/figures_access.hpp"

#include "lims/store/sample_repository.hpp"
#include "lims/store/plan_repository.hpp"
#include "lims/workflow/jurisdiction.hpp"

namespace lims::workflow::figures {

namespace {

domain::Result<void> has_jurisdiction(const Actor& actor) {
    if (jurisdiction::covers(actor, actor.org_path)) return {};
    return domain::errors::forbidden("figures.no_jurisdiction",
                                     "The caller belongs to no organisation, so there are no figures to count.");
}

domain::Error bad(const std::string& parameter, const std::string& why) {
    return domain::make_error("statistics.parameter", "query parameter " + parameter + ": " + why);
}

// The periods: a unit, and for phases the plan's phases. A plan is the caller's when its
// organisation is in the caller's subtree or above the caller (its bureau's plan);
// another jurisdiction's is answered like a missing one.
domain::Result<PeriodSpec> period_spec(store::Transaction& tx, const Actor& actor, const std::string& unit,
                                       const std::string& plan_code) {
    auto parsed = domain::parse_period_unit(unit.empty() ? "month" : unit);
    if (!parsed) return bad("unit", parsed.error().message);
    PeriodSpec spec;
    spec.unit = *parsed;
    if (spec.unit != domain::PeriodUnit::phase) {
        if (!plan_code.empty()) return bad("plan", "only with unit=phase");
        return spec;
    }
    if (plan_code.empty()) return bad("plan", "unit=phase needs the plan whose phases to count by");
    store::PlanRepository plans(tx);
    auto plan = plans.get_by_code(plan_code);
    std::optional<std::string> path;
    if (plan) path = store::organisation_path(tx, plan->org_id);
    if (!plan || !path || !(jurisdiction::covers(actor, *path) || jurisdiction::covers(*path, actor.org_path)))
        return bad("plan", "no plan " + plan_code.substr(0, 64) + " of your jurisdiction");
    for (const auto& p : plan->phases) {
        auto first = domain::parse_date(p.starts_on), last = domain::parse_date(p.ends_on);
        if (!first) return first.error();
        if (!last) return last.error();
        std::optional<domain::Date> summary;
        if (p.summary_due_on) {
            auto d = domain::parse_date(*p.summary_due_on);
            if (!d) return d.error();
            summary = *d;
        }
        spec.phases.push_back({p.name, *first, *last, summary});
    }
    if (spec.phases.empty()) return bad("plan", "plan " + plan_code + " has no phases");
    return spec;
}

}  // namespace

domain::Result<OverdueScan> scan_overdue(store::Database& db, const domain::WorkingCalendar& calendar,
                                         const Actor& actor, domain::Instant now) {
    if (auto ok = has_jurisdiction(actor); !ok) return ok.error();
    OverdueQuery query;
    query.now = now;
    query.within_org_path = actor.org_path;
    return db.read([&](store::Transaction& tx) { return scan_overdue(tx, calendar, query); });
}

domain::Result<StatisticsSummary> compute_statistics(store::Database& db, const domain::WorkingCalendar& calendar,
                                                     const Actor& actor, StatisticsFilter filter, domain::Instant now) {
    if (auto ok = has_jurisdiction(actor); !ok) return ok.error();
    filter.within_org_path = actor.org_path;
    return db.read([&](store::Transaction& tx) { return compute_statistics(tx, calendar, filter, now); });
}

domain::Result<Table> sample_figures_by(store::Database& db, const domain::WorkingCalendar& calendar,
                                        const Actor& actor, StatisticsFilter filter, const std::string& group_by,
                                        domain::Instant now) {
    if (auto ok = has_jurisdiction(actor); !ok) return ok.error();
    filter.within_org_path = actor.org_path;
    return db.read([&](store::Transaction& tx) { return sample_figures_by(tx, calendar, filter, group_by, now); });
}

domain::Result<Table> sample_figures_by_period(store::Database& db, const domain::WorkingCalendar& calendar,
                                               const Actor& actor, StatisticsFilter filter, const std::string& unit,
                                               const std::string& plan_code, const std::string& group_by) {
    if (auto ok = has_jurisdiction(actor); !ok) return ok.error();
    filter.within_org_path = actor.org_path;
    return db.read([&](store::Transaction& tx) -> domain::Result<Table> {
        auto spec = period_spec(tx, actor, unit, plan_code);
        if (!spec) return spec.error();
        return sample_figures_by_period(tx, calendar, filter, *spec, group_by);
    });
}

domain::Result<Table> lead_summary_by_period(store::Database& db, const Actor& actor, StatisticsFilter filter,
                                             const std::string& unit, const std::string& plan_code) {
    if (auto ok = has_jurisdiction(actor); !ok) return ok.error();
    filter.within_org_path = actor.org_path;
    return db.read([&](store::Transaction& tx) -> domain::Result<Table> {
        auto spec = period_spec(tx, actor, unit.empty() ? "week" : unit, plan_code);
        if (!spec) return spec.error();
        return lead_summary_by_period(tx, filter, *spec);
    });
}

}  // namespace lims::workflow::figures
