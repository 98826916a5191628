#include "lims/app/store_credentials.hpp"

#include "lims/store/organisation_repository.hpp"
#include "lims/store/sql.hpp"
#include "lims/store/user_repository.hpp"
#include "lims/store/utc_time.hpp"
#include "lims/domain/calendar/utc_time.hpp"

namespace lims::app {

using api::NewUserAccount;
using api::StoredToken;
using api::TokenHolder;
using api::TokenScope;
using api::UserAccount;

namespace {

using store::StoreErrorKind;
using store::Transaction;

domain::Result<std::optional<UserAccount>> account(Transaction& tx, store::StoreResult<domain::User> user) {
    if (!user) {
        if (store::kind_of(user.error()) == StoreErrorKind::not_found) return std::optional<UserAccount>();
        return user.error();
    }
    auto org = store::OrganisationRepository(tx).get(user->org_id);
    if (!org) return org.error();
    UserAccount a;
    a.id = user->id;
    a.username = user->username;
    a.displayName = user->display_name;
    a.organisationId = org->id;
    a.organisationCode = org->code;
    a.organisationPath = org->path;
    a.roles = user->roles;
    a.passwordHash = user->password_hash;
    a.active = user->active && org->active;
    return std::optional<UserAccount>(std::move(a));
}

}  // namespace

StoreCredentials::StoreCredentials(std::shared_ptr<store::Database> database, std::string actor)
    : database_(std::move(database)), actor_(std::move(actor)) {}

domain::Result<std::optional<UserAccount>> StoreCredentials::findUserByUsername(const std::string& username) {
    return database_->read([&](Transaction& tx) {
        return account(tx, store::UserRepository(tx).find_by_username(username));
    });
}

domain::Result<std::optional<UserAccount>> StoreCredentials::findUserById(std::int64_t id) {
    return database_->read([&](Transaction& tx) { return account(tx, store::UserRepository(tx).get(id)); });
}

domain::Result<std::int64_t> StoreCredentials::createUser(const NewUserAccount& user) {
    return database_->write([&](Transaction& tx) -> domain::Result<std::int64_t> {
        auto org = store::OrganisationRepository(tx).get_by_code(user.organisationCode);
        if (!org) {
            if (store::kind_of(org.error()) == StoreErrorKind::not_found) {
                return domain::make_error("user.organisation_unknown",
                                          "there is no organisation with code " + user.organisationCode);
            }
            return org.error();
        }
        auto created = store::UserRepository(tx).create(
            {org->id, user.username, user.displayName, user.passwordHash, user.roles}, actor_);
        if (!created) {
            if (store::kind_of(created.error()) == StoreErrorKind::conflict) {
                return domain::make_error("user.username_taken", "username " + user.username + " is already taken");
            }
            return created.error();
        }
        return created->id;
    });
}

domain::Result<void> StoreCredentials::saveToken(const StoredToken& token) {
    auto saved = database_->write([&](Transaction& tx) -> store::StoreResult<store::Done> {
        store::UserRepository users(tx);
        const std::string scope = token.scope == TokenScope::Ingest ? store::kIngestTokenScope : store::kUserTokenScope;
        const std::string expires = store::format_utc(token.expiresAt);
        auto added = users.add_token(token.userId, token.tokenHash, expires, scope);
        if (!added) return added.error();
        if (token.issuedBy.empty()) return store::Done{};
        return users.record_token_issue(token.userId, token.tokenHash, scope, expires, token.issuedBy);
    });
    if (!saved) return saved.error();
    return {};
}

domain::Result<std::optional<StoredToken>> StoreCredentials::findToken(const std::string& tokenHash) {
    auto found = database_->read([&](Transaction& tx) { return store::UserRepository(tx).find_token(tokenHash); });
    if (!found) {
        if (store::kind_of(found.error()) == StoreErrorKind::not_found) return std::optional<StoredToken>();
        return found.error();
    }
    StoredToken t;
    t.tokenHash = found->token.token_hash;
    t.userId = found->token.user_id;
    t.scope = found->scope == store::kIngestTokenScope ? TokenScope::Ingest : TokenScope::User;
    const auto issued = domain::parse_utc_millis(found->token.issued_at);
    const auto expires = domain::parse_utc_millis(found->token.expires_at);
    if (!issued || !expires) {
        return domain::make_error("store.database", "token row has unreadable times: issued " +
                                                        found->token.issued_at + ", expires " + found->token.expires_at);
    }
    t.issuedAt = *issued;
    t.expiresAt = *expires;
    if (found->token.revoked_at) {
        // An unreadable revocation time still means revoked.
        t.revokedAt = domain::parse_utc_millis(*found->token.revoked_at).value_or(std::chrono::system_clock::time_point{});
    }
    return std::optional<StoredToken>(std::move(t));
}

domain::Result<bool> StoreCredentials::revokeToken(const std::string& tokenHash, std::chrono::system_clock::time_point) {
    auto revoked = database_->write([&](Transaction& tx) {
        return store::UserRepository(tx).revoke_token(tokenHash, actor_);
    });
    if (!revoked) {
        if (store::kind_of(revoked.error()) == StoreErrorKind::not_found) return false;
        return revoked.error();
    }
    return true;
}

domain::Result<int> StoreCredentials::revokeUserTokens(std::int64_t userId, std::chrono::system_clock::time_point,
                                                       const std::string& actor) {
    return database_->write([&](Transaction& tx) { return store::UserRepository(tx).revoke_user_tokens(userId, actor); });
}

domain::Result<int> StoreCredentials::setPassword(std::int64_t userId, const std::string& passwordHash,
                                                  const std::string& keepTokenHash, const std::string& actor,
                                                  const std::string& note) {
    auto changed = database_->write([&](Transaction& tx) -> store::StoreResult<int> {
        store::UserRepository users(tx);
        auto user = users.get(userId);
        if (!user) return user.error();
        auto set = users.set_password_hash(userId, user->version, passwordHash, actor, note);
        if (!set) return set.error();
        return users.revoke_user_tokens(userId, actor, keepTokenHash);
    });
    if (!changed && store::kind_of(changed.error()) == StoreErrorKind::not_found)
        return domain::make_error("user.not_found", "there is no user with id " + std::to_string(userId));
    if (!changed) return changed.error();
    return *changed;
}

domain::Result<std::optional<TokenHolder>> StoreCredentials::findTokenWithUser(const std::string& tokenHash) {
    return database_->read([&](Transaction& tx) -> domain::Result<std::optional<TokenHolder>> {
        // One row per role of the token's user (one row with a NULL role when it has none;
        // NULL user columns when the account is gone).
        auto rows = store::sql(tx,
                               "SELECT t.user_id, t.issued_at, t.expires_at, t.revoked_at, t.scope, u.id, u.username, "
                               "u.display_name, u.active, o.id, o.code, o.path, o.active, r.role "
                               "FROM auth_tokens t LEFT JOIN users u ON u.id = t.user_id "
                               "LEFT JOIN organisations o ON o.id = u.org_id "
                               "LEFT JOIN user_roles r ON r.user_id = u.id WHERE t.token_hash = $1 ORDER BY r.role",
                               {tokenHash});
        if (rows.rows.empty()) return std::optional<TokenHolder>();
        auto& first = rows.rows.front();
        TokenHolder h;
        h.token.tokenHash = tokenHash;
        h.token.userId = first.integer(0);
        h.token.scope = first.text(4) == store::kIngestTokenScope ? TokenScope::Ingest : TokenScope::User;
        const auto issued = domain::parse_utc_millis(first.text(1));
        const auto expires = domain::parse_utc_millis(first.text(2));
        if (!issued || !expires)
            return domain::make_error("store.database", "token row has unreadable times: issued " + first.text(1) +
                                                            ", expires " + first.text(2));
        h.token.issuedAt = *issued;
        h.token.expiresAt = *expires;
        if (auto revoked = first.optional_text(3))
            // An unreadable revocation time still means revoked.
            h.token.revokedAt = domain::parse_utc_millis(*revoked).value_or(std::chrono::system_clock::time_point{});
        if (!first.is_null(5) && !first.is_null(9)) {
            UserAccount a;
            a.id = first.integer(5);
            a.username = first.text(6);
            a.displayName = first.text(7);
            a.organisationId = first.integer(9);
            a.organisationCode = first.text(10);
            a.organisationPath = first.text(11);
            a.active = first.integer(8) != 0 && first.integer(12) != 0;
            for (auto& row : rows.rows)
                if (!row.is_null(13)) a.roles.push_back(row.take_text(13));
            h.user = std::move(a);
        }
        return std::optional<TokenHolder>(std::move(h));
    });
}

}  // namespace lims::app
