// The clocks of a filed case (立案) and of what follows it, replayed from what was recorded:
// the decision clock (90 days from filing, one extension of 30 with approval, stopped while
// the evidence is out for testing, inspection, quarantine or expert opinion: 市场监督管理
// 行政处罚程序规定 arts. 20, 64), the seizure term of a 查封扣押 measure (30 + 30 days,
// 行政强制法 第二十五条), and the transfer to the police (the head decides within 3 days of
// the proposal, the case is handed over within 24 hours of approval: 行政执法机关移送涉嫌
// 犯罪案件的规定 第五条). Called by lims/workflow/cases, which stores the facts and the
// instants these give.
#pragma once

#include "lims/domain/calendar/deadline.hpp"
#include "lims/domain/calendar/deadline_clock.hpp"
#include "lims/domain/calendar/statutory_deadlines.hpp"
#include "lims/domain/result.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace lims::domain {

// Why a clock stands (检测、检验、检疫、鉴定): the time does not count.
enum class ClockPauseReason { testing, inspection, quarantine, expert_opinion };
std::string_view to_string(ClockPauseReason reason);
std::optional<ClockPauseReason> clock_pause_reason_from(std::string_view text);

struct CaseClockRules {
    DeadlineRule decision = statutory::kFiledCaseDecision;
    DeadlineRule extension = statutory::kFiledCaseExtension;
};

// The decision clock of a case filed at `filed_at`, with its pauses in the order they were
// recorded (the last one may still stand) and the extension when it was granted.
// Errors: those of DeadlineClock (deadline_clock.time_order for pauses out of order or
// before filing, deadline_clock.already_paused for two open pauses).
Result<DeadlineClock> filed_case_clock(Instant filed_at, const std::vector<ClockPause>& pauses,
                                       std::optional<Instant> extended_at, const CaseClockRules& rules = {});

// The term of a seizure made at `seized_at`, with the time the seized goods were out for
// testing, inspection, quarantine or technical appraisal left out (行政强制法 第二十五条
// 第三款: 查封、扣押的期间不包括检测、检验、检疫或者技术鉴定的期间; the pauses in the
// order recorded, the last may still stand), extended once when `extended_at` is set.
// Errors: those of DeadlineClock (deadline_clock.time_order, deadline_clock.already_paused).
Result<DeadlineClock> seizure_clock(Instant seized_at, const std::vector<ClockPause>& pauses,
                                    std::optional<Instant> extended_at);

// When the head's decision on a proposed transfer is due (3 days, a last day off moves on).
Result<CountedDeadline> transfer_decision_due(const WorkingCalendar& calendar, Instant proposed_at);
// When the hand-over of an approved transfer is due (24 hours on the clock by default).
Result<CountedDeadline> transfer_handover_due(const WorkingCalendar& calendar, Instant approved_at);

}  // namespace lims::domain
