// Cold-chain excursion rules an administrator set (migration 5): every version of the
// rule of one storage unit or of one product class in a storage class, append-only. The
// newest version of a scope is the one in force; a withdrawn version hands the scope back
// to the next rule down (product class, then the WHO/GSP defaults). What a rule says is
// checked by lims/workflow/coldchain/excursion_rules before it gets here.
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::store {

struct ExcursionRuleRow {
    std::int64_t id = 0;
    std::string scope;      // storage_unit, product_class
    std::string scope_key;  // "storage_unit:<id>" or "product_class:<class>:<storage class>"
    std::optional<std::int64_t> storage_unit_id;
    std::string product_class;  // scope product_class
    std::string storage_class;  // scope product_class
    std::int64_t version = 0;
    bool withdrawn = false;
    // Each empty field keeps what the next rule down says.
    std::optional<std::int32_t> min_centi_celsius;
    std::optional<std::int32_t> max_centi_celsius;
    std::optional<std::int64_t> alarm_confirmation_s;
    std::optional<std::int64_t> recording_interval_s;
    std::optional<std::int64_t> offline_alarm_after_s;
    std::string excursions_json = "[]";  // [] keeps the excursion rules of the next rule down
    std::string reason;
    std::string created_by;
    std::string created_at;
};

std::string unit_rule_key(std::int64_t storage_unit_id);
std::string product_class_rule_key(const std::string& product_class, const std::string& storage_class);

class ExcursionRuleRepository {
public:
    explicit ExcursionRuleRepository(Transaction& tx) : tx_(tx) {}

    // Stores `row` as the next version of its scope_key (1 for the first) and audits it
    // ("excursion_rule.set" or ".withdraw", before: the version it replaces). Errors:
    // conflict when `expected_version` (0: none yet) is not the scope's newest version.
    StoreResult<ExcursionRuleRow> append(ExcursionRuleRow row, std::int64_t expected_version, const std::string& actor);
    // The newest version of the scope; nullopt when none was ever set.
    StoreResult<std::optional<ExcursionRuleRow>> current(const std::string& scope_key);
    // Every version of the scope, oldest first.
    StoreResult<std::vector<ExcursionRuleRow>> history(const std::string& scope_key);
    // Every product-class rule scope ever set, each at its newest version (withdrawn ones too).
    StoreResult<std::vector<ExcursionRuleRow>> product_class_rules();

private:
    StoreResult<std::vector<ExcursionRuleRow>> select(const std::string& where, const std::string& key);
    Transaction& tx_;
};

std::string to_json(const ExcursionRuleRow& row);

}  // namespace lims::store
