// An IP network (address and prefix length) and the address arithmetic both address
// rules of the drivers share: who may connect to a listener (allowed_peers.hpp) and what
// the drivers may connect to (device_policy.hpp).
#pragma once

#include <boost/asio/ip/address.hpp>

#include <string>
#include <string_view>
#include <variant>

namespace drivers {

// An IPv4-mapped IPv6 address ("::ffff:10.1.2.3", what a listener on "::" sees) as the
// IPv4 address it carries; any other address as it is.
boost::asio::ip::address unmapped(const boost::asio::ip::address& address);

struct IpNetwork {
    boost::asio::ip::address network;
    unsigned prefix = 0;  // 0..32 or 0..128

    // "10.0.0.0/8", "10.1.2.3" (a single address), "fd00::/8" (no brackets). The error is
    // "not an IP address" or names the prefix's bounds, without the entry (callers name it
    // as their users wrote it).
    static std::variant<IpNetwork, std::string> parse(std::string_view text);

    // The same prefix with every bit after it cleared ("10.1.2.3/16" -> 10.1.0.0/16).
    IpNetwork canonical() const;

    // The address (unmapped) lies in the network; never across families.
    bool contains(const boost::asio::ip::address& address) const;
};

}  // namespace drivers
