// The CredentialStore over the database: accounts from users, user_roles and
// organisations, bearer tokens (hashes, with their scope) from auth_tokens. `lims serve`,
// `lims user add` and the test service (tests/support) give it to the AuthService.
#pragma once

#include "lims/api/credential_store.hpp"
#include "lims/store/database.hpp"

#include <memory>
#include <string>

namespace lims::app {

class StoreCredentials : public api::CredentialStore {
public:
    // `actor` is who the audit trail names for changes made through this seam that carry
    // no caller (user creation from the command line, token revocation at logout);
    // revokeUserTokens names its caller instead.
    explicit StoreCredentials(std::shared_ptr<store::Database> database, std::string actor = "system:auth");

    domain::Result<std::optional<api::UserAccount>> findUserByUsername(const std::string& username) override;
    domain::Result<std::optional<api::UserAccount>> findUserById(std::int64_t id) override;
    domain::Result<std::int64_t> createUser(const api::NewUserAccount& user) override;
    domain::Result<void> saveToken(const api::StoredToken& token) override;
    domain::Result<std::optional<api::StoredToken>> findToken(const std::string& tokenHash) override;
    domain::Result<bool> revokeToken(const std::string& tokenHash, std::chrono::system_clock::time_point at) override;
    // One read transaction and one joined query (every request is authenticated).
    domain::Result<std::optional<api::TokenHolder>> findTokenWithUser(const std::string& tokenHash) override;
    domain::Result<int> revokeUserTokens(std::int64_t userId, std::chrono::system_clock::time_point at,
                                         const std::string& actor) override;
    domain::Result<int> setPassword(std::int64_t userId, const std::string& passwordHash,
                                    const std::string& keepTokenHash, const std::string& actor,
                                    const std::string& note) override;

private:
    std::shared_ptr<store::Database> database_;
    std::string actor_;
};

}  // namespace lims::app
