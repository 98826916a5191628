// The risk ledger (风险台账, DOMAIN.md; seed 004: 建立风险清单，整改落实到单位): a bureau
// records a risk with the items to put right, each optionally given to a responsible
// organisation of its subtree with a due date; each item is closed (销号) once, by a user of
// the risk's organisation or of the item's responsible one, with its evidence and a note;
// the risk closes by itself when its last item is closed (逐项销号). Each function is one
// transaction; every change is audited (risk.create, risk.item_close, risk.close).
// Called by api/routes/risk_routes.cpp.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/risk_repository.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::figures {

struct RiskItemRequest {
    std::string description;
    std::optional<std::int64_t> responsible_org_id;
    std::optional<std::string> due_on;  // YYYY-MM-DD
};

struct RiskRequest {
    std::string title;
    std::string description;
    std::string source;  // where it was found: 风险会商, 监督检查, 抽样检验, 投诉举报 ...
    std::optional<std::string> focus_tag;
    std::optional<std::string> region_code;
    std::vector<RiskItemRequest> items;  // at least one
};

// The risk in the caller's organisation. Errors: invalid naming the field
// ("items[1].responsible_org_id" not in the caller's subtree, an unknown focus tag, a bad
// date or region code, no items); forbidden without an organisation.
domain::Result<store::Risk> create_risk(store::Database& db, const Actor& actor, const RiskRequest& request);

// A risk of the caller's subtree, or one with an item the caller's organisation is
// responsible for. Errors: not_found (risk.not_found) otherwise.
domain::Result<store::Risk> get_risk(store::Database& db, const Actor& actor, const std::string& number);

struct RiskPage {
    std::vector<store::Risk> items;
    std::optional<std::int64_t> next_before_id;
};
// The caller's subtree's risks, newest first. Errors: invalid naming "state".
domain::Result<RiskPage> list_risks(store::Database& db, const Actor& actor, std::optional<std::string> state,
                                    std::int64_t before_id, int limit);

struct ItemClosureRequest {
    int position = 0;  // the item's number within its risk (1, 2, ...)
    std::string evidence;
    std::string note;
};

// Closes one item (If-Match: the risk's version): the risk gets a new version, and is
// closed when this was its last open item. Errors: not_found; stale (risk.stale_version);
// conflict (risk.item_closed, risk.closed); invalid naming "position" or "evidence".
domain::Result<store::Risk> close_risk_item(store::Database& db, const Actor& actor, const std::string& number,
                                            const ItemClosureRequest& request, std::int64_t expected_version);

}  // namespace lims::workflow::figures
