#include "drivers/allowed_peers.hpp"

#include <array>
#include <charconv>

namespace drivers {

namespace ip = boost::asio::ip;

namespace {

ip::address unmapped(const ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, a.to_v6());
    return a;
}

std::vector<unsigned char> bytes_of(const ip::address& a) {
    if (a.is_v4()) {
        const auto b = a.to_v4().to_bytes();
        return {b.begin(), b.end()};
    }
    const auto b = a.to_v6().to_bytes();
    return {b.begin(), b.end()};
}

// The first `prefix` bits of `a` and `b` are equal (same family, same length).
bool same_prefix(const std::vector<unsigned char>& a, const std::vector<unsigned char>& b, unsigned prefix) {
    for (std::size_t i = 0; i < a.size() && prefix > 0; ++i, prefix = prefix >= 8 ? prefix - 8 : 0) {
        const unsigned bits = prefix >= 8 ? 8 : prefix;
        const auto mask = static_cast<unsigned char>(0xFF << (8 - bits));
        if ((a[i] & mask) != (b[i] & mask)) return false;
    }
    return true;
}

// `a` with every bit after `prefix` cleared.
ip::address network_of(const ip::address& a, unsigned prefix) {
    auto bytes = bytes_of(a);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const unsigned start = static_cast<unsigned>(i) * 8;
        if (start >= prefix) bytes[i] = 0;
        else if (prefix - start < 8) bytes[i] &= static_cast<unsigned char>(0xFF << (8 - (prefix - start)));
    }
    if (a.is_v4()) {
        ip::address_v4::bytes_type b{};
        std::copy(bytes.begin(), bytes.end(), b.begin());
        return ip::address_v4(b);
    }
    ip::address_v6::bytes_type b{};
    std::copy(bytes.begin(), bytes.end(), b.begin());
    return ip::address_v6(b);
}

}  // namespace

std::variant<AllowedPeers, std::string> AllowedPeers::parse(std::string_view text) {
    AllowedPeers peers;
    peers.text_ = std::string(text);
    std::size_t at = 0;
    while (at < text.size()) {
        const auto start = text.find_first_not_of(", \t", at);
        if (start == std::string_view::npos) break;
        auto end = text.find_first_of(", \t", start);
        if (end == std::string_view::npos) end = text.size();
        const auto entry = text.substr(start, end - start);
        at = end;
        const std::string quoted = "\"" + std::string(entry) + "\"";
        if (peers.ranges_.size() == kMaxAllowedPeers)
            return "lists more than " + std::to_string(kMaxAllowedPeers) + " addresses and ranges";
        const auto slash = entry.find('/');
        boost::system::error_code ec;
        auto address = ip::make_address(std::string(entry.substr(0, slash)), ec);
        if (ec) return quoted + " is not an IP address or a range like 10.1.0.0/16";
        address = unmapped(address);
        const unsigned width = address.is_v4() ? 32 : 128;
        unsigned prefix = width;
        if (slash != std::string_view::npos) {
            const auto digits = entry.substr(slash + 1);
            auto [p, e] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
            if (e != std::errc{} || p != digits.data() + digits.size() || digits.empty() || prefix > width)
                return quoted + ": the prefix length must be 0 to " + std::to_string(width);
        }
        const auto network = network_of(address, prefix);
        if (network != address)
            return quoted + " has bits set after its /" + std::to_string(prefix) + " prefix; the range is " +
                   network.to_string() + "/" + std::to_string(prefix);
        peers.ranges_.push_back({network, prefix});
    }
    if (peers.ranges_.empty()) return std::string("lists no address or range (leave the option out to allow every peer)");
    return peers;
}

bool AllowedPeers::allows(const ip::address& peer) const {
    if (ranges_.empty()) return true;
    const auto address = unmapped(peer);
    const auto bytes = bytes_of(address);
    for (const auto& r : ranges_)
        if (r.network.is_v4() == address.is_v4() && same_prefix(bytes, bytes_of(r.network), r.prefix)) return true;
    return false;
}

}  // namespace drivers
