// The test report (检验报告书) of a sample: drafted from the judged final results (every
// line judged after rounding; the sample conforms only if every line does), approved by
// an authorised signatory (password re-entered, signature "approved" over the content's
// SHA-256) and issued. Issuing a nonconforming report sends the notices and opens the
// case lead in the same transaction; issuing a re-inspection report supersedes the first
// and settles the lead. Called by the review routes, one transaction per step.
#pragma once

#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/case_lead_repository.hpp"
#include "lims/store/notice_repository.hpp"
#include "lims/store/report_repository.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/review/signing.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace lims::workflow::review {

// Drafts the report of the sample's latest round (1, or 2 after a re-inspection). Errors:
// review.sample_not_found, review.no_tests, review.results_pending (names the tests not
// yet final), review.undecided (a censored result a person must judge), review.report_exists
// (this round has a report that is not discarded), transition.*.
domain::Result<store::ReportRecord> draft_report(store::Transaction& tx, std::int64_t sample_id, const Actor& actor);

struct ApproveRequest {
    std::int64_t report_id = 0;
    std::int64_t expected_version = 0;  // If-Match
    SigningIntent signing;
};

// draft → approved. Errors: review.report_not_found, store.conflict, review.results_pending
// (a result was retracted or is pending since the draft), signature.*, transition.*.
domain::Result<store::ReportRecord> approve_report(store::Transaction& tx, const ApproveRequest& request,
                                                   const Actor& actor, const PasswordCheck& check);

struct IssueRequest {
    std::int64_t report_id = 0;
    std::int64_t expected_version = 0;  // If-Match
    bool serious_risk = false;          // notices due in 24 hours instead of 2 working days
};

struct IssuedReport {
    store::ReportRecord report;
    std::vector<store::NoticeRecord> notices;       // nonconforming first examination
    std::optional<store::CaseLeadRecord> case_lead;  // opened (first examination) or withdrawn (re-inspection conforms)
    // A nonconforming first examination whose case lead could not be opened (no enforcement
    // unit over the sampled unit, calendar year not loaded, ...): the report is issued and
    // its notices sent all the same, the failure is audited (report.case_lead_failed) and
    // shown on /healthz, and retry_report_case_leads opens the lead once the cause is fixed.
    std::optional<domain::Error> case_lead_problem;
};

// approved → issued; the sample → reported. Stores the printed document's hash (the
// documents area's canonical text) and the PDF's when it renders. Errors:
// review.report_not_found, store.conflict, transition.*, those of the notices, and the
// store's while opening the case lead. The case lead's own refusals
// (case_lead.no_enforcement_unit, calendar.year_not_loaded, ...) do not undo the issue:
// they come back as IssuedReport::case_lead_problem.
domain::Result<IssuedReport> issue_report(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                          const IssueRequest& request, const Actor& actor);

// Issued nonconforming first-examination reports (not superseded) that have no case lead:
// each is tried again in its own transaction, as "system:case-leads". Run every minute by
// the service's job "review.case_leads".
struct ReportLeadRetry {
    std::size_t waiting = 0;  // reports without a lead when the run began
    std::size_t opened = 0;
    std::size_t failed = 0;   // still refused (the audit trail has why)
};
domain::Result<ReportLeadRetry> retry_report_case_leads(store::Database& db, const domain::WorkingCalendar& calendar);

// How many such reports there are (/healthz, /metrics).
domain::Result<std::size_t> reports_waiting_for_case_lead(store::Database& db);

}  // namespace lims::workflow::review
