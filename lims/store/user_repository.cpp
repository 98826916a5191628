#include "lims/store/user_repository.hpp"

#include "lims/store/revisions.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

using Row = Poco::Tuple<Poco::Int64, Poco::Int64, std::string, std::string, std::string, int, Poco::Int64>;
constexpr const char* select_user =
    "SELECT id, org_id, username, display_name, password_hash, active, version FROM users ";

using TokenRow = Poco::Tuple<Poco::Int64, Poco::Int64, std::string, std::string, std::string, Poco::Nullable<std::string>,
                             std::string>;
constexpr const char* select_token =
    "SELECT id, user_id, token_hash, issued_at, expires_at, revoked_at, scope FROM auth_tokens ";

domain::AuthToken token_from(const TokenRow& r) {
    domain::AuthToken t{r.get<0>(), r.get<1>(), r.get<2>(), r.get<3>(), r.get<4>(), std::nullopt};
    if (!r.get<5>().isNull()) t.revoked_at = r.get<5>().value();
    return t;
}

bool is_hex64(const std::string& s) {
    if (s.size() != 64) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

}  // namespace

std::string to_json(const domain::User& u) {
    Poco::JSON::Object j;
    j.set("id", u.id);
    j.set("org_id", u.org_id);
    j.set("username", u.username);
    j.set("display_name", u.display_name);
    j.set("active", u.active);
    Poco::JSON::Array roles;
    for (const auto& r : u.roles) roles.add(r);
    j.set("roles", roles);
    j.set("version", u.version);
    std::ostringstream s;
    j.stringify(s);
    return s.str();
}

namespace {

template <typename Key>
std::vector<Row> select_users(Transaction& tx, const std::string& where, const Key& key) {
    std::vector<Row> rows;
    tx.session() << std::string(select_user) + where, bind(key), into(rows), now;
    return rows;
}

}  // namespace

StoreResult<domain::User> UserRepository::load(const std::string& where, const std::string& key) {
    std::vector<Row> rows = where == "id" ? select_users(tx_, "WHERE id = $1", static_cast<Poco::Int64>(std::stoll(key)))
                                          : select_users(tx_, where, key);
    if (rows.empty()) return store_error(StoreErrorKind::not_found, "user " + key + " does not exist");
    const auto& r = rows.front();
    domain::User u{r.get<0>(), r.get<1>(), r.get<2>(), r.get<3>(), r.get<4>(), r.get<5>() != 0, {}, r.get<6>()};
    tx_.session() << "SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role", bind(u.id), into(u.roles), now;
    return u;
}

StoreResult<domain::User> UserRepository::get(std::int64_t id) { return load("id", std::to_string(id)); }

StoreResult<domain::User> UserRepository::find_by_username(const std::string& username) {
    return load("WHERE username = $1", username);
}

StoreResult<domain::User> UserRepository::create(const NewUser& in, const std::string& actor) {
    if (in.username.empty()) return store_error(StoreErrorKind::invalid_argument, "a user needs a username");
    if (in.password_hash.empty())
        return store_error(StoreErrorKind::invalid_argument, "user " + in.username + " needs a password hash");
    int org_exists = 0;
    tx_.session() << "SELECT count(*) FROM organisations WHERE id = $1", bind(in.org_id), into(org_exists), now;
    if (org_exists == 0)
        return store_error(StoreErrorKind::invalid_argument,
                           "user " + in.username + ": organisation " + std::to_string(in.org_id) + " does not exist");
    int taken = 0;
    tx_.session() << "SELECT count(*) FROM users WHERE username = $1", bind(in.username), into(taken), now;
    if (taken) return store_error(StoreErrorKind::conflict, "username " + in.username + " is already taken");

    const std::string at = tx_.now_utc();
    Poco::Int64 id = 0;
    tx_.session() << "INSERT INTO users (org_id, username, display_name, password_hash, created_at, updated_at) "
                     "VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        bind(in.org_id), bind(in.username), bind(in.display_name), bind(in.password_hash), bind(at), into(id), now;
    std::vector<std::string> roles = in.roles;
    std::sort(roles.begin(), roles.end());
    roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
    for (const auto& role : roles)
        tx_.session() << "INSERT INTO user_roles (user_id, role) VALUES ($1, $2)", bind(id), bind(role), now;
    auto user = get(id);
    if (!user) return user;
    const std::string json = to_json(*user);
    record_revision(tx_, {"user", id, 1, json, "created", actor, at});
    tx_.record({actor, "user.create", "user", in.username, "", json, ""});
    return user;
}

