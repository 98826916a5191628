// The allowed_peers option of instrument listeners: addresses and CIDR ranges, IPv4 and
// IPv6, an IPv4-mapped peer judged by its IPv4 address; malformed lists refused naming the
// entry (the API's 422 and the registry file's error carry these words).
#include "drivers/allowed_peers.hpp"

#include <boost/asio/ip/address.hpp>

#include <gtest/gtest.h>

namespace {

using drivers::AllowedPeers;
namespace ip = boost::asio::ip;

AllowedPeers parsed(std::string_view text) {
    auto p = AllowedPeers::parse(text);
    if (auto* error = std::get_if<std::string>(&p)) ADD_FAILURE() << text << ": " << *error;
    return std::get<AllowedPeers>(std::move(p));
}

std::string error_of(std::string_view text) {
    auto p = AllowedPeers::parse(text);
    return std::holds_alternative<std::string>(p) ? std::get<std::string>(p) : std::string("(parsed)");
}

bool allows(const AllowedPeers& peers, const char* address) { return peers.allows(ip::make_address(address)); }

TEST(AllowedPeers, AddressesAndRangesOfBothFamilies) {
    const auto peers = parsed("10.1.2.3, 192.168.40.0/22 fd00::/8,::1");
    EXPECT_TRUE(allows(peers, "10.1.2.3"));
    EXPECT_FALSE(allows(peers, "10.1.2.4"));
    EXPECT_TRUE(allows(peers, "192.168.40.1"));
    EXPECT_TRUE(allows(peers, "192.168.43.254"));
    EXPECT_FALSE(allows(peers, "192.168.44.1"));
    EXPECT_TRUE(allows(peers, "fd12:3456::1"));
    EXPECT_FALSE(allows(peers, "fe80::1"));
    EXPECT_TRUE(allows(peers, "::1"));
    EXPECT_FALSE(allows(peers, "127.0.0.1"));
    EXPECT_FALSE(peers.everyone());
}

TEST(AllowedPeers, AnIpv4MappedPeerIsJudgedByItsIpv4Address) {
    // A listener on "::" sees IPv4 analyzers as ::ffff:a.b.c.d.
    const auto peers = parsed("10.20.0.0/16");
    EXPECT_TRUE(allows(peers, "::ffff:10.20.7.9"));
    EXPECT_FALSE(allows(peers, "::ffff:10.21.7.9"));
    // And a mapped address in the list means the IPv4 one.
    EXPECT_TRUE(allows(parsed("::ffff:10.1.1.1"), "10.1.1.1"));
}

TEST(AllowedPeers, EdgesOfPrefixes) {
    EXPECT_TRUE(allows(parsed("0.0.0.0/0"), "203.0.113.9"));
    EXPECT_FALSE(allows(parsed("0.0.0.0/0"), "2001:db8::1")) << "an IPv4 range never holds an IPv6 peer";
    EXPECT_TRUE(allows(parsed("10.0.0.0/9"), "10.127.255.255"));
    EXPECT_FALSE(allows(parsed("10.0.0.0/9"), "10.128.0.0"));
    EXPECT_TRUE(allows(parsed("2001:db8:ab00::/41"), "2001:db8:ab7f:ffff::1"));
    EXPECT_FALSE(allows(parsed("2001:db8:ab00::/41"), "2001:db8:ab80::1"));
}

TEST(AllowedPeers, NoOptionMeansEveryPeer) {
    const AllowedPeers everyone;
    EXPECT_TRUE(everyone.everyone());
    EXPECT_TRUE(allows(everyone, "198.51.100.7"));
}

TEST(AllowedPeers, MalformedListsAreRefusedNamingTheEntry) {
    EXPECT_NE(error_of("10.1.2.3, analyzer-7").find("\"analyzer-7\" is not an IP address"), std::string::npos);
    EXPECT_NE(error_of("10.1.2.300").find("\"10.1.2.300\" is not an IP address"), std::string::npos);
    EXPECT_NE(error_of("10.1.0.0/33").find("\"10.1.0.0/33\": the prefix length must be 0 to 32"), std::string::npos);
    EXPECT_NE(error_of("fd00::/129").find("must be 0 to 128"), std::string::npos);
    EXPECT_NE(error_of("10.1.0.0/").find("prefix length"), std::string::npos);
    EXPECT_NE(error_of("10.1.0.0/x").find("prefix length"), std::string::npos);
    EXPECT_EQ(error_of("10.1.2.3/16"), "\"10.1.2.3/16\" has bits set after its /16 prefix; the range is 10.1.0.0/16");
    EXPECT_NE(error_of("").find("lists no address or range"), std::string::npos);
    EXPECT_NE(error_of(" , ").find("lists no address or range"), std::string::npos);
    std::string many;
    for (int i = 0; i < 65; ++i) many += "10.0.0." + std::to_string(i) + ",";
    EXPECT_NE(error_of(many).find("more than 64"), std::string::npos);
}

}  // namespace
