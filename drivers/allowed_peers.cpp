#include "drivers/allowed_peers.hpp"

#include <algorithm>

namespace drivers {

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
        auto parsed = IpNetwork::parse(entry);
        if (auto* why = std::get_if<std::string>(&parsed))
            return quoted + (*why == "not an IP address" ? " is not an IP address or a range like 10.1.0.0/16"
                                                         : ": " + *why);
        auto range = std::get<IpNetwork>(parsed);
        if (range.network != unmapped(range.network)) {
            if (range.prefix < 96) return quoted + ": an IPv4-mapped range needs a prefix of 96 to 128";
            range = {unmapped(range.network), range.prefix - 96};
        }
        const auto network = range.canonical();
        if (network.network != range.network)
            return quoted + " has bits set after its /" + std::to_string(range.prefix) + " prefix; the range is " +
                   network.network.to_string() + "/" + std::to_string(range.prefix);
        peers.ranges_.push_back(network);
    }
    if (peers.ranges_.empty()) return std::string("lists no address or range (leave the option out to allow every peer)");
    return peers;
}

bool AllowedPeers::allows(const boost::asio::ip::address& peer) const {
    if (ranges_.empty()) return true;
    return std::any_of(ranges_.begin(), ranges_.end(), [&](const IpNetwork& r) { return r.contains(peer); });
}

}  // namespace drivers
