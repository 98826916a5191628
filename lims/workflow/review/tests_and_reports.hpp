// The door of the /api/v1/worklists/tests, /tests/{id}..., /samples/{number}/reports and
// /reports/{number}... routes (api/routes/review_test_routes.cpp): each takes the Database
// and the caller, opens and owns its transaction, checks inside it that the caller's subtree
// holds the record named in the path (review/visibility.hpp: outside, or missing, is
// not_found "review.record_not_found", the same answer the route's look before If-Match
// gives) and then runs the review chain's use case in that same transaction
// (record_result, review_result, verify_result, draft_report, approve_report,
// issue_report). Their errors, audit entries and results are theirs, unchanged.
#pragma once

#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/report_repository.hpp"
#include "lims/store/test_repository.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/page.hpp"
#include "lims/workflow/review/record_result.hpp"
#include "lims/workflow/review/report.hpp"
#include "lims/workflow/review/review_result.hpp"
#include "lims/workflow/review/signing.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace lims::workflow::review {

struct TestWorklistFilter {
    std::optional<std::int64_t> instrument_id;
    std::optional<std::int64_t> assigned_to;
    std::optional<std::string> test_code;
};

// Open tests whose sample the caller's subtree holds (taken by an office of it or shipped
// to a laboratory of it), by id after `after_id`. An actor without a path sees nothing.
domain::Result<IdPage<store::TestRecord>> list_test_worklist(store::Database& db, const Actor& actor,
                                                             const TestWorklistFilter& filter, std::int64_t after_id,
                                                             std::size_t limit);
// `id` as in the path: a key that is no id is answered like a missing test.
domain::Result<store::TestRecord> find_test(store::Database& db, const Actor& actor, const std::string& id);
domain::Result<store::ReportRecord> find_report(store::Database& db, const Actor& actor, const std::string& number);

// A result entered by hand (entry.source manual): record_result in its own write.
domain::Result<RecordedResult> enter_result(store::Database& db, const ResultEntry& entry, const Actor& actor);
domain::Result<store::TestRecord> review_result(store::Database& db, const ReviewRequest& request, const Actor& actor,
                                                const PasswordCheck& check);
domain::Result<store::TestRecord> verify_result(store::Database& db, const VerifyRequest& request, const Actor& actor,
                                                const PasswordCheck& check);

// The report steps by the numbers in the path (the sample's, the report's); the request's
// report_id is looked up from `report_number` in the same transaction.
domain::Result<store::ReportRecord> draft_report(store::Database& db, const std::string& sample_number,
                                                 const Actor& actor);
domain::Result<store::ReportRecord> approve_report(store::Database& db, const std::string& report_number,
                                                   ApproveRequest request, const Actor& actor,
                                                   const PasswordCheck& check);
domain::Result<IssuedReport> issue_report(store::Database& db, const domain::WorkingCalendar& calendar,
                                          const std::string& report_number, IssueRequest request, const Actor& actor);

}  // namespace lims::workflow::review
