// Samples: registration (with seals, samplers, portions, trace codes, its number and its
// audit entry, all in the caller's one transaction), look-up by number, a keyset-paginated
// listing, and corrections as new versions with a reason. Called by workflow's register
// use case and the api's sample routes.
#pragma once

#include "lims/domain/identifiers/sample_number.hpp"
#include "lims/domain/model/sample.hpp"
#include "lims/store/transaction.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lims::store {

struct NewSample {
    std::int64_t org_id = 0;  // the registering office; its region code goes into the number
    domain::SampleCategory category = domain::SampleCategory::drug;
    std::optional<std::int64_t> task_id;
    std::optional<std::int64_t> product_id;
    std::optional<std::int64_t> entity_id;
    std::string product_name;
    std::string batch_number;
    std::optional<std::string> production_date;
    std::optional<std::string> expiry_date;
    std::string quantity;
    std::string unit;
    domain::StorageCondition storage_condition = domain::StorageCondition::ambient;
    std::string sampled_at;  // UTC "YYYY-MM-DDTHH:MM:SS(.mmm)Z"; the number's year is Beijing time's
    std::string sampling_place;
    std::optional<std::int64_t> registered_by;
    std::vector<std::string> seal_numbers;
    std::vector<std::int64_t> sampler_user_ids;
    std::vector<domain::SamplePortion> portions;
    std::vector<std::string> trace_codes;
    std::string state = "registered";
};

// Fields a correction may change; unset ones stay as they are.
struct SampleCorrection {
    std::optional<std::string> product_name;
    std::optional<std::string> batch_number;
    std::optional<std::string> production_date;
    std::optional<std::string> expiry_date;
    std::optional<std::string> quantity;
    std::optional<std::string> unit;
    std::optional<std::string> sampling_place;
};

struct SampleQuery {
    std::optional<std::int64_t> within_org;  // the organisation's whole subtree
    // A laboratory's view: samples in a shipment addressed to this organisation's subtree.
    std::optional<std::int64_t> shipped_to_org;
    std::optional<std::string> state;
    std::optional<std::int64_t> task_id;
    std::int64_t after_id = 0;  // keyset cursor: the last id of the previous page
    int limit = 50;             // clamped to 1..max_page_size
};

struct SamplePage {
    std::vector<domain::Sample> items;  // without seals, samplers, portions and trace codes
    std::optional<std::int64_t> next_after_id;
};

// What the pack's label says, beside the sample row (schema_sampling.cpp).
struct SampleLabel {
    std::string category;  // the product catalogue's category ("drug", "vaccine", ...)
    std::string dosage_form;
    std::string specification;
    std::string approval_number;
    std::string manufacturer_name;
    std::string manufacturer_credit_code;  // validated by the caller (domain::CreditCode)
};

// One link of the chain of custody: a transition of the sample and who held it after.
struct CustodyEvent {
    std::int64_t id = 0;
    std::int64_t sample_id = 0;
    std::string action;
    std::string from_state;
    std::string to_state;
    std::optional<std::int64_t> actor_user_id;
    std::string actor;
    std::int64_t holder_org_id = 0;
    std::string holder_org_code;  // filled when read
    std::string place;
    std::optional<std::int64_t> shipment_id;
    std::string shipment_number;  // filled when read
    std::string note;
    std::string at_utc;
};

// The laboratory's receipt checklist and decision for one sample.
struct SampleReceipt {
    std::int64_t id = 0;
    std::int64_t sample_id = 0;
    std::optional<std::int64_t> shipment_id;
    std::int64_t lab_org_id = 0;
    std::int64_t receiver_user_id = 0;
    bool seals_intact = false;
    bool seal_numbers_match = false;
    bool labels_match = false;
    bool quantity_matches = false;
    std::string package_condition = "good";  // good, damaged, leaked, missing
    std::optional<bool> temperature_record_ok;  // only for cold-chain samples
    std::optional<std::string> cold_chain_verdict;
    std::string decision;  // accept, reject
    std::string reason;
    std::string received_at;
};

class SampleRepository {
public:
    static constexpr int max_page_size = 500;

    explicit SampleRepository(Transaction& tx) : tx_(tx) {}

    // Allocates the next number for the office's region and year from number_counters in
    // this transaction (row-locked on PostgreSQL, write-locked on SQLite): no duplicates
    // under any concurrency; a rolled-back registration leaves a gap. Errors:
    // invalid_argument (names the field), conflict (a seal number already used).
    StoreResult<domain::Sample> register_sample(const NewSample& sample, const std::string& actor);

    // Accepts the printed or compact form; invalid_argument names a mistyped number.
    StoreResult<domain::Sample> get_by_number(const std::string& number);

    StoreResult<SamplePage> list(const SampleQuery& query);

    // A new version with a reason (required): optimistic on expected_version (conflict
    // names the current version), revision row and audit entry with before and after.
    StoreResult<domain::Sample> correct(const std::string& number, std::int64_t expected_version,
                                        const SampleCorrection& correction, const std::string& reason,
                                        const std::string& actor);

    // Moves the sample from `from_state` to `to_state` as a new version (optimistic on
    // expected_version: conflict names the current version). The caller has already asked
    // the domain state machine; the audit entry is the caller's.
    StoreResult<domain::Sample> move_state(const domain::Sample& current, std::int64_t expected_version,
                                           const std::string& to_state);

    StoreResult<domain::Sample> get_by_id(std::int64_t id);

    // Links the catalogue product a sample registered from its label is judged against: a
    // new version (optimistic on expected_version: conflict names the current one) with
    // its revision row and audit entry ("sample.link_product", before and after, the
    // reason). The caller has checked the product and the sample's state.
    StoreResult<domain::Sample> link_product(const domain::Sample& current, std::int64_t expected_version,
                                             std::int64_t product_id, const std::string& reason,
                                             const std::string& actor);

    void set_label(std::int64_t sample_id, const SampleLabel& label);
    std::optional<SampleLabel> label(std::int64_t sample_id);

    void add_custody_event(const CustodyEvent& event);
    // Oldest first, with holder organisation codes and shipment numbers.
    std::vector<CustodyEvent> custody(std::int64_t sample_id);

    std::int64_t record_receipt(const SampleReceipt& receipt);
    std::vector<SampleReceipt> receipts(std::int64_t sample_id);

private:
    Transaction& tx_;
};

// The materialised path of an organisation ("/1/4/"), or nullopt when it does not exist.
std::optional<std::string> organisation_path(Transaction& tx, std::int64_t org_id);

std::string to_json(const domain::Sample& sample);

// The year a sample number carries: the calendar year in Beijing time (UTC+8) of sampled_at.
std::optional<int> sample_number_year(const std::string& sampled_at_utc);

}  // namespace lims::store
