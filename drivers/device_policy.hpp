// What the devices configured on a service may reach on its machine and network (issue 15
// items 7 and 8). An administrator configures instruments and loggers through the API;
// these rules keep that from turning the service against its own machine:
//
//   lims.drivers.allow          the address ranges and ports the drivers may connect to
//                               (tcp_connect instruments, modbus_tcp loggers), e.g.
//                               "10.0.0.0/8:502,4001-4010 192.168.1.20:4001 loopback:*";
//                               unset: "private:*" (RFC 1918 and IPv6 unique-local ranges,
//                               every port); "none": no outgoing connection at all.
//   lims.drivers.file_drop_root the folder inside which every file_drop folder lies;
//                               unset: no file_drop instrument.
//   lims.drivers.map_root       the folder inside which every register map file lies;
//                               unset: no map_file (in-line register maps still work).
//
// The API checks them when a device is configured (422 naming the key and the rule); the
// drivers check them again when they connect, open the folder or read the map, so a host
// name that resolves elsewhere later, or a row written before the rules existed, reaches
// nothing either.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace drivers {

inline constexpr std::string_view kAllowKey = "lims.drivers.allow";
inline constexpr std::string_view kFileDropRootKey = "lims.drivers.file_drop_root";
inline constexpr std::string_view kMapRootKey = "lims.drivers.map_root";
// What an unset lims.drivers.allow means: the private ranges, every port.
inline constexpr std::string_view kDefaultAllow = "private:*";

struct PortRange {
    std::uint16_t first = 0;
    std::uint16_t last = 0;
};

// One entry: a network (address and prefix length) and its ports (empty: every port).
struct AllowRule {
    boost::asio::ip::address network;
    unsigned prefix = 0;
    std::vector<PortRange> ports;
};

// The outgoing allowlist.
//   entry   = network ":" ports
//   network = "private" | "loopback" | IPv4 ["/" n] | "[" IPv6 ["/" n] "]"
//   ports   = "*" | port-or-range ("," port-or-range)*      (1-65535, "4001-4010")
// Entries are separated by spaces or ";"; "none" alone allows nothing.
class AllowList {
public:
    // The list, or what is wrong with the text (naming the entry); "" is kDefaultAllow.
    static std::variant<AllowList, std::string> parse(std::string_view text);
    static AllowList defaults();  // kDefaultAllow

    // IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
    bool allows(const boost::asio::ip::address& address, std::uint16_t port) const;
    // As configured (after defaulting), for messages.
    const std::string& text() const noexcept { return text_; }

private:
    std::vector<AllowRule> rules_;
    std::string text_;
};

struct DevicePolicy {
    AllowList allow = AllowList::defaults();
    std::optional<std::filesystem::path> file_drop_root;  // canonical; none: file_drop refused
    std::optional<std::filesystem::path> map_root;        // canonical; none: map_file refused
};

// Reads the three keys' values (empty strings: unset) into a policy; the roots must be
// existing folders (made canonical). The error names the key and what it accepts.
std::variant<DevicePolicy, std::string> make_device_policy(std::string_view allow, std::string_view file_drop_root,
                                                           std::string_view map_root);

// Why a connection to host:port is not allowed, or "" when it is. An IP address is judged
// as it is; a host name is resolved (blocking) and every address it gives must be allowed
// (a name that does not resolve now is left to the connect-time check). Names the key.
std::string outgoing_problem(const AllowList& allow, std::string_view host, std::string_view port);

// The message for a connection refused at connect time because the host resolved to no
// allowed address (it does not list the addresses it resolved to).
std::string refused_at_connect(const AllowList& allow, std::string_view host, std::string_view port);

// At connect time, blocking: the first address of host that the list allows on `port`
// (an IP address is taken as it is), or why there is none (refused_at_connect, or the
// resolver's error).
std::variant<boost::asio::ip::address, std::string> allowed_address(const AllowList& allow, std::string_view host,
                                                                    std::uint16_t port);

// A path an administrator gave (absolute, or relative to the root), confined to the root:
// no "..", inside the root lexically and after resolving symbolic links, not the root
// itself. Returns the canonical path (its last components may not exist yet) or why not,
// naming `key` and the rule. Nothing outside the root is looked at, so the answer says
// nothing about what exists there.
std::variant<std::filesystem::path, std::string> confined_path(const std::optional<std::filesystem::path>& root,
                                                               std::string_view key, std::string_view given);

}  // namespace drivers
