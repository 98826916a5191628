// The decision clock of a case: pauses for testing, inspection, quarantine or expert
// opinion, and the one extension (cases.hpp).
#include "lims/workflow/cases/case_change.hpp"
#include "lims/workflow/cases/cases.hpp"

#include "lims/domain/calendar/case_clocks.hpp"
#include "lims/workflow/store_time.hpp"

namespace lims::workflow::cases {

namespace {

bool standing(const store::CaseRecord& c) { return !c.pauses.empty() && !c.pauses.back().ended_at; }

domain::Status open_for_clock_changes(const store::CaseRecord& c) {
    if (detail::decided(c))
        return domain::errors::conflict("case.decided", "case " + c.number + " is decided: its clock no longer runs");
    return {};
}

}  // namespace

domain::Result<store::CaseRecord> pause_clock(store::Database& db, const domain::WorkingCalendar& calendar,
                                              const std::string& number, std::int64_t version,
                                              const PauseRequest& request, const Actor& actor) {
    return detail::change_case(db, actor, number, version,
                               [&](store::Transaction& tx, store::CaseRecord& c) -> domain::Result<detail::Change> {
        if (!domain::clock_pause_reason_from(request.reason))
            return domain::errors::invalid("reason", "reason.unknown",
                                           "\"" + request.reason +
                                               "\" is not testing, inspection, quarantine or expert_opinion");
        if (auto ok = open_for_clock_changes(c); !ok) return ok.error();
        if (standing(c))
            return domain::errors::conflict("case.paused", "the clock of case " + c.number + " already stands since " +
                                                               c.pauses.back().started_at);
        const std::string floor = c.pauses.empty() ? c.filed_at : *c.pauses.back().ended_at;
        auto at = detail::instant_of(tx, request.at, "at", floor,
                                     c.pauses.empty() ? "the filing" : "the end of the last pause");
        if (!at) return at.error();
        c.pauses.push_back({request.reason, request.note, store_time(*at), std::nullopt, actor.name, std::nullopt});
        if (auto ok = detail::recount_decision_clock(c, calendar); !ok) return ok.error();
        return detail::Change{"case.pause", request.reason + (request.note.empty() ? "" : ": " + request.note)};
    });
}

domain::Result<store::CaseRecord> resume_clock(store::Database& db, const domain::WorkingCalendar& calendar,
                                               const std::string& number, std::int64_t version,
                                               std::optional<domain::Instant> at_given, const Actor& actor) {
    return detail::change_case(db, actor, number, version,
                               [&](store::Transaction& tx, store::CaseRecord& c) -> domain::Result<detail::Change> {
        if (!standing(c))
            return domain::errors::conflict("case.not_paused",
                                            "the clock of case " + c.number + " is running: there is nothing to resume");
        auto at = detail::instant_of(tx, at_given, "at", c.pauses.back().started_at, "the pause began");
        if (!at) return at.error();
        c.pauses.back().ended_at = store_time(*at);
        c.pauses.back().ended_by = actor.name;
        if (auto ok = detail::recount_decision_clock(c, calendar); !ok) return ok.error();
        return detail::Change{"case.resume", c.pauses.back().reason + " ended"};
    });
}

domain::Result<store::CaseRecord> extend_clock(store::Database& db, const domain::WorkingCalendar& calendar,
                                               const std::string& number, std::int64_t version,
                                               const ExtensionRequest& request, const Actor& actor) {
    return detail::change_case(db, actor, number, version,
                               [&](store::Transaction& tx, store::CaseRecord& c) -> domain::Result<detail::Change> {
        if (request.reason.empty())
            return domain::errors::invalid("reason", "case.extension_reason", "an extension needs its reason");
        if (request.approver.empty())
            return domain::errors::invalid("approver", "case.extension_approver",
                                           "an extension needs the head who approved it (市场监督管理行政处罚程序规定)");
        if (auto ok = open_for_clock_changes(c); !ok) return ok.error();
        if (c.extended_at)
            return domain::errors::conflict("case.extension_used", "case " + c.number + " was extended on " +
                                                                       *c.extended_at + ": only one extension is allowed");
        auto at = detail::instant_of(tx, std::nullopt, "at", c.filed_at, "the filing");
        if (!at) return at.error();
        c.extended_at = store_time(*at);
        c.extension_reason = request.reason;
        c.extension_approver = request.approver;
        if (auto ok = detail::recount_decision_clock(c, calendar); !ok) return ok.error();
        return detail::Change{"case.extend", request.reason + "; approved: " + request.approver};
    });
}

}  // namespace lims::workflow::cases
