// Transfer of a case to the police (移送公安, 行刑衔接): proposed with its grounds, decided
// by the head within 3 days, handed over within 24 hours of approval (行政执法机关移送涉嫌
// 犯罪案件的规定 第五条) (cases.hpp).
#include "lims/workflow/cases/case_change.hpp"
#include "lims/workflow/cases/cases.hpp"

#include "lims/domain/calendar/case_clocks.hpp"
#include "lims/workflow/store_time.hpp"

namespace lims::workflow::cases {

domain::Result<store::CaseRecord> propose_transfer(store::Database& db, const domain::WorkingCalendar& calendar,
                                                   const std::string& number, std::int64_t version,
                                                   const std::string& grounds, const Actor& actor) {
    return detail::change_case(db, actor, number, version,
                               [&](store::Transaction& tx, store::CaseRecord& c) -> domain::Result<detail::Change> {
        auto state = detail::next_state(c, "propose_transfer", actor, false, !grounds.empty());
        if (!state) return state.error();
        auto at = detail::instant_of(tx, std::nullopt, "at", c.filed_at, "the filing");
        if (!at) return at.error();
        auto due = domain::transfer_decision_due(calendar, *at);
        if (!due) return due.error();
        store::CaseTransfer t;
        t.proposed_at = store_time(*at);
        t.grounds = grounds;
        t.proposed_by = actor.name;
        t.decision_due_at = store_time(due->due);
        t.decision_due_provisional = due->provisional;
        c.transfers.push_back(t);
        c.state = *state;
        return detail::Change{"case.propose_transfer", grounds};
    });
}

domain::Result<store::CaseRecord> decide_transfer(store::Database& db, const domain::WorkingCalendar& calendar,
                                                  const std::string& number, std::int64_t version,
                                                  const TransferDecision& decision, const Actor& actor) {
    return detail::change_case(db, actor, number, version,
                               [&](store::Transaction& tx, store::CaseRecord& c) -> domain::Result<detail::Change> {
        const std::string action = decision.approve ? "approve_transfer" : "refuse_transfer";
        auto state = detail::next_state(c, action, actor, !decision.approver.empty(), !decision.note.empty());
        if (!state) return state.error();
        auto& t = c.transfers.back();  // transfer_proposed: the state table guarantees one
        auto at = detail::instant_of(tx, std::nullopt, "at", t.proposed_at, "the proposal");
        if (!at) return at.error();
        t.decided_at = store_time(*at);
        t.decision = decision.approve ? "approved" : "refused";
        t.approver = decision.approver;
        if (!decision.note.empty()) t.decision_note = decision.note;
        if (decision.approve) {
            auto due = domain::transfer_handover_due(calendar, *at);
            if (!due) return due.error();
            t.handover_due_at = store_time(due->due);
        }
        c.state = *state;
        return detail::Change{"case." + action,
                              "approver: " + decision.approver + (decision.note.empty() ? "" : "; " + decision.note)};
    });
}

domain::Result<store::CaseRecord> hand_over(store::Database& db, const std::string& number, std::int64_t version,
                                            const Handover& handover, const Actor& actor) {
    return detail::change_case(db, actor, number, version,
                               [&](store::Transaction& tx, store::CaseRecord& c) -> domain::Result<detail::Change> {
        auto state = detail::next_state(c, "hand_over", actor, false, false, !handover.police_body.empty(),
                                        !handover.reference.empty());
        if (!state) return state.error();
        auto& t = c.transfers.back();
        auto at = detail::instant_of(tx, handover.at, "at", t.decided_at.value_or(t.proposed_at), "the approval");
        if (!at) return at.error();
        t.handed_over_at = store_time(*at);
        t.police_body = handover.police_body;
        t.handover_reference = handover.reference;
        c.state = *state;
        return detail::Change{"case.hand_over", "to " + handover.police_body + "; " + handover.reference};
    });
}

}  // namespace lims::workflow::cases
