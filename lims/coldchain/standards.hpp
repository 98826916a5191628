// Named defaults of the cold-chain rules, each with the text it comes from. Rule sets
// (rules.hpp) are built from these and stay configurable; nothing else in lims/coldchain
// spells a threshold or a duration as a bare number.
#pragma once

#include "lims/coldchain/reading.hpp"

namespace lims::coldchain::standard {

inline constexpr Seconds kMinute = 60;
inline constexpr Seconds kHour = 60 * kMinute;
inline constexpr Seconds kDay = 24 * kHour;

// Storage ranges, DOMAIN.md "Cold chain". Refrigerated 2–8 °C: GSP 冷藏 and the vaccine
// range; cool ≤ 20 °C and ambient 10–30 °C: Chinese Pharmacopoeia, 凡例 (阴凉处, 常温).
inline constexpr Centidegrees kRefrigeratedLow = 200;
inline constexpr Centidegrees kRefrigeratedHigh = 800;
inline constexpr Centidegrees kCoolHigh = 2000;
inline constexpr Centidegrees kAmbientLow = 1000;
inline constexpr Centidegrees kAmbientHigh = 3000;
// Frozen is set per product (DOMAIN.md): ≤ −15 °C or ≤ −20 °C; −15 °C is the default.
inline constexpr Centidegrees kFrozenHighMinus15 = -1500;
inline constexpr Centidegrees kFrozenHighMinus20 = -2000;

// WHO PQS E006, 30-day electronic temperature recorder alarms (PROTOCOLS.md "Cold chain"):
// heat when above +8 °C for 10 hours in a row; freeze when at or below −0.5 °C for
// 60 minutes in a row.
inline constexpr Centidegrees kWho30DtrHeatAbove = 800;
inline constexpr Seconds kWho30DtrHeatDuration = 10 * kHour;
inline constexpr Centidegrees kWho30DtrFreezeAtOrBelow = -50;
inline constexpr Seconds kWho30DtrFreezeDuration = 60 * kMinute;

// WHO shipping indicators, type 1 (PROTOCOLS.md): ≥ 30 °C for 10 h cumulative, ≥ 45 °C
// for 1 h single event; the threshold value itself counts. (Its freeze alarm, ≤ −0.5 °C
// for 1 h, is the 30-DTR freeze rule above and is not repeated.)
inline constexpr Centidegrees kWhoIndicatorCumulativeAtOrAbove = 3000;
inline constexpr Seconds kWhoIndicatorCumulativeDuration = 10 * kHour;
inline constexpr Centidegrees kWhoIndicatorSingleAtOrAbove = 4500;
inline constexpr Seconds kWhoIndicatorSingleDuration = 1 * kHour;

// Classes other than 2–8 °C have no published excursion duration; the project applies
// the 30-DTR heat duration to leaving the class's own range (configurable per unit).
inline constexpr Seconds kDerivedExcursionDuration = kWho30DtrHeatDuration;

// GSP annex 《温湿度自动监测》 on recording frequency (DOMAIN.md, PROTOCOLS.md): record at
// least every 30 min in storage, every 5 min in transport, every 2 min while out of range.
inline constexpr Seconds kGspStorageRecordingInterval = 30 * kMinute;
inline constexpr Seconds kGspTransportRecordingInterval = 5 * kMinute;
inline constexpr Seconds kGspOutOfRangeRecordingInterval = 2 * kMinute;

// Issue 7: no valid reading for three recording intervals breaks "in a row" (a record gap).
// The offline alarm comes sooner (issue 19): after one recording interval without a
// reading, when a GSP record is already missing (RuleSet::offline_alarm_after).
inline constexpr int kOfflineAfterIntervals = 3;

// Issue 7 "Bad input": below −100 °C or above 100 °C is physically impossible for these
// probes (the bounds themselves are accepted).
inline constexpr Centidegrees kPlausibleLow = -10000;
inline constexpr Centidegrees kPlausibleHigh = 10000;

// Project defaults, not from a standard: an alarm needs 5 minutes out of range to ride
// out a door opening (OpenELIS's freezer monitoring has the same "maximum duration" idea,
// LESSONS.md); a logger clock may run 5 minutes ahead; a store-and-forward gateway or a
// trip logger may deliver readings up to 90 days late.
inline constexpr Seconds kAlarmConfirmation = 5 * kMinute;
inline constexpr Seconds kMaxClockSkew = 5 * kMinute;
inline constexpr Seconds kMaxBacklog = 90 * kDay;

// USP <1160> / WHO: mean kinetic temperature with ΔH = 83.144 kJ/mol, ΔH/R = 10,000 K.
inline constexpr double kMktActivationOverR = 10000.0;
inline constexpr double kKelvinAtZeroCelsius = 273.15;

// Retention thinning keeps per-5-minute minimum, maximum and mean (issue 7).
inline constexpr Seconds kRetentionBucket = 5 * kMinute;

}  // namespace lims::coldchain::standard
