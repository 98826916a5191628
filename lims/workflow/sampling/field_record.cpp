#include "lims/workflow/sampling/field_record.hpp"

#include "lims/domain/decimal.hpp"
#include "lims/domain/evidence/shop_url.hpp"
#include "lims/domain/identifiers/credit_code.hpp"
#include "lims/domain/identifiers/region_code.hpp"
#include "lims/store/sql.hpp"
#include "lims/workflow/sampling/dates.hpp"
#include "lims/workflow/sampling/errors.hpp"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace lims::workflow::sampling {

namespace {

// Yuan with fen: the price printed on a receipt (人民币, two decimals).
constexpr int kPriceScale = 2;
constexpr std::size_t kMaxCertificate = 32;

bool one_of(const std::string& value, const auto& list) {
    return std::any_of(std::begin(list), std::end(list), [&](const char* x) { return value == x; });
}

bool printable_code(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7F;
    });
}

bool phone_text(const std::string& s) {
    if (s.size() < 5 || s.size() > 20) return false;
    int digits = 0;
    for (char c : s) {
        if (c >= '0' && c <= '9') ++digits;
        else if (c != '+' && c != '-' && c != ' ' && c != '(' && c != ')') return false;
    }
    return digits >= 5;
}

std::optional<domain::Error> region(const std::string& field, const std::string& text) {
    if (auto r = domain::RegionCode::parse(text); !r)
        return invalid_field(field, "\"" + text + "\" is not a region code (GB/T 2260): " + r.error().message);
    return std::nullopt;
}

std::optional<domain::Error> validate_delivery(const std::string& prefix, const Delivery& d, std::chrono::sys_days today) {
    if (d.carrier.empty()) return invalid_field(prefix + "carrier", "name the carrier (快递公司)");
    if (!printable_code(d.tracking_number) || d.tracking_number.size() > 40)
        return invalid_field(prefix + "tracking_number", "a tracking number is 1 to 40 letters, digits or signs without spaces");
    if (d.received_on) {
        const auto day = parse_date(*d.received_on);
        if (!day) return invalid_field(prefix + "received_on", "\"" + *d.received_on + "\" is not a date YYYY-MM-DD");
        if (*day > today) return invalid_field(prefix + "received_on", *d.received_on + " is in the future");
    }
    return std::nullopt;
}

std::string platform_region(const OnlinePurchase& o) {
    if (!o.platform_region_code.empty()) return o.platform_region_code;
    auto code = domain::CreditCode::parse(o.platform_operator_credit_code);
    return code ? std::string(code->region_digits()) : std::string();
}

}  // namespace

bool FieldDetails::any() const {
    return sampling_stage || !supplier_name.empty() || !supplier_credit_code.empty() || stock_quantity ||
           !unit_contact_name.empty() || !unit_contact_phone.empty() || purchase_price || payment_method ||
           !payment_reference.empty();
}

std::optional<domain::Error> validate_delivery(const Delivery& d, std::chrono::sys_days today) {
    return validate_delivery("", d, today);
}

