// The risk ledger (风险台账): risks found in risk consultations and inspections, each with
// its items to put right, each item closed (销号) once by a user with its evidence; the risk
// closes when its last item does. Called by the risk-ledger use cases
// (lims/workflow/figures/risk_ledger) inside their one transaction; they write the audit entries.
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::store {

struct RiskItemClosure {
    std::string evidence;
    std::string note;
    std::optional<std::int64_t> closed_by;
    std::string closed_by_name;
    std::string closed_at;
};

struct RiskItem {
    std::int64_t id = 0;
    int position = 0;  // 1, 2, ... within its risk
    std::string description;
    std::optional<std::int64_t> responsible_org_id;
    std::optional<std::string> due_on;
    std::string created_at;
    std::optional<RiskItemClosure> closure;
};

struct Risk {
    std::int64_t id = 0;
    std::string number;
    std::int64_t org_id = 0;
    std::string org_path;  // filled when read
    std::string title;
    std::string description;
    std::string source;
    std::optional<std::string> tag_code;
    std::optional<std::string> region_code;
    std::string state;  // open, closed
    std::string created_by;
    std::string created_at;
    std::optional<std::string> closed_at;
    std::int64_t version = 1;
    std::string updated_at;
    std::vector<RiskItem> items;
};

struct RiskListQuery {
    std::string within_path;           // "/1/4/": risks of organisations in this subtree
    std::optional<std::string> state;  // open, closed
    std::int64_t before_id = 0;        // keyset, newest first
    int limit = 50;                    // one more is read
};

class RiskRepository {
public:
    explicit RiskRepository(Transaction& tx) : tx_(tx) {}

    // Inserts the risk (open) and its items, numbered "FX<year>-<seq>". Returns it as read.
    StoreResult<Risk> create(const Risk& risk, int year);
    StoreResult<Risk> get_by_number(const std::string& number);
    std::vector<Risk> list(const RiskListQuery& query);  // items loaded
    // Errors: conflict when the item was closed meanwhile (the UNIQUE item_id).
    StoreResult<Done> close_item(std::int64_t item_id, const RiskItemClosure& closure);
    // A new version after an item's closure (optimistic on expected_version), closed with
    // it when `close` (its last item). Errors: conflict.
    StoreResult<Risk> advance(const Risk& current, std::int64_t expected_version, bool close, const std::string& at);

private:
    Transaction& tx_;
};

std::string to_json(const Risk& risk);

}  // namespace lims::store
