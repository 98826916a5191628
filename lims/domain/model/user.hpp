// A person who signs in, with the roles that decide which transitions they may make, and
// the bearer tokens issued to them (stored as hashes only). Filled by lims/store's
// UserRepository; the api authenticates with it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::domain {

struct User {
    std::int64_t id = 0;
    std::int64_t org_id = 0;
    std::string username;
    std::string display_name;
    std::string password_hash;  // an Argon2 encoded hash; never the password
    bool active = true;
    std::vector<std::string> roles;  // "sampler", "receiver", "analyst", "reviewer", ...
    std::int64_t version = 1;
};

struct AuthToken {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::string token_hash;  // SHA-256 hex of the bearer token; the token itself is never stored
    std::string issued_at;   // UTC "YYYY-MM-DDTHH:MM:SS.mmmZ"
    std::string expires_at;
    std::optional<std::string> revoked_at;
};

}  // namespace lims::domain
