#include "lims/domain/calendar/deadline_clock.hpp"

namespace lims::domain {

Result<DeadlineClock> DeadlineClock::start(Instant started_at, DeadlineRule rule, std::optional<DeadlineRule> extension) {
    if (auto ok = validate(rule); !ok) return ok.error();
    if (extension) {
        if (auto ok = validate(*extension); !ok) return ok.error();
        if (extension->unit != rule.unit) {
            return Error{"deadline_clock.extension_unit", "an extension of " + describe(*extension) +
                                                             " cannot extend a deadline of " + describe(rule)};
        }
    }
    return DeadlineClock(started_at, rule, extension);
}

Instant DeadlineClock::last_event() const {
    if (pauses_.empty()) return started_at_;
    return pauses_.back().resumed_at.value_or(pauses_.back().paused_at);
}

Status DeadlineClock::pause(Instant at) {
    if (paused()) return Error{"deadline_clock.already_paused", "the clock already stands since " + format_instant(pauses_.back().paused_at)};
    if (at < last_event()) {
        return Error{"deadline_clock.time_order", "cannot pause at " + format_instant(at) + ", before " + format_instant(last_event())};
    }
    pauses_.push_back(ClockPause{at, std::nullopt});
    return {};
}

Status DeadlineClock::resume(Instant at) {
    if (!paused()) return Error{"deadline_clock.not_paused", "the clock is running; there is nothing to resume"};
    if (at < pauses_.back().paused_at) {
        return Error{"deadline_clock.time_order", "cannot resume at " + format_instant(at) + ", before the pause at " +
                                                      format_instant(pauses_.back().paused_at)};
    }
    pauses_.back().resumed_at = at;
    return {};
}

Status DeadlineClock::extend(Instant at) {
    if (!extension_) return Error{"deadline_clock.no_extension", "this deadline allows no extension"};
    if (extended_) return Error{"deadline_clock.extension_used", "the one extension this deadline allows is already used"};
    if (at < started_at_) return Error{"deadline_clock.time_order", "cannot extend before the clock started"};
    extended_ = true;
    return {};
}

DeadlineRule DeadlineClock::effective_rule() const noexcept {
    DeadlineRule r = rule_;
    if (extended_ && extension_) r.amount += extension_->amount;
    return r;
}

Result<Instant> DeadlineClock::due(const WorkingCalendar& calendar, const ClockSettings& settings) const {
    auto counted = counted_due(calendar, settings);
    if (!counted) return counted.error();
    return counted->due;
}

Result<CountedDeadline> DeadlineClock::counted_due(const WorkingCalendar& calendar, const ClockSettings& settings) const {
    if (paused()) {
        return Error{"deadline_clock.paused", "the clock stands since " + format_instant(pauses_.back().paused_at) +
                                                  "; the deadline is set again when it resumes"};
    }
    if (auto ok = validate(settings); !ok) return ok.error();
    const DeadlineRule rule = effective_rule();
    if (rule.unit == DeadlineUnit::hours) {
        Instant due = started_at_ + std::chrono::hours{rule.amount};
        for (const auto& p : pauses_) due += *p.resumed_at - p.paused_at;
        return CountedDeadline{due, false};
    }
    auto is_paused_day = [&](Date d) {
        for (const auto& p : pauses_) {
            if (local_date(p.paused_at, settings) <= d && d <= local_date(*p.resumed_at, settings)) return true;
        }
        return false;
    };
    const Date first = local_date(started_at_, settings);
    Date d = first;
    for (int counted = 0; counted < rule.amount;) {
        d += std::chrono::days{1};
        auto working = calendar.is_working_day(d);
        if (!working) return working.error();
        if (is_paused_day(d)) continue;
        if (rule.unit == DeadlineUnit::working_days && !working.value()) continue;
        ++counted;
    }
    if (rule.unit == DeadlineUnit::calendar_days) {
        auto moved = calendar.next_working_day_on_or_after(d);
        if (!moved) return moved.error();
        d = moved.value();
    }
    return CountedDeadline{close_of(d, settings), calendar.provisional_between(first, d)};
}

}  // namespace lims::domain
