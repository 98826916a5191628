// The database's CHECK constraints on product categories (products.category, the product
// class of storage units and excursion rules) list exactly the domain's one list; those on
// the statutory regime a rule follows (the re-inspection laboratory directory: drug, cosmetic,
// device) list exactly the regimes the categories fall under.
#include "lims/domain/calendar/statutory_rules.hpp"
#include "lims/domain/model/product_category.hpp"
#include "lims/store/migrations.hpp"

#include <gtest/gtest.h>

#include <algorithm>
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
    std::vector<std::string> regimes;  // drug, cosmetic, device: in the categories' order
    for (auto category : lims::domain::kProductCategories) {
        const std::string regime(lims::domain::statutory::rule_category_of(category));
        ASSERT_FALSE(regime.empty()) << category << " falls under no statutory regime";
        if (std::find(regimes.begin(), regimes.end(), regime) == regimes.end()) regimes.push_back(regime);
    }
    int found = 0;
    for (const auto& migration : lims::store::builtin_migrations()) {
        for (const auto& step : migration.steps) {
            for (const auto& list : category_lists(step.sql)) {
                ++found;
                EXPECT_TRUE(list == expected || list == regimes)
                    << "migration " << migration.version << " " << migration.name << ": "
                    << ::testing::PrintToString(list) << " is neither the categories "
                    << ::testing::PrintToString(expected) << " nor their regimes " << ::testing::PrintToString(regimes);
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