std::optional<domain::Error> validate_field_record(const FieldDetails& f, const std::optional<OnlinePurchase>& online,
                                                   const std::vector<std::string>& certificates, std::size_t samplers,
                                                   const std::string& quantity, std::chrono::sys_days today) {
    if (f.sampling_stage && !one_of(*f.sampling_stage, kSamplingStages))
        return invalid_field("sampling_stage", "unknown sampling stage \"" + *f.sampling_stage +
                                                   "\" (production, distribution or use)");
    // An online shop sells: what it sells was sampled in distribution (经营环节).
    if (online && f.sampling_stage && *f.sampling_stage != "distribution")
        return invalid_field("sampling_stage", "a sample bought from an online shop is sampled in distribution, not " +
                                                   *f.sampling_stage);
    if (!f.supplier_credit_code.empty())
        if (auto c = domain::CreditCode::parse(f.supplier_credit_code); !c)
            return invalid_field("supplier.credit_code", c.error().message);
    if (f.stock_quantity) {
        auto stock = domain::Decimal::parse(*f.stock_quantity);
        if (!stock || stock->is_negative())
            return invalid_field("stock_quantity", "\"" + *f.stock_quantity + "\" is not a quantity of zero or more");
        if (auto sampled = domain::Decimal::parse(quantity); sampled && *stock < *sampled)
            return invalid_field("stock_quantity", "the stock " + *f.stock_quantity + " is less than the " + quantity +
                                                       " sampled from it");
    }
    if (!f.unit_contact_phone.empty() && !phone_text(f.unit_contact_phone))
        return invalid_field("unit_contact.phone", "\"" + f.unit_contact_phone +
                                                       "\" is not a telephone number (5 to 20 digits, + - ( ) and spaces)");
    if (f.purchase_price) {
        auto price = domain::Decimal::parse(*f.purchase_price);
        if (!price || price->is_negative() || price->scale() > kPriceScale)
            return invalid_field("purchase.price", "\"" + *f.purchase_price + "\" is not a price in yuan (e.g. 36.50)");
        if (!price->is_zero() && !f.payment_method)
            return invalid_field("purchase.payment_method", "say how the sample's price was paid");
    }
    if (f.payment_method && !one_of(*f.payment_method, kPaymentMethods))
        return invalid_field("purchase.payment_method", "unknown payment method \"" + *f.payment_method + "\"");
    if (f.payment_method && !f.purchase_price)
        return invalid_field("purchase.price", "a payment needs the price paid");

    if (!certificates.empty()) {
        if (certificates.size() != samplers)
            return invalid_field("sampler_certificates", "give one enforcement certificate number per sampler (" +
                                                             std::to_string(samplers) + "), in the samplers' order");
        std::set<std::string> seen;
        for (std::size_t i = 0; i < certificates.size(); ++i) {
            const auto field = "sampler_certificates[" + std::to_string(i) + "]";
            if (!printable_code(certificates[i]) || certificates[i].size() > kMaxCertificate)
                return invalid_field(field, "an enforcement certificate number is 1 to 32 letters and digits");
            if (!seen.insert(certificates[i]).second)
                return invalid_field(field, "certificate " + certificates[i] + " is listed twice");
        }
    }

    if (online) {
        const auto& o = *online;
        if (o.platform_name.empty()) return invalid_field("online.platform_name", "name the platform");
        if (auto c = domain::CreditCode::parse(o.platform_operator_credit_code); !c)
            return invalid_field("online.platform_credit_code", c.error().message);
        if (auto bad = region(o.platform_region_code.empty() ? "online.platform_credit_code" : "online.platform_region_code",
                              platform_region(o)))
            return bad;
        if (o.shop_name.empty()) return invalid_field("online.shop_name", "name the shop");
        if (auto u = domain::ShopUrl::parse(o.shop_url); !u) return invalid_field("online.shop_url", u.error().message);
        if (auto bad = region("online.shop_region_code", o.shop_region_code)) return bad;
        if (!printable_code(o.order_number) || o.order_number.size() > 64)
            return invalid_field("online.order_number", "an order number is 1 to 64 letters, digits or signs without spaces");
        if (o.receiving_address.empty())
            return invalid_field("online.receiving_address", "give the address the parcel was sent to");
        // Bought, so paid for: the price is on the order.
        if (!f.purchase_price) return invalid_field("purchase.price", "a sample bought online has the price of its order");
        if (o.delivery)
            if (auto bad = validate_delivery("online.delivery.", *o.delivery, today)) return bad;
    }
    return std::nullopt;
}

std::optional<std::string> sampled_unit_region(const std::optional<OnlinePurchase>& online) {
    if (!online) return std::nullopt;
    return online->shop_region_code;
}

