#include "lims/workflow/cases/case_change.hpp"

#include "lims/domain/calendar/case_clocks.hpp"
#include "lims/domain/state_machine/machines.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/workflow/jurisdiction.hpp"
#include "lims/workflow/store_time.hpp"

namespace lims::workflow::cases::detail {

domain::Result<store::CaseRecord> held_case(store::Transaction& tx, const Actor& actor, const std::string& number) {
    auto c = store::CaseRepository(tx).get_by_number(number);
    const auto missing = domain::errors::not_found("case.not_found", "case " + number + " does not exist");
    if (!c) return missing;
    const auto path = store::organisation_path(tx, c->assigned_org_id);
    if (!path || !jurisdiction::covers(actor, *path)) return missing;
    return c;
}

domain::Result<store::CaseRecord> change_case(
    store::Database& db, const Actor& actor, const std::string& number, std::int64_t version,
    const std::function<domain::Result<Change>(store::Transaction&, store::CaseRecord&)>& change) {
    return db.write([&](store::Transaction& tx) -> domain::Result<store::CaseRecord> {
        auto c = held_case(tx, actor, number);
        if (!c) return c.error();
        if (c->version != version)
            return store::store_error(store::StoreErrorKind::conflict,
                                      "case " + c->number + " is at version " + std::to_string(c->version) + ", not " +
                                          std::to_string(version) + ": someone acted on it meanwhile");
        store::CaseRecord next = *c;
        auto done = change(tx, next);
        if (!done) return done.error();
        return store::CaseRepository(tx).update(next, done->action, done->reason, actor.name);
    });
}

domain::Result<domain::Instant> instant_of(store::Transaction& tx, const std::optional<domain::Instant>& given,
                                           const std::string& field, const std::string& not_before,
                                           const std::string& what) {
    auto now = parse_store_time(tx.now_utc());
    if (!now) return now.error();
    const domain::Instant at = given.value_or(*now);
    if (at > *now)
        return domain::errors::invalid(field, field + ".future",
                                       domain::format_instant(at) + " is in the future (now " +
                                           domain::format_instant(*now) + ")");
    if (!not_before.empty()) {
        auto floor = parse_store_time(not_before);
        if (!floor) return floor.error();
        if (at < *floor)
            return domain::errors::invalid(field, field + ".time_order",
                                           domain::format_instant(at) + " is before " + what + " (" +
                                               domain::format_instant(*floor) + ")");
    }
    return at;
}

domain::Result<std::vector<domain::ClockPause>> clock_pauses(const std::vector<store::CasePause>& recorded) {
    std::vector<domain::ClockPause> pauses;
    for (const auto& p : recorded) {
        auto from = parse_store_time(p.started_at);
        if (!from) return from.error();
        domain::ClockPause cp{*from, std::nullopt};
        if (p.ended_at) {
            auto to = parse_store_time(*p.ended_at);
            if (!to) return to.error();
            cp.resumed_at = *to;
        }
        pauses.push_back(cp);
    }
    return pauses;
}

domain::Status recount_decision_clock(store::CaseRecord& c, const domain::WorkingCalendar& calendar) {
    auto filed = parse_store_time(c.filed_at);
    if (!filed) return filed.error();
    auto recorded = clock_pauses(c.pauses);
    if (!recorded) return recorded.error();
    const auto& pauses = *recorded;
    std::optional<domain::Instant> extended;
    if (c.extended_at) {
        auto at = parse_store_time(*c.extended_at);
        if (!at) return at.error();
        extended = *at;
    }
    auto clock = domain::filed_case_clock(*filed, pauses, extended);
    if (!clock) return clock.error();
    if (clock->paused()) {
        c.deadline_at.reset();
        c.deadline_provisional = false;
        return {};
    }
    auto due = clock->counted_due(calendar);
    if (!due) return due.error();
    c.deadline_at = store_time(due->due);
    c.deadline_provisional = due->provisional;
    return {};
}

domain::Result<std::string> next_state(const store::CaseRecord& c, const std::string& action, const Actor& actor,
                                       bool approval, bool reason, bool receiving_body, bool reference) {
    domain::RecordSet supplied;
    if (approval) supplied.add(domain::Recorded::approval);
    if (reason) supplied.add(domain::Recorded::reason);
    if (receiving_body) supplied.add(domain::Recorded::receiving_body);
    if (reference) supplied.add(domain::Recorded::reference);
    auto to = domain::apply(domain::machines::filed_case(), c.state,
                            {.action = action, .actor_roles = actor.roles, .supplied = supplied, .guard_holds = nullptr});
    if (!to) return to.error();
    return std::string(*to);
}

domain::Status count_seizure(store::CaseMeasure& m, const domain::WorkingCalendar& calendar) {
    auto seized = parse_store_time(m.started_at);
    if (!seized) return seized.error();
    std::optional<domain::Instant> extended;
    if (m.extended_at) {
        auto at = parse_store_time(*m.extended_at);
        if (!at) return at.error();
        extended = *at;
    }
    auto pauses = clock_pauses(m.pauses);
    if (!pauses) return pauses.error();
    auto clock = domain::seizure_clock(*seized, *pauses, extended);
    if (!clock) return clock.error();
    if (clock->paused()) {  // the goods are out for testing: no date while the term stands
        m.decision_due_at.reset();
        m.decision_due_provisional = false;
        return {};
    }
    auto due = clock->counted_due(calendar);
    if (!due) return due.error();
    m.decision_due_at = store_time(due->due);
    m.decision_due_provisional = due->provisional;
    return {};
}

bool decided(const store::CaseRecord& c) { return c.state == "decided"; }

}  // namespace lims::workflow::cases::detail
