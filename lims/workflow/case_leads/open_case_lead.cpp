#include "lims/workflow/case_leads/open_case_lead.hpp"

#include "lims/domain/calendar/deadline.hpp"
#include "lims/domain/calendar/statutory_deadlines.hpp"
#include "lims/domain/state_machine/machines.hpp"
#include "lims/workflow/jurisdiction.hpp"
#include "lims/workflow/store_time.hpp"

using namespace Poco::Data::Keywords;

namespace lims::workflow::case_leads {

domain::Result<store::CaseLeadRecord> open_case_lead(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                                     const NewCaseLead& lead, const Actor& actor) {
    if (lead.subject_entity_id <= 0)
        return domain::errors::invalid("case_lead", "case_lead.subject_required", "a case lead needs the entity it is about");
    int known = 0;
    tx.session() << "SELECT count(*) FROM regulated_entities WHERE id = $1", bind(lead.subject_entity_id), into(known),
        now;
    if (known == 0)
        return domain::errors::invalid("subject_entity_id", "case_lead.subject_unknown",
                                       "regulated entity " + std::to_string(lead.subject_entity_id) + " does not exist");
    for (const auto& f : lead.findings)
        if (f.item.empty()) return domain::errors::invalid("case_lead", "case_lead.finding", "a finding has no item named");
    for (const auto& e : lead.evidence)
        if (e.kind.empty() || e.ref.empty())
            return domain::errors::invalid("case_lead", "case_lead.evidence", "an evidence link needs its kind and its reference");

    auto to = domain::apply(domain::machines::case_lead(), domain::kNotCreated,
                            {.action = "open", .actor_roles = actor.roles, .supplied = {}, .guard_holds = {}});
    if (!to) return to.error();

    store::CaseLeadRepository leads(tx);
    auto unit = leads.responsible_enforcement_unit(lead.subject_entity_id);
    if (!unit) return domain::errors::conflict("case_lead.no_enforcement_unit", unit.error().message);

    domain::Instant received{};
    if (lead.received_at) {
        received = *lead.received_at;
    } else {
        auto now_instant = parse_store_time(tx.now_utc());
        if (!now_instant) return now_instant.error();
        received = *now_instant;
    }
    auto due = domain::counted_deadline_for(calendar, domain::statutory::kCaseLeadDecision, received);
    if (!due) return due.error();

    store::CaseLeadRecord row;
    row.source = lead.source;
    row.sample_id = lead.sample_id;
    row.report_id = lead.report_id;
    row.entity_id = lead.subject_entity_id;
    row.logger_id = lead.logger_id;
    row.manufacturer_entity_id = lead.manufacturer_entity_id;
    row.manufacturer_name = lead.manufacturer_name;
    row.product_id = lead.product_id;
    row.product_name = lead.product_name;
    row.batch_number = lead.batch_number;
    row.summary = lead.summary;
    row.findings = lead.findings;
    row.evidence = lead.evidence;
    row.assigned_org_id = *unit;
    row.state = std::string(*to);
    row.received_at = store_time(received);
    row.deadline_at = store_time(due->due);
    row.deadline_provisional = due->provisional;
    return leads.create(row, actor.name);
}

domain::Result<store::CaseLeadRecord> open_manual_case_lead(store::Database& db, const domain::WorkingCalendar& calendar,
                                                            const NewCaseLead& lead, const Actor& actor) {
    return db.write([&](store::Transaction& tx) -> domain::Result<store::CaseLeadRecord> {
        const auto refused = [&] {
            return jurisdiction::body_id_refused("subject_entity_id", "regulated entity", lead.subject_entity_id);
        };
        auto unit = store::CaseLeadRepository(tx).responsible_enforcement_unit(lead.subject_entity_id);
        if (!unit) {
            if (store::kind_of(unit.error()) != store::StoreErrorKind::not_found) return unit.error();
            return refused();
        }
        auto held = jurisdiction::holds_organisation(tx, actor, *unit);
        if (!held) return held.error();
        if (!*held) return refused();
        return open_case_lead(tx, calendar, lead, actor);
    });
}

}  // namespace lims::workflow::case_leads
