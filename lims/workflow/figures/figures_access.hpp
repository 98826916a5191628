// The door of the overdue lists and the statistics (api/routes/document_routes.cpp): each
// takes the Database, the calendar and the caller, opens and owns its read transaction and
// counts only the caller's subtree (the filter's within_org_path is set here from the
// actor's path). An actor without an organisation path is refused (forbidden
// "figures.no_jurisdiction"): the figures' path prefix would otherwise count everyone's.
#pragma once

#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/figures/overdue.hpp"
#include "lims/workflow/figures/statistics.hpp"

#include <string>

namespace lims::workflow::figures {

domain::Result<OverdueScan> scan_overdue(store::Database& db, const domain::WorkingCalendar& calendar,
                                         const Actor& actor, domain::Instant now);
domain::Result<StatisticsSummary> compute_statistics(store::Database& db, const domain::WorkingCalendar& calendar,
                                                     const Actor& actor, StatisticsFilter filter, domain::Instant now);
domain::Result<Table> sample_figures_by(store::Database& db, const domain::WorkingCalendar& calendar,
                                        const Actor& actor, StatisticsFilter filter, const std::string& group_by,
                                        domain::Instant now);

// By week, month or phase: `unit` is week, month or phase; phases are those of `plan_code`
// (required for phase, refused otherwise), a plan of the caller's subtree or of an
// organisation above it (the bureau's plan an office works to). Errors:
// statistics.parameter naming unit or plan; those of statistics.hpp.
domain::Result<Table> sample_figures_by_period(store::Database& db, const domain::WorkingCalendar& calendar,
                                               const Actor& actor, StatisticsFilter filter, const std::string& unit,
                                               const std::string& plan_code, const std::string& group_by);
domain::Result<Table> lead_summary_by_period(store::Database& db, const Actor& actor, StatisticsFilter filter,
                                             const std::string& unit, const std::string& plan_code);

}  // namespace lims::workflow::figures