void record_field_details(store::Transaction& tx, std::int64_t sample_id, const FieldDetails& f,
                          const std::optional<OnlinePurchase>& online, const std::vector<std::int64_t>& sampler_ids,
                          const std::vector<std::string>& certificates, const std::string& actor_name,
                          std::optional<std::int64_t> actor_user_id) {
    const std::string at = tx.now_utc();
    std::optional<std::string> stage = f.sampling_stage;
    if (online && !stage) stage = "distribution";
    if (f.any() || online) {
        std::optional<std::string> supplier_code;
        if (!f.supplier_credit_code.empty()) supplier_code = domain::CreditCode::parse(f.supplier_credit_code)->text();
        std::optional<std::string> price;
        if (f.purchase_price) price = domain::Decimal::parse(*f.purchase_price)->to_string();
        store::sql(tx,
                   "INSERT INTO sample_field_details (sample_id, sampling_stage, supplier_name, supplier_credit_code, "
                   "stock_quantity, unit_contact_name, unit_contact_phone, purchase_price, payment_method, "
                   "payment_reference, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                   {sample_id, stage, f.supplier_name, supplier_code, f.stock_quantity, f.unit_contact_name,
                    f.unit_contact_phone, price, f.payment_method, f.payment_reference, at});
    }
    for (std::size_t i = 0; i < certificates.size() && i < sampler_ids.size(); ++i)
        store::sql(tx,
                   "INSERT INTO sample_sampler_certificates (sample_id, user_id, certificate_number) VALUES ($1, $2, $3)",
                   {sample_id, sampler_ids[i], certificates[i]});
    if (online) {
        const auto& o = *online;
        const std::string platform_code = domain::CreditCode::parse(o.platform_operator_credit_code)->text();
        const std::string platform_region_code = platform_region(o);
        store::sql(tx,
                   "INSERT INTO sample_online_purchases (sample_id, platform_name, platform_operator_credit_code, "
                   "platform_region_code, shop_name, shop_url, shop_region_code, shop_address, order_number, "
                   "receiving_address, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                   {sample_id, o.platform_name, platform_code, platform_region_code, o.shop_name, o.shop_url,
                    o.shop_region_code, o.shop_address, o.order_number, o.receiving_address, at});
        if (o.delivery) record_delivery(tx, sample_id, *o.delivery, actor_name, actor_user_id);
    }
    if (!f.any() && !online && certificates.empty()) return;
    // One audit entry for what the record holds beside the label, read back as stored.
    const auto stored = load_field_record(tx, sample_id);
    Poco::JSON::Object after;
    if (stored.details) {
        const auto& d = *stored.details;
        after.set("sampling_stage", d.sampling_stage ? Poco::Dynamic::Var(*d.sampling_stage) : Poco::Dynamic::Var());
        after.set("supplier_name", d.supplier_name);
        after.set("supplier_credit_code", d.supplier_credit_code);
        after.set("stock_quantity", d.stock_quantity ? Poco::Dynamic::Var(*d.stock_quantity) : Poco::Dynamic::Var());
        after.set("unit_contact_name", d.unit_contact_name);
        after.set("unit_contact_phone", d.unit_contact_phone);
        after.set("purchase_price", d.purchase_price ? Poco::Dynamic::Var(*d.purchase_price) : Poco::Dynamic::Var());
        after.set("payment_method", d.payment_method ? Poco::Dynamic::Var(*d.payment_method) : Poco::Dynamic::Var());
        after.set("payment_reference", d.payment_reference);
    }
    Poco::JSON::Array certs;
    for (const auto& c : stored.certificates) certs.add(std::to_string(c.user_id) + ":" + c.certificate_number);
    after.set("sampler_certificates", certs);
    if (stored.online) {
        const auto& o = *stored.online;
        Poco::JSON::Object j;
        j.set("platform_name", o.platform_name);
        j.set("platform_operator_credit_code", o.platform_operator_credit_code);
        j.set("platform_region_code", o.platform_region_code);
        j.set("shop_name", o.shop_name);
        j.set("shop_url", o.shop_url);
        j.set("shop_region_code", o.shop_region_code);
        j.set("order_number", o.order_number);
        j.set("receiving_address", o.receiving_address);
        after.set("online", j);
    }
    std::ostringstream json;
    after.stringify(json);
    const auto number = store::sql(tx, "SELECT number FROM samples WHERE id = $1", {sample_id});
    tx.record({actor_name, "sample.field_record", "sample", number.rows.at(0).text(0), "", json.str(),
               "recorded at registration"});
}

