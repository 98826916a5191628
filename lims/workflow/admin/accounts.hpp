// Organisations (the tree) and user accounts as the administration routes change them:
// each use case takes the Database and the caller, owns its transaction and checks that
// every organisation or user it touches lies in the caller's subtree: a record named in
// the path outside it is not_found (like a missing one), an organisation named in the
// body outside it is invalid naming the field. Stale versions are `stale`; the store's
// own refusals (a code taken: conflict; an empty name: store.invalid_argument) pass through.
#pragma once

#include "lims/domain/model/organisation.hpp"
#include "lims/domain/model/user.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/store/user_repository.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/jurisdiction.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace lims::workflow::admin {

// ---- organisations --------------------------------------------------------------------------
// The caller's organisation and everything below it, parents before children.
domain::Result<std::vector<domain::Organisation>> organisation_subtree(store::Database& db, const Actor& caller);
domain::Result<domain::Organisation> organisation(store::Database& db, const Actor& caller, std::int64_t id);
// The parent (org.parent_id) must lie in the subtree: invalid "parent_id" otherwise.
domain::Result<domain::Organisation> create_organisation(store::Database& db, const Actor& caller,
                                                         const store::NewOrganisation& org);
domain::Result<domain::Organisation> update_organisation(store::Database& db, const Actor& caller, std::int64_t id,
                                                         std::int64_t expected_version, const std::string& name,
                                                         bool active);

// ---- users ----------------------------------------------------------------------------------
domain::Result<std::vector<domain::User>> users_in_subtree(store::Database& db, const Actor& caller,
                                                           std::int64_t after_id, std::size_t limit);
domain::Result<domain::User> user_record(store::Database& db, const Actor& caller, std::int64_t id);
// The organisation (user.org_id) must lie in the subtree: invalid "organisation_id" otherwise.
domain::Result<domain::User> create_user(store::Database& db, const Actor& caller, const store::NewUser& user);
// Disabling an account revokes every token of it in the same transaction. Nobody disables
// themselves or drops their own administrator role (invalid "active" / "roles").
domain::Result<domain::User> update_user(store::Database& db, const Actor& caller, std::int64_t id,
                                         std::int64_t expected_version, const store::UserChange& change);

// ---- names ----------------------------------------------------------------------------------
// The people behind the logins a record names as who did something (who refused an
// application, handed a portion over, closed a risk item, uploaded a file): login -> display
// name, for the logins that are accounts (a gateway's or the system's are not). Asked for a
// record the caller was already given, so no jurisdiction of its own; only the name is told.
domain::Result<std::map<std::string, std::string>> people_names(store::Database& db, const std::set<std::string>& logins);

}  // namespace lims::workflow::admin
