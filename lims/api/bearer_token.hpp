// Bearer tokens: 256 random bits shown to the client once, stored only as their SHA-256,
// so a copy of the database does not let anyone log in. Used by the auth service when it
// issues tokens and on every authenticated request.
#pragma once

#include "lims/api/secure_random.hpp"

#include <string>

namespace lims::api {

// 32 bytes from the operating system's CSPRNG, base64url without padding, with a "lims_"
// prefix so a leaked token is recognisable by secret scanners.
inline constexpr std::size_t kTokenRandomBytes = 32;

// Throws std::runtime_error when the kernel gives no random bytes (`source`: tests only).
std::string generateBearerToken(RandomSource source = nullptr);

// Lower-case hex SHA-256 of the token text; what the tokens table keys on.
std::string hashBearerToken(const std::string& token);

}  // namespace lims::api
