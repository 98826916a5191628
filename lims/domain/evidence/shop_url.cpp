#include "lims/domain/evidence/shop_url.hpp"

#include <cctype>

namespace lims::domain {

namespace {

Error bad(const char* code, std::string message) { return make_error(code, std::move(message)); }

bool host_character(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '[' || c == ']' || c == ':';
}

}  // namespace

Result<ShopUrl> ShopUrl::parse(std::string_view text) {
    if (text.empty()) return bad("shop_url.empty", "the shop's address is empty");
    if (text.size() > kMaxLength)
        return bad("shop_url.length", "the shop's address is longer than " + std::to_string(kMaxLength) + " characters");
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c <= 0x20 || c >= 0x7F)
            return bad("shop_url.character", "character " + std::to_string(i + 1) +
                                                 " of the shop's address is a space, a control character or not ASCII "
                                                 "(percent-encode it)");
    }
    std::string lower;
    for (char c : text.substr(0, 8)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::size_t after_scheme = 0;
    if (lower.rfind("https://", 0) == 0) after_scheme = 8;
    else if (lower.rfind("http://", 0) == 0) after_scheme = 7;
    else return bad("shop_url.scheme", "the shop's address must start with https:// or http://");
    const auto rest = text.substr(after_scheme);
    const auto end = rest.find_first_of("/?#");
    const auto authority = rest.substr(0, end);
    if (authority.find('@') != std::string_view::npos)
        return bad("shop_url.credentials", "the shop's address must not carry a user name or password (…@)");
    // The host without a port.
    std::string_view host = authority;
    if (!host.empty() && host.front() != '[') {
        if (auto colon = host.rfind(':'); colon != std::string_view::npos) {
            const auto port = host.substr(colon + 1);
            if (port.empty() || port.size() > 5 ||
                port.find_first_not_of("0123456789") != std::string_view::npos)
                return bad("shop_url.host", "the port in the shop's address is not a number");
            host = host.substr(0, colon);
        }
    }
    if (host.empty()) return bad("shop_url.host", "the shop's address names no host");
    for (char c : host)
        if (!host_character(c)) return bad("shop_url.host", "the host \"" + std::string(host) + "\" is not a name or address");
    if (host.front() == '.' || host.back() == '.' || host.front() == '-' ||
        host.find("..") != std::string_view::npos)
        return bad("shop_url.host", "the host \"" + std::string(host) + "\" is not a name or address");
    return ShopUrl(std::string(text), std::string(host));
}

}  // namespace lims::domain
