// Which peers may connect to an instrument's listener: the `allowed_peers` option of
// tcp_listen instruments (ASTM, HL7), IP addresses and CIDR ranges. The registry's option
// check refuses a malformed list when it is configured (the API answers 422 naming
// options.allowed_peers); the Listener closes a connection from anyone else at once.
#pragma once

#include "drivers/ip_network.hpp"

#include <boost/asio/ip/address.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace drivers {

// An instrument lists its analyzers and perhaps an interface engine: a few entries.
inline constexpr std::size_t kMaxAllowedPeers = 64;

class AllowedPeers {
public:
    // Every peer (the option absent).
    AllowedPeers() = default;

    // "10.1.2.3, 10.20.0.0/16 fd00::/8 ::1": addresses and ranges (address "/" prefix
    // length), separated by commas or spaces; at least one, at most kMaxAllowedPeers. A range
    // with bits set after its prefix ("10.1.2.3/16") is refused as a likely typo, naming the
    // network it would mean. The error names the entry.
    static std::variant<AllowedPeers, std::string> parse(std::string_view text);

    // An IPv4-mapped IPv6 peer (a listener on "::") is judged by the IPv4 address it carries.
    bool allows(const boost::asio::ip::address& peer) const;
    bool everyone() const noexcept { return ranges_.empty(); }
    const std::string& text() const noexcept { return text_; }  // as configured

private:
    std::vector<IpNetwork> ranges_;
    std::string text_;
};

}  // namespace drivers