StoreResult<domain::User> UserRepository::set_password_hash(std::int64_t user_id, std::int64_t expected_version,
                                                            const std::string& password_hash,
                                                            const std::string& actor, const std::string& note) {
    if (password_hash.empty()) return store_error(StoreErrorKind::invalid_argument, "an empty password hash");
    auto before = get(user_id);
    if (!before) return before;
    const std::string at = tx_.now_utc();
    Poco::Int64 next = expected_version + 1;
    Poco::Data::Statement update(tx_.session());
    update << "UPDATE users SET password_hash = $1, version = $2, updated_at = $3 WHERE id = $4 AND version = $5",
        bind(password_hash), bind(next), bind(at), bind(user_id), bind(expected_version);
    if (update.execute() == 0)
        return store_error(StoreErrorKind::conflict, "user " + before->username + " was changed meanwhile (version " +
                                                         std::to_string(before->version) + ", expected " +
                                                         std::to_string(expected_version) + ")");
    auto after = get(user_id);
    if (!after) return after;
    record_revision(tx_, {"user", user_id, next, to_json(*after), note, actor, at});
    tx_.record({actor, "user.password", "user", after->username, to_json(*before), to_json(*after), note});
    return after;
}

StoreResult<domain::User> UserRepository::update(std::int64_t user_id, std::int64_t expected_version,
                                                 const UserChange& change, const std::string& actor) {
    if (change.display_name.empty()) return store_error(StoreErrorKind::invalid_argument, "a user needs a display name");
    std::vector<std::string> roles = change.roles;
    std::sort(roles.begin(), roles.end());
    roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
    if (roles.empty()) return store_error(StoreErrorKind::invalid_argument, "a user needs at least one role");
    auto before = get(user_id);
    if (!before) return before;
    const std::string at = tx_.now_utc();
    const Poco::Int64 next = expected_version + 1;
    const int active = change.active ? 1 : 0;
    Poco::Data::Statement update(tx_.session());
    update << "UPDATE users SET display_name = $1, active = $2, version = $3, updated_at = $4 WHERE id = $5 AND "
              "version = $6",
        bind(change.display_name), bind(active), bind(next), bind(at), bind(user_id), bind(expected_version);
    if (update.execute() == 0)
        return store_error(StoreErrorKind::conflict, "user " + before->username + " is at version " +
                                                         std::to_string(before->version) + ", not " +
                                                         std::to_string(expected_version));
    if (roles != before->roles) {
        // The roles are the account's current state; their history is in the revisions.
        const Poco::Int64 id = user_id;
        tx_.session() << "DELETE FROM user_roles WHERE user_id = $1", bind(id), now;
        for (const auto& role : roles)
            tx_.session() << "INSERT INTO user_roles (user_id, role) VALUES ($1, $2)", bind(id), bind(role), now;
    }
    auto after = get(user_id);
    if (!after) return after;
    std::string what;
    if (before->active != after->active) what = after->active ? "enabled" : "disabled";
    if (before->roles != after->roles) what += std::string(what.empty() ? "" : ", ") + "roles changed";
    if (before->display_name != after->display_name) what += std::string(what.empty() ? "" : ", ") + "renamed";
    if (what.empty()) what = "unchanged";
    const std::string json = to_json(*after);
    record_revision(tx_, {"user", user_id, next, json, what, actor, at});
    tx_.record({actor, "user.update", "user", after->username, to_json(*before), json, what});
    return after;
}

