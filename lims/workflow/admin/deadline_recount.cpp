#include "lims/workflow/admin/deadline_recount.hpp"

#include "lims/domain/calendar/deadline.hpp"
#include "lims/domain/calendar/statutory_deadlines.hpp"
#include "lims/store/notice_repository.hpp"
#include "lims/workflow/cases/case_recount.hpp"
#include "lims/workflow/store_time.hpp"

using namespace Poco::Data::Keywords;

namespace lims::workflow {

domain::Result<case_leads::DeadlineRecount> recount_provisional_notices(store::Transaction& tx,
                                                                        const domain::WorkingCalendar& calendar,
                                                                        const std::string& actor) {
    std::vector<Poco::Int64> ids;
    tx.session() << "SELECT id FROM notices WHERE deadline_provisional = 1 AND state = 'sent' ORDER BY id", into(ids),
        now;
    case_leads::DeadlineRecount out;
    store::NoticeRepository notices(tx);
    for (const auto id : ids) {
        auto notice = notices.get(id);
        if (!notice) return notice.error();
        if (notice->acknowledged_at) continue;  // acknowledged: the deadline no longer runs
        ++out.examined;
        auto sent = parse_store_time(notice->created_at);
        if (!sent) return sent.error();
        // The rule send_notices used (review/report.cpp).
        const auto& rule = notice->serious_risk ? domain::statutory::kNonconformityNoticeSeriousRisk
                                                : domain::statutory::kNonconformityNotice;
        auto due = domain::counted_deadline_for(calendar, rule, *sent);
        if (!due) return due.error();
        if (due->provisional) ++out.still_provisional;
        const std::string due_at = store_time(due->due);
        if (due_at == notice->due_at && due->provisional == notice->deadline_provisional) continue;
        const std::string change = notice->number + ": " + notice->due_at + " -> " + due_at +
                                   (due->provisional ? " (still provisional)" : " (official)");
        store::NoticeRecord next = *notice;
        next.due_at = due_at;
        next.deadline_provisional = due->provisional;
        auto updated = notices.update(next, "notice.deadline_recount", actor);
        if (!updated) return updated.error();
        ++out.changed;
        out.changes.push_back(change);
    }
    return out;
}

domain::Result<ProvisionalDeadlineRecount> recount_provisional_deadlines(store::Transaction& tx,
                                                                        const domain::WorkingCalendar& calendar,
                                                                        const std::string& actor) {
    ProvisionalDeadlineRecount out;
    auto leads = case_leads::recount_provisional_deadlines(tx, calendar, actor);
    if (!leads) return leads.error();
    out.case_leads = std::move(*leads);
    auto notices = recount_provisional_notices(tx, calendar, actor);
    if (!notices) return notices.error();
    out.notices = std::move(*notices);
    auto filed = cases::recount_provisional_deadlines(tx, calendar, actor);
    if (!filed) return filed.error();
    out.cases = std::move(*filed);
    return out;
}

}  // namespace lims::workflow
