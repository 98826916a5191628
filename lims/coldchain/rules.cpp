#include "lims/coldchain/rules.hpp"

#include "lims/coldchain/standards.hpp"

#include <charconv>
#include <set>

namespace lims::coldchain {

namespace {

using domain::make_error;

RuleSet base_rules(StorageClass storage_class, TemperatureRange range, RecordingContext context) {
    RuleSet rules;
    rules.storage_class = storage_class;
    rules.range = range;
    rules.alarm_confirmation = standard::kAlarmConfirmation;
    rules.recording_interval = context == RecordingContext::transport ? standard::kGspTransportRecordingInterval
                                                                      : standard::kGspStorageRecordingInterval;
    rules.offline_after_intervals = standard::kOfflineAfterIntervals;
    rules.offline_alarm_after = rules.recording_interval;
    rules.max_clock_skew = standard::kMaxClockSkew;
    rules.max_backlog = standard::kMaxBacklog;
    rules.mkt_activation_over_r = standard::kMktActivationOverR;
    return rules;
}

void add_range_rules(RuleSet& rules) {
    if (rules.range.high) {
        rules.excursions.push_back({"range.above", Comparison::above, *rules.range.high,
                                    standard::kDerivedExcursionDuration, Accumulation::consecutive});
    }
    if (rules.range.low) {
        rules.excursions.push_back({"range.below", Comparison::below, *rules.range.low,
                                    standard::kDerivedExcursionDuration, Accumulation::consecutive});
    }
}

bool plausible(Centidegrees t) { return t >= standard::kPlausibleLow && t <= standard::kPlausibleHigh; }

}  // namespace

std::string_view to_string(StorageClass c) {
    switch (c) {
        case StorageClass::refrigerated: return "refrigerated";
        case StorageClass::frozen: return "frozen";
        case StorageClass::cool: return "cool";
        case StorageClass::ambient: return "ambient";
    }
    return "unknown";
}

std::string_view to_string(RecordingContext c) {
    return c == RecordingContext::transport ? "transport" : "storage";
}

std::string_view to_string(Comparison c) {
    switch (c) {
        case Comparison::above: return ">";
        case Comparison::at_or_above: return ">=";
        case Comparison::at_or_below: return "<=";
        case Comparison::below: return "<";
    }
    return "?";
}

std::string_view to_string(Accumulation a) {
    return a == Accumulation::cumulative ? "cumulative" : "consecutive";
}

std::string_view to_string(ExcursionKind k) { return k == ExcursionKind::heat ? "heat" : "freeze"; }

bool ExcursionRule::met_by(Centidegrees t) const {
    switch (comparison) {
        case Comparison::above: return t > threshold;
        case Comparison::at_or_above: return t >= threshold;
        case Comparison::at_or_below: return t <= threshold;
        case Comparison::below: return t < threshold;
    }
    return false;
}

std::string describe(const ExcursionRule& rule) {
    std::string text;
    switch (rule.comparison) {
        case Comparison::above: text = "above "; break;
        case Comparison::at_or_above: text = "at or above "; break;
        case Comparison::at_or_below: text = "at or below "; break;
        case Comparison::below: text = "below "; break;
    }
    const Centidegrees t = rule.threshold;
    const Centidegrees whole = (t < 0 ? -t : t) / 100;
    const Centidegrees cents = (t < 0 ? -t : t) % 100;
    text += (t < 0 ? "-" : "") + std::to_string(whole) + "." + (cents < 10 ? "0" : "") + std::to_string(cents) + " °C";
    if (rule.duration == 0 && rule.accumulation == Accumulation::consecutive) return text + " at any single reading (spike)";
    const Seconds h = rule.duration / standard::kHour;
    const Seconds m = (rule.duration % standard::kHour) / standard::kMinute;
    const Seconds sec = rule.duration % standard::kMinute;
    std::string span;
    if (h) span += std::to_string(h) + " h";
    if (m) span += (span.empty() ? "" : " ") + std::to_string(m) + " min";
    if (sec || span.empty()) span += (span.empty() ? "" : " ") + std::to_string(sec) + " s";
    return text + " for " + span + (rule.accumulation == Accumulation::cumulative ? " in all (cumulative)" : " in a row");
}

TemperatureRange default_range(StorageClass c) {
    switch (c) {
        case StorageClass::refrigerated: return {standard::kRefrigeratedLow, standard::kRefrigeratedHigh};
        case StorageClass::frozen: return {std::nullopt, standard::kFrozenHighMinus15};
        case StorageClass::cool: return {std::nullopt, standard::kCoolHigh};
        case StorageClass::ambient: return {standard::kAmbientLow, standard::kAmbientHigh};
    }
    return {};
}

RuleSet default_rules(StorageClass c, RecordingContext context) {
    if (c == StorageClass::frozen) return frozen_rules(standard::kFrozenHighMinus15, context);
    RuleSet rules = base_rules(c, default_range(c), context);
    if (c == StorageClass::refrigerated) {
        rules.excursions = {
            {"who_30dtr.heat", Comparison::above, standard::kWho30DtrHeatAbove, standard::kWho30DtrHeatDuration,
             Accumulation::consecutive},
            {"who_30dtr.freeze", Comparison::at_or_below, standard::kWho30DtrFreezeAtOrBelow,
             standard::kWho30DtrFreezeDuration, Accumulation::consecutive},
            {"who_indicator.heat_cumulative", Comparison::at_or_above, standard::kWhoIndicatorCumulativeAtOrAbove,
             standard::kWhoIndicatorCumulativeDuration, Accumulation::cumulative},
            {"who_indicator.heat_single", Comparison::at_or_above, standard::kWhoIndicatorSingleAtOrAbove,
             standard::kWhoIndicatorSingleDuration, Accumulation::consecutive},
        };
    } else {
        add_range_rules(rules);
    }
    return rules;
}

RuleSet frozen_rules(Centidegrees upper_limit, RecordingContext context) {
    RuleSet rules = base_rules(StorageClass::frozen, {std::nullopt, upper_limit}, context);
    add_range_rules(rules);
    return rules;
}

domain::Status validate(const RuleSet& r) {
    if (r.range.low && !plausible(*r.range.low))
        return make_error("coldchain.rules.range_implausible", "the range's lower limit is outside −100..100 °C");
    if (r.range.high && !plausible(*r.range.high))
        return make_error("coldchain.rules.range_implausible", "the range's upper limit is outside −100..100 °C");
    if (r.range.low && r.range.high && *r.range.low > *r.range.high)
        return make_error("coldchain.rules.range_inverted", "the range's lower limit is above its upper limit");
    if (r.alarm_confirmation < 0)
        return make_error("coldchain.rules.negative_confirmation", "the alarm confirmation time is negative");
    if (r.recording_interval <= 0)
        return make_error("coldchain.rules.recording_interval", "the recording interval must be positive");
    if (r.offline_after_intervals < 1 || r.offline_after_intervals > 1000)
        return make_error("coldchain.rules.offline_intervals", "offline_after_intervals must be 1..1000");
    if (r.offline_alarm_after < standard::kMinute || r.offline_alarm_after > standard::kDay * 7)
        return make_error("coldchain.rules.offline_alarm_after", "the offline alarm delay must be 1 minute to 7 days");
    if (r.recording_interval > standard::kDay * 366)
        return make_error("coldchain.rules.recording_interval", "the recording interval is longer than a year");
    if (r.max_clock_skew < 0 || r.max_backlog < 0)
        return make_error("coldchain.rules.time_window", "clock skew and backlog must not be negative");
    if (!(r.mkt_activation_over_r > 0) || r.mkt_activation_over_r > 1e6)
        return make_error("coldchain.rules.mkt_activation", "ΔH/R must be a positive number of kelvin up to 1e6");
    std::set<std::string> names;
    for (const auto& rule : r.excursions) {
        if (rule.name.empty()) return make_error("coldchain.rules.unnamed_rule", "an excursion rule has no name");
        for (char ch : rule.name) {
            if (ch == ',' || ch == ';' || static_cast<unsigned char>(ch) < 0x20)
                return make_error("coldchain.rules.rule_name", "rule name '" + rule.name + "' has a separator or control character");
        }
        if (!names.insert(rule.name).second)
            return make_error("coldchain.rules.duplicate_rule", "two excursion rules are named '" + rule.name + "'");
        if (!plausible(rule.threshold))
            return make_error("coldchain.rules.threshold_implausible", "rule '" + rule.name + "' has a threshold outside −100..100 °C");
        if (rule.duration < 0)
            return make_error("coldchain.rules.negative_duration", "rule '" + rule.name + "' has a negative duration");
    }
    return {};
}

std::uint64_t fingerprint(const RuleSet& r) {
    // FNV-1a over a canonical text; stable across builds and platforms.
    std::string text;
    auto add = [&text](auto v) {
        char buf[32];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
        (void)ec;
        text.append(buf, end);
        text.push_back('|');
    };
    add(static_cast<int>(r.storage_class));
    add(r.range.low ? 1 : 0); add(r.range.low.value_or(0));
    add(r.range.high ? 1 : 0); add(r.range.high.value_or(0));
    add(r.alarm_confirmation);
    add(r.recording_interval);
    add(r.offline_after_intervals);
    add(r.offline_alarm_after);
    add(r.max_clock_skew);
    add(r.max_backlog);
    add(r.mkt_activation_over_r);
    for (const auto& rule : r.excursions) {
        text += rule.name;
        text.push_back('|');
        add(static_cast<int>(rule.comparison));
        add(rule.threshold);
        add(rule.duration);
        add(static_cast<int>(rule.accumulation));
    }
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char ch : text) {
        h ^= ch;
        h *= 1099511628211ull;
    }
    return h;
}

}  // namespace lims::coldchain
