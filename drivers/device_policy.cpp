#include "drivers/device_policy.hpp"

#include "drivers/ip_network.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <algorithm>
#include <charconv>

namespace drivers {

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

// The private ranges an unset allowlist admits: RFC 1918 and IPv6 unique-local (RFC 4193).
// Loopback, link-local (cloud metadata at 169.254.169.254) and public addresses are not.
const char* const kPrivateNetworks[] = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "[fc00::/7]"};
const char* const kLoopbackNetworks[] = {"127.0.0.0/8", "[::1/128]"};

std::optional<unsigned> number(std::string_view text, unsigned max) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || p != text.data() + text.size() || v > max) return std::nullopt;
    return v;
}

// "10.0.0.0/8" or "[fd00::/8]" (brackets already removed by the caller for IPv6).
std::variant<AllowRule, std::string> network_of(std::string_view text, bool v6) {
    auto parsed = IpNetwork::parse(text);
    const std::string address(text.substr(0, text.find('/')));
    const auto* network = std::get_if<IpNetwork>(&parsed);
    if ((!network && std::get<std::string>(parsed) == "not an IP address") || (network && network->network.is_v6() != v6))
        return "\"" + address + "\" is not an " + (v6 ? "IPv6 address (in brackets)" : "IPv4 address");
    if (!network) return std::get<std::string>(parsed);
    AllowRule rule;
    rule.network = network->network;
    rule.prefix = network->prefix;
    return rule;
}

std::variant<std::vector<PortRange>, std::string> ports_of(std::string_view text) {
    std::vector<PortRange> ports;
    if (text == "*") return ports;
    if (text.empty()) return std::string("ports are missing after \":\" (\"*\" for every port)");
    std::size_t start = 0;
    while (start <= text.size()) {
        auto comma = text.find(',', start);
        if (comma == std::string_view::npos) comma = text.size();
        const auto item = text.substr(start, comma - start);
        const auto dash = item.find('-');
        auto first = number(item.substr(0, dash), 65535);
        auto last = dash == std::string_view::npos ? first : number(item.substr(dash + 1), 65535);
        if (!first || !last || *first == 0 || *last < *first)
            return "\"" + std::string(item) + "\" is not a port (1-65535) or a range of them like 4001-4010";
        ports.push_back({static_cast<std::uint16_t>(*first), static_cast<std::uint16_t>(*last)});
        start = comma + 1;
    }
    return ports;
}

// One entry; keywords expand to several rules.
std::variant<std::vector<AllowRule>, std::string> entry_of(std::string_view entry) {
    std::string_view network, ports;
    bool v6 = false;
    if (!entry.empty() && entry.front() == '[') {
        const auto close = entry.find(']');
        if (close == std::string_view::npos || close + 1 >= entry.size() || entry[close + 1] != ':')
            return std::string("an IPv6 network is written [fd00::/8]:ports");
        network = entry.substr(1, close - 1);
        ports = entry.substr(close + 2);
        v6 = true;
    } else {
        if (std::count(entry.begin(), entry.end(), ':') > 1)
            return std::string("an IPv6 network is written in brackets, e.g. [fd00::/8]:502");
        const auto colon = entry.find(':');
        if (colon == std::string_view::npos)
            return std::string("ports are missing: write network:ports, e.g. 10.0.0.0/8:502 (\"*\" for every port)");
        network = entry.substr(0, colon);
        ports = entry.substr(colon + 1);
    }
    auto parsed_ports = ports_of(ports);
    if (auto* why = std::get_if<std::string>(&parsed_ports)) return *why;
    std::vector<std::string_view> networks;
    if (!v6 && network == "private") networks.assign(std::begin(kPrivateNetworks), std::end(kPrivateNetworks));
    else if (!v6 && network == "loopback") networks.assign(std::begin(kLoopbackNetworks), std::end(kLoopbackNetworks));
    std::vector<AllowRule> rules;
    if (networks.empty()) {
        auto rule = network_of(network, v6);
        if (auto* why = std::get_if<std::string>(&rule)) return *why;
        rules.push_back(std::get<AllowRule>(std::move(rule)));
    } else {
        for (auto n : networks) {
            const bool bracketed = n.front() == '[';
            auto rule = network_of(bracketed ? n.substr(1, n.size() - 2) : n, bracketed);
            rules.push_back(std::get<AllowRule>(std::move(rule)));
        }
    }
    for (auto& r : rules) r.ports = std::get<std::vector<PortRange>>(parsed_ports);
    return rules;
}

std::string trimmed(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(first, last - first + 1));
}

bool inside(const fs::path& path, const fs::path& root) {
    const auto rel = path.lexically_relative(root);
    if (rel.empty()) return false;
    const auto first = *rel.begin();
    return first != ".." && first != "." ;
}

std::variant<std::optional<fs::path>, std::string> root_of(std::string_view key, std::string_view value) {
    const auto text = trimmed(value);
    if (text.empty()) return std::optional<fs::path>{};
    const fs::path given(text);
    if (!given.is_absolute()) return std::string(key) + " must be an absolute path, got \"" + text + "\"";
    std::error_code ec;
    if (!fs::is_directory(given, ec))
        return std::string(key) + " must name an existing folder, got \"" + text + "\"";
    auto canonical = fs::canonical(given, ec);
    if (ec) return std::string(key) + ": cannot resolve \"" + text + "\": " + ec.message();
    return std::optional<fs::path>{canonical};
}

}  // namespace

