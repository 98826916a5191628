// Registration of a sample on site (抽样登记) against a task of the sampler's own office,
// and the reads of samples within the caller's jurisdiction (the office's subtree, the
// laboratory it was shipped to, the bureau of the region). One transaction per call with
// its audit entry and custody event; called by the API's sampling routes and the tests.
#pragma once

#include "lims/domain/model/sample.hpp"
#include "lims/store/database.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/sampling/field_record.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::sampling {

// The place sampled from (被抽样单位), found by its credit code or recorded on first visit.
struct SampledEntity {
    std::string name;
    std::string credit_code;
    std::string kind;  // pharmacy, hospital, ... (regulated_entities.kind)
    std::string address;
};

struct LabelledProduct {
    // The catalogue product (products.id) when the sampler picked one: the laboratory's
    // tests are set up from its specification lines at receipt. Optional: a product not in
    // the catalogue is registered by its label alone.
    std::optional<std::int64_t> catalogue_id;
    std::string name;
    std::string category;  // drug, vaccine, biological, tcm_decoction_piece, cosmetic, device
    std::string dosage_form;
    std::string specification;
    std::string approval_number;  // optional; validated when given (国药准字 for drugs)
    std::string manufacturer_name;
    std::string manufacturer_credit_code;
};

struct RegistrationRequest {
    std::string task_number;
    SampledEntity entity;
    LabelledProduct product;
    std::string batch_number;
    std::string production_date;             // YYYY-MM-DD, not after today (Beijing)
    std::optional<std::string> expiry_date;  // after the production date
    std::string quantity;                    // decimal text; test + retained portions add up to it
    std::string unit;
    std::string test_quantity;
    std::string retained_quantity;
    std::string storage_condition;  // ambient, cool, refrigerated, frozen
    std::vector<std::string> seal_numbers;
    std::vector<std::int64_t> sampler_user_ids;  // at least two users of the task's office
    std::string sampled_at;                       // UTC, not in the future
    std::string sampling_place;
    std::vector<std::string> trace_codes;
    // Issue 16 items 8 and 9 (field_record.hpp): stage, supplier, stock, contact, purchase;
    // the samplers' enforcement certificate numbers (none, or one per sampler in order);
    // an online shop's purchase (网络抽样) instead of a counter.
    FieldDetails field;
    std::vector<std::string> sampler_certificates;
    std::optional<OnlinePurchase> online;
};

// The sample with what the record shows beside it.
struct SampleDetail {
    domain::Sample sample;
    std::optional<store::SampleLabel> label;
    std::string task_number;
    std::vector<store::SampleReceipt> receipts;
    FieldRecord field;
};

// 药品管理法实施条例 art. 52 (and 药品质量抽查检验管理办法): sampling by at least two people.
inline constexpr std::size_t kMinSamplers = 2;
// How far a device clock may run ahead of the server before sampled_at counts as "in the future".
inline constexpr std::chrono::minutes kClockSkewAllowance{5};

domain::Result<domain::Sample> register_sample(store::Database& db, const Actor& actor,
                                               const RegistrationRequest& request);

domain::Result<SampleDetail> get_sample(store::Database& db, const Actor& actor, const std::string& number);

struct SampleFilter {
    std::optional<std::string> state;
    std::optional<std::string> task_number;
    std::int64_t after_id = 0;
    int limit = 50;
};
// A laboratory (inspection centre) lists the samples shipped to it; everyone else their
// organisation's subtree.
domain::Result<store::SamplePage> list_samples(store::Database& db, const Actor& actor, const SampleFilter& filter);

// Whether the actor may see the sample: registered in their subtree, or shipped to it.
bool sample_visible(store::Transaction& tx, const Actor& actor, const domain::Sample& sample);

}  // namespace lims::workflow::sampling