void record_delivery(store::Transaction& tx, std::int64_t sample_id, const Delivery& d, const std::string& actor_name,
                     std::optional<std::int64_t> actor_user_id) {
    store::sql(tx,
               "INSERT INTO sample_deliveries (sample_id, carrier, tracking_number, received_on, note, recorded_by, "
               "recorded_by_name, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
               {sample_id, d.carrier, d.tracking_number, d.received_on, d.note, actor_user_id, actor_name, tx.now_utc()});
}

FieldRecord load_field_record(store::Transaction& tx, std::int64_t sample_id) {
    FieldRecord r;
    auto d = store::sql(tx,
                        "SELECT sampling_stage, supplier_name, supplier_credit_code, stock_quantity, unit_contact_name, "
                        "unit_contact_phone, purchase_price, payment_method, payment_reference FROM sample_field_details "
                        "WHERE sample_id = $1",
                        {sample_id});
    if (!d.rows.empty()) {
        auto& row = d.rows.front();
        FieldDetails f;
        f.sampling_stage = row.optional_text(0);
        f.supplier_name = row.text(1);
        f.supplier_credit_code = row.optional_text(2).value_or("");
        f.stock_quantity = row.optional_text(3);
        f.unit_contact_name = row.text(4);
        f.unit_contact_phone = row.text(5);
        f.purchase_price = row.optional_text(6);
        f.payment_method = row.optional_text(7);
        f.payment_reference = row.text(8);
        r.details = f;
    }
    for (auto& row : store::sql(tx,
                                "SELECT user_id, certificate_number FROM sample_sampler_certificates WHERE sample_id = $1 "
                                "ORDER BY user_id",
                                {sample_id})
                         .rows)
        r.certificates.push_back({row.integer(0), row.text(1)});
    auto o = store::sql(tx,
                        "SELECT platform_name, platform_operator_credit_code, platform_region_code, shop_name, shop_url, "
                        "shop_region_code, shop_address, order_number, receiving_address FROM sample_online_purchases "
                        "WHERE sample_id = $1",
                        {sample_id});
    if (!o.rows.empty()) {
        auto& row = o.rows.front();
        r.online = OnlinePurchase{row.text(0), row.text(1), row.text(2), row.text(3), row.text(4),
                                  row.text(5), row.text(6), row.text(7), row.text(8), std::nullopt};
    }
    for (auto& row : store::sql(tx,
                                "SELECT carrier, tracking_number, received_on, note, recorded_by_name, recorded_at "
                                "FROM sample_deliveries WHERE sample_id = $1 ORDER BY id",
                                {sample_id})
                         .rows)
        r.deliveries.push_back({{row.text(0), row.text(1), row.optional_text(2), row.text(3)}, row.text(4), row.text(5)});
    if (r.online && !r.deliveries.empty()) r.online->delivery = r.deliveries.back().delivery;
    return r;
}

std::vector<NoticeParty> online_notice_parties(store::Transaction& tx, std::int64_t sample_id) {
    auto o = store::sql(tx,
                        "SELECT shop_name, shop_region_code, platform_name, platform_region_code "
                        "FROM sample_online_purchases WHERE sample_id = $1",
                        {sample_id});
    if (o.rows.empty()) return {};
    const auto& row = o.rows.front();
    return {{"online_shop", row.text(1), row.text(0)}, {"platform_operator", row.text(3), row.text(2)}};
}

void record_notice_party(store::Transaction& tx, std::int64_t notice_id, const NoticeParty& party) {
    store::sql(tx, "INSERT INTO notice_parties (notice_id, party, region_code) VALUES ($1, $2, $3)",
               {notice_id, party.party, party.region_code});
}

}  // namespace lims::workflow::sampling
