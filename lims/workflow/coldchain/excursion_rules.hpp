// Excursion rules as data (issue 19 item 3), as use cases for administrators: the rule of
// one storage unit, or of a product class kept in a storage class (vaccines kept
// refrigerated), each set as a new version (append-only, audited, with a reason) and read
// with its history and with what is in force now. The WHO/GSP defaults stay named as
// such (site_rules.hpp: the rule in force is the unit's rule, else the product class's,
// else the default). A change takes effect at once: excursions open under the old rules
// close (ended_by end_of_record at the change) and the detector carries on under the new
// ones. Each use case opens and owns its transaction and checks the caller's subtree.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/excursion_rule_repository.hpp"
#include "lims/store/storage_unit_repository.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/coldchain/ingest.hpp"
#include "lims/workflow/coldchain/site_rules.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::coldchain {

// One excursion rule as an administrator writes it.
struct ExcursionRuleLine {
    std::string name;         // stable, e.g. "vaccine.heat"; carried by its excursions
    std::string comparison;   // ">", ">=", "<=", "<"
    std::int32_t threshold_centi_celsius = 0;
    std::int64_t duration_s = 0;
    std::string accumulation = "consecutive";  // consecutive, cumulative, spike (one reading: duration 0)
};

// A new version. Each empty field keeps what the rule below says; an empty excursion list
// keeps the rule below's excursion rules. withdraw: the scope hands back to the rule below.
struct ExcursionRuleChange {
    std::optional<std::int32_t> min_centi_celsius;
    std::optional<std::int32_t> max_centi_celsius;
    std::optional<std::int64_t> alarm_confirmation_s;
    std::optional<std::int64_t> recording_interval_s;
    std::optional<std::int64_t> offline_alarm_after_s;
    std::vector<ExcursionRuleLine> excursions;
    bool withdraw = false;
    std::string reason;  // required: why the rule changes
};

struct UnitRuleView {
    store::StorageUnitRow unit;
    RuleInForce in_force;                        // storage context (transport for a transport box)
    std::vector<store::ExcursionRuleRow> versions;  // the unit's own rule, oldest first
};

struct ProductClassRuleView {
    std::string product_class;
    std::string storage_class;
    std::vector<store::ExcursionRuleRow> versions;  // oldest first
    std::vector<std::int64_t> storage_units;        // units of the caller's subtree it reaches
};

// The unit must be one of the caller's subtree (not_found otherwise). expected_version:
// the unit rule's newest version (0 when it has none); another: stale. Errors: invalid
// naming the field (a limit, a duration, excursions[i].…), coldchain.rules.* in words.
domain::Result<UnitRuleView> set_unit_excursion_rule(store::Database& db, const Actor& caller, std::int64_t unit_id,
                                                     const ExcursionRuleChange& change, std::int64_t expected_version,
                                                     std::int64_t now_utc, const ColdChainOptions& options);
domain::Result<UnitRuleView> unit_excursion_rule(store::Database& db, const Actor& caller, std::int64_t unit_id);

// A product-class rule reaches every unit holding that class in that storage class, in
// every jurisdiction: only an administrator of the top organisation sets it (forbidden
// otherwise). product_class: products.category; storage_class: refrigerated, frozen, cool,
// ambient (invalid otherwise).
domain::Result<ProductClassRuleView> set_product_class_excursion_rule(store::Database& db, const Actor& caller,
                                                                      const std::string& product_class,
                                                                      const std::string& storage_class,
                                                                      const ExcursionRuleChange& change,
                                                                      std::int64_t expected_version,
                                                                      std::int64_t now_utc,
                                                                      const ColdChainOptions& options);
domain::Result<ProductClassRuleView> product_class_excursion_rule(store::Database& db, const Actor& caller,
                                                                  const std::string& product_class,
                                                                  const std::string& storage_class);

// The WHO/GSP defaults of every storage class in storage and transport, named.
struct DefaultRules {
    std::string storage_class;
    std::string context;  // storage, transport
    std::string label;
    lims::coldchain::RuleSet rules;
};
std::vector<DefaultRules> default_excursion_rules();

}  // namespace lims::workflow::coldchain
