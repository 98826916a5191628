#include "lims/coldchain/logger_detector.hpp"

#include "lims/coldchain/mkt.hpp"
#include "lims/coldchain/standards.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace lims::coldchain {

namespace {

using domain::make_error;

constexpr std::uint8_t kSideNone = 0;

std::uint8_t side_code(RangeSide s) { return s == RangeSide::above ? 1 : 2; }
RangeSide side_of(std::uint8_t code) { return code == 1 ? RangeSide::above : RangeSide::below; }

// save(): comma-separated tokens; integers in decimal, doubles in shortest round-trip form.
class StateWriter {
public:
    explicit StateWriter(std::string_view version) { text_.append(version); }
    template <typename T>
    void put(T value) {
        char buf[40];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
        (void)ec;  // 40 characters hold any int64 or shortest double
        text_.push_back(',');
        text_.append(buf, end);
    }
    void put_hex(std::uint64_t value) {
        char buf[20];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, 16);
        (void)ec;
        text_.push_back(',');
        text_.append(buf, end);
    }
    std::string take() { return std::move(text_); }

private:
    std::string text_;
};

class StateReader {
public:
    explicit StateReader(std::string_view text) : rest_(text) {}

    std::optional<std::string_view> token() {
        if (done_) return std::nullopt;
        auto comma = rest_.find(',');
        std::string_view t = rest_.substr(0, comma);
        if (comma == std::string_view::npos) {
            done_ = true;
        } else {
            rest_.remove_prefix(comma + 1);
        }
        return t;
    }
    template <typename T>
    bool get(T& value, int base = 10) {
        auto t = token();
        if (!t || t->empty()) return false;
        auto [ptr, ec] = std::from_chars(t->data(), t->data() + t->size(), value, base);
        return ec == std::errc() && ptr == t->data() + t->size();
    }
    bool get_double(double& value) {
        auto t = token();
        if (!t || t->empty()) return false;
        auto [ptr, ec] = std::from_chars(t->data(), t->data() + t->size(), value);
        return ec == std::errc() && ptr == t->data() + t->size() && std::isfinite(value);
    }
    bool get_flag(bool& value) {
        int v = 0;
        if (!get(v) || (v != 0 && v != 1)) return false;
        value = v == 1;
        return true;
    }
    bool exhausted() const { return done_; }

private:
    std::string_view rest_;
    bool done_ = false;
};

domain::Error malformed(std::string what) {
    return make_error("coldchain.state.malformed", "saved detector state is malformed: " + std::move(what));
}

}  // namespace

LoggerDetector::LoggerDetector(LoggerId logger, std::shared_ptr<const RuleSet> rules, UtcSeconds watching_since)
    : logger_(std::move(logger)), rules_(std::move(rules)), last_seen_(watching_since) {
    rule_states_.resize(rules_->excursions.size());
}

domain::Result<LoggerDetector> LoggerDetector::create(LoggerId logger, std::shared_ptr<const RuleSet> rules,
                                                      UtcSeconds watching_since) {
    if (!rules) return make_error("coldchain.rules.missing", "no rule set given for logger '" + logger + "'");
    if (auto ok = validate(*rules); !ok) return ok.error();
    if (logger.empty()) return make_error("coldchain.logger.empty_id", "a logger id must not be empty");
    return LoggerDetector(std::move(logger), std::move(rules), watching_since);
}

std::optional<RangeSide> LoggerDetector::alarm() const {
    if (alarm_.raised == kSideNone) return std::nullopt;
    return side_of(alarm_.raised);
}

std::optional<UtcSeconds> LoggerDetector::last_reading_at() const {
    if (!has_reading_) return std::nullopt;
    return last_time_;
}

std::optional<Centidegrees> LoggerDetector::last_temperature() const {
    if (!has_reading_ || last_was_fault_) return std::nullopt;
    return last_value_;
}

std::vector<Event> LoggerDetector::feed(const Reading& reading, UtcSeconds now) {
    std::vector<Event> out;
    feed(reading, now, out);
    return out;
}

