#include "memory_credentials.hpp"

namespace lims::api::testing {

namespace {
domain::Error unavailable() { return domain::make_error("store.unavailable", "the test store is down"); }
}  // namespace

domain::Result<std::optional<UserAccount>> MemoryCredentials::findUserByUsername(const std::string& username) {
    if (beforeLookup) beforeLookup();
    std::lock_guard lock(mutex_);
    if (down) return unavailable();
    for (const auto& [id, u] : users) {
        if (u.username == username) return std::optional<UserAccount>(u);
    }
    return std::optional<UserAccount>();
}

domain::Result<std::optional<UserAccount>> MemoryCredentials::findUserById(std::int64_t id) {
    if (beforeLookup) beforeLookup();
    std::lock_guard lock(mutex_);
    if (down) return unavailable();
    auto it = users.find(id);
    if (it == users.end()) return std::optional<UserAccount>();
    return std::optional<UserAccount>(it->second);
}

domain::Result<std::int64_t> MemoryCredentials::createUser(const NewUserAccount& user) {
    std::lock_guard lock(mutex_);
    if (down) return unavailable();
    for (const auto& [id, u] : users) {
        if (u.username == user.username) return domain::make_error("user.username_taken", "username taken");
    }
    auto org = organisations.find(user.organisationCode);
    if (org == organisations.end()) return domain::make_error("user.organisation_unknown", "no such organisation");
    const std::int64_t id = static_cast<std::int64_t>(users.size()) + 1;
    users[id] = UserAccount{id, user.username, user.displayName, org->second, org->first, org->second == 1 ? std::string("/1/") : "/1/" + std::to_string(org->second) + "/", user.roles, user.passwordHash, true};
    return id;
}

domain::Result<void> MemoryCredentials::saveToken(const StoredToken& token) {
    std::lock_guard lock(mutex_);
    if (down) return unavailable();
    tokens[token.tokenHash] = token;
    return {};
}

domain::Result<std::optional<StoredToken>> MemoryCredentials::findToken(const std::string& tokenHash) {
    std::lock_guard lock(mutex_);
    if (down) return unavailable();
    auto it = tokens.find(tokenHash);
    if (it == tokens.end()) return std::optional<StoredToken>();
    return std::optional<StoredToken>(it->second);
}

domain::Result<bool> MemoryCredentials::revokeToken(const std::string& tokenHash, std::chrono::system_clock::time_point at) {
    std::lock_guard lock(mutex_);
    if (down) return unavailable();
    auto it = tokens.find(tokenHash);
    if (it == tokens.end() || it->second.revokedAt) return false;
    it->second.revokedAt = at;
    return true;
}

domain::Result<int> MemoryCredentials::revokeUserTokens(std::int64_t userId, std::chrono::system_clock::time_point at,
                                                        const std::string& actor) {
    std::lock_guard lock(mutex_);
    if (down) return unavailable();
    revokedBy.push_back(actor);
    int n = 0;
    for (auto& [hash, t] : tokens) {
        if (t.userId == userId && !t.revokedAt) {
            t.revokedAt = at;
            ++n;
        }
    }
    return n;
}

domain::Result<int> MemoryCredentials::setPassword(std::int64_t userId, const std::string& passwordHash,
                                                   const std::string& keepTokenHash, const std::string& actor,
                                                   const std::string& note) {
    std::lock_guard lock(mutex_);
    if (down) return unavailable();
    auto user = users.find(userId);
    if (user == users.end()) return domain::make_error("user.not_found", "no such user");
    user->second.passwordHash = passwordHash;
    passwordChanges.push_back(actor + ": " + note);
    int n = 0;
    for (auto& [hash, t] : tokens) {
        if (t.userId == userId && !t.revokedAt && hash != keepTokenHash) {
            t.revokedAt = std::chrono::system_clock::time_point{} + std::chrono::hours(1);
            ++n;
        }
    }
    return n;
}

}  // namespace lims::api::testing
