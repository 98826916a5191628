// Who at an organisation (a bureau) is told of its nonconformity notices (role "notices")
// and who is its head (role "head": told when a 24-hour notice is not acknowledged in
// time). Append-only (organisation_contacts, migration 6): a change appends the replacing
// row, a removal appends a removal row; the history of every contact stays readable.
// Administrators of the organisation's jurisdiction change them; audited
// ("organisation_contact.add", ".change", ".remove").
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::notifications {

struct OrgContact {
    std::int64_t id = 0;
    std::int64_t org_id = 0;
    std::string role;  // notices, head
    std::string name;
    std::optional<std::int64_t> user_id;
    std::string email;
    std::string phone;  // the SMS gateway's address
    std::optional<std::int64_t> replaces_id;
    bool removed = false;      // this row records the removal of replaces_id
    bool current = false;      // nothing replaces it and it is no removal
    std::string created_by;
    std::string created_at;
};

struct OrgContactRequest {
    std::string role;
    std::string name;
    std::optional<std::int64_t> user_id;
    std::string email;
    std::string phone;
};

// Errors: not_found (organisation outside the caller's subtree).
domain::Result<std::vector<OrgContact>> list_org_contacts(store::Database& db, const Actor& actor, std::int64_t org_id,
                                                          bool with_history);
// Errors: not_found, invalid (naming the field: role, name, email, user_id; "body" when
// it has no way to reach the person).
domain::Result<OrgContact> add_org_contact(store::Database& db, const Actor& actor, std::int64_t org_id,
                                           const OrgContactRequest& request);
// Errors: not_found, invalid, conflict (the contact was already changed or removed).
domain::Result<OrgContact> change_org_contact(store::Database& db, const Actor& actor, std::int64_t contact_id,
                                              const OrgContactRequest& request);
domain::Result<OrgContact> remove_org_contact(store::Database& db, const Actor& actor, std::int64_t contact_id);

// Inside a transaction: the current contacts of `org_id` with `role`.
std::vector<OrgContact> current_org_contacts(store::Transaction& tx, std::int64_t org_id, const std::string& role);

std::string to_json(const OrgContact& contact);

}  // namespace lims::workflow::notifications
