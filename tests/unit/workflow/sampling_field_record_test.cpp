// The field record's checks (issue 16 items 8 and 9), each refusal naming its field: an
// online purchase's shop address, credit code, regions and order; the price and payment;
// the stage; the stock against the quantity sampled; the samplers' certificates.
#include "lims/domain/identifiers/credit_code.hpp"
#include "lims/workflow/sampling/errors.hpp"
#include "lims/workflow/sampling/field_record.hpp"

#include <gtest/gtest.h>

using namespace lims::workflow::sampling;
using namespace std::chrono;

namespace {

std::string code(const std::string& stem) {
    const std::string first17 = "91330100" + stem;
    return first17 + *lims::domain::CreditCode::check_character_for(first17);
}

const sys_days kToday = sys_days{2026y / December / 7};

OnlinePurchase shop() {
    return {"天猫", code("MA27U0001"), "", "某某大药房旗舰店", "https://example-pharmacy.tmall.com/",
            "310101", "上海市黄浦区某路 1 号", "ORD-20261201-0001", "苏州市姑苏区某路 2 号市场监管局", std::nullopt};
}

FieldDetails paid() {
    FieldDetails f;
    f.purchase_price = "36.50";
    f.payment_method = "platform_order";
    return f;
}

std::string field_of(const std::optional<lims::domain::Error>& e) {
    if (!e) return "(accepted)";
    return invalid_field_of(*e).value_or("(not a field error: " + e->code + ")");
}

std::string check(const FieldDetails& f, const std::optional<OnlinePurchase>& o = std::nullopt,
                  const std::vector<std::string>& certs = {}) {
    return field_of(validate_field_record(f, o, certs, 2, "6", kToday));
}

TEST(FieldRecord, AGoodOnlinePurchaseAndOnSiteRecordPass) {
    EXPECT_EQ(check(paid(), shop()), "(accepted)");
    FieldDetails site;
    site.sampling_stage = "use";
    site.supplier_name = "某医药公司";
    site.supplier_credit_code = code("MA27U0002");
    site.stock_quantity = "120";
    site.unit_contact_name = "王店长";
    site.unit_contact_phone = "+86 512-6523 0000";
    site.purchase_price = "0";
    EXPECT_EQ(check(site, std::nullopt, {"32050012345", "32050012346"}), "(accepted)");
    EXPECT_FALSE(FieldDetails{}.any());
    EXPECT_TRUE(site.any());
}

TEST(FieldRecord, OnlinePurchaseRefusalsNameTheirField) {
    auto o = shop();
    o.shop_url = "example-pharmacy.tmall.com";
    EXPECT_EQ(check(paid(), o), "online.shop_url");
    o = shop();
    o.shop_url = "javascript:alert(1)";
    EXPECT_EQ(check(paid(), o), "online.shop_url");
    o = shop();
    o.platform_operator_credit_code = code("MA27U0001");
    o.platform_operator_credit_code.back() = o.platform_operator_credit_code.back() == '0' ? '1' : '0';  // wrong check
    EXPECT_EQ(check(paid(), o), "online.platform_credit_code");
    o = shop();
    o.shop_region_code = "999999";
    EXPECT_EQ(check(paid(), o), "online.shop_region_code");
    o = shop();
    o.platform_region_code = "31010";
    EXPECT_EQ(check(paid(), o), "online.platform_region_code");
    o = shop();
    o.order_number = "ORD 1";
    EXPECT_EQ(check(paid(), o), "online.order_number");
    o = shop();
    o.receiving_address = "";
    EXPECT_EQ(check(paid(), o), "online.receiving_address");
    o = shop();
    o.delivery = Delivery{"顺丰速运", "SF1234567890", "2026-12-08", ""};
    EXPECT_EQ(check(paid(), o), "online.delivery.received_on");  // tomorrow
    o.delivery->received_on = "2026-02-30";
    EXPECT_EQ(check(paid(), o), "online.delivery.received_on");
    o.delivery->received_on = "2026-12-06";
    o.delivery->tracking_number = "SF 123";
    EXPECT_EQ(check(paid(), o), "online.delivery.tracking_number");
    // Bought online: the order's price is on the record, and the stage is distribution.
    EXPECT_EQ(check(FieldDetails{}, shop()), "purchase.price");
    auto f = paid();
    f.sampling_stage = "production";
    EXPECT_EQ(check(f, shop()), "sampling_stage");
}

TEST(FieldRecord, PriceStageStockContactAndCertificatesAreChecked) {
    FieldDetails f;
    f.purchase_price = "36.505";
    f.payment_method = "cash";
    EXPECT_EQ(check(f), "purchase.price");  // fen at most
    f.purchase_price = "-1";
    EXPECT_EQ(check(f), "purchase.price");
    f.purchase_price = "36.5";
    f.payment_method.reset();
    EXPECT_EQ(check(f), "purchase.payment_method");  // paid, but how?
    f.payment_method = "cheque";
    EXPECT_EQ(check(f), "purchase.payment_method");
    f = FieldDetails{};
    f.payment_method = "cash";
    EXPECT_EQ(check(f), "purchase.price");
    f = FieldDetails{};
    f.sampling_stage = "retail";
    EXPECT_EQ(check(f), "sampling_stage");
    f = FieldDetails{};
    f.stock_quantity = "5";  // less than the 6 sampled from it
    EXPECT_EQ(check(f), "stock_quantity");
    f.stock_quantity = "many";
    EXPECT_EQ(check(f), "stock_quantity");
    f = FieldDetails{};
    f.unit_contact_phone = "call me";
    EXPECT_EQ(check(f), "unit_contact.phone");
    f = FieldDetails{};
    f.supplier_credit_code = "91330100MA27U000";
    EXPECT_EQ(check(f), "supplier.credit_code");
    EXPECT_EQ(check(FieldDetails{}, std::nullopt, {"A1"}), "sampler_certificates");  // two samplers, one number
    EXPECT_EQ(check(FieldDetails{}, std::nullopt, {"A1", "A1"}), "sampler_certificates[1]");
    EXPECT_EQ(check(FieldDetails{}, std::nullopt, {"A1", "A 2"}), "sampler_certificates[1]");
}

TEST(FieldRecord, AnOnlineShopIsRecordedUnderItsRegisteredRegion) {
    EXPECT_EQ(sampled_unit_region(shop()), "310101");
    EXPECT_FALSE(sampled_unit_region(std::nullopt));
}

}  // namespace
