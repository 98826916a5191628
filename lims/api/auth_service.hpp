// Logins, bearer tokens and their revocation, and every check of a typed password
// (login, password change, signature), throttled and bounded in concurrency. The
// dispatcher asks it to authenticate every non-public request; the auth routes
// (auth_routes.cpp) call login, logout, password changes and revocation; the review
// routes check signing passwords; `lims user add` calls createUser.
#pragma once

#include "lims/api/credential_store.hpp"
#include "lims/api/dispatcher.hpp"
#include "lims/api/login_throttle.hpp"
#include "lims/api/outcome.hpp"
#include "lims/api/password_check_gate.hpp"
#include "lims/api/password_hash.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace lims::api {

struct AuthSettings {
    // One working shift: a sampler logs in at the start of a field day.
    std::chrono::seconds userTokenLifetime{8 * 3600};
    // Gateways and instruments run unattended; an administrator rotates their tokens.
    std::chrono::seconds serviceTokenLifetime{365 * 24 * 3600};
    // Failed password checks (logins, password changes, signatures) are counted per
    // username at one client address (this one locks: an attacker elsewhere cannot lock
    // the holder out), per address over every username, and per username over every
    // address (slows, never locks).
    LoginThrottlePolicy throttle;
    LoginThrottlePolicy addressThrottle = addressThrottlePolicy();
    // Off behind a reverse proxy that does not tell the client's address (every client
    // then has the proxy's, and one guesser would slow everyone's logins down):
    // lims.auth.throttle.by-address.
    bool throttleByAddress = true;
    LoginThrottlePolicy usernameThrottle = usernameThrottlePolicy();
    PasswordCheckLimits passwordChecks;
    Argon2Parameters argon2;
    // A token verified against the store is answered from memory for this long after its
    // look-up began, so a revocation or a disabled account written by another node (or
    // straight into the database) is honoured within a second; this node's own logouts,
    // revocations, password changes and account changes (forgetUser) drop it at once.
    // Zero: every request looks its token up.
    std::chrono::milliseconds verifiedTokenLifetime{750};
    std::size_t verifiedTokenCapacity = 8192;
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

    // 401 wrong username or password (same answer for a disabled account and an unknown
    // username), 429 too soon after failures (of this username here, of this address, or
    // of this username anywhere), 423 locked (this username at this address), 503 when
    // too many password checks are running; the last three carry Retry-After.
    Outcome<IssuedToken> login(const std::string& username, const std::string& password,
                               const std::string& clientAddress = "");

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
    // A signer's password, typed again (review_routes.cpp), checked before the signing
    // transaction through the same throttles and gate as a login: the encoded hash it
    // matched, for the use case to compare with the one it reads (a password changed in
    // between fails the signature). 403 when wrong; 429/423/503 as for a login.
    Outcome<std::string> verifySigningPassword(const Principal& signer, const std::string& password,
                                               const std::string& clientAddress);
    // An administrator's reset (POST /api/v1/users/{id}/password): every token of the user
    // is revoked; audited as `by`. The caller checks the jurisdiction.
    Outcome<int> resetPassword(std::int64_t userId, const std::string& newPassword, const Principal& by);

    // For `lims user add`: checks the password policy, hashes, stores.
    domain::Result<std::int64_t> createUser(NewUserAccount user, const std::string& password);

    Outcome<UserAccount> user(std::int64_t id);

    // The account changed outside this service (disabled, roles or organisation changed by
    // an administrator's use case): its tokens are looked up again on their next request.
    void forgetUser(std::int64_t userId);

    // The password policy and this service's Argon2 parameters, for callers that store
    // the account themselves (the administrators' POST /api/v1/users, audited as them).
    domain::Result<std::string> hashNewPassword(const std::string& password) const;

private:
    struct Attempt {
        std::string username;
        std::string address;
    };
    // Throttles, gate, one Argon2 run (against a dummy hash when there is no such active
    // account, so that timing does not tell), throttles told the result: the account when
    // `password` is its password, else `wrong` (or the throttle's answer).
    Outcome<UserAccount> checkPassword(const Attempt& attempt,
                                       const std::function<domain::Result<std::optional<UserAccount>>()>& lookup,
                                       const std::string& password, const Problem& wrong);
    std::optional<Problem> throttled(const Attempt& attempt, Clock::time_point now);
    Problem failed(const Attempt& attempt, Clock::time_point now, const Problem& wrong);
    void succeeded(const Attempt& attempt);

    Outcome<IssuedToken> issue(const UserAccount& user, TokenScope scope, std::chrono::seconds lifetime,
                               const std::string& issuedBy = "");

    // Verified tokens by their hash (never the token itself), each with when its look-up
    // began; `forgets_` counts the forgettings, so a look-up that raced one is not kept.
    struct VerifiedToken {
        Principal principal;
        Clock::time_point expiresAt;
        Clock::time_point lookedUpAt;
    };
    std::optional<Principal> verified(const std::string& hash, Clock::time_point now);
    void keepVerified(const std::string& hash, const Principal& principal, Clock::time_point expiresAt,
                      Clock::time_point lookedUpAt, std::uint64_t forgetsBefore);
    void forgetToken(const std::string& hash);

    CredentialStore& store_;
    AuthSettings settings_;
    std::function<Clock::time_point()> clock_;
    LoginThrottle throttle_;          // username at address
    LoginThrottle addressThrottle_;   // address
    LoginThrottle usernameThrottle_;  // username anywhere
    PasswordCheckGate gate_;
    std::string dummyHash_;  // verified against for unknown users, so timing does not tell
    std::mutex verifiedMutex_;
    std::unordered_map<std::string, VerifiedToken> verified_;
    std::uint64_t forgets_ = 0;
};

// Roles as stored in user_roles; the domain's role table decides what each may do.
inline constexpr const char* kAdministratorRole = "administrator";

}  // namespace lims::api
