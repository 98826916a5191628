// Internal to lims/workflow/cases: the one way a use case changes a case — a write
// transaction, the case found in the caller's subtree, the version the caller holds, the
// change, the next version written and audited — and the checks of the instants a request
// names (never in the future, never before what they follow).
#pragma once

#include "lims/domain/calendar/civil_date.hpp"
#include "lims/domain/calendar/deadline_clock.hpp"
#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/case_repository.hpp"
#include "lims/store/database.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"

#include <functional>
#include <optional>
#include <string>

namespace lims::workflow::cases::detail {

// The case `number` if the actor's subtree holds it; not_found "case.not_found" otherwise
// (missing and another jurisdiction's read alike).
domain::Result<store::CaseRecord> held_case(store::Transaction& tx, const Actor& actor, const std::string& number);

// What a change did: the action for the audit trail ("case.pause") and why.
struct Change {
    std::string action;
    std::string reason;
};

// Runs `change` on the held case at `version` and writes the result as the next version.
domain::Result<store::CaseRecord> change_case(
    store::Database& db, const Actor& actor, const std::string& number, std::int64_t version,
    const std::function<domain::Result<Change>(store::Transaction&, store::CaseRecord&)>& change);

// The instant a request names, or the transaction's now; refused (field.future) when after
// now and (field.time_order, naming `what`) when before `not_before`.
domain::Result<domain::Instant> instant_of(store::Transaction& tx, const std::optional<domain::Instant>& given,
                                           const std::string& field, const std::string& not_before,
                                           const std::string& what);

// Recounts the decision deadline from the case's facts (filing, pauses, extension):
// empty while a pause stands.
domain::Status recount_decision_clock(store::CaseRecord& c, const domain::WorkingCalendar& calendar);

// The recorded pauses of a clock (a case's or a seizure's) as the domain clock takes them.
domain::Result<std::vector<domain::ClockPause>> clock_pauses(const std::vector<store::CasePause>& recorded);

// Counts a seizure's decision term from its start, its pauses (行政强制法 第二十五条: the
// time of testing, inspection, quarantine or technical appraisal does not count) and its
// extension: no date while a pause stands.
domain::Status count_seizure(store::CaseMeasure& m, const domain::WorkingCalendar& calendar);

// The state table's verdict for `action` by the actor with what the request supplied.
domain::Result<std::string> next_state(const store::CaseRecord& c, const std::string& action, const Actor& actor,
                                       bool approval, bool reason = false, bool receiving_body = false,
                                       bool reference = false);

bool decided(const store::CaseRecord& c);

}  // namespace lims::workflow::cases::detail