bool LoggerDetector::admit(const Reading& r, UtcSeconds now, std::vector<Event>& out) const {
    auto reject = [&](ReadingIssue why, std::string detail) {
        out.emplace_back(ReadingRejected{r.logger, r.at, why, std::move(detail)});
        return false;
    };
    if (r.logger != logger_)
        return reject(ReadingIssue::unknown_logger, "reading for '" + r.logger + "' fed to the detector of '" + logger_ + "'");
    // Subtractions are written so that no extreme time can overflow.
    if (r.at > now && r.at - now > rules_->max_clock_skew)
        return reject(ReadingIssue::time_in_future, "reading time is more than the allowed clock skew ahead of now");
    if (r.at < now && now - r.at > rules_->max_backlog)
        return reject(ReadingIssue::time_too_old, "reading time is older than the allowed backlog");
    if (!r.sensor_fault && (r.temperature < standard::kPlausibleLow || r.temperature > standard::kPlausibleHigh))
        return reject(ReadingIssue::implausible_temperature,
                      std::to_string(r.temperature) + " centidegrees is outside -100..100 °C");
    if (has_reading_ && r.at == last_time_) {
        const bool same = r.sensor_fault == last_was_fault_ && (r.sensor_fault || r.temperature == last_value_);
        if (same) return reject(ReadingIssue::duplicate, "the latest reading already has this time and value");
        return reject(ReadingIssue::conflicting_duplicate, "the latest reading has this time but another value");
    }
    if (has_reading_ && r.at < last_time_) {
        out.emplace_back(ReadingFlagged{r.logger, r.at, ReadingIssue::out_of_order,
                                        "older than the latest reading; stored, not evaluated"});
        return false;
    }
    return true;
}

void LoggerDetector::note_contact(UtcSeconds at, std::vector<Event>& out) {
    const Seconds threshold = rules_->offline_alarm_after;
    if (!offline_ && at - last_seen_ > threshold) {
        out.emplace_back(WentOffline{logger_, last_seen_ + threshold, last_seen_});
        offline_ = true;
    }
    if (offline_) {
        out.emplace_back(CameOnline{logger_, at});
        offline_ = false;
    }
    if (at > last_seen_) last_seen_ = at;
}

void LoggerDetector::feed(const Reading& r, UtcSeconds now, std::vector<Event>& out) {
    if (!admit(r, now, out)) return;

    note_contact(r.at, out);
    has_reading_ = true;
    last_time_ = r.at;
    last_was_fault_ = r.sensor_fault;
    last_value_ = r.sensor_fault ? 0 : r.temperature;

    if (r.sensor_fault) {
        if (!fault_) out.emplace_back(SensorFaultRaised{logger_, r.at});
        fault_ = true;
        return;
    }
    if (fault_) {
        out.emplace_back(SensorFaultCleared{logger_, r.at});
        fault_ = false;
    }
    if (has_valid_ && r.at - last_valid_ > rules_->offline_after()) break_runs(r.at, ExcursionEnd::record_gap, out);
    has_valid_ = true;
    last_valid_ = r.at;

    evaluate_alarm(r.at, r.temperature, out);
    for (std::size_t i = 0; i < rule_states_.size(); ++i) evaluate_rule(i, r.at, r.temperature, out);
}

void LoggerDetector::tick(UtcSeconds now, std::vector<Event>& out) {
    const Seconds threshold = rules_->offline_alarm_after;
    if (!offline_ && now > last_seen_ && now - last_seen_ > threshold) {
        out.emplace_back(WentOffline{logger_, last_seen_ + threshold, last_seen_});
        offline_ = true;
    }
}

void LoggerDetector::finish(UtcSeconds at, std::vector<Event>& out) {
    for (std::size_t i = 0; i < rule_states_.size(); ++i) {
        if (rule_states_[i].open) close_excursion(i, at, ExcursionEnd::end_of_record, out);
    }
}

