#include "lims/workflow/case_leads/case_lead_access.hpp"

#include "lims/workflow/jurisdiction.hpp"
#include "lims/workflow/review/visibility.hpp"
#include "lims/workflow/store_time.hpp"

namespace lims::workflow::case_leads {

namespace rv = lims::workflow::review;

domain::Result<IdPage<store::CaseLeadRecord>> list_case_leads(store::Database& db, const Actor& actor,
                                                              const CaseLeadFilter& filter, std::int64_t after_id,
                                                              std::size_t limit) {
    store::CaseLeadQuery q;
    // The caller's subtree, as for a single lead: a bureau sees its enforcement units' leads.
    q.within_org_path = actor.org_path;
    q.state = filter.state;
    if (filter.overdue_only) q.due_before = store_time_now();
    q.limit = static_cast<int>(limit);
    if (after_id > 0) q.after_id = after_id;
    return db.read([&](store::Transaction& tx) -> domain::Result<IdPage<store::CaseLeadRecord>> {
        // The repository filters by the subtree's path prefix; an actor without one sees nothing.
        if (!jurisdiction::covers(actor, actor.org_path)) return IdPage<store::CaseLeadRecord>{};
        auto leads = store::CaseLeadRepository(tx).list(q);
        if (!leads) return leads.error();
        return IdPage<store::CaseLeadRecord>{std::move(leads->items), leads->next_after_id};
    });
}

domain::Result<store::CaseLeadRecord> find_case_lead(store::Database& db, const Actor& actor, const std::string& number) {
    return db.read([&](store::Transaction& tx) -> domain::Result<store::CaseLeadRecord> {
        if (auto h = rv::check_held(tx, actor, rv::RecordKind::case_lead, number); !h) return h.error();
        auto lead = store::CaseLeadRepository(tx).get_by_number(number);
        if (!lead) return lead.error();
        return std::move(*lead);
    });
}

domain::Result<store::CaseLeadRecord> take_step(store::Database& db, const std::string& number, CaseLeadStep step,
                                                const Actor& actor) {
    return db.write([&](store::Transaction& tx) -> domain::Result<store::CaseLeadRecord> {
        if (auto h = rv::check_held(tx, actor, rv::RecordKind::case_lead, number); !h) return h.error();
        auto id = rv::case_lead_id_by_number(tx, number);
        if (!id) return id.error();
        step.lead_id = *id;
        return take_step(tx, step, actor);
    });
}

domain::Result<store::CaseLeadRecord> extend_deadline(store::Database& db, const domain::WorkingCalendar& calendar,
                                                      const std::string& number, ExtensionRequest request,
                                                      const Actor& actor) {
    return db.write([&](store::Transaction& tx) -> domain::Result<store::CaseLeadRecord> {
        if (auto h = rv::check_held(tx, actor, rv::RecordKind::case_lead, number); !h) return h.error();
        auto id = rv::case_lead_id_by_number(tx, number);
        if (!id) return id.error();
        request.lead_id = *id;
        return extend_deadline(tx, calendar, request, actor);
    });
}

}  // namespace lims::workflow::case_leads
