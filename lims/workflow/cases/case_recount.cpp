#include "lims/workflow/cases/case_recount.hpp"

#include "lims/domain/calendar/case_clocks.hpp"
#include "lims/store/case_repository.hpp"
#include "lims/workflow/cases/case_change.hpp"
#include "lims/workflow/store_time.hpp"

namespace lims::workflow::cases {

namespace {

bool counted_provisionally(const store::CaseRecord& c) {
    if (c.deadline_provisional) return true;
    if (!c.transfers.empty() && c.state == "transfer_proposed" && c.transfers.back().decision_due_provisional) return true;
    for (const auto& m : c.measures)
        if (m.decision_due_provisional && !m.ended_at) return true;
    return false;
}

}  // namespace

domain::Result<case_leads::DeadlineRecount> recount_provisional_deadlines(store::Transaction& tx,
                                                                          const domain::WorkingCalendar& calendar,
                                                                          const std::string& actor) {
    store::CaseRepository cases(tx);
    store::CaseQuery q;
    q.open_only = true;
    q.limit = store::CaseRepository::max_page_size;
    std::vector<store::CaseRecord> open;
    for (;;) {
        auto page = cases.list(q);
        if (!page) return page.error();
        for (auto& c : page->items)
            if (counted_provisionally(c)) open.push_back(std::move(c));
        if (!page->next_after_id) break;
        q.after_id = *page->next_after_id;
    }
    case_leads::DeadlineRecount out;
    for (const auto& before : open) {
        ++out.examined;
        store::CaseRecord next = before;
        if (auto ok = detail::recount_decision_clock(next, calendar); !ok) return ok.error();
        if (next.state == "transfer_proposed" && !next.transfers.empty()) {
            auto& t = next.transfers.back();
            auto proposed = parse_store_time(t.proposed_at);
            if (!proposed) return proposed.error();
            auto due = domain::transfer_decision_due(calendar, *proposed);
            if (!due) return due.error();
            t.decision_due_at = store_time(due->due);
            t.decision_due_provisional = due->provisional;
        }
        for (auto& m : next.measures) {
            if (m.kind != "seizure" || m.ended_at) continue;
            if (auto ok = detail::count_seizure(m, calendar); !ok) return ok.error();
        }
        if (counted_provisionally(next)) ++out.still_provisional;
        if (store::to_json(next) == store::to_json(before)) continue;
        const std::string change = before.number + ": " + before.deadline_at.value_or("(stopped)") + " -> " +
                                   next.deadline_at.value_or("(stopped)") +
                                   (next.deadline_provisional ? " (still provisional)" : " (official)");
        auto updated = cases.update(next, "case.deadline_recount",
                                    "clocks recounted on the working-day calendar now loaded: " + change, actor);
        if (!updated) return updated.error();
        ++out.changed;
        out.changes.push_back(change);
    }
    return out;
}

}  // namespace lims::workflow::cases
