// The address of an online shop (网店) where a sample was bought in online sampling
// (网络抽样): an absolute http or https URL with a host, as the sampler copies it from the
// platform. Registration validates it so the record names a shop a bureau can open.
#pragma once

#include "lims/domain/result.hpp"

#include <string>
#include <string_view>

namespace lims::domain {

class ShopUrl {
public:
    // Enough for any platform's shop address with its tracking parameters.
    static constexpr std::size_t kMaxLength = 2048;

    // Errors: shop_url.empty, shop_url.length, shop_url.character (a space or control
    // character, or one outside printable ASCII: percent-encode it), shop_url.scheme (not
    // http:// or https://), shop_url.credentials (user:password@ in the address),
    // shop_url.host (none, or not a name or address).
    static Result<ShopUrl> parse(std::string_view text);

    const std::string& text() const noexcept { return text_; }
    const std::string& host() const noexcept { return host_; }

private:
    ShopUrl(std::string text, std::string host) : text_(std::move(text)), host_(std::move(host)) {}
    std::string text_;
    std::string host_;
};

}  // namespace lims::domain
