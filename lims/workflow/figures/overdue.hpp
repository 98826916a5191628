// The overdue scan: tests whose sample has no issued report 25 working days after
// receipt, notices not acknowledged by their due time, case leads not decided by their
// deadline, issued reports not proven served (送达) on the sampled unit or the labelled
// manufacturer within the service period (documents/service_of_documents.hpp), and the
// clocks of filed cases (workflow/cases/case_clocks_due.hpp: the decision, the head's
// decision on a transfer, the hand-over, a seizure's term). Answered
// on demand by GET /api/v1/overdue (document routes) and run on a schedule by the service
// (run_scheduled_overdue_scan), which leaves an audit entry.
#pragma once

#include "lims/domain/calendar/deadline.hpp"
#include "lims/domain/calendar/statutory_deadlines.hpp"
#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/figures/csv.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lims::workflow::figures {

enum class OverdueKind { test, notice, case_lead, service, case_clock };
// "test", "notice", "case_lead", "service", "case"
std::string_view to_string(OverdueKind kind);

struct OverdueItem {
    OverdueKind kind = OverdueKind::test;
    std::string reference;      // test: "<sample number>/<test code>"; notice and lead: their number;
                                // service: "<report number>/<recipient kind>"
    std::string sample_number;  // empty for a lead opened by hand
    std::string state;
    std::string org_name;       // registering office (test), recipient (notice, service), responsible unit (lead)
    std::string due_at;         // UTC instant
    int working_days_overdue = 0;  // working days after the last day allowed (1 on the first one)
    // The due time or the working days overdue were counted through a provisional
    // calendar year (statutory holidays only): they may move when the notice is loaded.
    bool deadline_provisional = false;
};

struct OverdueScan {
    std::string as_of;  // UTC instant of `now`
    std::vector<OverdueItem> tests;
    std::vector<OverdueItem> notices;
    std::vector<OverdueItem> case_leads;
    std::vector<OverdueItem> services;  // a recipient of an issued report not proven served
    std::vector<OverdueItem> cases;     // a case's clock: "AJ2026-000001/decision", "/handover", ...
};

struct OverdueQuery {
    domain::Instant now;
    // Only records of this organisation subtree ("/1/4/"); empty: everything.
    std::string within_org_path;
    // The reporting deadline from receipt (DOMAIN: 药品质量抽查检验管理办法, 25 working days).
    domain::DeadlineRule report_rule = domain::statutory::kDrugReport;
};

// Errors: calendar.year_not_loaded (naming the date) when a deadline falls outside the
// loaded calendar, documents.instant for a malformed stored time.
domain::Result<OverdueScan> scan_overdue(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                         const OverdueQuery& query);

// All four lists in one table (kind first), for CSV export. A last column
// "deadline_provisional" ("true"/"false") is there only when some item is provisional.
Table overdue_table(const OverdueScan& scan);

struct OverdueCounts {
    std::size_t tests = 0, notices = 0, case_leads = 0, services = 0, cases = 0;
};

// For the service's timer: scans everything and records one audit entry
// ("overdue.scan", actor "system:overdue-scan") with the counts, so that the trail shows
// the scan ran and what it found.
domain::Result<OverdueCounts> run_scheduled_overdue_scan(store::Database& db, const domain::WorkingCalendar& calendar,
                                                         domain::Instant now);

}  // namespace lims::workflow::figures
