// A sample taken in the field: what was taken, where, by whom, under which seals, split
// into test and retained portions, kept at a storage condition. Plain data filled by
// lims/store's SampleRepository; the state machine that moves `state` lives in the domain.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lims::domain {

// Storage conditions as the Chinese Pharmacopoeia names them: 常温 10–30 °C, 阴凉 ≤ 20 °C,
// 冷处/冷藏 2–8 °C, 冷冻 ≤ −20 °C.
enum class StorageCondition { ambient, cool, refrigerated, frozen };

inline std::string_view to_string(StorageCondition c) {
    switch (c) {
        case StorageCondition::ambient: return "ambient";
        case StorageCondition::cool: return "cool";
        case StorageCondition::refrigerated: return "refrigerated";
        case StorageCondition::frozen: return "frozen";
    }
    return "ambient";
}

inline std::optional<StorageCondition> storage_condition_from(std::string_view text) {
    for (auto c : {StorageCondition::ambient, StorageCondition::cool, StorageCondition::refrigerated,
                   StorageCondition::frozen})
        if (to_string(c) == text) return c;
    return std::nullopt;
}

enum class PortionKind { test, retained };  // 检验样品 / 留样

inline std::string_view to_string(PortionKind k) { return k == PortionKind::test ? "test" : "retained"; }

struct SamplePortion {
    PortionKind kind = PortionKind::test;
    std::string quantity;  // decimal text, exact ("3", "0.5")
    std::string unit;      // "box", "vial", "g"
    std::optional<std::int64_t> storage_unit_id;
};

struct Sample {
    std::int64_t id = 0;
    std::string number;  // printed form of lims::domain::SampleNumber
    std::int64_t org_id = 0;  // the registering office
    std::optional<std::int64_t> task_id;
    std::optional<std::int64_t> product_id;
    std::optional<std::int64_t> entity_id;  // where it was taken
    std::string product_name;               // as written on the pack
    std::string batch_number;
    std::optional<std::string> production_date;  // "YYYY-MM-DD"
    std::optional<std::string> expiry_date;
    std::string quantity;  // decimal text
    std::string unit;
    StorageCondition storage_condition = StorageCondition::ambient;
    std::string sampled_at;  // UTC timestamp
    std::string sampling_place;
    std::string state;  // e.g. "registered"; values and moves belong to the sample state machine
    std::optional<std::int64_t> registered_by;
    std::vector<std::string> seal_numbers;
    std::vector<std::int64_t> sampler_user_ids;
    std::vector<SamplePortion> portions;
    std::vector<std::string> trace_codes;  // 药品追溯码 read from the packs taken
    std::int64_t version = 1;
    std::string created_at;
    std::string updated_at;
};

}  // namespace lims::domain
