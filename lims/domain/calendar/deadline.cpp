#include "lims/domain/calendar/deadline.hpp"

namespace lims::domain {
namespace {

constexpr std::chrono::hours kMaxUtcOffset{14};  // UTC+14 is the furthest zone in use

}  // namespace

Status validate(const DeadlineRule& rule) {
    if (rule.amount <= 0) {
        return Error{"deadline.amount", "a deadline of " + std::to_string(rule.amount) + " " + to_string(rule.unit) +
                                            " is not positive"};
    }
    return {};
}

Status validate(const ClockSettings& settings) {
    if (settings.close_of_day <= std::chrono::seconds{0} || settings.close_of_day > std::chrono::hours{24}) {
        return Error{"deadline.settings", "the close of day must be after 00:00 and no later than 24:00"};
    }
    if (settings.utc_offset > kMaxUtcOffset || settings.utc_offset < -kMaxUtcOffset) {
        return Error{"deadline.settings", "the UTC offset must lie within ±14 hours"};
    }
    return {};
}

Date local_date(Instant instant, const ClockSettings& settings) {
    return std::chrono::floor<std::chrono::days>(instant + settings.utc_offset);
}

Instant close_of(Date local_day, const ClockSettings& settings) {
    return Instant{local_day} + settings.close_of_day - settings.utc_offset;
}

Result<Instant> deadline_for(const WorkingCalendar& calendar, const DeadlineRule& rule, Instant start,
                             const ClockSettings& settings) {
    auto counted = counted_deadline_for(calendar, rule, start, settings);
    if (!counted) return counted.error();
    return counted->due;
}

Result<CountedDeadline> counted_deadline_for(const WorkingCalendar& calendar, const DeadlineRule& rule, Instant start,
                                             const ClockSettings& settings) {
    if (auto ok = validate(rule); !ok) return ok.error();
    if (auto ok = validate(settings); !ok) return ok.error();
    const Date day = local_date(start, settings);
    Result<Date> due = Error{"deadline.unit", "unknown deadline unit"};
    switch (rule.unit) {
        case DeadlineUnit::hours: return CountedDeadline{start + std::chrono::hours{rule.amount}, false};
        case DeadlineUnit::working_days: due = calendar.add_working_days(day, rule.amount); break;
        case DeadlineUnit::calendar_days:
            due = calendar.next_working_day_on_or_after(day + std::chrono::days{rule.amount});
            break;
    }
    if (!due) return due.error();
    return CountedDeadline{close_of(due.value(), settings), calendar.provisional_between(day, due.value())};
}

std::string to_string(DeadlineUnit unit) {
    switch (unit) {
        case DeadlineUnit::working_days: return "working_days";
        case DeadlineUnit::calendar_days: return "calendar_days";
        case DeadlineUnit::hours: return "hours";
    }
    return "unknown";
}

std::string describe(const DeadlineRule& rule) {
    std::string unit = rule.unit == DeadlineUnit::working_days    ? "working day"
                       : rule.unit == DeadlineUnit::calendar_days ? "day"
                                                                  : "hour";
    return std::to_string(rule.amount) + " " + unit + (rule.amount == 1 ? "" : "s");
}

}  // namespace lims::domain
