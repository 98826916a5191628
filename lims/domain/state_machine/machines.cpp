#include "lims/domain/state_machine/machines.hpp"

namespace lims::domain::machines {
namespace {

using enum Role;
using R = Recorded;

}  // namespace

const StateMachine& task() {
    static const StateMachine m{
        "task",
        {kNotCreated, "planned", "assigned", "in_progress", "completed", "cancelled"},
        {
            {kNotCreated, "plan", "planned", {planner}},
            {"planned", "assign", "assigned", {planner}, {"office_in_plan"}},
            {"assigned", "unassign", "planned", {planner}, {}, {R::reason}},
            {"assigned", "start", "in_progress", {sampler}, {"actor_in_assigned_office"}},
            {"in_progress", "complete", "completed", {sampler, planner}, {"quota_met"}},
            {"planned", "cancel", "cancelled", {planner}, {}, {R::reason}},
            {"assigned", "cancel", "cancelled", {planner}, {}, {R::reason}},
            {"in_progress", "cancel", "cancelled", {planner}, {"no_samples_in_transit"}, {R::reason}},
        }};
    return m;
}

// Registration needs two samplers (药品管理法实施条例 art. 52) and the task's office;
// receipt needs the receipt checklist; 复验 tests the retained portion once, within the
// application window, and its report stands.
const StateMachine& sample() {
    static const StateMachine m{
        "sample",
        {kNotCreated, "registered", "shipped", "received", "rejected", "voided", "in_testing", "tested", "reported",
         "reinspection_requested", "in_reinspection", "reinspected"},
        {
            {kNotCreated, "register", "registered", {sampler}, {"two_samplers", "task_in_progress"}},
            {"registered", "void", "voided", {sampler, planner}, {}, {R::reason}},
            {"registered", "ship", "shipped", {sampler}},
            {"registered", "receive", "received", {receiver}, {"receipt_checks_passed"}},
            {"registered", "reject", "rejected", {receiver}, {}, {R::reason}},
            {"shipped", "receive", "received", {receiver}, {"receipt_checks_passed"}},
            {"shipped", "reject", "rejected", {receiver}, {}, {R::reason}},
            {"received", "start_testing", "in_testing", {analyst}},
            {"in_testing", "complete_testing", "tested", {analyst}, {"all_results_final"}},
            {"tested", "issue_report", "reported", {signatory}, {"report_approved"}},
            {"reported", "apply_reinspection", "reinspection_requested", {receiver},
             {"within_reinspection_window", "not_reinspected_before"}, {R::applicant}},
            {"reinspection_requested", "refuse_reinspection", "reported", {receiver}, {}, {R::reason}},
            // 不予受理 after the application was recorded (and round 2 opened at once): while
            // the retained portion is still here and round 2 has no result.
            {"in_reinspection", "refuse_reinspection", "reported", {receiver},
             {"retained_portion_not_handed_over", "no_reinspection_result"}, {R::reason}},
            {"reinspection_requested", "start_reinspection", "in_reinspection", {analyst}, {"retained_portion_intact"}},
            {"in_reinspection", "complete_reinspection", "reinspected", {analyst}, {"all_results_final"}},
            {"reinspected", "issue_report", "reported", {signatory}, {"report_approved"}},
        }};
    return m;
}

// A retest is a new result row linked to the one it replaces (LESSONS.md), so rejected,
// retest_ordered, cancelled and retracted end a row. Verification is by someone other
// than the producer, as many times as configured (one to four verifiers).
const StateMachine& test_result() {
    static const StateMachine m{
        "test_result",
        {kNotCreated, "pending", "pending_review", "accepted", "verified", "final", "rejected", "retest_ordered",
         "cancelled", "retracted"},
        {
            {kNotCreated, "create", "pending", {receiver, analyst}},
            {"pending", "enter_result", "pending_review", {analyst, ingest_service}},
            {"pending", "cancel", "cancelled", {analyst, reviewer}, {}, {R::reason}},
            {"pending_review", "accept", "accepted", {analyst}},
            {"pending_review", "reject", "rejected", {analyst, reviewer}, {}, {R::reason}},
            {"pending_review", "order_retest", "retest_ordered", {analyst, reviewer}, {}, {R::reason}},
            {"accepted", "verify", "verified", {reviewer}, {"verifier_not_producer"}, {R::signature}},
            {"accepted", "reject", "rejected", {reviewer}, {}, {R::reason}},
            {"accepted", "order_retest", "retest_ordered", {reviewer}, {}, {R::reason}},
            {"verified", "verify", "verified", {reviewer}, {"verifier_not_producer", "further_verification_required"},
             {R::signature}},
            {"verified", "release", "final", {reviewer}, {"verifications_complete"}},
            {"verified", "reject", "rejected", {reviewer}, {}, {R::reason}},
            {"verified", "order_retest", "retest_ordered", {reviewer}, {}, {R::reason}},
            {"final", "retract", "retracted", {reviewer, signatory}, {"report_not_issued"}, {R::reason}},
        }};
    return m;
}

const StateMachine& report() {
    static const StateMachine m{
        "report",
        {kNotCreated, "draft", "approved", "issued", "superseded", "discarded"},
        {
            {kNotCreated, "draft", "draft", {analyst, reviewer, signatory}, {"all_results_final"}},
            {"draft", "discard", "discarded", {analyst, reviewer, signatory}, {}, {R::reason}},
            {"draft", "approve", "approved", {signatory}, {"all_results_final", "signer_password_confirmed"},
             {R::signature}},
            {"approved", "withdraw_approval", "draft", {signatory}, {}, {R::reason}},
            {"approved", "issue", "issued", {signatory}},
            {"issued", "supersede", "superseded", {signatory}, {"superseding_report_issued"},
             {R::reason, R::reference}},
        }};
    return m;
}

// Overdue is derived from the deadline, not a state. A notice to a bureau outside the
// system is delivered by hand and its acknowledgement recorded by an administrator.
const StateMachine& notice() {
    static const StateMachine m{
        "notice",
        {kNotCreated, "sent", "acknowledged"},
        {
            {kNotCreated, "send", "sent", {signatory}},
            {"sent", "acknowledge", "acknowledged", {bureau_viewer, enforcement_officer, planner},
             {"actor_in_recipient_bureau"}},
            {"sent", "record_external_acknowledgement", "acknowledged", {administrator}, {"external_recipient"},
             {R::reference}},
        }};
    return m;
}

// 市场监督管理行政处罚程序规定 arts. 18–20: verify, then file (立案), decline (不予立案,
// with a reason) or transfer (移送, naming the receiving body), each with the head's
// approval; a conforming re-inspection withdraws the lead. Clock pauses and the one
// extension are deadline operations (calendar/deadline_clock.hpp), not states.
const StateMachine& case_lead() {
    static const StateMachine m{
        "case_lead",
        {kNotCreated, "open", "accepted", "investigating", "filed", "not_filed", "transferred", "closed", "withdrawn"},
        {
            {kNotCreated, "open", "open", {enforcement_officer, signatory, ingest_service}},
            {"open", "accept", "accepted", {enforcement_officer}, {"actor_in_responsible_unit"}},
            {"accepted", "investigate", "investigating", {enforcement_officer}},
            {"investigating", "file", "filed", {enforcement_officer}, {}, {R::approval}},
            {"investigating", "decline", "not_filed", {enforcement_officer}, {}, {R::reason, R::approval}},
            {"investigating", "transfer", "transferred", {enforcement_officer}, {},
             {R::receiving_body, R::approval}},
            {"filed", "close", "closed", {enforcement_officer}},
            {"not_filed", "close", "closed", {enforcement_officer}},
            {"transferred", "close", "closed", {enforcement_officer}},
            {"open", "withdraw", "withdrawn", {enforcement_officer, signatory}, {"reinspection_conforms"},
             {R::reference}},
            {"accepted", "withdraw", "withdrawn", {enforcement_officer, signatory}, {"reinspection_conforms"},
             {R::reference}},
            {"investigating", "withdraw", "withdrawn", {enforcement_officer, signatory}, {"reinspection_conforms"},
             {R::reference}},
        }};
    return m;
}

// A case filed from a lead decided for filing (市场监督管理行政处罚程序规定): the head's
// approval of the filing; a transfer to the police proposed with its grounds, approved or
// refused by the head (行政执法机关移送涉嫌犯罪案件的规定 第五条), handed over to a named
// police body with the hand-over's reference; the outcome (penalty, no penalty, 撤案)
// decided with the head's approval, also after the police returned a transferred case.
const StateMachine& filed_case() {
    static const StateMachine m{
        "case",
        {kNotCreated, "filed", "transfer_proposed", "transfer_approved", "transferred", "decided"},
        {
            {kNotCreated, "file", "filed", {enforcement_officer}, {}, {R::approval}},
            {"filed", "propose_transfer", "transfer_proposed", {enforcement_officer}, {}, {R::reason}},
            {"transfer_proposed", "approve_transfer", "transfer_approved", {enforcement_officer}, {}, {R::approval}},
            {"transfer_proposed", "refuse_transfer", "filed", {enforcement_officer}, {}, {R::approval, R::reason}},
            {"transfer_approved", "hand_over", "transferred", {enforcement_officer}, {},
             {R::receiving_body, R::reference}},
            {"filed", "decide", "decided", {enforcement_officer}, {}, {R::approval}},
            {"transferred", "decide", "decided", {enforcement_officer}, {}, {R::approval}},
        }};
    return m;
}

std::vector<const StateMachine*> all() {
    return {&task(), &sample(), &test_result(), &report(), &notice(), &case_lead(), &filed_case()};
}

}  // namespace lims::domain::machines
