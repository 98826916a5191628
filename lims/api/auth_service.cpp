#include "lims/api/auth_service.hpp"

#include "lims/api/bearer_token.hpp"
#include "lims/domain/state_machine/role.hpp"

#include <Poco/Logger.h>

#include <algorithm>

namespace lims::api {

namespace {
Poco::Logger& logger() { return Poco::Logger::get("lims.api.auth"); }

Problem storeProblem(const domain::Error& e) {
    logger().error("credential store: %s: %s", e.code, e.message);
    return problems::serviceUnavailable("The account store cannot be reached; try again shortly.");
}


using Verdict = LoginThrottle::Verdict;

std::string pairKey(const std::string& username, const std::string& address) { return username + "\n" + address; }

// "192.0.2.7:51234" and "[2001:db8::7]:51234" -> the host: a client's port changes with
// every connection, so it cannot name the client.
std::string hostOf(const std::string& address) {
    if (!address.empty() && address.front() == '[') {
        const auto close = address.find(']');
        return close == std::string::npos ? address : address.substr(1, close - 1);
    }
    const auto colon = address.find(':');
    if (colon != std::string::npos && address.find(':', colon + 1) == std::string::npos) return address.substr(0, colon);
    return address;
}

Problem addressThrottled(long retryAfterSeconds) {
    Problem p = problems::loginThrottled(retryAfterSeconds);
    p.detail = "Too many failed password checks from this address; try again in " + std::to_string(retryAfterSeconds) +
               " seconds.";
    return p;
}

Problem tooManyChecks() {
    Problem p = problems::serviceUnavailable("Too many password checks are running; try again in a second.");
    for (auto& [name, value] : p.headers)
        if (name == "Retry-After") value = "1";
    return p;
}
}  // namespace

AuthService::AuthService(CredentialStore& store, AuthSettings settings, std::function<Clock::time_point()> clock)
    : store_(store),
      settings_(settings),
      clock_(std::move(clock)),
      throttle_(settings.throttle),
      addressThrottle_(settings.addressThrottle),
      usernameThrottle_(settings.usernameThrottle),
      gate_(settings.passwordChecks) {
    auto dummy = hashPassword("not a password of anyone", settings_.argon2);
    dummyHash_ = dummy ? *dummy : std::string();
}

std::optional<Problem> AuthService::throttled(const Attempt& a, Clock::time_point now) {
    if (settings_.throttleByAddress) {
        const auto address = addressThrottle_.check(a.address, now);
        if (address.verdict != Verdict::Allow) return addressThrottled(address.retryAfter.count());
    }
    const auto pair = throttle_.check(pairKey(a.username, a.address), now);
    if (pair.verdict == Verdict::Locked) return problems::accountLocked(pair.retryAfter.count());
    if (pair.verdict == Verdict::TooSoon) return problems::loginThrottled(pair.retryAfter.count());
    const auto anywhere = usernameThrottle_.check(a.username, now);
    if (anywhere.verdict != Verdict::Allow) return problems::loginThrottled(anywhere.retryAfter.count());
    return std::nullopt;
}

Problem AuthService::failed(const Attempt& a, Clock::time_point now, const Problem& wrong) {
    const auto pair = throttle_.recordFailure(pairKey(a.username, a.address), now);
    const auto address =
        settings_.throttleByAddress ? addressThrottle_.recordFailure(a.address, now) : LoginThrottle::Decision{};
    const auto anywhere = usernameThrottle_.recordFailure(a.username, now);
    logger().notice("failed password check for '%s' from %s", a.username, a.address.empty() ? std::string("?") : a.address);
    if (pair.verdict == Verdict::Locked) return problems::accountLocked(pair.retryAfter.count());
    if (address.verdict != Verdict::Allow) return addressThrottled(address.retryAfter.count());
    if (pair.verdict == Verdict::TooSoon) return problems::loginThrottled(pair.retryAfter.count());
    if (anywhere.verdict != Verdict::Allow) return problems::loginThrottled(anywhere.retryAfter.count());
    return wrong;
}

void AuthService::succeeded(const Attempt& a) {
    // Only this username at this address starts afresh: the address's and the username's
    // counts over the others stay (one success must not reset a spraying attacker's).
    throttle_.recordSuccess(pairKey(a.username, a.address));
}

Outcome<UserAccount> AuthService::checkPassword(const Attempt& attempt,
                                                const std::function<domain::Result<std::optional<UserAccount>>()>& lookup,
                                                const std::string& password, const Problem& wrong) {
    const auto now = clock_();
    if (auto refused = throttled(attempt, now)) return *refused;
    std::optional<UserAccount> account;
    bool good = false;
    {
        auto ticket = gate_.enter();
        if (!ticket) return tooManyChecks();
        auto found = lookup();
        if (!found) return storeProblem(found.error());
        account = std::move(*found);
        if (account && account->active) {
            good = verifyPassword(password, account->passwordHash);
        } else if (!dummyHash_.empty()) {
            (void)verifyPassword(password, dummyHash_);  // same cost as a real check
        }
    }
    if (!good) return failed(attempt, now, wrong);
    succeeded(attempt);
    return std::move(*account);
}

Outcome<IssuedToken> AuthService::login(const std::string& username, const std::string& password,
                                        const std::string& clientAddress) {
    auto account = checkPassword({username, hostOf(clientAddress)}, [&] { return store_.findUserByUsername(username); },
                                 password, problems::invalidCredentials());
    if (!account) return account.problem();
    return issue(*account, TokenScope::User, settings_.userTokenLifetime);
}

Outcome<std::string> AuthService::verifySigningPassword(const Principal& signer, const std::string& password,
                                                        const std::string& clientAddress) {
    auto account = checkPassword(
        {signer.username, hostOf(clientAddress)}, [&] { return store_.findUserById(signer.userId); }, password,
        problems::forbidden("The password does not match " + signer.username + "'s: nothing was signed."));
    if (!account) return account.problem();
    return account->passwordHash;
}

Outcome<IssuedToken> AuthService::issue(const UserAccount& user, TokenScope scope, std::chrono::seconds lifetime,
                                        const std::string& issuedBy) {
    const auto now = clock_();
    IssuedToken issued{generateBearerToken(), now + lifetime, user};
    issued.user.passwordHash.clear();
    StoredToken record{hashBearerToken(issued.token), user.id, scope, now, issued.expiresAt, std::nullopt, issuedBy};
    if (auto saved = store_.saveToken(record); !saved) return storeProblem(saved.error());
    return issued;
}

std::optional<Principal> AuthService::verified(const std::string& hash, Clock::time_point now) {
    std::lock_guard lock(verifiedMutex_);
    auto it = verified_.find(hash);
    if (it == verified_.end()) return std::nullopt;
    const VerifiedToken& v = it->second;
    if (now >= v.lookedUpAt && now - v.lookedUpAt < settings_.verifiedTokenLifetime && now < v.expiresAt)
        return v.principal;
    verified_.erase(it);
    return std::nullopt;
}

void AuthService::keepVerified(const std::string& hash, const Principal& principal, Clock::time_point expiresAt,
                               Clock::time_point lookedUpAt, std::uint64_t forgetsBefore) {
    std::lock_guard lock(verifiedMutex_);
    if (forgets_ != forgetsBefore) return;  // a logout or revocation ran during the look-up
    if (verified_.size() >= settings_.verifiedTokenCapacity) {
        std::erase_if(verified_, [&](const auto& e) { return lookedUpAt - e.second.lookedUpAt >= settings_.verifiedTokenLifetime; });
        if (verified_.size() >= settings_.verifiedTokenCapacity) verified_.clear();
    }
    verified_.insert_or_assign(hash, VerifiedToken{principal, expiresAt, lookedUpAt});
}

void AuthService::forgetToken(const std::string& hash) {
    std::lock_guard lock(verifiedMutex_);
    ++forgets_;
    verified_.erase(hash);
}

void AuthService::forgetUser(std::int64_t userId) {
    std::lock_guard lock(verifiedMutex_);
    ++forgets_;
    std::erase_if(verified_, [&](const auto& e) { return e.second.principal.userId == userId; });
}

Authentication AuthService::authenticate(const std::string& bearerToken) {
    const std::string hash = hashBearerToken(bearerToken);
    const bool caching = settings_.verifiedTokenLifetime.count() > 0;
    const auto lookedUpAt = clock_();
    std::uint64_t forgetsBefore = 0;
    if (caching) {
        if (auto principal = verified(hash, lookedUpAt)) return {std::move(principal), ""};
        std::lock_guard lock(verifiedMutex_);
        forgetsBefore = forgets_;
    }
    auto found = store_.findTokenWithUser(hash);
    if (!found) {
        storeProblem(found.error());
        return {std::nullopt, "The token cannot be checked right now; try again shortly.", true};
    }
    if (!*found) return {std::nullopt, "The token is not recognised; log in again."};
    const StoredToken& token = (*found)->token;
    if (token.revokedAt) return {std::nullopt, "The token was revoked; log in again."};
    if (clock_() >= token.expiresAt) return {std::nullopt, "The token has expired; log in again."};
    const std::optional<UserAccount>& user = (*found)->user;
    if (!user || !user->active) return {std::nullopt, "The account of this token is disabled."};
    const UserAccount& u = *user;
    Principal p;
    p.userId = u.id;
    p.username = u.username;
    p.displayName = u.displayName;
    p.organisationId = u.organisationId;
    p.organisationPath = u.organisationPath;
    p.roles = u.roles;
    p.scope = token.scope;
    p.tokenHash = hash;
    if (caching) keepVerified(hash, p, token.expiresAt, lookedUpAt, forgetsBefore);
    return {std::move(p), ""};
}

Outcome<bool> AuthService::logout(const Principal& caller) {
    auto revoked = store_.revokeToken(caller.tokenHash, clock_());
    forgetToken(caller.tokenHash);
    if (!revoked) return storeProblem(revoked.error());
    return *revoked;
}

Outcome<int> AuthService::revokeUserTokens(std::int64_t userId, const Principal& by) {
    auto user = store_.findUserById(userId);
    if (!user) return storeProblem(user.error());
    if (!*user) return problems::notFound("There is no user with id " + std::to_string(userId) + ".");
    auto revoked = store_.revokeUserTokens(userId, clock_(), by.username);
    forgetUser(userId);
    if (!revoked) return storeProblem(revoked.error());
    return *revoked;
}

Outcome<IssuedToken> AuthService::issueServiceToken(std::int64_t userId, const std::string& issuedBy) {
    auto user = store_.findUserById(userId);
    if (!user) return storeProblem(user.error());
    if (!*user || !(*user)->active) return problems::notFound("There is no active user with id " + std::to_string(userId) + ".");
    const std::string ingestRole(domain::to_string(domain::Role::ingest_service));
    const auto& roles = (*user)->roles;
    if (std::find(roles.begin(), roles.end(), ingestRole) == roles.end()) {
        return problems::conflict("User " + (*user)->username + " does not hold the " + ingestRole +
                                  " role; service tokens are for gateway and instrument accounts only.");
    }
    return issue(**user, TokenScope::Ingest, settings_.serviceTokenLifetime, issuedBy);
}

Outcome<int> AuthService::changePassword(const Principal& caller, const std::string& currentPassword,
                                         const std::string& newPassword, const std::string& clientAddress) {
    auto account = checkPassword({caller.username, hostOf(clientAddress)}, [&] { return store_.findUserById(caller.userId); },
                                 currentPassword,
                                 problems::validation({{"current_password", "does not match your current password"}}));
    if (!account) return account.problem();
    auto hash = hashNewPassword(newPassword);
    if (!hash) return problems::validation({{"new_password", hash.error().message}});
    auto changed = store_.setPassword(caller.userId, *hash, caller.tokenHash, caller.username,
                                      "password changed by its holder");
    forgetUser(caller.userId);
    if (!changed) return storeProblem(changed.error());
    return *changed;
}

Outcome<int> AuthService::resetPassword(std::int64_t userId, const std::string& newPassword, const Principal& by) {
    auto hash = hashNewPassword(newPassword);
    if (!hash) return problems::validation({{"new_password", hash.error().message}});
    auto changed = store_.setPassword(userId, *hash, "", by.username, "password reset by administrator " + by.username);
    forgetUser(userId);
    if (!changed && changed.error().code == "user.not_found")
        return problems::notFound("There is no user with id " + std::to_string(userId) + ".");
    if (!changed) return storeProblem(changed.error());
    return *changed;
}

domain::Result<std::int64_t> AuthService::createUser(NewUserAccount user, const std::string& password) {
    if (auto policy = checkPasswordPolicy(password); !policy) return policy.error();
    if (user.roles.empty()) return domain::make_error("role.missing", "user " + user.username + " needs at least one role");
    for (const auto& role : user.roles) {
        if (auto known = domain::parse_role(role); !known) return known.error();
    }
    auto hash = hashPassword(password, settings_.argon2);
    if (!hash) return hash.error();
    user.passwordHash = std::move(*hash);
    return store_.createUser(user);
}

domain::Result<std::string> AuthService::hashNewPassword(const std::string& password) const {
    if (auto policy = checkPasswordPolicy(password); !policy) return policy.error();
    return hashPassword(password, settings_.argon2);
}

Outcome<UserAccount> AuthService::user(std::int64_t id) {
    auto found = store_.findUserById(id);
    if (!found) return storeProblem(found.error());
    if (!*found) return problems::notFound("There is no user with id " + std::to_string(id) + ".");
    UserAccount u = **found;
    u.passwordHash.clear();
    return u;
}

}  // namespace lims::api
