#include "lims/domain/model/product_category.hpp"

namespace lims::domain {
namespace {

// kProductCategoryList is kProductCategories joined with ", ".
constexpr bool list_matches() {
    std::string_view rest = kProductCategoryList;
    for (std::size_t i = 0; i < kProductCategories.size(); ++i) {
        const auto c = kProductCategories[i];
        if (rest.substr(0, c.size()) != c) return false;
        rest.remove_prefix(c.size());
        if (i + 1 < kProductCategories.size()) {
            if (rest.substr(0, 2) != ", ") return false;
            rest.remove_prefix(2);
        }
    }
    return rest.empty();
}
static_assert(list_matches(), "kProductCategoryList must be kProductCategories joined with \", \"");

}  // namespace

std::optional<SampleCategory> sample_category_of(std::string_view c) {
    using enum SampleCategory;
    if (c == "drug") return drug;
    if (c == "vaccine") return vaccine;
    if (c == "biological") return biological;
    if (c == "tcm_decoction_piece") return tcm_decoction;
    if (c == "cosmetic") return cosmetic;
    if (c == "device") return medical_device;
    return std::nullopt;
}

}  // namespace lims::domain
