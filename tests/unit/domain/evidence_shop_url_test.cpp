// An online shop's address: absolute http(s) with a host, printable ASCII, no credentials.
#include "lims/domain/evidence/shop_url.hpp"

#include <gtest/gtest.h>

using lims::domain::ShopUrl;

namespace {

TEST(ShopUrl, AcceptsThePlatformsShopAddresses) {
    for (const char* good : {"https://shop123456.taobao.com/", "https://mall.jd.com/index-1000001.html?from=pc",
                             "http://yaofang.example.cn:8080/shop/42#top", "HTTPS://Example.COM",
                             "https://[2001:db8::1]/shop"}) {
        auto u = ShopUrl::parse(good);
        EXPECT_TRUE(u) << good << ": " << (u ? "" : u.error().message);
    }
    EXPECT_EQ(ShopUrl::parse("https://mall.jd.com/index-1.html")->host(), "mall.jd.com");
    EXPECT_EQ(ShopUrl::parse("http://a.example:8080/x")->host(), "a.example");
}

TEST(ShopUrl, RefusesWhatIsNoShopAddressNamingWhy) {
    const std::pair<const char*, const char*> cases[] = {
        {"", "shop_url.empty"},
        {"shop123456.taobao.com", "shop_url.scheme"},
        {"javascript:alert(1)", "shop_url.scheme"},
        {"ftp://files.example.com/", "shop_url.scheme"},
        {"https://", "shop_url.host"},
        {"https:///path", "shop_url.host"},
        {"https://exa_mple.com/", "shop_url.host"},
        {"https://..example.com/", "shop_url.host"},
        {"https://example.com:port/", "shop_url.host"},
        {"https://user:secret@example.com/", "shop_url.credentials"},
        {"https://example.com/a b", "shop_url.character"},
        {"https://例子.com/", "shop_url.character"},
        {"https://example.com/\r\nSet-Cookie: x", "shop_url.character"},
    };
    for (const auto& [text, code] : cases) {
        auto u = ShopUrl::parse(text);
        ASSERT_FALSE(u) << text;
        EXPECT_EQ(u.error().code, code) << text << ": " << u.error().message;
    }
    EXPECT_EQ(ShopUrl::parse("https://e.com/" + std::string(ShopUrl::kMaxLength, 'a')).error().code, "shop_url.length");
}

}  // namespace
