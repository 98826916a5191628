// Password storage for user accounts: Argon2id (RFC 9106) in its encoded form
// ($argon2id$v=19$m=...,t=...,p=...$salt$hash), so the parameters travel with each hash
// and can be raised later without breaking old hashes. Called by the auth service at
// login and by `lims user add`.
#pragma once

#include "lims/api/secure_random.hpp"

#include "lims/domain/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace lims::api {

struct Argon2Parameters {
    // OWASP Password Storage Cheat Sheet, Argon2id minimum: m = 19 MiB, t = 2, p = 1.
    // About 30-60 ms per hash on the 2-core development machine (tests/bench/api_auth_bench),
    // which keeps online guessing slow without letting logins tie up the thread pool.
    std::uint32_t memoryKiB = 19 * 1024;
    std::uint32_t iterations = 2;
    std::uint32_t parallelism = 1;
    // Where the salt comes from: null is getrandom(2) (secure_random.hpp); tests only.
    RandomSource randomSource = nullptr;
};

// 128-bit salt, the size RFC 9106 §3.1 recommends; 256-bit tag.
inline constexpr std::size_t kPasswordSaltBytes = 16;
inline constexpr std::size_t kPasswordHashBytes = 32;
// Bounds on what people choose: NIST SP 800-63B §5.1.1.2 asks for at least 8 characters
// and to accept at least 64; the upper bound keeps a hash request from being a DoS.
inline constexpr std::size_t kMinPasswordLength = 8;
inline constexpr std::size_t kMaxPasswordLength = 256;

domain::Result<std::string> hashPassword(std::string_view password, const Argon2Parameters& parameters = {});

// True only when `password` matches `encoded`; a malformed encoded hash is false.
bool verifyPassword(std::string_view password, const std::string& encoded);

// Checks the length rule above; the error names the rule.
domain::Result<void> checkPasswordPolicy(std::string_view password);

}  // namespace lims::api
