// Logins, bearer tokens and their revocation. The dispatcher asks it to authenticate
// every non-public request; the auth routes (auth_routes.cpp) call login, logout and
// revocation; `lims user add` calls createUser.
#pragma once

#include "lims/api/credential_store.hpp"
#include "lims/api/dispatcher.hpp"
#include "lims/api/login_throttle.hpp"
#include "lims/api/outcome.hpp"
#include "lims/api/password_hash.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace lims::api {

struct AuthSettings {
    // One working shift: a sampler logs in at the start of a field day.
    std::chrono::seconds userTokenLifetime{8 * 3600};
    // Gateways and instruments run unattended; an administrator rotates their tokens.
    std::chrono::seconds serviceTokenLifetime{365 * 24 * 3600};
    LoginThrottlePolicy throttle;
    Argon2Parameters argon2;
};

struct IssuedToken {
    std::string token;  // shown once, never stored
    std::chrono::system_clock::time_point expiresAt;
    UserAccount user;
};

class AuthService : public Authenticator {
public:
    using Clock = std::chrono::system_clock;

    AuthService(CredentialStore& store, AuthSettings settings = {},
                std::function<Clock::time_point()> clock = [] { return Clock::now(); });

    // 401 wrong username or password (same answer for both), 429 too soon after failures,
    // 423 locked; both of the last carry Retry-After.
    Outcome<IssuedToken> login(const std::string& username, const std::string& password);

    Authentication authenticate(const std::string& bearerToken) override;

    Outcome<bool> logout(const Principal& caller);
    // The audit entry names `by` (the administrator) as the actor.
    Outcome<int> revokeUserTokens(std::int64_t userId, const Principal& by);
    // An ingest-scoped token for a service account (a gateway, an instrument PC), audited
    // as "token.issue" naming `issuedBy` (the administrator, or the command line's actor).
    Outcome<IssuedToken> issueServiceToken(std::int64_t userId, const std::string& issuedBy);

    // POST /api/v1/me/password: the current password is checked like a login's (throttled,
    // 422 naming current_password when wrong), the new one against the policy (422 naming
    // new_password); every other token of the caller is revoked. Returns how many.
    Outcome<int> changePassword(const Principal& caller, const std::string& currentPassword,
                                const std::string& newPassword, const std::string& clientAddress);
    // An administrator's reset (POST /api/v1/users/{id}/password): every token of the user
    // is revoked; audited as `by`. The caller checks the jurisdiction.
    Outcome<int> resetPassword(std::int64_t userId, const std::string& newPassword, const Principal& by);

    // For `lims user add`: checks the password policy, hashes, stores.
    domain::Result<std::int64_t> createUser(NewUserAccount user, const std::string& password);

    Outcome<UserAccount> user(std::int64_t id);

    // The password policy and this service's Argon2 parameters, for callers that store
    // the account themselves (the administrators' POST /api/v1/users, audited as them).
    domain::Result<std::string> hashNewPassword(const std::string& password) const;

private:
    Outcome<IssuedToken> issue(const UserAccount& user, TokenScope scope, std::chrono::seconds lifetime,
                               const std::string& issuedBy = "");

    CredentialStore& store_;
    AuthSettings settings_;
    std::function<Clock::time_point()> clock_;
    LoginThrottle throttle_;
    std::string dummyHash_;  // verified against for unknown users, so timing does not tell
};

// Roles as stored in user_roles; the domain's role table decides what each may do.
inline constexpr const char* kAdministratorRole = "administrator";

}  // namespace lims::api
