// The detector rules of a place: a storage unit's storage class and range (storage
// context), or the transport box bound to a shipment (transport context). Ingest, the
// offline tick, the shipment verdict and the retention job all build rules here, so a
// saved detector state is always restored under the rules it was written with.
//
// The rule in force for a unit (issue 19): the WHO/GSP defaults of its storage class
// (with the unit's own range as the alarm range), then the product-class rule of what it
// holds (storage_units.product_class in its storage class), then the unit's own rule —
// each an administrator's newest, not withdrawn version (excursion_rules.hpp); every field
// a rule leaves empty keeps what the rule below says.
#pragma once

#include "lims/coldchain/logger_detector.hpp"
#include "lims/coldchain/rules.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/excursion_rule_repository.hpp"
#include "lims/store/storage_unit_repository.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::coldchain {

// One layer of the rule in force.
struct RuleLayer {
    std::string source;  // default, product_class, storage_unit
    std::optional<std::int64_t> version_id;  // excursion_rules.id; empty for the default
    std::int64_t version = 0;                // 0 for the default
    std::string label;  // "WHO/GSP default for refrigerated storage", "storage unit A1-F1 rule, version 2"
};

struct RuleInForce {
    std::shared_ptr<const lims::coldchain::RuleSet> rules;
    std::vector<RuleLayer> layers;  // applied, the default first
    RuleLayer excursions_from;      // the layer whose excursion rules apply
    // "<rule in words> — <label>" for an excursion rule of `rules`, e.g. "above 8.00 °C for
    // 10 h in a row — WHO/GSP default for refrigerated storage (WHO PQS E006 30-day recorder)".
    std::string why(const std::string& excursion_rule) const;
};

// The defaults alone (errors: coldchain.unit.storage_class, coldchain.rules.*): a unit's
// rules are checked with these when it is registered.
domain::Result<std::shared_ptr<const lims::coldchain::RuleSet>> rules_for(const store::StorageUnitRow& unit,
                                                                          lims::coldchain::RecordingContext context);
// The rule in force for a unit (errors as above, and coldchain.rules.* when a stored rule
// no longer builds: never expected, as each is checked before it is stored).
domain::Result<RuleInForce> rule_in_force(store::Transaction& tx, const store::StorageUnitRow& unit,
                                          lims::coldchain::RecordingContext context);
// The same with `candidate` standing in for the newest rule of its scope: what a change
// would put in force, checked before it is stored.
domain::Result<RuleInForce> rule_in_force(store::Transaction& tx, const store::StorageUnitRow& unit,
                                          lims::coldchain::RecordingContext context,
                                          const store::ExcursionRuleRow& candidate);
// The rules of a logger's current placement (defaults for a refrigerated trip when a
// shipment has no box bound).
domain::Result<RuleInForce> rule_in_force(store::Transaction& tx, const store::LoggerWatch& watch);

// The logger's detector under `rules`: restored from its saved state, carried over when
// the state was written under other rules (a new rule version; LoggerDetector::carry_over),
// fresh from the placement's start when there is none or it cannot be read (audited as
// detector.reset).
domain::Result<lims::coldchain::LoggerDetector> detector_for(store::Transaction& tx, const store::LoggerWatch& watch,
                                                             const std::shared_ptr<const lims::coldchain::RuleSet>& rules,
                                                             const std::string& actor);

std::optional<lims::coldchain::StorageClass> storage_class_from(std::string_view text);
// "WHO/GSP default for refrigerated storage (…the standards it comes from…)".
std::string default_rule_label(lims::coldchain::StorageClass, lims::coldchain::RecordingContext);

// excursion_rules.excursions as the detector's rules: [{"name", "comparison" (">", ">=",
// "<=", "<"), "threshold_centi_celsius", "duration_s", "accumulation" (consecutive,
// cumulative, spike: consecutive with duration 0)}]. Errors: coldchain.rules.stored.
domain::Result<std::vector<lims::coldchain::ExcursionRule>> parse_excursion_lines(const std::string& json);

}  // namespace lims::workflow::coldchain
