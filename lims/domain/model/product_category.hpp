// The product categories, one list for the whole service: a product's category in the
// catalogue, a plan quota's and a statistic's category, a storage unit's and an excursion
// rule's product class, and the first letter of a sample number. The database's CHECK
// constraints (products.category in migration 1, the product_class columns of migration 5)
// list the same words; tests/unit/store/product_category_check_test.cpp keeps them equal.
#pragma once

#include "lims/domain/identifiers/sample_number.hpp"

#include <array>
#include <optional>
#include <string_view>

namespace lims::domain {

inline constexpr std::array<std::string_view, 6> kProductCategories{
    "drug", "vaccine", "biological", "tcm_decoction_piece", "cosmetic", "device"};
// The same, for messages naming what is allowed.
inline constexpr std::string_view kProductCategoryList = "drug, vaccine, biological, tcm_decoction_piece, cosmetic, device";

constexpr bool is_product_category(std::string_view category) {
    for (auto c : kProductCategories)
        if (c == category) return true;
    return false;
}

// The sample number's category letter of a product category (device -> medical_device 'M');
// nullopt for a word that is no category.
std::optional<SampleCategory> sample_category_of(std::string_view category);

}  // namespace lims::domain