void LoggerDetector::break_runs(UtcSeconds at, ExcursionEnd why, std::vector<Event>& out) {
    alarm_.run_side = kSideNone;  // a raised alarm stays raised until a reading shows the range again
    for (std::size_t i = 0; i < rule_states_.size(); ++i) {
        RuleState& s = rule_states_[i];
        s.in_stretch = false;
        if (s.open) {
            close_excursion(i, at, why, out);
        } else if (rules_->excursions[i].accumulation == Accumulation::consecutive) {
            s = RuleState{};
        }
    }
}

void LoggerDetector::evaluate_alarm(UtcSeconds at, Centidegrees t, std::vector<Event>& out) {
    const RuleSet& rules = *rules_;
    std::uint8_t side = kSideNone;
    if (rules.range.above(t)) side = side_code(RangeSide::above);
    if (rules.range.below(t)) side = side_code(RangeSide::below);

    if (alarm_.raised != kSideNone && alarm_.raised != side) {
        out.emplace_back(AlarmCleared{logger_, at, side_of(alarm_.raised)});
        alarm_.raised = kSideNone;
    }
    if (side == kSideNone) {
        alarm_.run_side = kSideNone;
        return;
    }
    if (alarm_.run_side != side) {
        alarm_.run_side = side;
        alarm_.run_start = at;
    }
    if (alarm_.raised == kSideNone && at - alarm_.run_start >= rules.alarm_confirmation) {
        out.emplace_back(AlarmRaised{logger_, at, alarm_.run_start, side_of(side), t});
        alarm_.raised = side;
    }
}

void LoggerDetector::evaluate_rule(std::size_t i, UtcSeconds at, Centidegrees t, std::vector<Event>& out) {
    const ExcursionRule& rule = rules_->excursions[i];
    RuleState& s = rule_states_[i];
    if (!rule.met_by(t)) {
        s.in_stretch = false;
        if (s.open) {
            close_excursion(i, at, ExcursionEnd::returned_to_range, out);
        } else if (rule.accumulation == Accumulation::consecutive) {
            s = RuleState{};
        }
        return;
    }
    if (!s.window) {
        s = RuleState{};
        s.window = true;
        s.window_start = at;
        s.minimum = t;
        s.maximum = t;
    } else {
        if (t < s.minimum) s.minimum = t;
        if (t > s.maximum) s.maximum = t;
    }
    if (s.in_stretch) s.accumulated += at - s.stretch_last;
    s.in_stretch = true;
    s.stretch_last = at;
    MktAccumulator mkt(rules_->mkt_activation_over_r, s.mkt_sum, s.count);
    mkt.add(t);
    s.mkt_sum = mkt.sum();
    s.count = mkt.count();
    if (!s.open && s.accumulated >= rule.duration) {
        s.open = true;
        out.emplace_back(ExcursionOpened{logger_, at, s.window_start, rule.name, rule.kind()});
    }
}

void LoggerDetector::close_excursion(std::size_t i, UtcSeconds at, ExcursionEnd why, std::vector<Event>& out) {
    const ExcursionRule& rule = rules_->excursions[i];
    RuleState& s = rule_states_[i];
    Excursion x;
    x.rule = rule.name;
    x.kind = rule.kind();
    x.accumulation = rule.accumulation;
    x.start = s.window_start;
    x.end = s.stretch_last;
    x.minimum = s.minimum;
    x.maximum = s.maximum;
    x.time_out_of_range = s.accumulated;
    x.mkt_celsius = MktAccumulator(rules_->mkt_activation_over_r, s.mkt_sum, s.count).celsius().value_or(0.0);
    x.readings = s.count;
    x.ended_by = why;
    out.emplace_back(ExcursionClosed{logger_, at, std::move(x)});
    s = RuleState{};
}

