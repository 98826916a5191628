// The people a storage unit's alarms reach (issue 19 item 4): the designated contacts of
// its site (the organisation's own and its regulated entity's), listed, changed and
// removed by administrators of the site's jurisdiction. Rows are never deleted or edited
// in what they say: a change appends the replacing contact (replaces_id) and ends the old
// one (ended_at, ended_by; inactive), a removal ends it; both audited
// ("coldchain.contact.change", ".remove"), and the history stays listable. The GSP annex's
// rule is kept: a change or removal that would leave a site where a logger is placed with
// fewer than kMinDesignatedContacts first-level contacts is refused (nothing changes).
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::coldchain {

struct UnitContact {
    std::int64_t id = 0;
    std::int64_t org_id = 0;
    std::optional<std::int64_t> entity_id;
    std::string name;
    std::optional<std::int64_t> user_id;
    std::string email;
    std::string phone;
    int escalation_level = 0;
    bool active = true;
    std::optional<std::int64_t> replaces_id;
    std::optional<std::string> ended_at;
    std::string ended_by;
    std::string created_at;
};

struct ContactChange {
    std::string name;
    std::optional<std::int64_t> user_id;
    std::string email;
    std::string phone;
    int escalation_level = 0;
};

// Errors: not_found (unit outside the caller's subtree).
domain::Result<std::vector<UnitContact>> unit_contacts(store::Database& db, const Actor& actor, std::int64_t unit_id,
                                                       bool with_history);
// Errors: not_found (contact outside the caller's subtree), conflict ("coldchain.contact.ended":
// changed or removed already; "coldchain.site.contacts": the three-contact rule), invalid
// ("user_id" outside the subtree).
domain::Result<UnitContact> change_contact(store::Database& db, const Actor& actor, std::int64_t contact_id,
                                           const ContactChange& change);
domain::Result<UnitContact> remove_contact(store::Database& db, const Actor& actor, std::int64_t contact_id);

std::string to_json(const UnitContact& contact);

}  // namespace lims::workflow::coldchain
