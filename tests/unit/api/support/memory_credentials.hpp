// Test double of the CredentialStore seam: accounts and tokens in maps, with a switch to
// make every call fail as if the database were down.
#pragma once

#include "lims/api/credential_store.hpp"

#include <functional>
#include <map>
#include <vector>
#include <mutex>

namespace lims::api::testing {

class MemoryCredentials : public CredentialStore {
public:
    domain::Result<std::optional<UserAccount>> findUserByUsername(const std::string& username) override;
    domain::Result<std::optional<UserAccount>> findUserById(std::int64_t id) override;
    domain::Result<std::int64_t> createUser(const NewUserAccount& user) override;
    domain::Result<void> saveToken(const StoredToken& token) override;
    domain::Result<std::optional<StoredToken>> findToken(const std::string& tokenHash) override;
    domain::Result<bool> revokeToken(const std::string& tokenHash, std::chrono::system_clock::time_point at) override;
    domain::Result<int> revokeUserTokens(std::int64_t userId, std::chrono::system_clock::time_point at,
                                         const std::string& actor) override;
    domain::Result<int> setPassword(std::int64_t userId, const std::string& passwordHash,
                                    const std::string& keepTokenHash, const std::string& actor,
                                    const std::string& note) override;

    bool down = false;
    // Called (outside the lock) at the start of every user look-up: tests hold a password
    // check there.
    std::function<void()> beforeLookup;
    // Organisation 1 is the root ("/1/"); the others sit directly below it ("/1/<id>/").
    std::map<std::string, std::int64_t> organisations{{"SH-ROOT", 1}, {"SH-PD-01", 11}, {"SH-LAB", 20}};
    std::map<std::int64_t, UserAccount> users;
    std::map<std::string, StoredToken> tokens;
    std::vector<std::string> revokedBy;  // the actor of each revokeUserTokens call
    std::vector<std::string> passwordChanges;  // "<actor>: <note>" of each setPassword call

private:
    std::mutex mutex_;
};

}  // namespace lims::api::testing
