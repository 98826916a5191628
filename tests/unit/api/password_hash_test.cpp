#include "lims/api/bearer_token.hpp"
#include "lims/api/password_hash.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <set>

using namespace lims::api;

namespace {
// Cheap parameters for tests; the defaults are checked once below.
const Argon2Parameters kFast{1024, 1, 1};
}  // namespace

TEST(PasswordHash, DefaultsAreArgon2idWithDocumentedParameters) {
    auto hash = hashPassword("correct horse battery");
    ASSERT_TRUE(hash);
    EXPECT_EQ(hash->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *hash;
    EXPECT_TRUE(verifyPassword("correct horse battery", *hash));
}

TEST(PasswordHash, VerifiesOnlyTheRightPassword) {
    auto hash = hashPassword("抽样人员密码2024", kFast);
    ASSERT_TRUE(hash);
    EXPECT_TRUE(verifyPassword("抽样人员密码2024", *hash));
    EXPECT_FALSE(verifyPassword("抽样人员密码2025", *hash));
    EXPECT_FALSE(verifyPassword("", *hash));
}

TEST(PasswordHash, SaltMakesEveryHashDifferent) {
    auto a = hashPassword("same password", kFast);
    auto b = hashPassword("same password", kFast);
    ASSERT_TRUE(a && b);
    EXPECT_NE(*a, *b);
}

TEST(PasswordHash, MalformedStoredHashNeverVerifies) {
    EXPECT_FALSE(verifyPassword("x", ""));
    EXPECT_FALSE(verifyPassword("x", "plaintext"));
    EXPECT_FALSE(verifyPassword("x", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA"));  // not id
    EXPECT_FALSE(verifyPassword("x", "$argon2id$v=19$m=1024,t=1,p=1$$"));
}

TEST(PasswordHash, PolicyNamesTheRule) {
    EXPECT_EQ(checkPasswordPolicy("short").error().code, "password.too_short");
    EXPECT_EQ(checkPasswordPolicy(std::string(257, 'a')).error().code, "password.too_long");
    EXPECT_EQ(checkPasswordPolicy("bad\xFFutf8xx").error().code, "password.encoding");
    EXPECT_TRUE(checkPasswordPolicy("八个汉字的密码啊"));  // 8 characters
}

TEST(BearerToken, HasAtLeast256RandomBitsAndIsUnique) {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        const std::string t = generateBearerToken();
        ASSERT_EQ(t.rfind("lims_", 0), 0u);
        EXPECT_EQ(t.size(), 5u + 43u);  // 32 bytes in unpadded base64url
        EXPECT_EQ(t.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", 5),
                  std::string::npos);
        EXPECT_TRUE(seen.insert(t).second);
    }
}

TEST(BearerToken, HashIsSha256Hex) {
    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    EXPECT_EQ(hashBearerToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

namespace {
long failingSource(void*, std::size_t, unsigned int) {
    errno = ENOSYS;
    return -1;
}
int interruptions = 0;
// Interrupted twice, then hands out at most 5 bytes a call: the caller reads until full.
long stingySource(void* buffer, std::size_t length, unsigned int) {
    if (interruptions++ < 2) {
        errno = EINTR;
        return -1;
    }
    const std::size_t n = std::min<std::size_t>(length, 5);
    std::memset(buffer, 0xAB, n);
    return static_cast<long>(n);
}
}  // namespace

TEST(SecureRandom, NoRandomBytesMeansNoTokenAndNoSalt) {
    // Before: Poco's RandomInputStream fell back to a weak generator without a word.
    EXPECT_THROW(generateBearerToken(failingSource), std::runtime_error);
    Argon2Parameters p;
    p.randomSource = failingSource;
    auto hashed = hashPassword("a-long-enough-password", p);
    ASSERT_FALSE(hashed.ok());
    EXPECT_EQ(hashed.error().code, "password.salt");
    EXPECT_NE(hashed.error().message.find("getrandom(2) failed"), std::string::npos) << hashed.error().message;
}

TEST(SecureRandom, ShortReadsAndInterruptionsAreReadAgainUntilFull) {
    std::array<unsigned char, 32> bytes{};
    EXPECT_EQ(fillSecureRandom(bytes, stingySource), "");
    for (auto b : bytes) EXPECT_EQ(b, 0xAB);
    std::array<unsigned char, 32> a{}, b{};
    EXPECT_EQ(fillSecureRandom(a), "");
    EXPECT_EQ(fillSecureRandom(b), "");
    EXPECT_NE(a, b);
}