std::variant<AllowList, std::string> AllowList::parse(std::string_view text) {
    AllowList list;
    list.text_ = trimmed(text);
    if (list.text_.empty()) list.text_ = std::string(kDefaultAllow);
    if (list.text_ == "none") return list;
    std::string_view rest = list.text_;
    while (!rest.empty()) {
        const auto start = rest.find_first_not_of(" \t\r\n;");
        if (start == std::string_view::npos) break;
        rest.remove_prefix(start);
        auto end = rest.find_first_of(" \t\r\n;");
        if (end == std::string_view::npos) end = rest.size();
        const auto entry = rest.substr(0, end);
        rest.remove_prefix(end);
        if (entry == "none") return std::string(kAllowKey) + ": \"none\" stands alone (it allows nothing)";
        auto rules = entry_of(entry);
        if (auto* why = std::get_if<std::string>(&rules))
            return std::string(kAllowKey) + ": entry \"" + std::string(entry) + "\": " + *why;
        for (auto& r : std::get<std::vector<AllowRule>>(rules)) list.rules_.push_back(std::move(r));
    }
    return list;
}

AllowList AllowList::defaults() { return std::get<AllowList>(parse(kDefaultAllow)); }

bool AllowList::allows(const asio::ip::address& raw, std::uint16_t port) const {
    const auto address = unmapped(raw);
    for (const auto& rule : rules_) {
        if (!IpNetwork{rule.network, rule.prefix}.contains(address)) continue;
        if (rule.ports.empty()) return true;
        for (const auto& range : rule.ports)
            if (port >= range.first && port <= range.last) return true;
    }
    return false;
}

std::variant<DevicePolicy, std::string> make_device_policy(std::string_view allow, std::string_view file_drop_root,
                                                           std::string_view map_root) {
    DevicePolicy policy;
    auto list = AllowList::parse(allow);
    if (auto* why = std::get_if<std::string>(&list)) return *why;
    policy.allow = std::get<AllowList>(std::move(list));
    auto drops = root_of(kFileDropRootKey, file_drop_root);
    if (auto* why = std::get_if<std::string>(&drops)) return *why;
    policy.file_drop_root = std::get<std::optional<fs::path>>(std::move(drops));
    auto maps = root_of(kMapRootKey, map_root);
    if (auto* why = std::get_if<std::string>(&maps)) return *why;
    policy.map_root = std::get<std::optional<fs::path>>(std::move(maps));
    return policy;
}

std::string outgoing_problem(const AllowList& allow, std::string_view host, std::string_view port_text) {
    const auto port = number(port_text, 65535);
    const std::string where = std::string(host) + ":" + std::string(port_text);
    if (!port || *port == 0) return "port of " + where + " must be 1 to 65535";
    const auto refused = [&](const std::string& what) {
        return what + " is not allowed by " + std::string(kAllowKey) + " (the address ranges and ports this service "
               "may connect to: " + allow.text() + ")";
    };
    boost::system::error_code ec;
    const auto literal = asio::ip::make_address(std::string(host), ec);
    if (!ec) return allow.allows(literal, static_cast<std::uint16_t>(*port)) ? "" : refused(where);
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    const auto results = resolver.resolve(std::string(host), std::string(port_text), ec);
    if (ec) return "";  // not resolvable now: the connect-time check decides
    for (const auto& r : results)
        if (!allow.allows(r.endpoint().address(), static_cast<std::uint16_t>(*port)))
            return refused(where + " (" + std::string(host) + " resolves to an address outside it)");
    return "";
}

std::string refused_at_connect(const AllowList& allow, std::string_view host, std::string_view port) {
    return "connect to " + std::string(host) + ":" + std::string(port) + " refused: it resolves to no address " +
           std::string(kAllowKey) + " allows (" + allow.text() + ")";
}

std::variant<asio::ip::address, std::string> allowed_address(const AllowList& allow, std::string_view host,
                                                            std::uint16_t port) {
    const auto port_text = std::to_string(port);
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    boost::system::error_code ec;
    const auto results = resolver.resolve(std::string(host), port_text, ec);
    if (ec) return "connect to " + std::string(host) + ":" + port_text + ": " + ec.message();
    for (const auto& r : results)
        if (allow.allows(r.endpoint().address(), port)) return unmapped(r.endpoint().address());
    return refused_at_connect(allow, host, port_text);
}

std::variant<fs::path, std::string> confined_path(const std::optional<fs::path>& root, std::string_view key,
                                                  std::string_view given) {
    const std::string k(key);
    if (!root) return "cannot be configured: " + k + " is not set on this service (the operator sets it)";
    const auto rule = "must lie inside " + k + " (" + root->string() + "), as a path below it";
    if (given.empty()) return "is empty: " + rule;
    for (char c : given)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::string("must not contain control characters");
    const fs::path path(given);
    for (const auto& part : path)
        if (part == "..") return "must not contain \"..\": " + rule;
    const fs::path full = (path.is_absolute() ? path : *root / path).lexically_normal();
    if (!inside(full, *root)) return rule;
    std::error_code ec;
    auto resolved = fs::weakly_canonical(full, ec);
    if (ec) return "cannot be resolved (" + ec.message() + "): " + rule;
    if (!inside(resolved, *root)) return "leaves " + k + " through a symbolic link: " + rule;
    return resolved;
}

}  // namespace drivers
