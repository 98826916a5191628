// The narrow seam between authentication and persistence: user accounts and bearer-token
// records. The auth service and `lims user add` use it; store_credentials.cpp implements
// it over the store's users, user_roles and auth_tokens tables, and tests use an
// in-memory one.
#pragma once

#include "lims/api/router.hpp"
#include "lims/domain/result.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::api {

struct UserAccount {
    std::int64_t id = 0;
    std::string username;
    std::string displayName;
    std::int64_t organisationId = 0;
    std::string organisationCode;
    std::string organisationPath;
    std::vector<std::string> roles;
    std::string passwordHash;  // Argon2id encoded
    bool active = true;
};

struct NewUserAccount {
    std::string username;
    std::string displayName;
    std::string organisationCode;
    std::vector<std::string> roles;
    std::string passwordHash;
};

struct StoredToken {
    std::string tokenHash;  // SHA-256 hex, never the token itself
    std::int64_t userId = 0;
    TokenScope scope = TokenScope::User;
    std::chrono::system_clock::time_point issuedAt;
    std::chrono::system_clock::time_point expiresAt;
    std::optional<std::chrono::system_clock::time_point> revokedAt;
    // Who asked for it when that is not its holder logging in (an administrator issuing a
    // service token): non-empty, the issue is audited as "token.issue" naming them.
    std::string issuedBy;
};

// A bearer token with the account it belongs to (empty when the account is gone).
struct TokenHolder {
    StoredToken token;
    std::optional<UserAccount> user;
};

class CredentialStore {
public:
    virtual ~CredentialStore() = default;

    // Not found is an empty optional; an error means the store could not answer.
    virtual domain::Result<std::optional<UserAccount>> findUserByUsername(const std::string& username) = 0;
    virtual domain::Result<std::optional<UserAccount>> findUserById(std::int64_t id) = 0;
    // Errors: "user.username_taken", "user.organisation_unknown".
    virtual domain::Result<std::int64_t> createUser(const NewUserAccount& user) = 0;

    virtual domain::Result<void> saveToken(const StoredToken& token) = 0;
    virtual domain::Result<std::optional<StoredToken>> findToken(const std::string& tokenHash) = 0;
    // The token and its user, for authenticating a request. This default asks findToken
    // then findUserById; a store that can answer in one look-up overrides it.
    virtual domain::Result<std::optional<TokenHolder>> findTokenWithUser(const std::string& tokenHash) {
        auto token = findToken(tokenHash);
        if (!token) return token.error();
        if (!*token) return std::optional<TokenHolder>();
        auto user = findUserById((*token)->userId);
        if (!user) return user.error();
        return std::optional<TokenHolder>(TokenHolder{std::move(**token), std::move(*user)});
    }
    // Revoking a token that is already revoked or unknown is not an error (returns false).
    virtual domain::Result<bool> revokeToken(const std::string& tokenHash, std::chrono::system_clock::time_point at) = 0;
    // `actor` is who the audit trail names (the administrator who revoked them).
    virtual domain::Result<int> revokeUserTokens(std::int64_t userId, std::chrono::system_clock::time_point at,
                                                 const std::string& actor) = 0;
    // Replaces the user's password hash and revokes every live token of theirs but
    // `keepTokenHash` (empty: all), in one audited change naming `actor`, with `note` saying
    // whose act it was. Returns how many tokens were revoked; "user.not_found" when unknown.
    virtual domain::Result<int> setPassword(std::int64_t userId, const std::string& passwordHash,
                                            const std::string& keepTokenHash, const std::string& actor,
                                            const std::string& note) = 0;
};

}  // namespace lims::api
