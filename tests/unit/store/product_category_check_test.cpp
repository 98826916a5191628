// The database's CHECK constraints on product categories (products.category, the product
// class of storage units and excursion rules) list exactly the domain's one list.
#include "lims/domain/model/product_category.hpp"
#include "lims/store/migrations.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

// The quoted words of each "IN ('drug', ...)" list in `sql`.
std::vector<std::vector<std::string>> category_lists(const std::string& sql) {
    std::vector<std::vector<std::string>> lists;
    for (auto at = sql.find("IN ('drug'"); at != std::string::npos; at = sql.find("IN ('drug'", at + 1)) {
        const auto end = sql.find(')', at);
        std::vector<std::string> words;
        for (auto q = sql.find('\'', at); q != std::string::npos && q < end;) {
            const auto close = sql.find('\'', q + 1);
            words.push_back(sql.substr(q + 1, close - q - 1));
            q = sql.find('\'', close + 1);
        }
        lists.push_back(std::move(words));
    }
    return lists;
}

}  // namespace

TEST(ProductCategoryCheck, EveryCheckConstraintListsTheDomainsCategories) {
    const std::vector<std::string> expected(lims::domain::kProductCategories.begin(),
                                            lims::domain::kProductCategories.end());
    int found = 0;
    for (const auto& migration : lims::store::builtin_migrations()) {
        for (const auto& step : migration.steps) {
            for (const auto& list : category_lists(step.sql)) {
                ++found;
                EXPECT_EQ(list, expected) << "migration " << migration.version << " " << migration.name;
            }
        }
    }
    EXPECT_GE(found, 1) << "products.category's CHECK constraint (migration 1) was not found";
}

TEST(ProductCategoryCheck, EachCategoryHasASampleNumberLetter) {
    for (auto c : lims::domain::kProductCategories) EXPECT_TRUE(lims::domain::sample_category_of(c)) << c;
    EXPECT_FALSE(lims::domain::sample_category_of("food"));
    EXPECT_FALSE(lims::domain::is_product_category("medical_device"));
    EXPECT_TRUE(lims::domain::is_product_category("device"));
}
