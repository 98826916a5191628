#include "drivers/ip_network.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace drivers {

namespace ip = boost::asio::ip;

namespace {

using Bytes16 = std::array<unsigned char, 16>;

// The address's bytes at the front of 16, and how many there are (4 or 16).
std::size_t bytes_of(const ip::address& a, Bytes16& out) {
    out = {};
    if (a.is_v4()) {
        const auto b = a.to_v4().to_bytes();
        std::copy(b.begin(), b.end(), out.begin());
        return b.size();
    }
    out = a.to_v6().to_bytes();
    return out.size();
}

unsigned char mask_of(unsigned bits) { return static_cast<unsigned char>(0xFF00u >> std::min(bits, 8u)); }

}  // namespace

ip::address unmapped(const ip::address& address) {
    if (address.is_v6() && address.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, address.to_v6());
    return address;
}

std::variant<IpNetwork, std::string> IpNetwork::parse(std::string_view text) {
    const auto slash = text.find('/');
    boost::system::error_code ec;
    IpNetwork n;
    n.network = ip::make_address(std::string(text.substr(0, slash)), ec);
    if (ec) return std::string("not an IP address");
    const unsigned width = n.network.is_v4() ? 32 : 128;
    n.prefix = width;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        unsigned prefix = 0;
        auto [p, e] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
        if (digits.empty() || e != std::errc{} || p != digits.data() + digits.size() || prefix > width)
            return "the prefix length must be 0 to " + std::to_string(width);
        n.prefix = prefix;
    }
    return n;
}

IpNetwork IpNetwork::canonical() const {
    Bytes16 bytes;
    const std::size_t size = bytes_of(network, bytes);
    unsigned left = prefix;
    for (std::size_t i = 0; i < size; ++i) {
        bytes[i] &= mask_of(left);
        left = left >= 8 ? left - 8 : 0;
    }
    if (network.is_v4()) {
        ip::address_v4::bytes_type b{};
        std::copy_n(bytes.begin(), b.size(), b.begin());
        return {ip::address_v4(b), prefix};
    }
    return {ip::address_v6(bytes), prefix};
}

bool IpNetwork::contains(const ip::address& address) const {
    const auto a = unmapped(address);
    if (a.is_v4() != network.is_v4()) return false;
    Bytes16 x, n;
    const std::size_t size = bytes_of(a, x);
    bytes_of(network, n);
    unsigned left = prefix;
    for (std::size_t i = 0; i < size && left > 0; ++i) {
        const auto mask = mask_of(left);
        if ((x[i] & mask) != (n[i] & mask)) return false;
        left = left >= 8 ? left - 8 : 0;
    }
    return true;
}

}  // namespace drivers
