// Users, their roles and their bearer tokens (only the token's hash is stored). The api's
// authentication and `lims user add` call it inside a Transaction.
#pragma once

#include "lims/domain/model/user.hpp"
#include "lims/store/transaction.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lims::store {

// A token row as stored, whatever its state, with its scope ("user" or "ingest").
struct TokenRecord {
    domain::AuthToken token;
    std::string scope = "user";
};

inline constexpr const char* kUserTokenScope = "user";
inline constexpr const char* kIngestTokenScope = "ingest";

struct NewUser {
    std::int64_t org_id = 0;
    std::string username;
    std::string display_name;
    std::string password_hash;
    std::vector<std::string> roles;
};

struct UserChange {
    std::string display_name;
    std::vector<std::string> roles;
    bool active = true;
};

class UserRepository {
public:
    explicit UserRepository(Transaction& tx) : tx_(tx) {}

    // Errors: invalid_argument (empty name or hash, unknown organisation), conflict
    // (username taken). Audited as "user.create" (without the password hash).
    StoreResult<domain::User> create(const NewUser& user, const std::string& actor);

    StoreResult<domain::User> get(std::int64_t id);
    StoreResult<domain::User> find_by_username(const std::string& username);

    // Replaces the password hash (a new version, audited without the hash itself; `note`
    // says whose act it was: "password changed", "password reset by an administrator").
    // Errors: not_found, conflict (stale version).
    StoreResult<domain::User> set_password_hash(std::int64_t user_id, std::int64_t expected_version,
                                                const std::string& password_hash, const std::string& actor,
                                                const std::string& note = "password changed");

    // Display name, roles (replaced as a set) and active flag: a new version, audited as
    // "user.update" with the record before and after. Errors: not_found, conflict (stale
    // version), invalid_argument (empty name or no role).
    StoreResult<domain::User> update(std::int64_t user_id, std::int64_t expected_version, const UserChange& change,
                                     const std::string& actor);

    // Errors: invalid_argument (hash not 64 hex digits, scope not user/ingest).
    StoreResult<domain::AuthToken> add_token(std::int64_t user_id, const std::string& token_hash,
                                             const std::string& expires_at,
                                             const std::string& scope = kUserTokenScope);
    // The token in whatever state (revoked, expired); not_found when unknown.
    StoreResult<TokenRecord> find_token(const std::string& token_hash);
    // The token if it exists, is not revoked and has not expired at `at_utc`; not_found otherwise.
    StoreResult<domain::AuthToken> find_valid_token(const std::string& token_hash, const std::string& at_utc);
    StoreResult<Done> revoke_token(const std::string& token_hash, const std::string& actor);
    // Revokes every live token of the user but `keep_token_hash` (the one a password change
    // is made with); returns how many. Audited as "user.revoke_tokens" (also when there was
    // none to revoke: the administrator's act is what is recorded).
    StoreResult<int> revoke_user_tokens(std::int64_t user_id, const std::string& actor,
                                        const std::string& keep_token_hash = "");
    // Audits the issue of a token that someone other than its holder asked for (an
    // administrator's service token): "token.issue" naming `issued_by`, the scope and expiry.
    StoreResult<Done> record_token_issue(std::int64_t user_id, const std::string& token_hash, const std::string& scope,
                                         const std::string& expires_at, const std::string& issued_by);

    // Users whose organisation path starts with `org_path_prefix` ("/1/4/"), id order,
    // ids above `after_id`, at most `limit`.
    StoreResult<std::vector<domain::User>> list_in_subtree(const std::string& org_path_prefix,
                                                           std::int64_t after_id, std::size_t limit);

private:
    StoreResult<domain::User> load(const std::string& where, const std::string& key);
    Transaction& tx_;
};

std::string to_json(const domain::User& user);  // without the password hash

}  // namespace lims::store
