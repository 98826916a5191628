#include "lims/api/password_hash.hpp"

#include "lims/api/utf8.hpp"

#include "lims/api/secure_random.hpp"

#include <argon2.h>

#include <array>
#include <vector>

namespace lims::api {

domain::Result<std::string> hashPassword(std::string_view password, const Argon2Parameters& p) {
    std::array<unsigned char, kPasswordSaltBytes> salt{};
    if (auto failed = fillSecureRandom(salt, p.randomSource); !failed.empty())
        return domain::make_error("password.salt", "no random bytes for a password salt: " + failed);
    const std::size_t encodedLength =
        argon2_encodedlen(p.iterations, p.memoryKiB, p.parallelism, salt.size(), kPasswordHashBytes, Argon2_id);
    std::vector<char> encoded(encodedLength);
    const int rc = argon2id_hash_encoded(p.iterations, p.memoryKiB, p.parallelism, password.data(), password.size(),
                                         salt.data(), salt.size(), kPasswordHashBytes, encoded.data(), encoded.size());
    if (rc != ARGON2_OK) {
        return domain::make_error("password.hash", std::string("Argon2id failed: ") + argon2_error_message(rc));
    }
    return std::string(encoded.data());
}

bool verifyPassword(std::string_view password, const std::string& encoded) {
    if (encoded.rfind("$argon2id$", 0) != 0) return false;
    return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

domain::Result<void> checkPasswordPolicy(std::string_view password) {
    const auto length = utf8::codePointCount(password);
    if (!length) return domain::make_error("password.encoding", "the password is not UTF-8 text");
    if (*length < kMinPasswordLength) {
        return domain::make_error("password.too_short", "the password must have at least " +
                                                            std::to_string(kMinPasswordLength) + " characters");
    }
    if (*length > kMaxPasswordLength) {
        return domain::make_error("password.too_long", "the password must have at most " +
                                                           std::to_string(kMaxPasswordLength) + " characters");
    }
    return {};
}

}  // namespace lims::api
