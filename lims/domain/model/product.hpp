// A product in the catalogue (drug, vaccine, biological, TCM decoction piece, cosmetic,
// device) and the specification lines it is judged against.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace lims::domain {

struct Product {
    std::int64_t id = 0;
    std::string name;
    std::string category;  // drug, vaccine, biological, tcm_decoction_piece, cosmetic, device
    std::string dosage_form;
    std::string specification;    // 规格, e.g. "0.25 g × 24 tablets"
    std::string approval_number;  // 国药准字 H/Z/S/J + 8 digits
    std::optional<std::int64_t> manufacturer_entity_id;
    std::string manufacturer_name;
    std::string storage_class;  // ambient, cool, refrigerated, frozen
    std::int64_t version = 1;
};

// One legal limit of a standard (range, upper, lower or qualitative). Limits are decimal
// text so they stay exact; judgement rounds results to decimal_places (GB/T 8170).
struct SpecificationLine {
    std::int64_t id = 0;
    std::optional<std::int64_t> product_id;
    std::string standard_ref;  // e.g. "ChP 2020 Vol. II"
    std::string test_code;
    std::string test_name;
    std::string limit_kind;  // range, upper, lower, qualitative
    std::optional<std::string> lower_limit;
    std::optional<std::string> upper_limit;
    bool lower_inclusive = true;
    bool upper_inclusive = true;
    std::optional<std::string> expected_text;
    std::string unit;
    int decimal_places = 0;
    std::optional<std::string> warning_lower;  // optional "shoulder": warns, never decides
    std::optional<std::string> warning_upper;
    std::int64_t version = 1;
};

}  // namespace lims::domain