StoreResult<domain::AuthToken> UserRepository::add_token(std::int64_t user_id, const std::string& token_hash,
                                                         const std::string& expires_at, const std::string& scope) {
    if (!is_hex64(token_hash))
        return store_error(StoreErrorKind::invalid_argument, "a token hash is 64 lower-case hex digits");
    if (scope != kUserTokenScope && scope != kIngestTokenScope)
        return store_error(StoreErrorKind::invalid_argument, "a token scope is user or ingest, not " + scope);
    const std::string at = tx_.now_utc();
    tx_.session() << "INSERT INTO auth_tokens (user_id, token_hash, issued_at, expires_at, scope) "
                     "VALUES ($1, $2, $3, $4, $5)",
        bind(user_id), bind(token_hash), bind(at), bind(expires_at), bind(scope), now;
    std::vector<TokenRow> rows;
    tx_.session() << std::string(select_token) + "WHERE token_hash = $1", bind(token_hash), into(rows), now;
    return token_from(rows.front());
}

StoreResult<domain::AuthToken> UserRepository::find_valid_token(const std::string& token_hash,
                                                                const std::string& at_utc) {
    std::vector<TokenRow> rows;
    tx_.session() << std::string(select_token) + "WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
        bind(token_hash), bind(at_utc), into(rows), now;
    if (rows.empty()) return store_error(StoreErrorKind::not_found, "no valid token with that hash");
    return token_from(rows.front());
}

StoreResult<TokenRecord> UserRepository::find_token(const std::string& token_hash) {
    std::vector<TokenRow> rows;
    tx_.session() << std::string(select_token) + "WHERE token_hash = $1", bind(token_hash), into(rows), now;
    if (rows.empty()) return store_error(StoreErrorKind::not_found, "no token with that hash");
    return TokenRecord{token_from(rows.front()), rows.front().get<6>()};
}

StoreResult<int> UserRepository::revoke_user_tokens(std::int64_t user_id, const std::string& actor,
                                                    const std::string& keep_token_hash) {
    auto user = get(user_id);
    if (!user) return user.error();
    const std::string at = tx_.now_utc();
    Poco::Data::Statement update(tx_.session());
    update << "UPDATE auth_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND token_hash <> $3",
        bind(at), bind(user_id), bind(keep_token_hash);
    const int revoked = static_cast<int>(update.execute());
    tx_.record({actor, "user.revoke_tokens", "user", user->username, "", "",
                std::to_string(revoked) + " tokens revoked" +
                    (keep_token_hash.empty() ? std::string() : " (all but the one the change was made with)")});
    return revoked;
}

StoreResult<Done> UserRepository::record_token_issue(std::int64_t user_id, const std::string& token_hash,
                                                     const std::string& scope, const std::string& expires_at,
                                                     const std::string& issued_by) {
    auto user = get(user_id);
    if (!user) return user.error();
    // The token's hash prefix names the row (as token.revoke does); never the token itself.
    tx_.record({issued_by, "token.issue", "user", user->username, "",
                "{\"scope\":\"" + scope + "\",\"expires_at\":\"" + expires_at + "\",\"token\":\"" +
                    token_hash.substr(0, 12) + "\"}",
                scope + " token issued to " + user->username + " by " + issued_by + ", expires " + expires_at});
    return Done{};
}

StoreResult<std::vector<domain::User>> UserRepository::list_in_subtree(const std::string& org_path_prefix,
                                                                       std::int64_t after_id, std::size_t limit) {
    std::vector<Poco::Int64> ids;
    const std::string pattern = org_path_prefix + "%";
    const Poco::Int64 after = after_id;
    const Poco::Int64 max_rows = static_cast<Poco::Int64>(limit);
    tx_.session() << "SELECT u.id FROM users u JOIN organisations o ON o.id = u.org_id "
                     "WHERE o.path LIKE $1 AND u.id > $2 ORDER BY u.id LIMIT $3",
        bind(pattern), bind(after), bind(max_rows), into(ids), now;
    std::vector<domain::User> out;
    out.reserve(ids.size());
    for (auto id : ids) {
        auto u = get(id);
        if (!u) return u.error();
        out.push_back(std::move(*u));
    }
    return out;
}

StoreResult<Done> UserRepository::revoke_token(const std::string& token_hash, const std::string& actor) {
    const std::string at = tx_.now_utc();
    Poco::Data::Statement update(tx_.session());
    update << "UPDATE auth_tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL", bind(at),
        bind(token_hash);
    if (update.execute() == 0) return store_error(StoreErrorKind::not_found, "no active token with that hash");
    tx_.record({actor, "token.revoke", "auth_token", token_hash.substr(0, 12), "", "", ""});
    return Done{};
}

}  // namespace lims::store
