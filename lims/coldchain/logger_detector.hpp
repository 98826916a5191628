// The streaming excursion detector of one logger: feed it readings in time order and it
// reports alarms, excursions, offline/online and sensor faults; tick it with the wall
// clock to notice silence. Its whole state saves to a short versioned string and restores
// exactly, so the service persists it beside the readings and survives a restart without
// a missed or doubled excursion. Used through Detector (detector.hpp) and by the shipment
// verdict.
//
// Decisions (documented in docs as well as here):
// - Time held: from the first to the latest reading that met a rule. "Exactly 10 h" is a
//   reading 10 h after the first one, still above +8 °C. Nothing is claimed for the
//   unobserved time after the last reading meeting a rule.
// - Gaps: when two valid temperature readings are further apart than the offline threshold
//   (3 recording intervals), "in a row" is broken: consecutive runs restart, an open
//   excursion closes (ended_by record_gap) at the last reading before the gap, and
//   nothing is counted across the gap. Cumulative totals below their limit are kept.
// - Sensor-fault readings show the logger is alive but carry no temperature: they neither
//   extend nor break a run; a long fault breaks it through the gap rule.
// - Out of order: a reading older than the latest one is flagged (store it) and not
//   evaluated, so it cannot change state or raise anything. A reading at the latest time
//   is a duplicate (same value, rejected, taken once) or a conflict (rejected).
// - Rejected readings (implausible value, time in the future or too old) change nothing.
// - Offline: tick(now) declares it when now − last reading > offline_alarm_after (the
//   rules'; by default the GSP recording interval); a reading that arrives after such a
//   silence without a tick reports went_offline (at last + that delay) and came_online
//   together, so back-filled batches tell the same story.
// - New rules (an administrator's new rule version): carry_over() keeps what the logger
//   did (last reading, offline, sensor fault, raised alarm) and starts every excursion rule
//   afresh; the caller closes the excursions open under the old rules first (finish()).
#pragma once

#include "lims/coldchain/events.hpp"
#include "lims/coldchain/reading.hpp"
#include "lims/coldchain/rules.hpp"
#include "lims/domain/result.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lims::coldchain {

class LoggerDetector {
public:
    // Fails with coldchain.rules.* when the rules are invalid (or null).
    static domain::Result<LoggerDetector> create(LoggerId logger, std::shared_ptr<const RuleSet> rules,
                                                 UtcSeconds watching_since);
    // Restores a state written by save() under the same rules; coldchain.state.* otherwise.
    static domain::Result<LoggerDetector> restore(LoggerId logger, std::shared_ptr<const RuleSet> rules,
                                                  std::string_view saved);
    // A state written under other rules, carried to `rules`: the logger's own fields are
    // kept, the excursion rules' runs and totals start again, an alarm run restarts (a
    // raised alarm stays raised until a reading is in the new range). Errors as restore()
    // but never coldchain.state.rules_changed.
    static domain::Result<LoggerDetector> carry_over(LoggerId logger, std::shared_ptr<const RuleSet> rules,
                                                     std::string_view saved);

    // Evaluates one reading received at `now` (the ingest clock) and appends its events.
    void feed(const Reading& reading, UtcSeconds now, std::vector<Event>& out);
    std::vector<Event> feed(const Reading& reading, UtcSeconds now);
    // Offline detection by the wall clock.
    void tick(UtcSeconds now, std::vector<Event>& out);
    // The record ends at `at` (a shipment's receipt): open excursions close with
    // ended_by end_of_record. The detector stays usable.
    void finish(UtcSeconds at, std::vector<Event>& out);

    // "cc1,…": compact, versioned, exact (doubles in shortest round-trip form).
    std::string save() const;

    const LoggerId& logger() const { return logger_; }
    const RuleSet& rules() const { return *rules_; }
    bool offline() const { return offline_; }
    bool sensor_fault() const { return fault_; }
    std::optional<RangeSide> alarm() const;
    std::optional<UtcSeconds> last_reading_at() const;
    std::optional<Centidegrees> last_temperature() const;

    static constexpr std::string_view kStateVersion = "cc1";

private:
    struct AlarmState {
        std::uint8_t run_side = 0;  // 0 none, 1 above, 2 below
        UtcSeconds run_start = 0;
        std::uint8_t raised = 0;  // 0 none, 1 above, 2 below
    };
    struct RuleState {
        bool in_stretch = false;  // the previous valid reading met the rule
        UtcSeconds stretch_last = 0;
        bool open = false;    // excursion_opened was reported
        bool window = false;  // something has been counted
        UtcSeconds window_start = 0;
        Seconds accumulated = 0;
        Centidegrees minimum = 0;
        Centidegrees maximum = 0;
        double mkt_sum = 0;
        std::int64_t count = 0;
    };

    LoggerDetector(LoggerId logger, std::shared_ptr<const RuleSet> rules, UtcSeconds watching_since);
    static domain::Result<LoggerDetector> read_state(LoggerId logger, std::shared_ptr<const RuleSet> rules,
                                                     std::string_view saved, bool same_rules);

    bool admit(const Reading& reading, UtcSeconds now, std::vector<Event>& out) const;
    void note_contact(UtcSeconds at, std::vector<Event>& out);
    void break_runs(UtcSeconds at, ExcursionEnd why, std::vector<Event>& out);
    void evaluate_alarm(UtcSeconds at, Centidegrees t, std::vector<Event>& out);
    void evaluate_rule(std::size_t i, UtcSeconds at, Centidegrees t, std::vector<Event>& out);
    void close_excursion(std::size_t i, UtcSeconds at, ExcursionEnd why, std::vector<Event>& out);

    LoggerId logger_;
    std::shared_ptr<const RuleSet> rules_;
    bool has_reading_ = false;
    UtcSeconds last_time_ = 0;
    Centidegrees last_value_ = 0;
    bool last_was_fault_ = false;
    UtcSeconds last_seen_ = 0;
    bool offline_ = false;
    bool fault_ = false;
    bool has_valid_ = false;
    UtcSeconds last_valid_ = 0;
    AlarmState alarm_;
    std::vector<RuleState> rule_states_;
};

}  // namespace lims::coldchain
