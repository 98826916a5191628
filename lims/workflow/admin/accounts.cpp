#include "lims/workflow/admin/accounts.hpp"

#include "lims/store/sql.hpp"

#include <algorithm>
#include <bit>

namespace lims::workflow::admin {

namespace {

using domain::Result;
using store::Transaction;

domain::Error not_visible(const std::string& what, std::int64_t id) {
    return domain::errors::not_found("admin.not_found", "There is no " + what + " " + std::to_string(id) + ".");
}

// The organisation, when it lies in the caller's subtree.
Result<domain::Organisation> visible_organisation(Transaction& tx, const Actor& caller, std::int64_t id) {
    auto org = store::OrganisationRepository(tx).get(id);
    if (!org) {
        if (org.error().kind == domain::ErrorKind::not_found) return not_visible("organisation", id);
        return org.error();
    }
    if (!jurisdiction::covers(caller, org->path)) return not_visible("organisation", id);
    return org;
}

// An organisation named by a body field: in the subtree, else invalid naming the field.
Result<domain::Organisation> body_organisation(Transaction& tx, const Actor& caller, const std::string& field,
                                               std::int64_t id) {
    auto org = visible_organisation(tx, caller, id);
    if (!org && org.error().kind == domain::ErrorKind::not_found)
        return domain::errors::invalid(field, "admin.invalid." + field,
                                       "there is no organisation " + std::to_string(id) + " in your jurisdiction");
    return org;
}

Result<domain::User> visible_user(Transaction& tx, const Actor& caller, std::int64_t id) {
    auto user = store::UserRepository(tx).get(id);
    if (!user) {
        if (user.error().kind == domain::ErrorKind::not_found) return not_visible("user", id);
        return user.error();
    }
    if (auto org = visible_organisation(tx, caller, user->org_id); !org) {
        if (org.error().kind == domain::ErrorKind::not_found) return not_visible("user", id);
        return org.error();
    }
    return user;
}

// The store refuses a stale version as a conflict; say it as the stale version it is.
template <typename T>
Result<T> stale_if_conflict(Result<T> r, const std::string& what, std::int64_t id, std::int64_t given) {
    if (!r && r.error().code == store::error_code(store::StoreErrorKind::conflict))
        return domain::errors::stale("admin.stale_version",
                                     what + " " + std::to_string(id) + " is not at version " + std::to_string(given));
    return r;
}

}  // namespace

Result<std::vector<domain::Organisation>> organisation_subtree(store::Database& db, const Actor& caller) {
    if (!caller.org_id) return std::vector<domain::Organisation>{};
    return db.read([&](Transaction& tx) { return store::OrganisationRepository(tx).subtree(*caller.org_id); });
}

Result<domain::Organisation> organisation(store::Database& db, const Actor& caller, std::int64_t id) {
    return db.read([&](Transaction& tx) { return visible_organisation(tx, caller, id); });
}

Result<domain::Organisation> create_organisation(store::Database& db, const Actor& caller,
                                                 const store::NewOrganisation& org) {
    return db.write([&](Transaction& tx) -> Result<domain::Organisation> {
        if (!org.parent_id)
            return domain::errors::invalid("parent_id", "admin.invalid.parent_id", "a new organisation needs its parent");
        if (auto parent = body_organisation(tx, caller, "parent_id", *org.parent_id); !parent) return parent.error();
        return store::OrganisationRepository(tx).create(org, caller.name);
    });
}

Result<domain::Organisation> update_organisation(store::Database& db, const Actor& caller, std::int64_t id,
                                                 std::int64_t expected_version, const std::string& name, bool active) {
    return db.write([&](Transaction& tx) -> Result<domain::Organisation> {
        auto org = visible_organisation(tx, caller, id);
        if (!org) return org;
        if (org->version != expected_version)
            return domain::errors::stale("admin.stale_version", "organisation " + std::to_string(id) + " is at version " +
                                                                    std::to_string(org->version) + ", not " +
                                                                    std::to_string(expected_version));
        return stale_if_conflict(store::OrganisationRepository(tx).update(id, expected_version, name, active, caller.name),
                                 "organisation", id, expected_version);
    });
}

Result<std::vector<domain::User>> users_in_subtree(store::Database& db, const Actor& caller, std::int64_t after_id,
                                                   std::size_t limit) {
    return db.read([&](Transaction& tx) {
        return store::UserRepository(tx).list_in_subtree(caller.org_path, after_id, limit);
    });
}

Result<domain::User> user_record(store::Database& db, const Actor& caller, std::int64_t id) {
    return db.read([&](Transaction& tx) { return visible_user(tx, caller, id); });
}

Result<domain::User> create_user(store::Database& db, const Actor& caller, const store::NewUser& user) {
    return db.write([&](Transaction& tx) -> Result<domain::User> {
        if (auto org = body_organisation(tx, caller, "organisation_id", user.org_id); !org) return org.error();
        return store::UserRepository(tx).create(user, caller.name);
    });
}

Result<domain::User> update_user(store::Database& db, const Actor& caller, std::int64_t id,
                                 std::int64_t expected_version, const store::UserChange& change) {
    if (id == caller.user_id) {
        // Nobody locks themselves (or the last administrator) out by mistake.
        if (!change.active)
            return domain::errors::invalid("active", "admin.invalid.active", "you cannot disable your own account");
        if (std::find(change.roles.begin(), change.roles.end(), "administrator") == change.roles.end())
            return domain::errors::invalid("roles", "admin.invalid.roles", "you cannot remove your own administrator role");
    }
    return db.write([&](Transaction& tx) -> Result<domain::User> {
        if (auto user = visible_user(tx, caller, id); !user) return user;
        store::UserRepository users(tx);
        auto u = stale_if_conflict(users.update(id, expected_version, change, caller.name), "user", id, expected_version);
        if (!u) return u;
        if (!u->active) {
            // A disabled account's tokens stop at once (they are refused anyway while it is
            // disabled; revoked, they stay dead after).
            if (auto revoked = users.revoke_user_tokens(id, caller.name); !revoked) return revoked.error();
        }
        return u;
    });
}

Result<std::map<std::string, std::string>> people_names(store::Database& db, const std::set<std::string>& logins) {
    std::map<std::string, std::string> names;
    if (logins.empty()) return names;
    return db.read([&](Transaction& tx) -> Result<std::map<std::string, std::string>> {
        // The IN list is padded to a power of two (repeating a login), so a connection
        // compiles a handful of statements, not one per count of names.
        std::vector<store::SqlParam> params(logins.begin(), logins.end());
        params.resize(std::bit_ceil(params.size()), params.back());
        auto found = store::sql(
            tx, "SELECT username, display_name FROM users WHERE username IN (" + store::sql_param_list(params.size()) + ")",
            params);
        for (auto& row : found.rows) names.emplace(row.text(0), row.take_text(1));
        return names;
    });
}

}  // namespace lims::workflow::admin
