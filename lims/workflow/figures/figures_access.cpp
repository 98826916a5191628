#include "lims/workflow/figures/figures_access.hpp"

#include "lims/workflow/jurisdiction.hpp"

namespace lims::workflow::figures {

namespace {

domain::Result<void> has_jurisdiction(const Actor& actor) {
    if (jurisdiction::covers(actor, actor.org_path)) return {};
    return domain::errors::forbidden("figures.no_jurisdiction",
                                     "The caller belongs to no organisation, so there are no figures to count.");
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

}  // namespace lims::workflow::figures
