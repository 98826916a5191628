// Filing a case from its lead, and reading cases (cases.hpp).
#include "lims/workflow/cases/case_change.hpp"
#include "lims/workflow/cases/cases.hpp"

#include "lims/domain/calendar/deadline.hpp"
#include "lims/domain/state_machine/state_machine.hpp"
#include "lims/store/case_lead_repository.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/workflow/case_leads/case_lead_transitions.hpp"
#include "lims/workflow/jurisdiction.hpp"
#include "lims/workflow/store_time.hpp"

namespace lims::workflow::cases {

domain::Result<store::CaseRecord> file_case(store::Database& db, const domain::WorkingCalendar& calendar,
                                            const CaseFiling& filing, const Actor& actor) {
    return db.write([&](store::Transaction& tx) -> domain::Result<store::CaseRecord> {
        // A lead outside the caller's subtree is refused exactly like an unknown one.
        const auto refused = domain::errors::invalid(
            "lead_number", "lead_number.not_in_jurisdiction",
            "case lead " + filing.lead_number + " does not exist or is not held by your enforcement unit");
        auto lead = store::CaseLeadRepository(tx).get_by_number(filing.lead_number);
        if (!lead) return refused;
        const auto path = store::organisation_path(tx, lead->assigned_org_id);
        if (!path || !jurisdiction::covers(actor, *path)) return refused;
        if (lead->version != filing.lead_version)
            return store::store_error(store::StoreErrorKind::conflict,
                                      "case lead " + lead->number + " is at version " + std::to_string(lead->version) +
                                          ", not " + std::to_string(filing.lead_version) +
                                          ": someone acted on it meanwhile");
        store::CaseQuery existing;
        existing.lead_id = lead->id;
        auto found = store::CaseRepository(tx).list(existing);
        if (!found) return found.error();
        if (!found->items.empty())
            return domain::errors::conflict("case.exists", "case lead " + lead->number + " is already case " +
                                                                found->items.front().number);
        // The state table of a case: who may file and that the approval is there.
        store::CaseRecord blank;
        blank.state = std::string(domain::kNotCreated);
        auto state = detail::next_state(blank, "file", actor, !filing.approval.empty());
        if (!state) return state.error();

        auto filed_at = detail::instant_of(tx, filing.filed_at, "filed_at", lead->received_at, "the lead was received");
        if (!filed_at) return filed_at.error();

        if (lead->state == "investigating") {
            case_leads::CaseLeadStep step;
            step.lead_id = lead->id;
            step.expected_version = lead->version;
            step.action = "file";
            step.approval = filing.approval;
            auto stepped = case_leads::take_step(tx, step, actor);
            if (!stepped) return stepped.error();
            lead = std::move(stepped);
        } else if (lead->decision.value_or("") != "filed") {
            return domain::errors::conflict("case.lead_not_filed",
                                            "case lead " + lead->number + " is " + lead->state +
                                                ": only a lead under investigation or decided for filing becomes a case");
        }

        store::CaseRecord c;
        c.lead_id = lead->id;
        c.assigned_org_id = lead->assigned_org_id;
        c.state = *state;
        c.filed_at = store_time(*filed_at);
        c.filing_approval = filing.approval;
        if (auto ok = detail::recount_decision_clock(c, calendar); !ok) return ok.error();
        const int year = domain::year_of(domain::local_date(*filed_at));
        return store::CaseRepository(tx).create(c, year, actor.name);
    });
}

domain::Result<IdPage<store::CaseRecord>> list_cases(store::Database& db, const Actor& actor, const CaseFilter& filter,
                                                     std::int64_t after_id, std::size_t limit) {
    return db.read([&](store::Transaction& tx) -> domain::Result<IdPage<store::CaseRecord>> {
        if (!jurisdiction::covers(actor, actor.org_path)) return IdPage<store::CaseRecord>{};
        store::CaseQuery q;
        q.within_org_path = actor.org_path;
        q.state = filter.state;
        q.after_id = after_id;
        q.limit = static_cast<int>(limit);
        if (filter.lead_number) {
            auto lead = store::CaseLeadRepository(tx).get_by_number(*filter.lead_number);
            if (!lead) return IdPage<store::CaseRecord>{};
            q.lead_id = lead->id;
        }
        auto page = store::CaseRepository(tx).list(q);
        if (!page) return page.error();
        return IdPage<store::CaseRecord>{std::move(page->items), page->next_after_id};
    });
}

domain::Result<store::CaseRecord> find_case(store::Database& db, const Actor& actor, const std::string& number) {
    return db.read([&](store::Transaction& tx) { return detail::held_case(tx, actor, number); });
}

}  // namespace lims::workflow::cases
