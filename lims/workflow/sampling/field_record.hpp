// What a sampling record holds beside the label (issue 16 items 8 and 9): the sampling
// stage, supplier, stock, the sampled unit's contact, the purchase of the sample and its
// payment, the samplers' enforcement certificates, and for online sampling (网络抽样) the
// platform, shop, order and the parcel's delivery. Checked and written by register_sample
// in its transaction; read by get_sample, the sampling record PDF and the notices (the
// bureaus of an online shop's registered address and of its platform).
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/transaction.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::sampling {

// 生产环节 / 经营环节 / 使用环节.
inline constexpr const char* kSamplingStages[] = {"production", "distribution", "use"};
inline constexpr const char* kPaymentMethods[] = {"cash",   "bank_card",     "wechat_pay",
                                                  "alipay", "bank_transfer", "platform_order"};

struct Delivery {
    std::string carrier;
    std::string tracking_number;
    std::optional<std::string> received_on;  // YYYY-MM-DD, not after today (Beijing)
    std::string note;
};

struct OnlinePurchase {
    std::string platform_name;
    std::string platform_operator_credit_code;  // GB 32100: the platform operator (平台经营者)
    // The platform operator's registered region (GB/T 2260); empty: positions 3-8 of its credit code.
    std::string platform_region_code;
    std::string shop_name;
    std::string shop_url;
    std::string shop_region_code;  // the shop's registered address's region (GB/T 2260)
    std::string shop_address;
    std::string order_number;
    std::string receiving_address;
    std::optional<Delivery> delivery;
};

struct FieldDetails {
    std::optional<std::string> sampling_stage;
    std::string supplier_name;
    std::string supplier_credit_code;  // optional; checked when given
    std::optional<std::string> stock_quantity;  // in the sample's unit
    std::string unit_contact_name;
    std::string unit_contact_phone;
    std::optional<std::string> purchase_price;  // yuan, up to two decimals
    std::optional<std::string> payment_method;
    std::string payment_reference;

    bool any() const;
};

// Everything checkable without the database; `quantity` is the sample's, `samplers` how
// many samplers sign (the certificates, when given, are one per sampler in their order).
// Errors: sampling.invalid_field:<field> naming the field (online.shop_url, ...).
std::optional<domain::Error> validate_field_record(const FieldDetails& details, const std::optional<OnlinePurchase>& online,
                                                   const std::vector<std::string>& certificates, std::size_t samplers,
                                                   const std::string& quantity, std::chrono::sys_days today);

// A delivery recorded after registration (record_delivery_of, delivery.hpp) is checked the same way.
std::optional<domain::Error> validate_delivery(const Delivery& delivery, std::chrono::sys_days today);

// The region a first-visit sampled unit is recorded under: an online shop's registered
// region; nullopt: the office's own.
std::optional<std::string> sampled_unit_region(const std::optional<OnlinePurchase>& online);

// Writes the rows of an already validated request (none for what was not given).
void record_field_details(store::Transaction& tx, std::int64_t sample_id, const FieldDetails& details,
                          const std::optional<OnlinePurchase>& online, const std::vector<std::int64_t>& sampler_ids,
                          const std::vector<std::string>& certificates, const std::string& actor_name,
                          std::optional<std::int64_t> actor_user_id);
void record_delivery(store::Transaction& tx, std::int64_t sample_id, const Delivery& delivery,
                     const std::string& actor_name, std::optional<std::int64_t> actor_user_id);

struct DeliveryRow {
    Delivery delivery;
    std::string recorded_by;
    std::string recorded_at;
};
struct SamplerCertificate {
    std::int64_t user_id = 0;
    std::string certificate_number;
};
struct FieldRecord {
    std::optional<FieldDetails> details;
    std::optional<OnlinePurchase> online;  // delivery: the newest one
    std::vector<DeliveryRow> deliveries;   // oldest first
    std::vector<SamplerCertificate> certificates;
};
FieldRecord load_field_record(store::Transaction& tx, std::int64_t sample_id);

// Where the nonconformity notice of an online sample also goes: the bureau of the shop's
// registered region and that of the platform operator's. Empty for a sample bought on site.
struct NoticeParty {
    std::string party;  // "online_shop", "platform_operator"
    std::string region_code;
    std::string name;   // the shop's or the platform's name, for an external notice
};
std::vector<NoticeParty> online_notice_parties(store::Transaction& tx, std::int64_t sample_id);
// Records which party's bureau a notice went to (notice_parties).
void record_notice_party(store::Transaction& tx, std::int64_t notice_id, const NoticeParty& party);

}  // namespace lims::workflow::sampling
