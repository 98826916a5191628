#include "lims/workflow/review/tests_and_reports.hpp"

#include "lims/workflow/jurisdiction.hpp"
#include "lims/workflow/review/visibility.hpp"

#include <Poco/NumberParser.h>

namespace lims::workflow::review {

domain::Result<IdPage<store::TestRecord>> list_test_worklist(store::Database& db, const Actor& actor,
                                                             const TestWorklistFilter& filter, std::int64_t after_id,
                                                             std::size_t limit) {
    return db.read([&](store::Transaction& tx) -> domain::Result<IdPage<store::TestRecord>> {
        // The repository filters by the subtree's path prefix; an actor without one sees nothing.
        if (!jurisdiction::covers(actor, actor.org_path)) return IdPage<store::TestRecord>{};
        store::WorklistQuery q;
        q.instrument_id = filter.instrument_id;
        q.assigned_to = filter.assigned_to;
        q.test_code = filter.test_code;
        q.within_org_path = actor.org_path;
        q.limit = static_cast<int>(limit);
        if (after_id > 0) q.after_id = after_id;
        auto tests = store::TestRepository(tx).worklist(q);
        if (!tests) return tests.error();
        return IdPage<store::TestRecord>{std::move(tests->items), tests->next_after_id};
    });
}

domain::Result<store::TestRecord> find_test(store::Database& db, const Actor& actor, const std::string& id) {
    return db.read([&](store::Transaction& tx) -> domain::Result<store::TestRecord> {
        // check_held answers not_found for a key that is no positive id, so parse64 below reads one.
        if (auto h = check_held(tx, actor, RecordKind::test, id); !h) return h.error();
        auto t = store::TestRepository(tx).get(static_cast<std::int64_t>(Poco::NumberParser::parse64(id)));
        if (!t) return t.error();
        return std::move(*t);
    });
}

domain::Result<store::ReportRecord> find_report(store::Database& db, const Actor& actor, const std::string& number) {
    return db.read([&](store::Transaction& tx) -> domain::Result<store::ReportRecord> {
        if (auto h = check_held(tx, actor, RecordKind::report, number); !h) return h.error();
        auto r = store::ReportRepository(tx).get_by_number(number);
        if (!r) return r.error();
        return std::move(*r);
    });
}

domain::Result<RecordedResult> enter_result(store::Database& db, const ResultEntry& entry, const Actor& actor) {
    return db.write([&](store::Transaction& tx) -> domain::Result<RecordedResult> {
        if (auto h = check_held(tx, actor, RecordKind::test, std::to_string(entry.test_id)); !h) return h.error();
        return record_result(tx, entry, actor);
    });
}

domain::Result<store::TestRecord> review_result(store::Database& db, const ReviewRequest& request, const Actor& actor,
                                                const PasswordCheck& check) {
    return db.write([&](store::Transaction& tx) -> domain::Result<store::TestRecord> {
        if (auto h = check_held(tx, actor, RecordKind::test, std::to_string(request.test_id)); !h) return h.error();
        return review_result(tx, request, actor, check);
    });
}

domain::Result<store::TestRecord> verify_result(store::Database& db, const VerifyRequest& request, const Actor& actor,
                                                const PasswordCheck& check) {
    return db.write([&](store::Transaction& tx) -> domain::Result<store::TestRecord> {
        if (auto h = check_held(tx, actor, RecordKind::test, std::to_string(request.test_id)); !h) return h.error();
        return verify_result(tx, request, actor, check);
    });
}

domain::Result<store::ReportRecord> draft_report(store::Database& db, const std::string& sample_number,
                                                 const Actor& actor) {
    return db.write([&](store::Transaction& tx) -> domain::Result<store::ReportRecord> {
        if (auto h = check_held(tx, actor, RecordKind::sample, sample_number); !h) return h.error();
        auto sample = sample_id_by_number(tx, sample_number);
        if (!sample) return sample.error();
        return draft_report(tx, *sample, actor);
    });
}

domain::Result<store::ReportRecord> approve_report(store::Database& db, const std::string& report_number,
                                                   ApproveRequest request, const Actor& actor,
                                                   const PasswordCheck& check) {
    return db.write([&](store::Transaction& tx) -> domain::Result<store::ReportRecord> {
        if (auto h = check_held(tx, actor, RecordKind::report, report_number); !h) return h.error();
        auto id = report_id_by_number(tx, report_number);
        if (!id) return id.error();
        request.report_id = *id;
        return approve_report(tx, request, actor, check);
    });
}

domain::Result<IssuedReport> issue_report(store::Database& db, const domain::WorkingCalendar& calendar,
                                          const std::string& report_number, IssueRequest request, const Actor& actor) {
    return db.write([&](store::Transaction& tx) -> domain::Result<IssuedReport> {
        if (auto h = check_held(tx, actor, RecordKind::report, report_number); !h) return h.error();
        auto id = report_id_by_number(tx, report_number);
        if (!id) return id.error();
        request.report_id = *id;
        return issue_report(tx, calendar, request, actor);
    });
}

}  // namespace lims::workflow::review
