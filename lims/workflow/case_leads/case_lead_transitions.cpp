#include "lims/workflow/case_leads/case_lead_transitions.hpp"

#include "lims/domain/calendar/deadline_clock.hpp"
#include "lims/domain/calendar/statutory_deadlines.hpp"
#include "lims/domain/state_machine/machines.hpp"
#include "lims/workflow/store_time.hpp"

#include <algorithm>

using namespace Poco::Data::Keywords;

namespace lims::workflow::case_leads {

namespace {

domain::Result<store::CaseLeadRecord> load(store::Transaction& tx, std::int64_t id, std::int64_t expected_version) {
    auto lead = store::CaseLeadRepository(tx).get(id);
    if (!lead) return domain::errors::not_found("case_lead.not_found", "case lead " + std::to_string(id) + " does not exist");
    if (lead->version != expected_version)
        return store::store_error(store::StoreErrorKind::conflict,
                                  "case lead " + lead->number + " is at version " + std::to_string(lead->version) +
                                      ", not " + std::to_string(expected_version) + ": someone acted on it meanwhile");
    return lead;
}

// The actor works in the lead's enforcement unit (or in an organisation under it).
bool in_responsible_unit(store::Transaction& tx, const store::CaseLeadRecord& lead, const Actor& actor) {
    if (!actor.org_id) return false;
    if (*actor.org_id == lead.assigned_org_id) return true;
    int inside = 0;
    tx.session() << "SELECT count(*) FROM organisations a JOIN organisations u ON u.id = $1 "
                    "WHERE a.id = $2 AND substr(a.path, 1, length(u.path)) = u.path",
        bind(lead.assigned_org_id), bind(*actor.org_id), into(inside), now;
    return inside > 0;
}

bool undecided(const std::string& state) { return state == "open" || state == "accepted" || state == "investigating"; }

}  // namespace

domain::Result<store::CaseLeadRecord> take_step(store::Transaction& tx, const CaseLeadStep& step, const Actor& actor) {
    auto lead = load(tx, step.lead_id, step.expected_version);
    if (!lead) return lead.error();
    const bool responsible = in_responsible_unit(tx, *lead, actor);
    if (!responsible)
        return domain::errors::forbidden("case_lead.not_responsible",
                                  actor.name + " is not in the enforcement unit responsible for case lead " + lead->number);
    domain::RecordSet supplied;
    if (!step.reason.empty()) supplied.add(domain::Recorded::reason);
    if (!step.receiving_body.empty()) supplied.add(domain::Recorded::receiving_body);
    if (!step.approval.empty()) supplied.add(domain::Recorded::approval);
    auto to = domain::apply(domain::machines::case_lead(), lead->state,
                            {.action = step.action, .actor_roles = actor.roles, .supplied = supplied,
                             .guard_holds = [&](std::string_view g) {
                                 return g == "actor_in_responsible_unit" && responsible;
                             }});
    if (!to) return to.error();
    store::CaseLeadRecord next = *lead;
    next.state = std::string(*to);
    if (step.action == "file" || step.action == "decline" || step.action == "transfer") {
        next.decision = next.state;
        if (!step.reason.empty()) next.decision_reason = step.reason;
        if (!step.receiving_body.empty()) next.receiving_body = step.receiving_body;
        next.approval = step.approval;
    }
    std::string why = step.reason;
    if (!step.receiving_body.empty()) why += (why.empty() ? "" : "; ") + std::string("to ") + step.receiving_body;
    if (!step.approval.empty()) why += (why.empty() ? "" : "; ") + std::string("approved: ") + step.approval;
    return store::CaseLeadRepository(tx).update(next, "case_lead." + step.action, why, actor.name);
}

domain::Result<store::CaseLeadRecord> extend_deadline(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                                      const ExtensionRequest& request, const Actor& actor) {
    auto lead = load(tx, request.lead_id, request.expected_version);
    if (!lead) return lead.error();
    if (!in_responsible_unit(tx, *lead, actor))
        return domain::errors::forbidden("case_lead.not_responsible",
                                  actor.name + " is not in the enforcement unit responsible for case lead " + lead->number);
    if (request.approval.empty())
        return domain::errors::invalid("reason", "case_lead.approval_required",
                                  "an extension needs the head's recorded approval (市场监督管理行政处罚程序规定)");
    if (!undecided(lead->state))
        return domain::errors::conflict("case_lead.decided", "case lead " + lead->number + " is " + lead->state +
                                                           ": the decision clock no longer runs");
    if (lead->extended)
        return domain::errors::conflict("case_lead.extension_used",
                                  "case lead " + lead->number + " was extended once already; only one extension is allowed");
    auto received = parse_store_time(lead->received_at);
    if (!received) return received.error();
    auto now_instant = parse_store_time(tx.now_utc());
    if (!now_instant) return now_instant.error();
    auto clock = domain::DeadlineClock::start(*received, domain::statutory::kCaseLeadDecision,
                                              domain::statutory::kCaseLeadExtension);
    if (!clock) return clock.error();
    if (auto ok = clock->extend(std::max(*now_instant, *received)); !ok) return ok.error();
    auto due = clock->counted_due(calendar);
    if (!due) return due.error();
    store::CaseLeadRecord next = *lead;
    next.extended = true;
    next.extension_approval = request.approval;
    next.deadline_at = store_time(due->due);
    next.deadline_provisional = due->provisional;
    return store::CaseLeadRepository(tx).update(next, "case_lead.extend", "approved: " + request.approval, actor.name);
}

domain::Result<DeadlineRecount> recount_provisional_deadlines(store::Transaction& tx,
                                                              const domain::WorkingCalendar& calendar,
                                                              const std::string& actor) {
    std::vector<Poco::Int64> ids;
    tx.session() << "SELECT id FROM case_leads WHERE deadline_provisional = 1 ORDER BY id", into(ids), now;
    DeadlineRecount out;
    store::CaseLeadRepository leads(tx);
    for (const auto id : ids) {
        auto lead = leads.get(id);
        if (!lead) return lead.error();
        if (!undecided(lead->state)) continue;  // the clock stopped at the decision
        ++out.examined;
        auto received = parse_store_time(lead->received_at);
        if (!received) return received.error();
        // The same count as open_case_lead and extend_deadline: from receipt, plus the one
        // extension when it was granted.
        auto clock = domain::DeadlineClock::start(*received, domain::statutory::kCaseLeadDecision,
                                                  domain::statutory::kCaseLeadExtension);
        if (!clock) return clock.error();
        if (lead->extended) {
            if (auto ok = clock->extend(*received); !ok) return ok.error();
        }
        auto due = clock->counted_due(calendar);
        if (!due) return due.error();
        if (due->provisional) ++out.still_provisional;
        const std::string deadline = store_time(due->due);
        if (deadline == lead->deadline_at && due->provisional == lead->deadline_provisional) continue;
        store::CaseLeadRecord next = *lead;
        next.deadline_at = deadline;
        next.deadline_provisional = due->provisional;
        const std::string change = lead->number + ": " + lead->deadline_at + " -> " + deadline +
                                   (due->provisional ? " (still provisional)" : " (official)");
        auto updated = leads.update(next, "case_lead.deadline_recount",
                                    "decision deadline recounted on the working-day calendar now loaded: " + change, actor);
        if (!updated) return updated.error();
        ++out.changed;
        out.changes.push_back(change);
    }
    return out;
}

}  // namespace lims::workflow::case_leads
