#include "lims/domain/calendar/case_clocks.hpp"

#include <array>

namespace lims::domain {

namespace {
constexpr std::array<ClockPauseReason, 4> kReasons{ClockPauseReason::testing, ClockPauseReason::inspection,
                                                   ClockPauseReason::quarantine, ClockPauseReason::expert_opinion};
}

std::string_view to_string(ClockPauseReason reason) {
    switch (reason) {
        case ClockPauseReason::testing: return "testing";
        case ClockPauseReason::inspection: return "inspection";
        case ClockPauseReason::quarantine: return "quarantine";
        case ClockPauseReason::expert_opinion: return "expert_opinion";
    }
    return "testing";
}

std::optional<ClockPauseReason> clock_pause_reason_from(std::string_view text) {
    for (auto r : kReasons)
        if (to_string(r) == text) return r;
    return std::nullopt;
}

Result<DeadlineClock> filed_case_clock(Instant filed_at, const std::vector<ClockPause>& pauses,
                                       std::optional<Instant> extended_at, const CaseClockRules& rules) {
    auto clock = DeadlineClock::start(filed_at, rules.decision, rules.extension);
    if (!clock) return clock.error();
    for (const auto& p : pauses) {
        if (auto ok = clock->pause(p.paused_at); !ok) return ok.error();
        if (p.resumed_at) {
            if (auto ok = clock->resume(*p.resumed_at); !ok) return ok.error();
        }
    }
    if (extended_at) {
        if (auto ok = clock->extend(*extended_at); !ok) return ok.error();
    }
    return clock;
}

Result<DeadlineClock> seizure_clock(Instant seized_at, const std::vector<ClockPause>& pauses,
                                    std::optional<Instant> extended_at) {
    auto clock = DeadlineClock::start(seized_at, statutory::kSeizureTerm, statutory::kSeizureExtension);
    if (!clock) return clock.error();
    for (const auto& p : pauses) {
        if (auto ok = clock->pause(p.paused_at); !ok) return ok.error();
        if (p.resumed_at) {
            if (auto ok = clock->resume(*p.resumed_at); !ok) return ok.error();
        }
    }
    if (extended_at) {
        if (auto ok = clock->extend(*extended_at); !ok) return ok.error();
    }
    return clock;
}

Result<CountedDeadline> transfer_decision_due(const WorkingCalendar& calendar, Instant proposed_at) {
    return counted_deadline_for(calendar, statutory::kTransferDecision, proposed_at);
}

Result<CountedDeadline> transfer_handover_due(const WorkingCalendar& calendar, Instant approved_at) {
    return counted_deadline_for(calendar, statutory::kTransferHandover, approved_at);
}

}  // namespace lims::domain
