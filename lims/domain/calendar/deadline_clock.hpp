// A deadline that can be paused, resumed and extended once: the case-lead clock stops
// while the evidence is out for testing, inspection or expert opinion (市场监督管理行政
// 处罚程序规定 arts. 18–20) and may be extended once with recorded approval. The workflow
// keeps one per case lead (and filed case) and records each operation in the audit trail.
#pragma once

#include "lims/domain/calendar/deadline.hpp"
#include "lims/domain/result.hpp"

#include <optional>
#include <vector>

namespace lims::domain {

struct ClockPause {
    Instant paused_at;
    std::optional<Instant> resumed_at;  // empty while the clock stands
};

class DeadlineClock {
public:
    // `extension` is the one extension the rule allows (none when absent); it must have
    // the same unit as `rule`. Errors: deadline.amount, deadline_clock.extension_unit.
    static Result<DeadlineClock> start(Instant started_at, DeadlineRule rule,
                                       std::optional<DeadlineRule> extension = std::nullopt);

    // Errors: deadline_clock.already_paused, deadline_clock.time_order (before the start
    // or before the last resumption).
    Status pause(Instant at);
    // Errors: deadline_clock.not_paused, deadline_clock.time_order.
    Status resume(Instant at);
    // Errors: deadline_clock.no_extension, deadline_clock.extension_used,
    // deadline_clock.time_order.
    Status extend(Instant at);

    bool paused() const noexcept { return !pauses_.empty() && !pauses_.back().resumed_at; }
    bool extended() const noexcept { return extended_; }
    Instant started_at() const noexcept { return started_at_; }
    const std::vector<ClockPause>& pauses() const noexcept { return pauses_; }
    DeadlineRule effective_rule() const noexcept;  // the rule plus the extension once used

    // When the deadline falls, counting only time the clock ran:
    //  - hours: the start plus the hours plus the length of every pause;
    //  - days: every local date touched by a pause (from the day it stopped to the day it
    //    resumed, both included) is left out of the count, in the holder's favour; the
    //    rest is as deadline_for (close of day, calendar days ending on a day off move on).
    // Errors: deadline_clock.paused (no date while the clock stands), calendar errors.
    Result<Instant> due(const WorkingCalendar& calendar, const ClockSettings& settings = {}) const;
    // due(), telling whether the count ran through a provisional calendar year.
    Result<CountedDeadline> counted_due(const WorkingCalendar& calendar, const ClockSettings& settings = {}) const;

private:
    DeadlineClock(Instant started_at, DeadlineRule rule, std::optional<DeadlineRule> extension)
        : started_at_(started_at), rule_(rule), extension_(extension) {}

    Instant last_event() const;

    Instant started_at_;
    DeadlineRule rule_;
    std::optional<DeadlineRule> extension_;
    bool extended_ = false;
    std::vector<ClockPause> pauses_;
};

}  // namespace lims::domain
