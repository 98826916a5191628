// The one SHA-256-hex helper, against the FIPS 180-2 test vectors.
#include "lims/domain/text/sha256.hpp"

#include <gtest/gtest.h>

#include <string>

using lims::domain::sha256_hex;

TEST(Sha256Hex, MatchesTheStandardsVectors) {
    EXPECT_EQ(sha256_hex(std::string_view("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex(std::string_view("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex(std::string_view("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Hex, PartsHashAsTheirConcatenation) {
    EXPECT_EQ(sha256_hex({"ab", "", "c"}), sha256_hex(std::string_view("abc")));
    const std::string binary("\0\xff\x01", 3);
    EXPECT_EQ(sha256_hex({std::string_view(binary)}), sha256_hex(std::string_view(binary)));
    EXPECT_EQ(sha256_hex(std::string_view(binary)).size(), 64u);
}