std::string LoggerDetector::save() const {
    StateWriter w(kStateVersion);
    w.put_hex(fingerprint(*rules_));
    w.put(static_cast<int>(has_reading_));
    w.put(last_time_);
    w.put(last_value_);
    w.put(static_cast<int>(last_was_fault_));
    w.put(last_seen_);
    w.put(static_cast<int>(offline_));
    w.put(static_cast<int>(fault_));
    w.put(static_cast<int>(has_valid_));
    w.put(last_valid_);
    w.put(static_cast<int>(alarm_.run_side));
    w.put(alarm_.run_start);
    w.put(static_cast<int>(alarm_.raised));
    w.put(rule_states_.size());
    for (const RuleState& s : rule_states_) {
        w.put(static_cast<int>(s.in_stretch));
        w.put(s.stretch_last);
        w.put(static_cast<int>(s.open));
        w.put(static_cast<int>(s.window));
        w.put(s.window_start);
        w.put(s.accumulated);
        w.put(s.minimum);
        w.put(s.maximum);
        w.put(s.mkt_sum);
        w.put(s.count);
    }
    return w.take();
}

domain::Result<LoggerDetector> LoggerDetector::restore(LoggerId logger, std::shared_ptr<const RuleSet> rules,
                                                       std::string_view saved) {
    return read_state(std::move(logger), std::move(rules), saved, true);
}

domain::Result<LoggerDetector> LoggerDetector::carry_over(LoggerId logger, std::shared_ptr<const RuleSet> rules,
                                                          std::string_view saved) {
    return read_state(std::move(logger), std::move(rules), saved, false);
}

domain::Result<LoggerDetector> LoggerDetector::read_state(LoggerId logger, std::shared_ptr<const RuleSet> rules,
                                                          std::string_view saved, bool same_rules) {
    auto created = create(std::move(logger), std::move(rules), 0);
    if (!created) return created.error();
    LoggerDetector d = std::move(created).value();

    StateReader in(saved);
    auto version = in.token();
    if (!version || *version != kStateVersion) {
        return make_error("coldchain.state.version",
                          "saved detector state is not version " + std::string(kStateVersion));
    }
    std::uint64_t fp = 0;
    if (!in.get(fp, 16)) return malformed("rule fingerprint");
    if (same_rules && fp != fingerprint(*d.rules_)) {
        return make_error("coldchain.state.rules_changed",
                          "saved detector state was written under different rules for logger '" + d.logger_ + "'");
    }
    int side = 0;
    int raised = 0;
    std::size_t rule_count = 0;
    if (!in.get_flag(d.has_reading_) || !in.get(d.last_time_) || !in.get(d.last_value_) ||
        !in.get_flag(d.last_was_fault_) || !in.get(d.last_seen_) || !in.get_flag(d.offline_) ||
        !in.get_flag(d.fault_) || !in.get_flag(d.has_valid_) || !in.get(d.last_valid_) || !in.get(side) ||
        !in.get(d.alarm_.run_start) || !in.get(raised) || !in.get(rule_count)) {
        return malformed("logger fields");
    }
    if (side < 0 || side > 2 || raised < 0 || raised > 2) return malformed("alarm side out of range");
    d.alarm_.run_side = static_cast<std::uint8_t>(side);
    d.alarm_.raised = static_cast<std::uint8_t>(raised);
    if (!same_rules) {
        if (rule_count > 10'000) return malformed("rule count");
        // The old rules' states mean nothing under the new ones: skipped whole, checked for shape.
        for (std::size_t i = 0; i < rule_count * 10; ++i)
            if (!in.token()) return malformed("rule fields");
        if (!in.exhausted()) return malformed("trailing fields");
        d.alarm_.run_side = kSideNone;
        return d;
    }
    if (rule_count != d.rule_states_.size()) return malformed("rule count differs from the rule set");
    for (RuleState& s : d.rule_states_) {
        if (!in.get_flag(s.in_stretch) || !in.get(s.stretch_last) || !in.get_flag(s.open) || !in.get_flag(s.window) ||
            !in.get(s.window_start) || !in.get(s.accumulated) || !in.get(s.minimum) || !in.get(s.maximum) ||
            !in.get_double(s.mkt_sum) || !in.get(s.count)) {
            return malformed("rule fields");
        }
        if (s.accumulated < 0 || s.count < 0 || s.mkt_sum < 0 || (s.open && !s.window) ||
            (s.window && (s.count == 0 || s.minimum > s.maximum)))
            return malformed("inconsistent rule state");
    }
    if (!in.exhausted()) return malformed("trailing fields");
    return d;
}

}  // namespace lims::coldchain
