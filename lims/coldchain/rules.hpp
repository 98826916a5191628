// The configuration the detector applies to one logger: the storage class's range, the
// alarm confirmation time, the excursion rules (consecutive or cumulative) and the
// recording interval that decides "offline". Built from standards.hpp, stored per
// storage unit or shipment by the service, validated before a detector uses it.
#pragma once

#include "lims/coldchain/reading.hpp"
#include "lims/domain/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lims::coldchain {

enum class StorageClass : std::uint8_t { refrigerated, frozen, cool, ambient };
enum class RecordingContext : std::uint8_t { storage, transport };

std::string_view to_string(StorageClass);
std::string_view to_string(RecordingContext);

// Inclusive bounds; an absent bound is open ("frozen: ≤ −15 °C" has no lower one).
struct TemperatureRange {
    std::optional<Centidegrees> low;
    std::optional<Centidegrees> high;

    bool contains(Centidegrees t) const { return (!low || t >= *low) && (!high || t <= *high); }
    bool above(Centidegrees t) const { return high && t > *high; }
    bool below(Centidegrees t) const { return low && t < *low; }
    friend bool operator==(const TemperatureRange&, const TemperatureRange&) = default;
};

TemperatureRange default_range(StorageClass);  // frozen: ≤ −15 °C

// How a rule compares a reading with its threshold. WHO heat is strictly above, WHO
// freeze and the indicators include the threshold itself.
enum class Comparison : std::uint8_t { above, at_or_above, at_or_below, below };
// consecutive: the condition held from one reading to another without a break;
// cumulative: every stretch where it held is added up (WHO indicator).
enum class Accumulation : std::uint8_t { consecutive, cumulative };
enum class ExcursionKind : std::uint8_t { heat, freeze };

std::string_view to_string(Comparison);
std::string_view to_string(Accumulation);
std::string_view to_string(ExcursionKind);

struct ExcursionRule {
    std::string name;  // stable, e.g. "who_30dtr.heat"; carried by every excursion event
    Comparison comparison = Comparison::above;
    Centidegrees threshold = 0;
    Seconds duration = 0;
    Accumulation accumulation = Accumulation::consecutive;

    bool met_by(Centidegrees t) const;
    ExcursionKind kind() const {
        return comparison == Comparison::above || comparison == Comparison::at_or_above ? ExcursionKind::heat
                                                                                       : ExcursionKind::freeze;
    }
    friend bool operator==(const ExcursionRule&, const ExcursionRule&) = default;
};

struct RuleSet {
    StorageClass storage_class = StorageClass::refrigerated;
    TemperatureRange range;
    Seconds alarm_confirmation = 0;
    std::vector<ExcursionRule> excursions;
    Seconds recording_interval = 0;
    int offline_after_intervals = 0;
    // No reading for this long raises the offline alarm (WentOffline). Default: the GSP
    // recording interval of the context (a record is due at least that often), so a silent
    // logger is an alarm after 30 min in storage, 5 in transport; set per unit by a rule.
    Seconds offline_alarm_after = 0;
    Seconds max_clock_skew = 0;  // a reading later than now + this is rejected
    Seconds max_backlog = 0;     // a reading earlier than now - this is rejected
    double mkt_activation_over_r = 0;

    // No valid reading for longer than this breaks "in a row" (a record gap).
    Seconds offline_after() const { return recording_interval * offline_after_intervals; }
    friend bool operator==(const RuleSet&, const RuleSet&) = default;
};

// The defaults for a class, with the recording interval of the context (GSP annex).
// Refrigerated: WHO 30-DTR heat and freeze plus the WHO indicator's cumulative and
// single-event heat rules. Other classes: leaving the class's range for the derived
// duration (standards.hpp).
RuleSet default_rules(StorageClass, RecordingContext = RecordingContext::storage);
// Frozen storage with the product's own upper limit (e.g. standard::kFrozenHighMinus20).
RuleSet frozen_rules(Centidegrees upper_limit, RecordingContext = RecordingContext::storage);

// What a rule means, in words: "above 8.00 °C for 10 h in a row", "at or above 30.00 °C
// for 10 h in all (cumulative)", "at or above 45.00 °C at any single reading (spike)".
std::string describe(const ExcursionRule&);

// Every field checked, the first problem named: "coldchain.rules.<problem>".
domain::Status validate(const RuleSet&);

// A stable 64-bit digest of everything that shapes detector state, written into saved
// states so a state is never restored under different rules.
std::uint64_t fingerprint(const RuleSet&);

}  // namespace lims::coldchain
